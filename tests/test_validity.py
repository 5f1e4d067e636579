"""Authentic is not in force, and letters can be checked from paper (issue 21, items 2 and 7).

The sample cohort is issued once as signed PDFs through the real command line. Its competency
certificate attests a result of 15 October 2026 and prints "berlaku sampai dengan 14 Oktober 2029";
checked on 15 October 2030 it is KEDALUWARSA in `aturan verify`, the library, the JSON API and the
page, and SAH on its last day. The browser test is in tests/test_browser.py."""

import datetime as dt
import json
import sqlite3
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from conftest import ROOT, numbered
from fastapi.testclient import TestClient
from pypdf import PdfReader
from test_documents import designs_first
from test_registry_api import issue as issue_row

import aturan.documents.registry as registry_module
from aturan.cli import main
from aturan.documents import Registry, Trust, open_registry, signing_config, status_of, verify
from aturan.web import create_app

# Its module fixture issues the sample cohort as signed PDFs: every test needs LibreOffice, and
# `make test` runs the module on one worker (xdist_group) so the cohort is issued once.
pytestmark = [pytest.mark.libreoffice, pytest.mark.xdist_group("validity")]

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]
CERTIFICATE = "0001/SKM/PKASN/2027"
LAST_DAY = dt.date(2029, 10, 14)  # the day before the decision's `until` (2029-10-15)
A_YEAR_LATER = dt.date(2030, 10, 15)
LETTERS = [
    "0001/DSN/PKASN/2026",  # designs are issued before their trainings start
    "0001/ASW/PKASN/2027",
    "0001/PNT/PKASN/2027",
    "0001/REK/PKASN/2027",
    "0001/UND/PKASN/2027",
]


def cli(*args, clock=None):
    env = {"ATURAN_ROOT": str(ROOT)} | ({"ATURAN_CLOCK": clock} if clock else {})
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    out = tmp_path_factory.mktemp("berlaku")
    designs_first(out)  # a design is dated before its training starts
    result = cli(
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--pdf",
        *ISSUE,
    )
    assert result.exit_code == 0, result.output
    return out


def pdf_of(folder, number):
    return numbered(folder, number, ".pdf")


def row_of(registry, number):
    with sqlite3.connect(registry) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("SELECT * FROM documents WHERE number=?", (number,)).fetchone())


def copy_registry(issued, tmp_path):
    """A private copy to change, through SQLite's backup (the WAL's committed pages included)."""
    copy = tmp_path / "reg.sqlite"
    with sqlite3.connect(issued / "reg.sqlite") as original, sqlite3.connect(copy) as target:
        original.backup(target)
    return copy


def client(registry, day):
    return TestClient(create_app(registry, rate_limit="1000/minute", clock=lambda: day))


def code_of(registry, number):
    return row_of(registry, number)["content_hash"][:16]


# --- the command line and the library ----------------------------------------------------------


def test_verify_a_year_past_expiry_is_kedaluwarsa_with_the_day_it_ended(issued):
    pdf = pdf_of(issued, CERTIFICATE)
    printed = PdfReader(str(pdf)).pages[0].extract_text()
    assert "14 Oktober 2029" in printed  # what the certificate itself says

    late = cli("verify", pdf, "--registry", issued / "reg.sqlite", clock=A_YEAR_LATER.isoformat())
    assert late.exit_code == 1, late.output
    assert late.stdout.startswith("KEDALUWARSA: ")
    assert "berlaku sampai dengan 14 Oktober 2029" in late.stdout and "SAH" not in late.stdout
    assert "ATURAN_CLOCK" in late.stderr  # the test clock never acts unannounced

    last = cli("verify", pdf, "--registry", issued / "reg.sqlite", clock=LAST_DAY.isoformat())
    assert last.exit_code == 0, last.output
    assert last.stdout.startswith("SAH: ") and "14 Oktober 2029" in last.stdout


def test_the_library_judges_the_day_it_is_given(issued):
    store, _ = open_registry(issued / "reg.sqlite")
    trust = Trust.load(signing_config(None))
    pdf = pdf_of(issued, CERTIFICATE)
    late = verify(pdf, store, trust, A_YEAR_LATER)
    assert (late.status, late.valid_until) == ("kedaluwarsa", "2029-10-14")
    assert verify(pdf, store, trust, LAST_DAY).status == "sah"
    assert status_of(CERTIFICATE, store, LAST_DAY + dt.timedelta(days=1)).status == "kedaluwarsa"
    # a document without an end of validity stays SAH
    assert status_of("0001/STTP/PKASN/2027", store, A_YEAR_LATER).status == "sah"


