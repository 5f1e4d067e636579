#!/usr/bin/env python3
"""Screenshots of the desk (`aturan desk`) for the README and the operator guide, as
docs/img/meja-*.png.

Usage:  .venv/bin/python docs/render_desk_images.py

Makes a scratch registry with the DEMO accounts (`aturan users demo`) and two more of the demo
institution, starts `aturan desk` on a free port, and photographs each page of PAGES with Debian's
chromium (playwright), signed in as the page's account. Needs the demo keys (`aturan keys init`)
and chromium (`make setup-web`). Another area adds its pages to PAGES."""

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
CHROMIUM = "/usr/bin/chromium"
# (file under docs/img, account signed in as or None, path)
PAGES = [
    ("meja-masuk.png", None, "/masuk"),
    ("meja-akun.png", "demo-admin", "/akun"),
]
OTHERS = [("rina", "operator", "Rina Kusumawati"), ("agus", "auditor", "Agus Pratama")]


def cli(*args: str, text: str | None = None) -> str:
    env = dict(os.environ, ATURAN_ROOT=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "aturan.cli", *args], input=text, capture_output=True, text=True,
        env=env, check=True,
    )  # fmt: skip
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="aturan-meja-") as scratch:
        registry = str(Path(scratch) / "reg.sqlite")
        for username, role, name in OTHERS:
            cli("users", "add", username, "--nama", name, "--peran", role, "--kata-sandi-stdin",
                "--registri-baru", "--registry", registry, text="contoh-kata-sandi\n")  # fmt: skip
        printed = cli("users", "demo", "--registry", registry)
        password = printed.split("kata sandi DEMO: ")[1].split()[0]
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aturan.cli",
                "desk",
                "--port",
                str(port),
                "--registry",
                registry,
            ],
            env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
                )
                for file, account, path in PAGES:
                    page = browser.new_context(viewport={"width": 1000, "height": 700}).new_page()
                    if account:
                        page.goto(f"{base}/masuk")
                        page.fill("#nama_pengguna", account)
                        page.fill("#kata_sandi", password)
                        with page.expect_navigation():
                            page.click("form[action='/masuk'] button")
                    page.goto(f"{base}{path}")
                    page.screenshot(path=str(ROOT / "docs" / "img" / file), full_page=True)
                    print(f"docs/img/{file}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


def wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/masuk", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("aturan desk did not answer within 60 s")


if __name__ == "__main__":
    sys.exit(main())
