"""The drafter's question "what if the validity were 2 years" in a real browser (issue 27): a
drafter made by `aturan users add --peran drafter`, `aturan desk` as a real server process, Debian's
chromium driven by playwright, without JavaScript (the form works without it)."""

import pytest
import yaml
from conftest import ROOT
from desk_support import desk_config
from test_desk_browser import chromium_page, cli, desk_server, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("desk-browser")]
PASSWORD = "kata-sandi-rina-1"
CITATION = (
    "Rancangan Peraturan LAN tentang Pelatihan Kepemimpinan Terintegrasi, Pasal 12 ayat (2) (draf)"
)
TEXT = (
    "Laporan hasil penilaian kompetensi dapat digunakan dalam pelatihan paling lama 2 (dua) tahun "
    "sejak tanggal penilaian."
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, signing_keys):
    """`aturan desk` on a free port over a new registry holding one drafter, Rina."""
    folder = tmp_path_factory.mktemp("lab")
    config, registry = desk_config(folder), folder / "registri.sqlite"
    where = ("--registry", registry, "--config", config)
    added = cli(
        "users", "add", "rina", "--nama", "Rina Perumus", "--peran", "drafter",
        "--kata-sandi-stdin", "--registri-baru", *where, input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    with desk_server(registry, config) as base:
        yield base


@pytest.fixture
def page():
    with chromium_page(java_script_enabled=False, accept_downloads=True) as opened:
        yield opened


def test_a_drafter_changes_the_validity_to_2_years_and_downloads_the_reform(lab, page, tmp_path):
    sign_in(page, lab, "rina", PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Parameter", exact=True).click()
    validity = page.locator("#p-assessment\\.validity_years")
    assert validity.locator(".nilai").inner_text() == "3"
    assert "Perban BKN 26/2019" in validity.inner_text()
    with page.expect_navigation():
        validity.get_by_role("link", name="Ubah assessment.validity_years di formulir").click()
    assert page.input_value("#p0_nilai") == "3"

    page.fill("#nama", "Masa berlaku hasil asesmen 2 tahun")
    page.fill("#p0_dari", "2027-01-01")
    page.fill("#p0_nilai", "0")  # out of range first: the library's message at the field
    page.fill("#p0_klausul", "rancangan-perlan:pasal-12-ayat-2")
    page.fill("#p0_kutipan", CITATION)
    page.fill("#p0_teks", TEXT)
    page.fill("#p0_dibaca", "draf perumus (contoh)")
    with page.expect_navigation():
        page.click("#periksa")
    error = page.locator("#perubahan-0 [data-isian=value]")
    assert "di luar rentang yang diizinkan (1..10)" in error.inner_text()

    page.fill("#p0_nilai", "2")
    with page.expect_navigation():
        page.click("#periksa")
    assert "Reformasi sah" in page.get_by_role("status").inner_text()
    with page.expect_download() as download:
        page.click("#unduh")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "masa-berlaku-hasil-asesmen-2-tahun.yaml"
    written = yaml.safe_load(saved.read_text(encoding="utf-8"))
    by_hand = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
    assert written == yaml.safe_load(by_hand.read_text(encoding="utf-8"))
