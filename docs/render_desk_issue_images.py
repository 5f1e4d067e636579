#!/usr/bin/env python3
"""Screenshots of issuing from the desk for the operator guide (docs/panduan-operator.md, section
"Menerbitkan dari meja kerja"), saved to docs/img/desk/.

Usage:  .venv/bin/python docs/render_desk_issue_images.py

Makes a scratch registry with one operator account (`aturan users add`), starts `aturan desk` on a
free port, and walks through the flow in Debian's chromium (playwright, as tests/test_browser.py
finds it): sign in (not photographed: docs/render_desk_images.py shows that page), upload
samples/cohort-contoh.csv, its preview, the job running, the job done with its downloads. Needs
LibreOffice, chromium and the demo keys (`aturan keys init`)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from desk_shots import OUT, ROOT, aturan, chromium, desk, sign_in

PASSWORD = "contoh-sandi-operator"
SIZE = {"width": 1100, "height": 760}


def walk(base: str) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport=SIZE)
        sign_in(page, base, "ani", PASSWORD)
        page.goto(f"{base}/terbitkan")
        page.set_input_files("#berkas", str(ROOT / "samples" / "cohort-contoh.csv"))
        page.fill("#tanggal_keputusan", "2026-03-01")
        page.fill("#tanggal_terbit", "2026-03-02")
        page.screenshot(path=OUT / "unggah.png")
        with page.expect_navigation():
            page.click("form[action='/terbitkan'] button")
        page.screenshot(path=OUT / "pratinjau.png", full_page=True)
        with page.expect_navigation():
            page.click("#terbitkan")
        shot_running = False
        while page.locator("#status").inner_text() != "selesai":
            stages = page.locator("#tahap")
            if not shot_running and stages.count() and "Menandatangani" in stages.inner_text():
                page.screenshot(path=OUT / "tugas-berjalan.png")
                shot_running = True
            time.sleep(0.5)
            page.reload()
        page.screenshot(path=OUT / "tugas-selesai.png", full_page=True)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aturan-meja-") as scratch:
        registry = str(Path(scratch) / "registri.sqlite")
        add = ["users", "add", "ani", "--peran", "operator", "--nama", "Ani Operator"]
        aturan(*add, "--kata-sandi-stdin", "--registri-baru", "--registry", registry,
               stdin=PASSWORD + "\n")  # fmt: skip
        with desk("--registry", registry) as base:
            walk(base)
    print(f"Gambar meja kerja ditulis ke {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
