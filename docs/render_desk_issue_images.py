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

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img" / "desk"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "contoh-sandi-operator"
SIZE = {"width": 1100, "height": 760}


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
        page.fill("input[name=nama_pengguna]", "ani")
        page.fill("input[name=kata_sandi]", PASSWORD)
        with page.expect_navigation():
            page.click("form[action='/masuk'] button")
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
        browser.close()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aturan-meja-") as scratch:
        registry = str(Path(scratch) / "registri.sqlite")
        add = ["users", "add", "ani", "--peran", "operator", "--nama", "Ani Operator"]
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
