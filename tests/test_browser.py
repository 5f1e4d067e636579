"""The verification page with real components (issue 11, item 5): certificates issued as PDF by the
real command line, `aturan serve` as a real uvicorn server, Debian's chromium (headless, through
playwright, with JavaScript off), and the QR code read back from a rendered page image by zbar."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import DESIGN_RUN, ROOT, numbered, started_cases
from pypdf import PdfReader, PdfWriter

# `make test` runs the module on one worker (xdist_group): its site is issued and served once.
pytestmark = [pytest.mark.browser, pytest.mark.libreoffice, pytest.mark.xdist_group("browser")]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CERTIFICATES = {
    "STTP": "Surat Tanda Tamat Pelatihan",
    "SKM": "Sertifikat Kompetensi Manajerial",
    "SKP": "Sertifikat Keikutsertaan Pelatihan",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(*args) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "aturan.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample cohort issued with --pdf under a configuration whose base URL is a free port, and
    `aturan serve` listening on it."""
    folder = tmp_path_factory.mktemp("situs")
    port = free_port()
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    config["verification"] = {"base_url": f"http://127.0.0.1:{port}"}
    keys = ROOT / "keys"  # the project's demo keys, by absolute path from the copy
    config["signing"].update(
        pkcs12=str(keys / "demo-penandatangan.p12"), trust_roots=[str(keys / "demo-akar.pem")]
    )
    config["registry"]["key_file"] = str(keys / "registry.key")
    config["registry"]["signing_key_file"] = str(keys / "registry-signing.key")
    config_path = folder / "institution.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    registry = folder / "reg.sqlite"
    run_cli(
        "issue",
        "--registri-baru",
        started_cases(ROOT / "samples" / "kohort-dokumen.yaml", folder),
        *DESIGN_RUN,
        *("--out", folder / "dokumen", "--registry", registry, "--config", config_path),
    )
    run_cli(
        "issue",
        "--registri-baru",
        ROOT / "samples" / "kohort-dokumen.yaml",
        *("--as-of", "2027-01-10", "--issue-date", "2027-01-11", "--pdf"),
        *("--out", folder / "dokumen", "--registry", registry, "--config", config_path),
    )
    with serving(port, registry, config_path) as base:
        yield {"base": base, "folder": folder, "registry": registry, "config": config_path}


@contextmanager
def serving(port: int, registry: Path, config: Path, **env):
    """`aturan serve` on the port, stopped on leaving; `env` adds to its environment."""
    server = subprocess.Popen(
        [sys.executable, "-m", "aturan.cli", "serve", "--port", str(port)]
        + ["--registry", str(registry), "--config", str(config)],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT), **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def a_year_after_expiry(site):
    """The same registry served with its clock a year past the competency certificate's expiry
    (ATURAN_CLOCK: the test clock of `verify` and `serve`)."""
    with serving(free_port(), site["registry"], site["config"], ATURAN_CLOCK="2030-10-15") as base:
        yield base


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"aturan serve stopped: {server.stderr.read().decode()}")
        try:  # the OpenAPI document is outside the rate limit
            with urllib.request.urlopen(f"{base}/openapi.json", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("aturan serve did not answer within 60 s")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(java_script_enabled=False)  # the page needs no script
        yield context.new_page()
        chromium.close()


def pdf_of(site, number: str) -> Path:
    return numbered(site["folder"] / "dokumen", number, ".pdf")


def forged(genuine: Path, out: Path) -> Path:
    """The genuine PDF with a white box drawn over part of its first page, as a forger covering a
    name would: every other byte of text, and the metadata, are the genuine ones."""
    writer = PdfWriter(clone_from=PdfReader(str(genuine)))
    page = writer.pages[0]
    contents = page.get_contents()
    contents.set_data(contents.get_data() + b"\nq 1 1 1 rg 150 420 300 40 re f Q\n")
    page.replace_contents(contents)
    with out.open("wb") as handle:
        writer.write(handle)
    return out


def verdict(page) -> str:
    return page.locator("#status").inner_text().strip()


def upload(page, base: str, path: Path) -> str:
    page.goto(f"{base}/verifikasi")
    page.set_input_files("#berkas", str(path))
    with page.expect_navigation():
        page.click("form[method=post] button")
    return verdict(page)


def test_the_qr_page_shows_sah_and_uploads_are_judged_in_a_real_browser(site, browser, tmp_path):
    number = "0001/STTP/PKASN/2027"
    url = run_cli(
        "serve", "--print-url", number, "--registry", site["registry"], "--config", site["config"]
    ).strip()
    assert url.startswith(site["base"] + "/verifikasi?")
    browser.goto(url)
    assert verdict(browser) == "SAH"
    shown = browser.locator("dl").inner_text()
    assert number in shown and "Surat Tanda Tamat Pelatihan" in shown and "Bu** Sa*****" in shown
    assert "Budi Santoso" not in browser.content()

    genuine = pdf_of(site, number)
    assert upload(browser, site["base"], genuine) == "SAH"
    assert "Bu** Sa*****" in browser.locator("dl").inner_text()
    assert "Budi Santoso" not in browser.content()  # masked for an upload too
    fake = forged(genuine, tmp_path / "palsu.pdf")
    answer = upload(browser, site["base"], fake)
    assert answer != "SAH" and answer in ("DIUBAH", "TIDAK SAH")
    assert "Bu** Sa*****" not in browser.content()  # nothing about a holder for a forgery


def decode_qr(pdf: Path, folder: Path, page: int = 1) -> str:
    """The QR code of a document, read from one page (a certificate's first, a letter's last)
    rendered at 200 dpi."""
    number = str(page)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            number,
            "-l",
            number,
            str(pdf),
            str(folder / "hal"),
        ],
        check=True,
        timeout=120,
    )
    (image,) = folder.glob("hal*.png")
    found = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, timeout=60
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