def test_a_bad_test_clock_is_one_message(issued):
    result = cli(
        "verify",
        pdf_of(issued, CERTIFICATE),
        "--registry",
        issued / "reg.sqlite",
        clock="15-10-2030",
    )
    assert result.exit_code == 2 and "ATURAN_CLOCK" in result.stderr
    assert "Traceback" not in result.output


def test_an_expired_certificate_that_was_revoked_stays_dicabut(issued, tmp_path):
    registry = copy_registry(issued, tmp_path)
    revoked = cli(
        "registry", "revoke", "--ya", CERTIFICATE, "--reason", "Salah nama", "--registry", registry
    )
    assert revoked.exit_code == 0, revoked.output
    result = cli(
        "verify",
        pdf_of(issued, CERTIFICATE),
        "--registry",
        registry,
        clock=A_YEAR_LATER.isoformat(),
    )
    assert result.stdout.startswith("DICABUT: ") and "Salah nama" in result.stdout


def test_a_validity_changed_in_the_registry_is_never_sah(issued, tmp_path):
    registry = copy_registry(issued, tmp_path)
    with sqlite3.connect(registry) as db:
        db.execute("UPDATE documents SET valid_until='2099-12-31' WHERE number=?", (CERTIFICATE,))

    result = cli(
        "verify",
        pdf_of(issued, CERTIFICATE),
        "--registry",
        registry,
        clock=A_YEAR_LATER.isoformat(),
    )
    assert result.stdout.startswith("DIUBAH: "), result.output
    text = (
        client(registry, A_YEAR_LATER)
        .get("/verifikasi", params={"n": CERTIFICATE, "c": code_of(registry, CERTIFICATE)})
        .text
    )
    assert 'id="status">DIUBAH<' in text and "2099" not in text
    audit = cli("registry", "audit", "--registry", registry)
    assert audit.exit_code == 1 and "isian valid_until" in audit.output


# --- the JSON API and the page -----------------------------------------------------------------


def test_the_api_answers_kedaluwarsa_by_number_and_by_file(issued):
    registry = issued / "reg.sqlite"
    api = client(registry, A_YEAR_LATER)
    found = api.get("/api/verify", params={"n": CERTIFICATE, "c": code_of(registry, CERTIFICATE)})
    answer = found.json()
    assert (answer["status"], answer["label"]) == ("kedaluwarsa", "KEDALUWARSA")
    assert answer["document"]["valid_until"] == "2029-10-14"
    assert "14 Oktober 2029" in answer["message"]
    with pdf_of(issued, CERTIFICATE).open("rb") as handle:
        uploaded = api.post("/api/verify", files={"berkas": ("s.pdf", handle, "application/pdf")})
    assert uploaded.json()["status"] == "kedaluwarsa"
    assert "Budi Santoso" not in uploaded.text  # the holder stays masked


def test_the_page_shows_kedaluwarsa_and_the_last_day_in_force(issued):
    registry = issued / "reg.sqlite"
    query = {"n": CERTIFICATE, "c": code_of(registry, CERTIFICATE)}
    late = client(registry, A_YEAR_LATER).get("/verifikasi", params=query).text
    assert 'id="status">KEDALUWARSA<' in late and ">SAH<" not in late
    assert "<dt>Berlaku sampai dengan</dt><dd>14 Oktober 2029</dd>" in late
    assert "Bu** Sa*****" in late and "Budi Santoso" not in late

    timely = client(registry, LAST_DAY).get("/verifikasi", params=query).text
    assert 'id="status">SAH<' in timely
    assert "<dt>Berlaku sampai dengan</dt><dd>14 Oktober 2029</dd>" in timely


def test_an_uploaded_expired_certificate_is_kedaluwarsa_on_the_page(issued):
    with pdf_of(issued, CERTIFICATE).open("rb") as handle:
        text = (
            client(issued / "reg.sqlite", A_YEAR_LATER)
            .post("/verifikasi", files={"berkas": ("s.pdf", handle, "application/pdf")})
            .text
        )
    assert 'id="status">KEDALUWARSA<' in text and "14 Oktober 2029" in text


def test_a_document_without_an_end_of_validity_shows_none(issued):
    registry = issued / "reg.sqlite"
    number = "0001/STTP/PKASN/2027"
    text = (
        client(registry, A_YEAR_LATER)
        .get("/verifikasi", params={"n": number, "c": code_of(registry, number)})
        .text
    )
    assert 'id="status">SAH<' in text and "Berlaku sampai" not in text


# --- letters checked from paper ----------------------------------------------------------------


