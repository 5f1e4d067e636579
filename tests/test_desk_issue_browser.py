"""The desk's issuing in a real browser (issue 26): `aturan desk` on a real uvicorn server with its
worker thread, Debian's chromium through playwright (no script needed). An operator signs in,
uploads the sample cohort with its bad rows and sees them in the preview with their reasons,
issues, watches the job's progress by stage, downloads the print bundle and the ZIP of signed
PDFs, and a PDF taken from the ZIP is SAH for the library's verifier."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT
from desk_support import PASSWORD, add_account, desk_config
from pypdf import PdfReader
from test_desk_browser import chromium_page, desk_server

from aturan.documents import Trust, open_registry, signing_config, verify

pytestmark = [pytest.mark.browser, pytest.mark.libreoffice]
COHORT = ROOT / "samples" / "cohort-contoh.csv"
ISSUED = dt.date(2026, 3, 2)  # the documents' date: each is checked on it (some expire later)


def verified(pdf, registry, config):
    """The library's verdict on `pdf` on its issue day, and its registry row. pyHanko validates
    through asyncio.run, so off the thread where playwright's loop runs."""

    def check():
        store, _ = open_registry(registry, config)
        try:
            verdict = verify(pdf, store, Trust.load(signing_config(config)), on=ISSUED)
            return verdict, store.get(verdict.number)
        finally:
            store.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(check).result()


@pytest.fixture
def page():
    with chromium_page(java_script_enabled=False, accept_downloads=True) as opened:
        yield opened


def test_an_operator_uploads_previews_issues_watches_and_downloads_signed_pdfs(page, tmp_path):
    config = desk_config(tmp_path, "LAN")
    registry = tmp_path / "registri.sqlite"
    add_account(registry, config, "ani", "operator", "Ani Operator")
    with desk_server(registry, config) as base:
        page.goto(f"{base}/masuk")
        page.fill("input[name=nama_pengguna]", "ani")
        page.fill("input[name=kata_sandi]", PASSWORD)
        with page.expect_navigation():
            page.click("form[action='/masuk'] button")
        page.goto(f"{base}/terbitkan")
        page.set_input_files("#berkas", str(COHORT))
        page.fill("#tanggal_keputusan", "2026-03-01")
        page.fill("#tanggal_terbit", "2026-03-02")
        with page.expect_navigation():
            page.click("form[action='/terbitkan'] button")
        refused = page.locator("tr.ditolak")
        assert refused.count() == 3
        assert "NIP 197710251998031946 sudah muncul di baris 6" in refused.nth(1).inner_text()
        assert page.locator("tr.diterima").count() == 17

        with page.expect_navigation():
            page.click("#terbitkan")
        seen = set()
        deadline = time.monotonic() + 300
        while (status := page.locator("#status").inner_text()) != "selesai":
            assert status in ("menunggu", "berjalan"), page.content()
            if status == "berjalan":
                seen.add(page.locator("#tahap").inner_text())
            assert time.monotonic() < deadline, "the job did not end within 300 s"
            time.sleep(0.5)
            page.reload()
        assert seen, "the job was seen running, with its stages"
        assert "17 dokumen baru" in page.locator("#hasil").inner_text()
        assert page.locator("#tahap").inner_text().count("17/17") == 3

        files = {}
        for label in ("Bundel cetak", "PDF bertanda tangan (ZIP)", "ditolak.csv", "manifest.csv"):
            with page.expect_download() as download:
                page.click(f"#unduhan a:has-text('{label}')")
            files[label] = tmp_path / download.value.suggested_filename
            download.value.save_as(files[label])
    assert len(PdfReader(files["Bundel cetak"]).pages) >= 17
    with zipfile.ZipFile(files["PDF bertanda tangan (ZIP)"]) as archive:
        names = archive.namelist()
        assert len(names) == 17 and all(n.endswith(".pdf") for n in names)
        one = tmp_path / names[0]
        one.write_bytes(archive.read(names[0]))
    verdict, row = verified(one, registry, config)
    assert verdict.status == "sah", verdict
    assert row["operator"] == "ani", "the account is the operator on record"
    assert "NIP 197710251998031946 sudah muncul di baris 6" in files["ditolak.csv"].read_text()
