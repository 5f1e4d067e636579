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

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img" / "desk"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "contoh-sandi-perumus"
SIZE = {"width": 1200, "height": 860}


def aturan(*args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, ATURAN_ROOT=str(ROOT))
    command = [sys.executable, "-m", "aturan.cli", *args]
    return subprocess.Popen(command, env=env, stdin=subprocess.PIPE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/masuk", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("aturan desk did not answer within 60 s")


def walk(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport=SIZE)
        page.goto(f"{base}/masuk")
        page.fill("input[name=nama_pengguna]", "rina")
        page.fill("input[name=kata_sandi]", PASSWORD)
        with page.expect_navigation():
            page.click("form[action='/masuk'] button")
        page.goto(f"{base}/lab/jalankan")
        page.fill("#ukuran", "2000")
        page.fill("#tahun", "2027")
        page.select_option("#reformasi_contoh", "masa-berlaku-2-tahun.yaml")
        page.fill("#tanggal_keputusan", "2027-12-31")
        page.screenshot(path=OUT / "lab-jalankan.png")
        with page.expect_navigation():
            page.click("#mulai")
        deadline = time.monotonic() + 600
        while page.locator("#status-banding").inner_text() != "selesai":
            if "gagal" in page.locator(".kotak").inner_text() or time.monotonic() > deadline:
                raise SystemExit("the question's jobs did not end done")
            time.sleep(1)
            page.reload()
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
        browser.close()


def run_question(page: Any, base: str, reform: str) -> None:
    """The question with the example reform `reform` (a sample of 2,000 trained in 2027, as of
    2027-12-31), waited for until both its jobs are done."""
    page.goto(f"{base}/lab/jalankan")
    page.fill("#ukuran", "2000")
    page.fill("#tahun", "2027")
    page.select_option("#reformasi_contoh", reform)
    page.fill("#tanggal_keputusan", "2027-12-31")
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
    run_question(page, base, "batas-ms-85.yaml")
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
        made = aturan(*add, "--kata-sandi-stdin", "--registri-baru", "--registry", registry)
        made.communicate(PASSWORD.encode() + b"\n")
        if made.returncode != 0:
            return 1
        port = free_port()
        desk = aturan("desk", "--port", str(port), "--registry", registry)
        try:
            wait_until_up(f"http://127.0.0.1:{port}")
            walk(f"http://127.0.0.1:{port}")
        finally:
            desk.terminate()
            desk.wait(timeout=30)
    print(f"Gambar meja kerja ditulis ke {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
