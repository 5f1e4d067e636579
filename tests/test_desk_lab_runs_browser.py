"""The whole policy question in a real browser (issue 27, "Done when"): `aturan desk` on a real
uvicorn server with its worker thread, Debian's chromium through playwright, scripts on (the charts
are plotly, served by the desk itself under its CSP). A drafter opens the parameter
assessment.validity_years, changes it to 2 years with its draft clause and downloads the reform
YAML; runs that YAML on a sample of 2,000, watches the jobs, reads the per-cause summary and one
participant's two explanations side by side, sees the charts drawn; then saves the question and
downloads its memo (DOCX, read back with python-docx)."""

from __future__ import annotations

import time

import pytest
import yaml
from conftest import ROOT
from desk_support import PASSWORD, add_account, desk_config
from docx import Document
from test_browser import CHROMIUM, CHROMIUM_ARGS
from test_desk_issue_browser import desk_server
from test_desk_lab_browser import CITATION, TEXT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("desk-browser")]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(accept_downloads=True)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and _script_error(page, m.text))
        page.on("response", lambda r: _refused(page, r))
        yield page
        chromium.close()


def _script_error(page, text):
    if not text.startswith("Failed to load resource"):  # said apart, with its address
        page.errors.append(text)


def _refused(page, response):
    """A page's resource the desk did not serve (the browser's own favicon request aside)."""
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        page.errors.append(f"{response.status} {response.url}")


def sign_in(page, base):
    page.goto(f"{base}/masuk")
    page.fill("input[name=nama_pengguna]", "rina")
    page.fill("input[name=kata_sandi]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/masuk'] button")


def write_the_reform(page, tmp_path):
    """Open the parameter, change it to 2 years with its draft clause, download the YAML."""
    page.get_by_role("navigation").get_by_role("link", name="Parameter", exact=True).click()
    validity = page.locator("#p-assessment\\.validity_years")
    assert validity.locator(".nilai").inner_text() == "3"
    with page.expect_navigation():
        validity.get_by_role("link", name="Ubah assessment.validity_years di formulir").click()
    page.fill("#nama", "Masa berlaku hasil asesmen 2 tahun")
    page.fill("#p0_dari", "2027-01-01")
    page.fill("#p0_nilai", "2")
    page.fill("#p0_klausul", "rancangan-perlan:pasal-12-ayat-2")
    page.fill("#p0_kutipan", CITATION)
    page.fill("#p0_teks", TEXT)
    page.fill("#p0_dibaca", "draf perumus (contoh)")
    with page.expect_navigation():
        page.click("#periksa")
    assert "Reformasi sah" in page.get_by_role("status").inner_text()
    with page.expect_download() as download:
        page.click("#unduh")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    by_hand = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
    assert yaml.safe_load(saved.read_text()) == yaml.safe_load(by_hand.read_text())
    return saved


def test_a_drafter_asks_the_two_year_validity_question_from_the_parameter_to_the_memo(
    page, tmp_path
):
    config = desk_config(tmp_path, "LAN")
    registry = tmp_path / "registri.sqlite"
    add_account(registry, config, "rina", "drafter", "Rina Perumus")
    with desk_server(registry, config) as base:
        sign_in(page, base)
        reform = write_the_reform(page, tmp_path)
        page.click("nav a:has-text('Jalankan pertanyaan')")
        page.check("#kohort-sampel")
        page.fill("#ukuran", "2000")
        page.fill("#tahun", "2027")
        page.set_input_files("#reformasi", reform)
        page.fill("#tanggal_keputusan", "2027-12-31")
        with page.expect_navigation():
            page.click("#mulai")
        results = page.url
        deadline = time.monotonic() + 600
        while page.locator("#status-banding").inner_text() != "selesai":
            assert page.locator("#status-diff").inner_text() != "gagal", page.content()
            assert page.locator("#status-banding").inner_text() != "gagal", page.content()
            assert time.monotonic() < deadline, "the jobs did not end within 600 s"
            time.sleep(1)
            page.reload()

        changed = int(page.locator("#berubah strong").inner_text())
        assert changed > 0
        first = page.locator("#ringkasan tbody tr").first
        assert first.inner_text().startswith("sebab: parameter assessment.validity_years")
        page.locator("#grafik-biaya .main-svg").first.wait_for(timeout=30_000)
        for chart in ("grafik-asesmen", "grafik-klaster", "grafik-jp", "grafik-biaya"):
            assert page.locator(f"#{chart} svg").count() > 0, chart
        assert page.locator("#grafik-biaya-dasar").inner_text().startswith("Biaya dihitung")
        assert not page.errors, page.errors  # no script refused by the CSP, none failing

        of_cause = int(first.locator("td").nth(1).inner_text())
        with page.expect_navigation():
            first.locator("a").click()
        assert page.locator("#peserta tbody tr").count() == of_cause
        nip = page.locator("#peserta tbody tr a").first.inner_text()
        with page.expect_navigation():
            page.locator("#peserta tbody tr a").first.click()
        baseline = page.locator("#penjelasan-berlaku").inner_text()
        reformed = page.locator("#penjelasan-reformasi").inner_text()
        assert nip in baseline and nip in reformed and baseline != reformed
        boxes = [page.locator(f"#penjelasan-{s}").bounding_box() for s in ("berlaku", "reformasi")]
        assert boxes[0]["x"] < boxes[1]["x"] and boxes[0]["y"] == boxes[1]["y"], "side by side"

        page.goto(results)
        page.fill("#nama", "Masa berlaku 2 tahun")
        page.fill("#uraian", "Bagaimana jika hasil penilaian berlaku 2 tahun?")
        with page.expect_navigation():
            page.click("#simpan-tombol")
        row = page.locator("#pertanyaan tbody tr", has_text="Masa berlaku 2 tahun")
        assert "rina" in row.inner_text() and "sampel 2000 peserta" in row.inner_text()
        with page.expect_download() as download:
            row.get_by_role("link", name="Memo (DOCX)").click()
        memo = tmp_path / download.value.suggested_filename
        download.value.save_as(memo)
        assert memo.name == "memo-masa-berlaku-2-tahun.docx"
        document = Document(str(memo))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
        assert "MEMO KEBIJAKAN" in text and "Masa berlaku 2 tahun" in text and TEXT in text
