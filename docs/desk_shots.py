"""What the desk's screenshot scripts (docs/render_desk*_images.py) share: the aturan command,
`aturan desk` started on a free port and stopped after, Debian's chromium driven by playwright
(as tests/test_browser.py finds it), and signing in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img" / "desk"
CHROMIUM = "/usr/bin/chromium"


def aturan(*args: object, stdin: str | None = None) -> str:
    """`aturan ARGS` run to its end from this checkout (an error stops the script); its output."""
    env = dict(os.environ, ATURAN_ROOT=str(ROOT))
    command = [sys.executable, "-m", "aturan.cli", *map(str, args)]
    done = subprocess.run(command, env=env, input=stdin, text=True, check=True, capture_output=True)
    return done.stdout


@contextmanager
def desk(*where: str) -> Iterator[str]:
    """`aturan desk WHERE` on a free port until the block ends; its address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = dict(os.environ, ATURAN_ROOT=str(ROOT))
    command = [sys.executable, "-m", "aturan.cli", "desk", "--port", str(port), *where]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/masuk", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("aturan desk did not answer within 60 s")


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium, headless, as a playwright Browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Any, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/masuk")
    page.fill("#nama_pengguna", user)
    page.fill("#kata_sandi", password)
    with page.expect_navigation():
        page.click("form[action='/masuk'] button")
