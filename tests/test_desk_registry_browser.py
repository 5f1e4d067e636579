"""The registry pages and the auditor's view in a real browser (issue 26, items 4 and 5): designs
issued as signed PDFs by the real command line, `aturan desk` as a real server process, Debian's
chromium driven by playwright (JavaScript off: the pages need none). An operator finds a
document, revokes it through its confirmation step and re-issues it with a corrected name; an
auditor reads a record and its replay."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT
from desk_support import desk_config
from test_desk_browser import chromium_page, cli, desk_server, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.libreoffice,
    pytest.mark.xdist_group("desk-registry-browser"),
]
PASSWORD = "kata-sandi-uji-123"


def add_user(username: str, roles: str, where: tuple) -> None:
    added = cli(
        "users", "add", username, "--nama", f"Pengguna {username}", "--peran", roles,
        "--kata-sandi-stdin", *where, input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


@pytest.fixture(scope="module")
def desk(tmp_path_factory, signing_keys):
    """The sample cohort's designs issued as signed PDFs into the desk's documents folder, an
    operator (ani) and an auditor (audi), and `aturan desk` on a free port."""
    folder = tmp_path_factory.mktemp("meja-registri")
    config, registry = desk_config(folder), folder / "registri.sqlite"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["desk"] = {**(data.get("desk") or {}), "documents_folder": str(folder / "dokumen")}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    where = ("--registry", registry, "--config", config)
    issued = cli(
        "issue", ROOT / "samples" / "kohort-dokumen.yaml", "--as-of", "2026-02-01",
        "--issue-date", "2026-02-02", "--pdf", "--out", folder / "dokumen", "--registri-baru",
        *where,
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    add_user("ani", "operator", where)
    add_user("audi", "auditor", where)
    with desk_server(registry, config) as base:
        yield base


@pytest.fixture
def page():
    with chromium_page(java_script_enabled=False, accept_downloads=True) as opened:
        yield opened


def status_line(page) -> str:
    return page.locator("#status-verifikasi").inner_text()


def test_revoke_with_confirmation_then_reissue_with_the_corrected_name(desk, page):
    sign_in(page, desk, "ani", PASSWORD)
    page.locator("nav").get_by_role("link", name="Registri", exact=True).click()
    page.fill("#cari", "budi")
    with page.expect_navigation():
        page.click("form[role=search] button")
    assert "1 dokumen" in page.locator("#jumlah").inner_text()
    with page.expect_navigation():
        page.locator("table a").first.click()
    number = page.locator("h1 small").inner_text()
    assert status_line(page).startswith("SAH")
    assert page.locator(".qr svg").count() == 1
    assert page.get_by_role("link", name="Unduh PDF bertanda tangan").count() == 1
    href = page.get_by_role("link", name="Unduh PDF bertanda tangan").get_attribute("href")
    pdf = page.request.get(desk + href)  # the browser's session cookie goes with it
    assert pdf.ok and pdf.body().startswith(b"%PDF-")

    page.fill("#alasan", "nama salah ketik")
    with page.expect_navigation():
        page.click("form[action='/dokumen/cabut'] button")
    assert page.locator("h1").inner_text() == f"Cabut dokumen {number}?"
    assert page.locator("#alasan-dikonfirmasi").inner_text() == "nama salah ketik"
    with page.expect_navigation():
        page.click("#ya-cabut")
    assert page.get_by_role("status").inner_text() == "Dokumen telah dicabut."
    assert status_line(page).startswith("DICABUT")

    with page.expect_navigation():
        page.click("#terbit-ulang")
    assert page.input_value("#nama") == "Budi Santoso"
    page.fill("#nama", "Budi Santoso Putra")
    page.fill("#tanggal_terbit", "2026-02-02")
    with page.expect_navigation(timeout=120_000):
        page.click("#terbitkan")
    assert "1 dokumen baru diterbitkan" in page.get_by_role("status").inner_text()
    new = page.locator("#dokumen-baru a")
    assert new.count() == 1 and f"menggantikan dokumen nomor {number}" in page.inner_text("main")
    with page.expect_navigation():
        new.click()
    assert status_line(page).startswith("SAH")
    assert "Budi Santoso Putra" in page.inner_text("main")
    assert page.get_by_role("link", name=number).count() == 1  # Menggantikan: the old one


def test_an_auditor_reads_a_record_and_its_replay(desk, page):
    sign_in(page, desk, "audi", PASSWORD)
    page.locator("nav").get_by_role("link", name="Audit", exact=True).click()
    assert page.locator("#hasil-audit").inner_text().startswith("UTUH")
    page.locator("nav").get_by_role("link", name="Registri", exact=True).click()
    page.fill("#cari", "sari")
    with page.expect_navigation():
        page.click("form[role=search] button")
    with page.expect_navigation():
        page.locator("table a").first.click()
    assert page.locator("form[action='/dokumen/cabut']").count() == 0  # nothing to write
    with page.expect_navigation():
        page.get_by_role("link", name="Tinjauan auditor (putar ulang)").click()
    replay = page.locator("#putar-ulang").inner_text()
    assert "SAMA" in replay
    assert "Sari Wulandari" in page.locator("#kasus").inner_text()
    assert "Dasar:" in page.locator("#aturan").inner_text()
