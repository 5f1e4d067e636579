"""Signing in to the desk in a real browser (issue 26, item 1): the account made by `aturan users
add`, `aturan desk` as a real server process, Debian's chromium driven by playwright."""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress

import pytest
from conftest import ROOT
from desk_support import desk_config
from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("desk-browser")]
PASSWORD = "kata-sandi-siti-1"


def cli(*args, input=None):
    return subprocess.run(
        [sys.executable, "-m", "aturan.cli", *map(str, args)],
        capture_output=True,
        text=True,
        input=input,
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
        timeout=120,
    )


@pytest.fixture(scope="module")
def desk(tmp_path_factory, signing_keys):
    """`aturan desk` on a free port over a new registry holding one admin, Siti."""
    folder = tmp_path_factory.mktemp("meja")
    config, registry = desk_config(folder), folder / "registri.sqlite"
    where = ("--registry", registry, "--config", config)
    added = cli(
        "users", "add", "siti", "--nama", "Siti <i>Aminah</i>", "--peran", "admin,operator",
        "--kata-sandi-stdin", "--registri-baru", *where, input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    with desk_server(registry, config) as base:
        yield base


@contextmanager
def desk_server(registry, config):
    """`aturan desk` as a real server on a free port: its address; stopped on leaving."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aturan.cli", "desk", "--port", str(port)]
        + ["--registry", str(registry), "--config", str(config)],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def chromium_page(**options):
    """A page of Debian's chromium (playwright), its context made with `options`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium.new_context(**options).new_page()
        chromium.close()


def _wait_until_up(base, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"aturan desk stopped: {server.stderr.read().decode()}")
        with suppress(OSError):
            with urllib.request.urlopen(f"{base}/masuk", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)
    pytest.fail("aturan desk did not answer within 60 s")


@pytest.fixture
def page():
    with chromium_page(java_script_enabled=False) as opened:
        yield opened


def sign_in(page, base, username, password):
    page.goto(f"{base}/")  # not signed in: sent to the sign-in page
    assert page.url == f"{base}/masuk"
    page.fill("#nama_pengguna", username)
    page.fill("#kata_sandi", password)
    with page.expect_navigation():
        page.click("form[action='/masuk'] button")


def test_sign_in_shows_the_account_then_sign_out_ends_it(desk, page):
    sign_in(page, desk, "siti", PASSWORD)
    assert page.url == f"{desk}/"
    nav = page.locator("nav").inner_text()
    assert "Siti <i>Aminah</i> (siti, LAN)" in nav  # the name as text, not markup
    assert page.locator("nav i").count() == 0
    assert page.locator("nav").get_by_role("link", name="Akun", exact=True).count() == 1
    with page.expect_navigation():
        page.click("nav form button")  # Keluar
    assert page.url == f"{desk}/masuk"
    page.goto(f"{desk}/akun")
    assert page.url == f"{desk}/masuk"


def test_a_wrong_password_says_so_and_signs_nobody_in(desk, page):
    sign_in(page, desk, "siti", "bukan-sandinya-1")
    assert page.url == f"{desk}/masuk"
    alert = page.get_by_role("alert").inner_text()
    assert alert == "Nama pengguna atau kata sandi salah, atau akun tidak aktif."
    assert page.input_value("#nama_pengguna") == "siti"
    page.goto(f"{desk}/")
    assert page.url == f"{desk}/masuk"