@pytest.mark.parametrize("code", sorted(CERTIFICATES))
def test_the_qr_decoded_from_the_page_image_opens_that_documents_page(
    site, browser, tmp_path, code
):
    assert shutil.which("zbarimg") and shutil.which("pdftoppm")
    number = f"0001/{code}/PKASN/2027"
    url = decode_qr(pdf_of(site, number), tmp_path)
    assert url.startswith(site["base"] + "/verifikasi?")
    assert parse_qs(urlsplit(url).query)["n"] == [number]
    browser.goto(url)
    assert verdict(browser) == "SAH"
    shown = browser.locator("dl").inner_text()
    assert number in shown and CERTIFICATES[code] in shown


def test_a_certificate_a_year_past_its_expiry_shows_kedaluwarsa_in_a_real_browser(
    site, browser, a_year_after_expiry
):
    number = "0001/SKM/PKASN/2027"
    url = run_cli(
        "serve", "--print-url", number, "--registry", site["registry"], "--config", site["config"]
    ).strip()
    browser.goto(url.replace(site["base"], a_year_after_expiry))
    assert verdict(browser) == "KEDALUWARSA"
    shown = browser.locator("dl").inner_text()
    assert "Berlaku sampai dengan" in shown and "14 Oktober 2029" in shown
    assert "berlaku sampai dengan 14 Oktober 2029" in browser.locator("#pesan").inner_text()
    assert upload(browser, a_year_after_expiry, pdf_of(site, number)) == "KEDALUWARSA"

    browser.goto(url)  # today the certificate is in force, and the page says until when
    assert "14 Oktober 2029" in browser.locator("dl").inner_text()


def test_a_letters_qr_read_from_its_last_page_opens_a_sah_page(site, browser, tmp_path):
    number = "0001/UND/PKASN/2027"
    pdf = pdf_of(site, number)
    url = decode_qr(pdf, tmp_path, page=len(PdfReader(str(pdf)).pages))
    assert parse_qs(urlsplit(url).query)["n"] == [number]
    browser.goto(url)
    assert verdict(browser) == "SAH"
    assert "Undangan Uji Kompetensi" in browser.locator("dl").inner_text()


def test_each_verdict_tells_the_recipient_what_it_means_and_whom_to_ask_in_a_real_browser(
    site, browser
):
    """SAH, DICABUT and TIDAK TERDAFTAR as a recipient reads them (issue 25, item 7): the meaning,
    the next step with the institution's contact, the revocation dated in Indonesian."""
    contact = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text())["institution"]
    revoked = "0002/STTP/PKASN/2027"
    run_cli(
        *("registry", "revoke", "--ya", revoked, "--reason", "Salah cetak"),
        *("--registry", site["registry"], "--config", site["config"]),
    )

    def opened(number: str) -> str:
        url = run_cli(
            *("serve", "--print-url", number),
            *("--registry", site["registry"], "--config", site["config"]),
        ).strip()
        browser.goto(url)
        return verdict(browser)

    def said(part: str) -> str:
        return browser.locator(f"#{part}").inner_text()

    assert opened("0001/STTP/PKASN/2027") == "SAH"
    assert "asli" in said("arti") and "Cocokkan nama" in said("langkah")
    assert "Lembaga Administrasi Negara (LAN)" in browser.locator("dl").inner_text()

    assert opened(revoked) == "DICABUT"
    assert "telah dicabut" in said("arti") and "Salah cetak" in said("pesan")
    assert "+00:00" not in said("pesan") and re.search(r"\d+ [A-Z][a-z]+ \d{4}", said("pesan"))
    assert "Jangan menerima" in said("langkah") and contact["contact"] in said("langkah")

    browser.goto(f"{site['base']}/verifikasi?n=0099/sttp/pkasn/2027&c=0000000000000000")
    assert verdict(browser) == "TIDAK TERDAFTAR"
    assert "Tidak ada dokumen" in said("arti") and "penulisan nomornya" in said("langkah")
    assert contact["contact"] in said("langkah")


def test_a_wrong_code_and_an_unsigned_scan_are_said_in_plain_words_in_a_real_browser(
    site, browser, tmp_path
):
    """KODE TIDAK COCOK and PERIKSA DENGAN KODE QR as a recipient reads them (issue 25, item 7):
    no holder shown, the meaning, and the next step (the printed code; the QR check)."""
    number = "0001/STTP/PKASN/2027"
    browser.goto(f"{site['base']}/verifikasi?n={number}&c=0000000000000000")
    assert verdict(browser) == "KODE TIDAK COCOK"
    assert "Bu** Sa*****" not in browser.content()
    assert "kode" in browser.locator("#langkah").inner_text().lower()

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scan = tmp_path / "pindaian.pdf"
    with scan.open("wb") as handle:
        writer.write(handle)
    assert upload(browser, site["base"], scan) == "PERIKSA DENGAN KODE QR"
    assert "TIDAK SAH" not in browser.locator("#status").inner_text()
    assert "kode QR" in browser.locator("#langkah").inner_text()