def last_page_qr(pdf, folder):
    pages = len(PdfReader(str(pdf)).pages)
    prefix = folder / pdf.stem
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", str(pages), "-l", str(pages), pdf, prefix],
        check=True,
        timeout=120,
    )
    (image,) = folder.glob(f"{pdf.stem}*.png")
    found = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, timeout=60
    )
    assert found.returncode == 0, (pdf.name, found.stderr)
    return found.stdout.strip()


@pytest.mark.parametrize("number", LETTERS)
def test_a_letter_prints_its_number_and_code_and_the_page_answers_sah(issued, number):
    registry = issued / "reg.sqlite"
    code = code_of(registry, number)
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf_of(issued, number))).pages)
    assert number in text and f"Kode verifikasi: {code}" in text
    docx_text = subprocess.run(
        ["unzip", "-p", str(pdf_of(issued, number).with_suffix(".docx")), "word/document.xml"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert code in docx_text
    page = client(registry, dt.date(2027, 1, 12)).get(
        "/verifikasi", params={"n": number, "c": code}
    )
    assert 'id="status">SAH<' in page.text, number


@pytest.mark.browser  # zbar reads the QR
@pytest.mark.parametrize("number", LETTERS)
def test_a_letters_qr_opens_its_page_which_answers_sah(issued, tmp_path, number):
    url = last_page_qr(pdf_of(issued, number), tmp_path)
    query = parse_qs(urlsplit(url).query)
    assert query["n"] == [number]
    page = client(issued / "reg.sqlite", dt.date(2027, 1, 12)).get("/verifikasi", params=query)
    assert 'id="status">SAH<' in page.text, number


def test_the_initial_assessment_request_lapses_when_the_training_starts(issued):
    """The request holds until the training starts (its `until`, 1 March 2027)."""
    registry = issued / "reg.sqlite"
    number = "0001/ASW/PKASN/2027"
    query = {"n": number, "c": code_of(registry, number)}
    before = client(registry, dt.date(2027, 2, 28)).get("/verifikasi", params=query).text
    after = client(registry, dt.date(2027, 3, 1)).get("/verifikasi", params=query).text
    assert 'id="status">SAH<' in before and "28 Februari 2027" in before
    assert 'id="status">KEDALUWARSA<' in after


# --- documents issued before the registry recorded validity ------------------------------------

FORMAT = "{seq:04d}/{code}/PKASN/{year}"
CODES = {"sertifikat_kompetensi": "SKM"}


def record_until(until):
    decision = {"documents": [{"type": "sertifikat_kompetensi", "until": until}]}
    return ("v-lama", json.dumps({"decision": decision}))


@pytest.fixture
def issued_before_validity(tmp_path, registry_keys, monkeypatch):
    """A registry in which one certificate was issued (with a signed-PDF fingerprint) as the
    version before migration 0004 wrote it: its audit entries hold no validity."""
    old = ", ".join(f for f in registry_module.ROW_FIELDS if f != "valid_until")
    store = Registry(tmp_path / "lama.sqlite", FORMAT, CODES, **registry_keys)

    def issue(record):
        with monkeypatch.context() as previous_version:
            previous_version.setattr(registry_module, "ROW_COLUMNS", old)
            nip = str(198503152010011001 + len(store.list()))
            number = issue_row(store, doc_type="sertifikat_kompetensi", record=record, nip=nip)
            store.record_fingerprints(number.number, None, "sidik-pdf")
        return number.number

    return store, issue


def test_a_certificate_issued_before_validity_was_recorded_takes_it_from_its_record(
    issued_before_validity,
):
    store, issue = issued_before_validity
    number = issue(record_until("2029-10-15"))
    assert status_of(number, store, LAST_DAY).status == "sah"
    late = status_of(number, store, A_YEAR_LATER)
    assert (late.status, late.valid_until) == ("kedaluwarsa", "2029-10-14")
    assert store.audit() == []


def test_a_document_issued_before_validity_was_recorded_without_a_record_is_not_sah(
    issued_before_validity,
):
    store, issue = issued_before_validity
    number = issue(None)
    verdict = status_of(number, store, LAST_DAY)
    assert verdict.status == "tidak_sah" and "masa berlakunya tidak dapat dipastikan" in (
        verdict.message
    )


def test_a_fingerprint_recorded_after_the_migration_does_not_erase_an_old_validity(
    issued_before_validity,
):
    store, issue = issued_before_validity
    number = issue(record_until("2029-10-15"))
    # the current version writes the next entry: its snapshot holds an empty validity
    store.record_fingerprints(number, None, "sidik-pdf-baru")
    assert status_of(number, store, A_YEAR_LATER).status == "kedaluwarsa"
    assert store.audit() == []
