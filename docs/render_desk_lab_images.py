#!/usr/bin/env python3
"""Screenshots of running a policy question in the desk for the drafter's walkthrough
(docs/walkthrough-drafter.md, section "Menjalankan pertanyaan di peramban"), saved to
docs/img/desk/.

Usage:  .venv/bin/python docs/render_desk_lab_images.py

Makes a scratch registry with one drafter account (`aturan users add`), starts `aturan desk` on a
free port, and walks through the question in Debian's chromium (playwright, as
tests/test_browser.py finds it), scripts on: the run form (the example reform
reforms/masa-berlaku-2-tahun.yaml, a sample of 2,000 trained in 2027, as of 2027-12-31), the
results once both jobs are done (the per-cause summary; the charts), and one participant's two
explanations side by side; then the question saved under a name, a second one (the example
reform reforms/batas-ms-85.yaml on the same sample) run and saved, the list of saved questions
and the two compared side by side. Takes about two minutes on two cores."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from desk_shots import OUT, aturan, chromium, desk, sign_in

PASSWORD = "contoh-sandi-perumus"
SIZE = {"width": 1200, "height": 860}


def walk(base: str) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport=SIZE)
        sign_in(page, base, "rina", PASSWORD)
        fill_question(page, base, "masa-berlaku-2-tahun.yaml")
        page.screenshot(path=OUT / "lab-jalankan.png")
        start_and_wait(page)
        page.locator("#grafik-biaya .main-svg").first.wait_for()
        page.screenshot(path=OUT / "lab-hasil.png")
        page.locator("h2:has-text('Perbandingan model')").scroll_into_view_if_needed()
        page.evaluate("document.querySelector('#grafik-asesmen').scrollIntoView()")
        page.screenshot(path=OUT / "lab-grafik.png")
        with page.expect_navigation():
            page.locator("#ringkasan tbody tr a").first.click()
        with page.expect_navigation():
            page.locator("#peserta tbody tr a").first.click()
        page.evaluate("document.querySelector('.berdampingan').scrollIntoView()")
        page.screenshot(path=OUT / "lab-peserta.png")
        save_and_compare(page, base)


def fill_question(page: Any, base: str, reform: str) -> None:
    """The run form with the example reform `reform`: a sample of 2,000 trained in 2027, as of
    2027-12-31."""
    page.goto(f"{base}/lab/jalankan")
    page.fill("#ukuran", "2000")
    page.fill("#tahun", "2027")
    page.select_option("#reformasi_contoh", reform)
    page.fill("#tanggal_keputusan", "2027-12-31")


def start_and_wait(page: Any) -> None:
    """Start the filled question and wait until both its jobs are done."""
    with page.expect_navigation():
        page.click("#mulai")
    deadline = time.monotonic() + 600
    while page.locator("#status-banding").inner_text() != "selesai":
        if "gagal" in page.locator(".kotak").inner_text() or time.monotonic() > deadline:
            raise SystemExit("the question's jobs did not end done")
        time.sleep(1)
        page.reload()


def save(page: Any, name: str, description: str) -> None:
    page.fill("#nama", name)
    page.fill("#uraian", description)
    with page.expect_navigation():
        page.click("#simpan-tombol")


def save_and_compare(page: Any, base: str) -> None:
    """Save the question (the form on its results page), run and save a second one (the example
    reform batas-ms-85.yaml), then the list of saved questions and the two compared."""
    page.go_back()
    page.go_back()
    page.evaluate("document.querySelector('#simpan').scrollIntoView()")
    page.fill("#nama", "Masa berlaku 2 tahun")
    page.fill("#uraian", "Bagaimana jika hasil penilaian berlaku 2 tahun?")
    page.screenshot(path=OUT / "lab-simpan.png")
    with page.expect_navigation():
        page.click("#simpan-tombol")
    fill_question(page, base, "batas-ms-85.yaml")
    start_and_wait(page)
    save(page, "Batas MS 85", "Bagaimana jika batas MS 85 dan Manajemen Perubahan wajib?")
    page.locator("#pertanyaan input[type=checkbox]").nth(0).check()
    page.locator("#pertanyaan input[type=checkbox]").nth(1).check()
    page.screenshot(path=OUT / "lab-pertanyaan.png")
    with page.expect_navigation():
        page.click("#bandingkan")
    page.evaluate("document.querySelector('.banding-dua').scrollIntoView()")
    page.screenshot(path=OUT / "lab-banding.png")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aturan-meja-lab-") as scratch:
        registry = str(Path(scratch) / "registri.sqlite")
        add = ["users", "add", "rina", "--peran", "drafter", "--nama", "Rina Perumus"]
        aturan(*add, "--kata-sandi-stdin", "--registri-baru", "--registry", registry,
               stdin=PASSWORD + "\n")  # fmt: skip
        with desk("--registry", registry) as base:
            walk(base)
    print(f"Gambar meja kerja ditulis ke {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
