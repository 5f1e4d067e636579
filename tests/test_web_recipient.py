"""The verification page as a recipient reads it (issue 25, item 7): numbers found however they
are typed, the issuing institution named (with its contact), every verdict said in plain words
with what to do next, dates in Indonesian, replacements named. The registry is written through
the library (two institutions sharing it, no PDF files: no LibreOffice); the signed-PDF verdicts
in a real browser are tests/test_browser.py."""

import datetime as dt
import io
import sqlite3

import pytest
import yaml
from conftest import ROOT
from fastapi.testclient import TestClient
from pypdf import PdfWriter

from aturan.documents import Registry
from aturan.web import create_app

SHARED = "{seq:04d}/{code}/{institution}/{year}"
CODES = {"sttp": "STTP", "undangan_uji": "UND"}
NOW = "2026-07-01T00:00:00+00:00"
CONTACT = "Subbagian Sertifikasi, (022) 7790048, sertifikasi@contoh.go.id"
CODE = "ab" * 32  # the content hash: its first 16 characters are the verification code


def issued(registry, nip, key="pka:2026-06-30", **extra):
    found = registry.issue(
        doc_type="sttp",
        nip=nip,
        name="Budi Santoso",
        event_key=key,
        decision_id="d1",
        rules_version="v1",
        content_hash=CODE,
        year=2026,
        doc_date="2026-07-01",
        now=NOW,
        **extra,
    )
    registry.record_fingerprints(found.number, None, "f" * 64, NOW)
    return found.number


@pytest.fixture(scope="module")
def site(tmp_path_factory, registry_key, registry_signing_key):
    """A registry shared by LAN (this server's institution) and BPSDM-JABAR: a document of each,
    a revoked LAN document and its replacement, one that expired, one altered without the key."""
    folder = tmp_path_factory.mktemp("penerima")
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    config["numbering"]["format"] = SHARED
    config["institution"]["contact"] = CONTACT
    config["registry"]["key_file"] = str(ROOT / "keys" / "registry.key")
    config["registry"]["signing_key_file"] = str(ROOT / "keys" / "registry-signing.key")
    config["signing"]["pkcs12"] = str(ROOT / "keys" / "demo-penandatangan.p12")
    config["signing"]["trust_roots"] = [str(ROOT / "keys" / "demo-akar.pem")]
    config_path = folder / "institution.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    path = folder / "reg.sqlite"
    keys = {"key": registry_key, "signing_key": registry_signing_key}
    lan = Registry(path, SHARED, CODES, **keys, institution="LAN")
    bpsdm = Registry(path, SHARED, CODES, **keys, institution="BPSDM-JABAR")
    numbers = {
        "lan": issued(lan, "1"),
        "bpsdm": issued(bpsdm, "2"),
        "revoked": issued(lan, "3"),
        "expired": issued(lan, "4", valid_until="2026-12-31"),
        "altered": issued(lan, "5"),
    }
    lan.revoke(numbers["revoked"], "Salah cetak nama", "2026-12-07T06:06:53+00:00")
    numbers["replacement"] = issued(lan, "3")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE documents SET name='Nama Palsu' WHERE number=?", (numbers["altered"],))
    db.close()
    clock = lambda: dt.date(2027, 3, 1)  # noqa: E731  (after the expired one's last day)
    app = create_app(path, config_path, rate_limit="1000/minute", clock=clock)
    return {"client": TestClient(app), "numbers": numbers}


def page(site, number, code=CODE[:16]):
    answer = site["client"].get("/verifikasi", params={"n": number, "c": code})
    assert answer.status_code == 200
    return answer.text


def status(text):
    return text.split('id="status">')[1].split("<")[0]


@pytest.mark.parametrize(
    "typed", ["0001/sttp/lan/2026 ", "0001 / STTP / LAN / 2026", "  0001/Sttp/Lan/2026"]
)
def test_a_number_typed_in_small_letters_or_with_spaces_finds_the_document(site, typed):
    assert site["numbers"]["lan"] == "0001/STTP/LAN/2026"
    assert status(page(site, typed)) == "SAH"
    found = site["client"].get("/api/verify", params={"n": typed, "c": CODE[:16]}).json()
    assert found["status"] == "sah" and found["number"] == "0001/STTP/LAN/2026"


def test_the_page_names_the_issuing_institution_and_its_contact(site):
    text = page(site, site["numbers"]["lan"])
    assert "Lembaga Administrasi Negara (LAN)" in text
    wrong = page(site, site["numbers"]["lan"], "0" * 16)
    assert status(wrong) == "KODE TIDAK COCOK" and CONTACT in wrong


def test_another_institutions_document_names_its_code_never_the_servers_name(site):
    text = page(site, site["numbers"]["bpsdm"])
    assert status(text) == "SAH" and "BPSDM-JABAR" in text
    assert "Lembaga Administrasi Negara" not in text


def test_every_verdict_says_what_it_means_and_what_to_do(site):
    numbers = site["numbers"]
    expected = {
        (numbers["lan"], CODE[:16]): ("SAH", "asli", "Cocokkan nama"),
        (numbers["revoked"], CODE[:16]): ("DICABUT", "telah dicabut", "Jangan menerima"),
        (numbers["expired"], CODE[:16]): ("KEDALUWARSA", "masa berlakunya", "masih berlaku"),
        (numbers["altered"], CODE[:16]): ("DIUBAH", "tidak boleh dipercaya", "laporkan"),
        (numbers["lan"], "0" * 16): ("KODE TIDAK COCOK", "bukan kode", "Periksa kembali"),
        ("9999/STTP/LAN/2026", CODE[:16]): ("TIDAK TERDAFTAR", "Tidak ada dokumen", "penulisan"),
    }
    for (number, code), (label, meaning, step) in expected.items():
        text = page(site, number, code)
        assert status(text) == label
        assert meaning in text.split('id="arti">')[1].split("</p>")[0], label
        assert step in text.split('id="langkah">')[1].split("</p>")[0], label
        if label not in ("SAH",):
            assert CONTACT in text, label  # whom to ask
        assert "Nomor dokumen</dt><dd>-" not in text


def test_an_altered_row_is_said_in_plain_words_without_its_holder(site):
    text = page(site, site["numbers"]["altered"])
    assert "diubah tanpa wewenang" in text and "Pemegang" not in text
    assert "Na** Pa***" not in text


def test_a_revocation_is_dated_in_indonesian_and_names_its_replacement(site):
    numbers = site["numbers"]
    text = page(site, numbers["revoked"])
    assert "7 Desember 2026" in text and "+00:00" not in text and "T06:06" not in text
    assert f"diganti dengan dokumen nomor {numbers['replacement']}" in text
    replacement = page(site, numbers["replacement"])
    assert status(replacement) == "SAH"
    assert f"menggantikan dokumen nomor {numbers['revoked']}" in replacement


def test_an_unsigned_pdf_such_as_a_scan_points_to_the_qr_check(site):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scan = io.BytesIO()
    writer.write(scan)
    files = {"berkas": ("pindaian.pdf", scan.getvalue(), "application/pdf")}
    text = site["client"].post("/verifikasi", files=files).text
    assert status(text) == "PERIKSA DENGAN KODE QR" and "TIDAK SAH" not in text
    assert "pindaian (scan)" in text and "kode QR" in text.split('id="langkah">')[1]
    assert "<dt>Nomor dokumen" not in text
    found = site["client"].post("/api/verify", files=files).json()
    assert found["status"] == "tanpa_tanda_tangan" and found["label"] != "SAH"
