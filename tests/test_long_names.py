"""A name is printed as the personnel record has it: any plausible name up to 120 characters is
issued in full on every document, certificates on one page and letters on as many pages as for a
short name. Only implausible names (no letter, a control character, over 120 characters) are
refused, each by its row and field, and the other participants are still issued. Needs LibreOffice
(the PDFs are measured)."""

import copy
import sqlite3

import pytest
import yaml
from click.testing import CliRunner
from conftest import DESIGN_RUN, ROOT, Result, numbered, started_cases
from pypdf import PdfReader

from aturan.cli import main

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]
CERTIFICATES = {"sttp", "sertifikat_kompetensi", "sertifikat_keikutsertaan"}
OFFICIAL_71 = "Dr. Ir. Raden Roro Siti Nurhaliza Kusumawardhani, S.E., M.Si., Ak., CA."
CAPITALS_120 = (
    "PROF. DR. IR. HJ. RADEN AJENG SITI NURHALIZA KARTIKASARI WAHYUNINGSIH PURNAMASARI "
    "KUSUMAWARDHANI, S.H., M.H., M.KN., CPA"
)
IMPLAUSIBLE = {
    "no_letter": "— 123 —",
    "control": "Budi\x07Santoso",
}


def normalised(text: str) -> str:
    return " ".join(text.split())


def issue(aturan, tmp_path, cases):
    path = tmp_path / "kohort.yaml"
    path.write_text(yaml.safe_dump({"cases": cases}, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir(parents=True, exist_ok=True)
    # the designs first, before their trainings start (a design dated later is refused)
    designs = started_cases(path, out)
    aturan(
        "issue",
        "--registri-baru",
        designs,
        "--out",
        out,
        "--registry",
        out / "r.sqlite",
        *DESIGN_RUN,
    )
    result = aturan(
        "issue",
        "--registri-baru",
        path,
        "--out",
        out,
        "--registry",
        out / "r.sqlite",
        "--pdf",
        *ISSUE,
    )
    registry = sqlite3.connect(out / "r.sqlite")
    rows = registry.execute("SELECT number, doc_type, nip, name FROM documents")
    pdfs = {
        (doc_type, nip): (name, PdfReader(str(numbered(out, number, ".pdf"))))
        for number, doc_type, nip, name in rows
    }
    return path, result, pdfs


@pytest.fixture(scope="module")
def sample_cases():
    return yaml.safe_load(COHORT.read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def short_names(sample_cases, tmp_path_factory):
    """The sample cohort as it is (short names): every document type, and each one's page count."""

    def aturan(*args):
        env = {"ATURAN_ROOT": str(ROOT)}
        return Result(CliRunner().invoke(main, [str(a) for a in args], env=env))

    _, result, pdfs = issue(aturan, tmp_path_factory.mktemp("pendek"), sample_cases)
    assert result.exit_code == 0, result.stderr
    return {key: len(reader.pages) for key, (_, reader) in pdfs.items()}


def implausible_cases(sample_cases):
    """Two more copies of Budi (own NIPs) whose names are implausible."""
    budi = sample_cases[1]
    cases = []
    for serial, name in enumerate(IMPLAUSIBLE.values(), start=1):
        case = copy.deepcopy(budi)
        case["nip"], case["name"] = f"19850315201001100{serial + 1}", name
        cases.append(case)
    return cases


@pytest.mark.parametrize("name", [OFFICIAL_71, CAPITALS_120], ids=["71", "120"])
@pytest.mark.libreoffice
def test_long_names_are_issued_in_full_on_every_document_without_a_page_more(
    aturan, tmp_path, sample_cases, short_names, name
):
    assert len(name) in (71, 120)
    cases = [dict(case, name=name) for case in copy.deepcopy(sample_cases)]
    path, result, pdfs = issue(aturan, tmp_path, cases + implausible_cases(sample_cases))

    # the implausible names are refused by row and field; everyone else is issued
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    for row in (len(cases) + 1, len(cases) + 2):
        assert f"kasus ke-{row}, isian 'name'" in result.stderr, result.stderr
    assert path.name in result.stderr
    assert set(pdfs) == set(short_names)

    for (doc_type, nip), (registered, reader) in pdfs.items():
        assert registered == name, (doc_type, nip)
        text = normalised(" ".join(page.extract_text() for page in reader.pages))
        assert normalised(name) in text, (doc_type, nip, text[:400])
        pages = len(reader.pages)
        if doc_type in CERTIFICATES:
            assert pages == 1, (doc_type, nip)
        assert pages == short_names[(doc_type, nip)], (doc_type, nip)


@pytest.mark.parametrize("length", [121, 150, 5000])
def test_a_name_over_120_characters_is_refused_by_its_row_and_the_others_are_issued(
    aturan, tmp_path, sample_cases, length
):
    cases = copy.deepcopy(sample_cases)
    cases[1]["name"] = (CAPITALS_120 + " " + "X" * length)[:length]
    path = tmp_path / "kohort.yaml"
    path.write_text(yaml.safe_dump({"cases": cases}, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = aturan(
        "issue", "--registri-baru", path, "--out", out, "--registry", out / "r.sqlite", *ISSUE
    )
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "kasus ke-2, isian 'name'" in result.stderr
    assert f"{length} karakter melebihi batas 120 karakter" in result.stderr
    names = {n for (n,) in sqlite3.connect(out / "r.sqlite").execute("SELECT name FROM documents")}
    assert names == {c["name"] for c in cases} - {cases[1]["name"]}
