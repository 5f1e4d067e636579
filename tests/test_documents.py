"""Issuing documents: every type, reproducible, idempotent, crash-safe, auditable, verifiable."""

import datetime as dt
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import docx
import pytest
import yaml
from conftest import DESIGN_RUN, ROOT, copy_registry, numbered, started_cases
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from aturan.documents import document_file_stem, document_titles, indonesian_date
from aturan.law import load_rulebook

# Its module fixture issues the sample cohort as signed PDFs: every test needs LibreOffice, and
# `make test` runs the module on one worker (xdist_group) so the cohort is issued once.
pytestmark = [pytest.mark.libreoffice, pytest.mark.xdist_group("documents")]

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]
TYPES = {
    "sttp",
    "sertifikat_kompetensi",
    "sertifikat_keikutsertaan",
    "desain_pelatihan",
    "rekomendasi_pengembangan",
    "penundaan_kelulusan",
    "undangan_uji",
    "permintaan_asesmen_awal",
}


def registry_rows(path):
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("SELECT * FROM documents ORDER BY number")]


def designs_first(out, *extra):
    """The sample cohort's designs, issued (DOCX) before their trainings start, as an operator
    does: a later run at ISSUE re-issues them under the same numbers."""
    from click.testing import CliRunner

    from aturan.cli import main

    Path(out).mkdir(parents=True, exist_ok=True)
    designs = started_cases(COHORT, Path(out))
    args = [
        "issue",
        "--registri-baru",
        designs,
        "--out",
        out,
        "--registry",
        Path(out) / "reg.sqlite",
        *extra,
    ]
    result = CliRunner().invoke(
        main, [str(a) for a in args + DESIGN_RUN], env={"ATURAN_ROOT": str(ROOT)}
    )
    assert result.exit_code == 0, result.output + result.stderr


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """The sample cohort issued once, DOCX and PDF (its designs before their trainings start)."""
    out = tmp_path_factory.mktemp("dokumen")
    designs_first(out)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aturan.cli",
            "issue",
            "--registri-baru",
            COHORT,
            "--out",
            out,
            "--registry",
            out / "reg.sqlite",
            "--pdf",
            *ISSUE,
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
    )
    assert result.returncode == 0, result.stderr
    (out / "stderr.txt").write_text(result.stderr, encoding="utf-8")
    return out


def test_sample_cohort_produces_every_document_type_in_docx_and_pdf(issued):
    rows = registry_rows(issued / "reg.sqlite")
    assert {r["doc_type"] for r in rows} == TYPES
    for row in rows:
        stem = document_file_stem(row["number"], row["name"])  # 0006-SKM-PKASN-2026-Budi-Santoso
        assert docx.Document(str(issued / f"{stem}.docx")).paragraphs
        reader = PdfReader(str(issued / f"{stem}.pdf"))
        assert reader.metadata["/AturanNumber"] == row["number"]
        assert reader.metadata["/AturanContentHash"] == row["content_hash"]
    assert len(PdfReader(str(issued / "bundel-cetak.pdf")).pages) >= len(rows)


def test_certificates_fit_one_page_and_carry_their_number_and_hash(issued):
    for row in registry_rows(issued / "reg.sqlite"):
        if row["doc_type"] in {"sttp", "sertifikat_kompetensi", "sertifikat_keikutsertaan"}:
            pdf = PdfReader(str(numbered(issued, row["number"], ".pdf")))
            text = pdf.pages[0].extract_text()
            assert len(pdf.pages) == 1, row["number"]
            assert row["number"] in text and row["content_hash"][:16] in text


# Pages each type takes for the sample cohort (issue 24): the invitation and the deferral notice
# fit one page; so do certificates. The design lists every subject of the training (15 in the
# sample, in two tables) and the recommendation its development plan: two pages at a legible size.
PAGES = {
    "undangan_uji": 1,
    "penundaan_kelulusan": 1,
    "sttp": 1,
    "sertifikat_kompetensi": 1,
    "sertifikat_keikutsertaan": 1,
    "desain_pelatihan": 2,
    "permintaan_asesmen_awal": 2,
    "rekomendasi_pengembangan": 2,
}


def test_each_letter_takes_the_pages_it_needs_and_no_more(issued):
    counted = {}
    for row in registry_rows(issued / "reg.sqlite"):
        pdf = PdfReader(str(numbered(issued, row["number"], ".pdf")))
        counted.setdefault(row["doc_type"], set()).add(len(pdf.pages))
    assert counted == {kind: {pages} for kind, pages in PAGES.items()}


def test_legal_basis_printed_is_the_deciding_rules_citations(issued):
    rows = {r["doc_type"]: r for r in registry_rows(issued / "reg.sqlite")}
    letter = numbered(issued, rows["penundaan_kelulusan"]["number"], ".docx")
    text = "\n".join(p.text for p in docx.Document(str(letter)).paragraphs)
    assert "Makalah Kebijakan LAN 2023, Bab IV.A.1.b" in _section(text, POLICY, "Demikian")
    # the remedial deadline is the project's assumption: never a letter's legal basis
    assert "Asumsi" not in text and "tidak diketahui" not in text


LAW, POLICY = "Dasar hukum:", "Rujukan kebijakan (usulan):"
CERTIFICATES = {"sttp", "sertifikat_kompetensi", "sertifikat_keikutsertaan"}


def _section(text: str, heading: str, *ends: str) -> str:
    """The text under a heading up to the first of `ends` ("" when the heading is absent)."""
    start = text.find(heading)
    if start < 0:
        return ""
    body = text[start + len(heading) :]
    stops = [body.find(end) for end in ends if end in body]
    return body[: min(stops)] if stops else body


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_dasar_hukum_lists_only_binding_law_and_the_paper_is_labelled_a_proposal(issued):
    """The 2023 paper is a policy proposal, not law: on every printed document it appears under
    its own heading, never under "Dasar hukum"."""
    for row in registry_rows(issued / "reg.sqlite"):
        text = " ".join(_pdf_text(numbered(issued, row["number"], ".pdf")).split())
        end = "Kode verifikasi" if row["doc_type"] in CERTIFICATES else "Demikian"
        law = _section(text, LAW, POLICY, end)
        assert "Makalah" not in law and "usulan" not in law, (row["number"], law)
        policy = _section(text, POLICY, end)
        assert "Makalah Kebijakan LAN 2023, Bab IV" in policy, (row["number"], text)


def test_a_competency_certificate_cites_only_the_clauses_that_decided_it(issued):
    """Meeting the SKJ decides the certificate; the talent pool (Bab IV.B angka 5) does not, nor
    does the paper's clause on the other post-training option (the sample's is the separate one)."""
    row = next(
        r for r in registry_rows(issued / "reg.sqlite") if r["doc_type"] == "sertifikat_kompetensi"
    )
    text = " ".join(_pdf_text(numbered(issued, row["number"], ".pdf")).split())
    assert "Bab IV.A.1.d.1)" in _section(text, POLICY, "Kode verifikasi")
    assert "IV.B" not in text and "Talent" not in text
    assert "Bab IV.A.1.c.2)" in text and "Bab IV.A.1.c.1)" not in text


def test_numbering_has_no_gap_and_the_audit_chain_holds(issued, aturan):
    result = aturan("registry", "audit", "--registry", issued / "reg.sqlite")
    assert result.exit_code == 0, result.stderr
    assert "utuh" in result.output


def test_same_case_rules_and_date_give_byte_identical_docx(aturan, tmp_path):
    files = []
    for run in ("a", "b"):
        out = tmp_path / run
        designs_first(out)
        assert (
            aturan(
                "issue",
                "--registri-baru",
                COHORT,
                "--out",
                out,
                "--registry",
                out / "reg.sqlite",
                *ISSUE,
            ).exit_code
            == 0
        )
        files.append(sorted(out.glob("*.docx")))
    assert [f.name for f in files[0]] == [f.name for f in files[1]]
    for first, second in zip(*files):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_zip_signature_bytes_inside_a_docx_entry_are_left_alone():
    """Making a DOCX reproducible zeroes each entry's time where the zip's directory puts its
    headers. The same four bytes inside an entry's data (which compressed data can hold by chance)
    are content, and the entry still reads back whole."""
    import io
    import zipfile

    from aturan.documents.render import _normalised_zip

    content = b"<w:t>PK\x03\x04 PK\x01\x02</w:t>" * 3
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo("word/document.xml", (2026, 11, 28, 10, 0, 0)), content)
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", (2026, 11, 28, 10, 0, 2)), b"<x/>")
    normalised = zipfile.ZipFile(io.BytesIO(_normalised_zip(buffer.getvalue())))
    assert normalised.testzip() is None
    assert normalised.read("word/document.xml") == content
    assert {info.date_time for info in normalised.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_issuing_again_returns_the_same_numbers(aturan, tmp_path):
    designs_first(tmp_path)
    args = [
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        tmp_path,
        "--registry",
        tmp_path / "reg.sqlite",
        *ISSUE,
    ]
    first = aturan(*args)
    before = registry_rows(tmp_path / "reg.sqlite")
    second = aturan(*args[:-1], "2027-02-01")  # a later issue date changes nothing already issued
    after = registry_rows(tmp_path / "reg.sqlite")
    assert first.exit_code == second.exit_code == 0
    assert "0 dokumen baru" in second.output and f"{len(before)} sudah terdaftar" in second.output
    assert [(r["number"], r["content_hash"], r["doc_date"]) for r in after] == [
        (r["number"], r["content_hash"], r["doc_date"]) for r in before
    ]


def test_a_batch_killed_midway_and_rerun_issues_each_document_once_without_gaps(tmp_path):
    cohort = tmp_path / "kohort.csv"
    from aturan.lab import generate, write_cohort

    write_cohort(generate(60, seed=11), cohort)
    registry = tmp_path / "reg.sqlite"
    command = [
        sys.executable,
        "-m",
        "aturan.cli",
        "issue",
        "--registri-baru",
        cohort,
        "--out",
        tmp_path / "out",
        "--registry",
        registry,
        "--as-of",
        "2028-12-31",
        "--issue-date",
        "2029-01-02",
    ]
    env = dict(os.environ, ATURAN_ROOT=str(ROOT))
    designs = command[:-4] + ["--as-of", "2025-12-30", "--issue-date", "2025-12-31"]
    subprocess.run(designs, env=env, capture_output=True, check=True)  # before the trainings
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while time.time() < deadline and (not registry.exists() or len(_safe_rows(registry)) < 20):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = len(_safe_rows(registry))
    assert killed_at >= 20
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    rows = registry_rows(registry)
    # three years on, some letters are no longer timely: each is refused by name, nothing else
    errors = [line for line in finished.stderr.splitlines() if line.startswith("galat:")]
    assert all("tidak dapat bertanggal" in line for line in errors), finished.stderr
    assert finished.returncode == (2 if errors else 0), finished.stderr
    assert len(rows) > killed_at
    keys = [(r["nip"], r["doc_type"], r["event_key"]) for r in rows]
    assert len(keys) == len(set(keys))
    for doc_type in {r["doc_type"] for r in rows}:
        seqs = sorted(r["seq"] for r in rows if r["doc_type"] == doc_type)
        assert seqs == list(range(1, len(seqs) + 1)), doc_type
    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert "0 dokumen baru" in rerun.stdout and len(registry_rows(registry)) == len(rows)


def _safe_rows(path):
    try:
        return registry_rows(path)
    except sqlite3.Error:
        return []


def test_audit_detects_a_tampered_log_entry(aturan, issued, tmp_path):
    copy = tmp_path / "reg.sqlite"
    with sqlite3.connect(issued / "reg.sqlite") as original, sqlite3.connect(copy) as target:
        original.backup(target)  # the WAL's committed pages included
    db = sqlite3.connect(copy)
    entry = db.execute(
        'SELECT min(id) FROM audit_log WHERE payload LIKE \'%"name":"%\''
    ).fetchone()[0]
    db.execute(
        'UPDATE audit_log SET payload = replace(payload, \'"name":"\', \'"name":"X\') WHERE id = ?',
        (entry,),
    )
    db.commit()
    db.close()
    result = aturan("registry", "audit", "--registry", copy)
    assert result.exit_code == 1
    assert f"entri {entry}: hash tidak cocok" in result.output


def test_verify_accepts_an_issued_pdf_and_catches_an_altered_byte(aturan, issued, tmp_path):
    row = next(
        r for r in registry_rows(issued / "reg.sqlite") if r["doc_type"] == "sertifikat_kompetensi"
    )
    pdf = numbered(issued, row["number"], ".pdf")
    ok = aturan("verify", pdf, "--registry", issued / "reg.sqlite")
    assert ok.exit_code == 0 and ok.output.startswith("SAH")
    altered = tmp_path / "ubah.pdf"
    _alter_one_text_byte(pdf, altered)
    bad = aturan("verify", altered, "--registry", issued / "reg.sqlite")
    assert bad.exit_code == 1 and bad.output.startswith("DIUBAH")


def _alter_one_text_byte(source: Path, target: Path):
    writer = PdfWriter(clone_from=str(source))
    page = writer.pages[0]
    contents = page.get_contents()
    data = bytearray(contents.get_data())
    start = data.index(b"<", data.index(b"BT"))  # first glyph string inside a text object
    data[start + 2] = ord("0") if data[start + 2] != ord("0") else ord("1")
    stream = StreamObject()
    stream.set_data(bytes(data))
    page[NameObject("/Contents")] = writer._add_object(stream)
    with open(target, "wb") as handle:
        writer.write(handle)


def test_revoked_document_is_reported_revoked(aturan, issued, tmp_path):
    copy = tmp_path / "reg.sqlite"
    copy_registry(issued / "reg.sqlite", copy)
    row = next(r for r in registry_rows(copy) if r["doc_type"] == "sttp")
    revoked = aturan(
        "registry",
        "revoke",
        "--ya",
        row["number"],
        "--reason",
        "salah ketik nama",
        "--registry",
        copy,
    )
    assert revoked.exit_code == 0
    pdf = numbered(issued, row["number"], ".pdf")
    result = aturan("verify", pdf, "--registry", copy)
    assert (
        result.exit_code == 1
        and result.output.startswith("DICABUT")
        and "salah ketik nama" in result.output
    )
    revoked_at = next(r for r in registry_rows(copy) if r["number"] == row["number"])["revoked_at"]
    day = (
        dt.datetime.fromisoformat(revoked_at).astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    )
    assert f"dicabut pada {indonesian_date(day)}:" in result.output  # the day in WIB, in words
    assert revoked_at not in result.output
    assert aturan("registry", "audit", "--registry", copy).exit_code == 0


def test_unknown_document_is_not_registered(aturan, issued, tmp_path):
    from aturan.documents import Registry

    empty = tmp_path / "kosong.sqlite"  # a registry with no documents (verify never creates one)
    Registry(empty, "{seq}/{code}", {}, key=bytes(32), create=True).db.close()
    pdf = next(issued.glob("*-SKM-*.pdf"))
    result = aturan("verify", pdf, "--registry", empty)
    assert result.exit_code == 1 and result.output.startswith("TIDAK_TERDAFTAR")


def test_missing_libreoffice_fails_before_any_number_is_taken(tmp_path):
    env = dict(os.environ, ATURAN_ROOT=str(ROOT), PATH=str(Path(sys.executable).parent))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aturan.cli",
            "issue",
            "--registri-baru",
            COHORT,
            "--out",
            tmp_path / "out",
            "--registry",
            tmp_path / "reg.sqlite",
            "--pdf",
            *ISSUE,
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2
    assert "LibreOffice" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "reg.sqlite").exists() or registry_rows(tmp_path / "reg.sqlite") == []


HOSTILE = (
    "Ñoño 李 Đặng & <Rekan> \"Ko\" 'x' {{ nama }} {% if x %} " + "Panjang" * 6
)  # within the 120-character limit


def test_hostile_names_render_literally_in_docx_and_pdf(aturan, tmp_path):
    case = yaml.safe_load((ROOT / "samples" / "budi-petahana-administrator.yaml").read_text())
    case["name"] = HOSTILE  # control characters are refused on reading (tests/test_hostile.py)
    case["position"]["agency"] = "Dinas <A> & {{ B }}"
    path = tmp_path / "kasus.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    result = aturan(
        "issue",
        "--registri-baru",
        path,
        "--out",
        tmp_path / "out",
        "--registry",
        tmp_path / "reg.sqlite",
        "--pdf",
        "--as-of",
        "2026-02-01",
        "--issue-date",
        "2026-02-02",
    )
    assert result.exit_code == 0, result.stderr
    document = next((tmp_path / "out").glob("*.docx"))
    text = "\n".join(p.text for p in docx.Document(str(document)).paragraphs)
    text += "\n".join(
        c.text for t in docx.Document(str(document)).tables for r in t.rows for c in r.cells
    )
    assert HOSTILE in text and "Dinas <A> & {{ B }}" in text
    pdf_text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(str(document.with_suffix(".pdf"))).pages
    )
    assert "Ñoño" in pdf_text and "& <Rekan>" in pdf_text and "{{ nama }}" in pdf_text


def test_a_broken_template_tag_fails_rules_check_naming_the_template(aturan, project_copy):
    import io
    import zipfile

    template = project_copy / "templates" / "docx" / "undangan_uji.docx"
    source = zipfile.ZipFile(template)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                # not doc.number: a `{%p` paragraph follows it (the replacement line), and
                # docxtpl's paragraph-tag cleanup swallows a `}}` missing right before one
                data = data.replace(b"{{ doc.subject }}", b"{{ doc.subject }", 1)
            target.writestr(name, data)
    template.write_bytes(buffer.getvalue())
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1
    assert "undangan_uji.docx" in result.stderr and "templat rusak" in result.stderr


@pytest.mark.parametrize("doc_type", sorted(TYPES))
def test_document_text_and_structure_snapshot(issued, snapshot, doc_type):
    """What each document says, and its tables' shape: review a change here like a change of law."""
    row = next(r for r in registry_rows(issued / "reg.sqlite") if r["doc_type"] == doc_type)
    document = docx.Document(str(numbered(issued, row["number"], ".docx")))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    tables = [[[_cell_text(cell) for cell in r.cells] for r in t.rows] for t in document.tables]
    assert {"paragraphs": paragraphs, "tables": tables} == snapshot


def _cell_text(cell):
    """A cell's text with that of the tables inside it (a letter's signature and QR block)."""
    nested = [_cell_text(c) for t in cell.tables for r in t.rows for c in r.cells]
    # the verification code is the content's hash: any change above changes it, so it is masked
    # here (the tests of verification read real codes)
    return _CODE.sub("Kode verifikasi: <kode>", "\n".join([cell.text, *nested]))


_CODE = re.compile(r"Kode verifikasi: [0-9a-f]{16}")


# --- documents print the decision; --issue-date is checked (issue 8, items 9 and 10) ---


def _sample_case(tmp_path, index, change=None):
    """One participant of the sample cohort as its own case file, optionally changed."""
    case = yaml.safe_load(COHORT.read_text())["cases"][index]
    if change:
        change(case)
    path = tmp_path / f"kasus-{index}.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    return path


def _decision(aturan, case, as_of, *extra):
    import json

    result = aturan("decide", case, "--as-of", as_of, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def _docx_text(path):
    document = docx.Document(str(path))
    cells = [_cell_text(c) for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _file(out, row):
    return numbered(out, row["number"], ".docx")


def test_recommendation_letter_states_the_decisions_development_days_and_retest_date(
    aturan, tmp_path
):

    reform = tmp_path / "pengembangan-30-hari.yaml"
    reform.write_text(
        "name: Pengembangan 30 hari\nparameters:\n  - id: development.days\n    from: 2023-12-01\n"
        "    value: 30\n    reference: [paper-lan-2023:iv-a-1-d-2-60-hari]\n",
        encoding="utf-8",
    )
    sari = _sample_case(tmp_path, 2)
    # 30 days from the result of 1 December 2026: the letter is timely until 30 December
    life = _decision(aturan, sari, "2026-12-10", "--reform", reform)["lifecycle"]
    assert (
        life["development"]["days"] == 30
        and life["next_step"]["from"] == life["development"]["retest_from"]
    )
    out = tmp_path / "out"
    args = [
        "issue",
        "--registri-baru",
        sari,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--reform",
        reform,
    ]
    assert aturan(*args, *DESIGN_RUN).exit_code == 0  # the design, before the training starts
    result = aturan(*args, "--as-of", "2026-12-10", "--issue-date", "2026-12-11")
    assert result.exit_code == 0, result.stderr
    rows = {r["doc_type"]: r for r in registry_rows(out / "reg.sqlite")}
    letter = _docx_text(_file(out, rows["rekomendasi_pengembangan"]))
    assert "selama 30 (tiga puluh) hari kalender" in letter and "60 hari kalender" not in letter
    retest = indonesian_date(life["next_step"]["from"])
    assert f"paling cepat pada tanggal {retest}" in letter
    assert f"sampai dengan {indonesian_date(life['development']['until'])}" in letter
    invitation = _docx_text(_file(out, rows["undangan_uji"]))
    assert f"paling cepat pada tanggal {retest}" in invitation


def test_an_issue_date_years_before_the_events_is_refused_and_takes_no_number(aturan, tmp_path):
    out = tmp_path / "out"
    result = aturan(
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--as-of",
        "2027-01-10",
        "--issue-date",
        "2019-01-11",
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    refusals = [line for line in result.stderr.splitlines() if line.startswith("galat:")]
    assert len(refusals) == 15  # every document the cohort calls for, each named
    sttp = next(line for line in refusals if "(STTP)" in line and "NIP 198503152010011001" in line)
    assert "11 Januari 2019" in sttp and "30 Juni 2026" in sttp
    assert registry_rows(out / "reg.sqlite") == []
    listed = aturan("registry", "list", "--registry", out / "reg.sqlite")
    assert "SKM" not in listed.output and "STTP" not in listed.output
    assert not list(out.glob("*.docx"))


def test_a_refused_document_does_not_stop_the_others(aturan, tmp_path):
    """Dated 1 November 2026: what happened by then is issued; the letters about later events are
    refused."""
    out = tmp_path / "out"
    result = aturan(
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--as-of",
        "2027-01-10",
        "--issue-date",
        "2026-11-01",
    )
    assert result.exit_code == 2
    issued = {(r["nip"], r["doc_type"]) for r in registry_rows(out / "reg.sqlite")}
    assert ("198503152010011001", "sertifikat_kompetensi") in issued  # assessed 15 October 2026
    assert (
        "197911222005012003",
        "rekomendasi_pengembangan",
    ) not in issued  # assessed 1 December 2026
    assert "(REK) untuk NIP 197911222005012003" in result.stderr
    assert "1 Desember 2026" in result.stderr
    designs_first(out)
    again = aturan(
        "issue", "--registri-baru", COHORT, "--out", out, "--registry", out / "reg.sqlite", *ISSUE
    )
    assert again.exit_code == 0, again.stderr
    rows = registry_rows(out / "reg.sqlite")
    assert {(r["nip"], r["doc_type"]) for r in rows} >= issued
    assert all(r["doc_date"] == "2026-11-01" for r in rows if (r["nip"], r["doc_type"]) in issued)


def test_a_competency_certificate_is_not_dated_on_or_after_its_expiry(aturan, tmp_path):
    budi = _sample_case(tmp_path, 1)
    expires = _decision(aturan, budi, "2027-01-10")["lifecycle"]["certificate_expires_on"]
    assert expires == "2029-10-15"
    late = tmp_path / "late"
    result = aturan(
        "issue",
        "--registri-baru",
        budi,
        "--out",
        late,
        "--registry",
        late / "reg.sqlite",
        "--as-of",
        "2027-01-10",
        "--issue-date",
        expires,
    )
    assert result.exit_code == 2
    assert "Sertifikat Kompetensi Manajerial (SKM) untuk NIP 198503152010011001" in result.stderr
    assert "kedaluwarsa pada 15 Oktober 2029" in result.stderr
    types = {r["doc_type"] for r in registry_rows(late / "reg.sqlite")}
    assert "sertifikat_kompetensi" not in types and "sttp" in types
    ok = tmp_path / "ok"
    aturan(
        "issue", "--registri-baru", budi, "--out", ok, "--registry", ok / "reg.sqlite", *DESIGN_RUN
    )
    result = aturan(
        "issue",
        "--registri-baru",
        budi,
        "--out",
        ok,
        "--registry",
        ok / "reg.sqlite",
        "--as-of",
        "2027-01-10",
        "--issue-date",
        "2029-10-14",
    )
    assert result.exit_code == 0, result.stderr
    assert "sertifikat_kompetensi" in {r["doc_type"] for r in registry_rows(ok / "reg.sqlite")}


def test_an_initial_assessment_request_is_not_dated_on_or_after_the_training_start(
    aturan, tmp_path
):
    joko = _sample_case(tmp_path, 0)  # training starts 1 March 2027
    late = tmp_path / "late"
    result = aturan(
        "issue",
        "--registri-baru",
        joko,
        "--out",
        late,
        "--registry",
        late / "reg.sqlite",
        "--as-of",
        "2027-01-10",
        "--issue-date",
        "2027-03-01",
    )
    assert result.exit_code == 2
    assert "(ASW) untuk NIP 199002012015031002" in result.stderr
    assert "1 Maret 2027" in result.stderr
    assert registry_rows(late / "reg.sqlite") == []
    ok = tmp_path / "ok"
    result = aturan(
        "issue",
        "--registri-baru",
        joko,
        "--out",
        ok,
        "--registry",
        ok / "reg.sqlite",
        "--as-of",
        "2027-01-10",
        "--issue-date",
        "2027-02-28",
    )
    assert result.exit_code == 0, result.stderr
    assert [r["doc_type"] for r in registry_rows(ok / "reg.sqlite")] == ["permintaan_asesmen_awal"]


def test_the_certificate_prints_the_decisions_result_not_a_later_rejected_attempt(aturan, tmp_path):
    """A re-test while the certificate still holds is rejected: the certificate keeps the valid
    result."""

    from aturan.vocabulary import COMPETENCIES, label

    def rejected_retest(case):
        case["events"].append(
            {
                "type": "post_assessment",
                "date": "2027-08-01",
                "levels": {key: 2 for key in case["events"][1]["levels"]},
            }
        )

    budi = _sample_case(tmp_path, 1, rejected_retest)
    decision = _decision(aturan, budi, "2027-08-10")
    life = decision["lifecycle"]
    assert life["attempt"]["valid"] is False and life["result"]["date"] == "2026-10-15"
    out = tmp_path / "out"
    aturan(
        "issue",
        "--registri-baru",
        budi,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        *DESIGN_RUN,
    )
    result = aturan(
        "issue",
        "--registri-baru",
        budi,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--as-of",
        "2027-08-10",
        "--issue-date",
        "2027-08-11",
    )
    assert result.exit_code == 0, result.stderr
    row = next(
        r for r in registry_rows(out / "reg.sqlite") if r["doc_type"] == "sertifikat_kompetensi"
    )
    document = docx.Document(str(_file(out, row)))
    names = {label(COMPETENCIES, key): key for key in COMPETENCIES}
    printed = {
        names[cells[1]]: (int(cells[2]), int(cells[3]))
        for t in document.tables
        for r in t.rows
        for cells in [[c.text.strip() for c in r.cells]]
        if len(cells) >= 4 and cells[1] in names
    }
    result_ = life["result"]
    assert printed == {
        key: (level, result_["standard_level"]) for key, level in result_["levels"].items()
    }
    assert indonesian_date(result_["date"]) in _docx_text(_file(out, row))


def test_a_participation_certificate_holder_is_invited_from_decision_date_without_invented_window(
    aturan, tmp_path
):
    def holder(case):
        case.pop("events")
        case["evidence"] = [
            {"type": "sertifikat_keikutsertaan", "date": "2025-07-01", "program": "pka"}
        ]

    budi = _sample_case(tmp_path, 1, holder)
    step = _decision(aturan, budi, "2026-02-01")["lifecycle"]["next_step"]
    assert step == {"action": "uji_kompetensi", "from": "2025-07-01", "until": None}
    out = tmp_path / "out"
    result = aturan(
        "issue",
        "--registri-baru",
        budi,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--as-of",
        "2026-02-01",
        "--issue-date",
        "2026-02-02",
    )
    assert result.exit_code == 0, result.stderr
    row = next(r for r in registry_rows(out / "reg.sqlite") if r["doc_type"] == "undangan_uji")
    text = _docx_text(_file(out, row))
    assert "dapat dilaksanakan mulai tanggal 1 Juli 2025" in text and "rentang waktu" not in text


# --- documents a secretariat would sign (issue 13, item 7) and the run's manifest (item 8) ---


def _all_texts(out):
    rows = registry_rows(out / "reg.sqlite")
    return {r["number"]: (r, _docx_text(_file(out, r))) for r in rows}


def test_documents_print_no_internal_ids_placeholders_or_cut_quotes(issued):
    for number, (_row, text) in _all_texts(issued).items():
        assert not re.search(r"\b[a-z]+(_[a-z]+)+\b", text), (number, text)
        for word in ("fleksibel.", "elearning", "diselenggarakan oleh -", "...", "Asumsi aturan"):
            # "[...]" is the corpus's own mark of an elision inside a clause; a cut is "..."
            assert word not in text.replace("[...]", ""), (number, word)
        assert "PKN Tingkat" not in text, number


def test_the_recommendation_pdf_prints_ksa_items_whole_and_the_description_for_a_damaged_one(
    issued, rulebook
):
    """Sari misses Komunikasi level 4, whose last interpersonal item the paper cuts mid-word
    (Lampiran I line 1079): the PDF prints the level's description in its place, never the
    fragment, and no KSA item in it ends in an ellipsis."""
    row = next(
        r
        for r in registry_rows(issued / "reg.sqlite")
        if r["doc_type"] == "rekomendasi_pengembangan" and r["nip"] == "197911222005012003"
    )
    pdf = PdfReader(str(numbered(issued, row["number"], ".pdf")))
    lines = [line.strip() for page in pdf.pages for line in page.extract_text().splitlines()]
    text = " ".join(" ".join(lines).split())
    level4 = rulebook.annexes["ksa-matrix"]["competencies"]["komunikasi"]["levels"][4]
    assert "…" not in text and not [line for line in lines if line.endswith("...")]
    assert not re.search(r"mempertaha(?!n)", text)
    assert f"Mengacu pada uraian kompetensi: {level4['description']}" in text
    assert "Lampiran I baris 1079 tidak terbaca utuh" in text


def test_jp_is_not_printed_while_the_hours_are_placeholders(issued):
    """Every JP of curriculum.subjects is an assumption: no certificate states hours as fact, and
    the STTP of a participant with waived subjects says it followed their design."""
    for number, (_row, text) in _all_texts(issued).items():
        assert "jam pelajaran" not in text and "290" not in text, number
    sttp = next(
        t
        for r, t in _all_texts(issued).values()
        if r["nip"] == "198503152010011001" and r["doc_type"] == "sttp"
    )
    assert "sesuai desain pelatihan yang ditetapkan baginya" in sttp


def test_the_addressee_is_the_agencys_ppk_by_title(issued):
    texts = {(r["nip"], r["doc_type"]): t for r, t in _all_texts(issued).values()}
    assert "Yth. Bupati Contoh" in texts[("198503152010011001", "desain_pelatihan")]
    assert "Yth. Wali Kota Contoh" in texts[("198807172012122004", "penundaan_kelulusan")]


def test_addressee_titles_come_from_the_configured_map():
    from aturan.documents.wording import addressee_title

    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text())["addressee"]
    cases = {
        "Sekretariat Daerah Kabupaten Sleman": "Bupati Sleman",
        "Pemerintah Kota Bandung": "Wali Kota Bandung",
        "Pemerintah Provinsi Jawa Barat": "Gubernur Jawa Barat",
        "Kantor Wilayah Kementerian Agama Provinsi Jawa Barat": "Menteri Agama",
        "Badan Pusat Statistik": "Pejabat Pembina Kepegawaian Badan Pusat Statistik",
        "Kantor Wilayah Contoh Provinsi Jawa Barat": (
            "Pejabat Pembina Kepegawaian Kantor Wilayah Contoh Provinsi Jawa Barat"
        ),
    }
    for agency, title in cases.items():
        assert addressee_title(agency, config["ppk_titles"], config["default"]) == title


def test_certificates_are_worded_as_official_ones(issued):
    texts = {r["doc_type"]: t for r, t in _all_texts(issued).values()}
    assert "KOMPETEN untuk jabatan Administrator pada Level 3" in texts["sertifikat_kompetensi"]
    participation = texts["sertifikat_keikutsertaan"]
    assert "Pelatihan Kepemimpinan Nasional Tingkat II" in participation
    # the holder passed the training and missed SKJ: it says exactly that, not "not a pass"
    assert "bukan merupakan pernyataan kelulusan" not in participation
    assert "bukan sertifikat kompetensi manajerial" in participation
    assert "belum memenuhi standar kompetensi jabatan manajerial" in participation
    sttp = next(t for r, t in _all_texts(issued).values() if r["doc_type"] == "sttp")
    assert "diselenggarakan oleh Puslatbang PKASN LAN" in sttp


def test_quotes_in_letters_are_whole_sentences_or_the_citation_alone(issued, rulebook):
    texts = [c.text for i in rulebook.corpus.instruments.values() for c in i.clauses]
    for _number, (_row, text) in _all_texts(issued).items():
        for quote in re.findall(r"^\d+\.\t[^\n]+? — (.+)$", text, re.M):
            whole = quote in texts
            assert whole or (quote[-1] in ".?!" and any(t.startswith(quote) for t in texts)), quote


def _pdf_pages(path):
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def test_the_signature_never_stands_alone_and_tembusan_stays_with_it(issued):
    letters = [
        r
        for r in registry_rows(issued / "reg.sqlite")
        if r["doc_type"] not in {"sttp", "sertifikat_kompetensi", "sertifikat_keikutsertaan"}
    ]
    assert any(len(_pdf_pages(numbered(issued, r["number"], ".pdf"))) > 1 for r in letters)
    for row in letters:
        pages = _pdf_pages(numbered(issued, row["number"], ".pdf"))
        signed = [p for p in pages if "Nama Pejabat Penandatangan" in p]
        assert len(signed) == 1, row["number"]
        assert "Demikian" in signed[0] and "Tembusan" in signed[0], row["number"]
        assert "Kepala Badan Kepegawaian Negara" in signed[0], row["number"]
        for number, page in enumerate(pages[1:], 2):
            assert re.search(rf"(^|\n)\s*{number}\s*$", page), (row["number"], number)
        assert not re.search(r"(^|\n)\s*1\s*$", pages[0]), row["number"]


def test_every_issue_writes_a_manifest_and_reports_each_stage(issued):
    import csv

    rows = registry_rows(issued / "reg.sqlite")
    titles = document_titles(load_rulebook(ROOT))
    with open(issued / "manifest.csv", encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    assert {m["nomor"] for m in manifest} == {r["number"] for r in rows}
    for entry in manifest:
        row = next(r for r in rows if r["number"] == entry["nomor"])
        assert (entry["jenis"], entry["nip"], entry["nama"]) == (  # the type as operators read it
            titles[row["doc_type"]],
            row["nip"],
            row["name"],
        )
        assert (issued / entry["berkas_docx"]).exists() and (issued / entry["berkas_pdf"]).exists()
        # the designs were numbered by the run before the trainings; this one re-issues them
        redone = row["doc_type"] == "desain_pelatihan"
        assert entry["status"] == ("terbit ulang" if redone else "baru")
    log = (issued / "stderr.txt").read_text(encoding="utf-8")
    for line in (
        "Membuat DOCX (peserta): selesai, 5/5",
        f"Mengonversi ke PDF (LibreOffice): selesai, {len(rows)}/{len(rows)}",
        f"Menandatangani PDF: selesai, {len(rows)}/{len(rows)}",
    ):
        assert line in log


def test_a_rerun_lists_reissued_documents_in_its_manifest(aturan, tmp_path):
    import csv

    out = tmp_path / "out"
    designs_first(out)
    args = [
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        *ISSUE,
    ]
    assert aturan(*args).exit_code == 0
    result = aturan(*args)
    assert result.exit_code == 0 and "Manifes:" in result.output
    with open(out / "manifest.csv", encoding="utf-8") as handle:
        statuses = {m["status"] for m in csv.DictReader(handle)}
    assert statuses == {"terbit ulang"}


def test_the_design_letter_spells_out_the_coaching_group(aturan, tmp_path):
    out = tmp_path / "out"
    designs_first(out, "--model", "generic")
    result = aturan(
        "issue", COHORT, "--model", "generic", "--out", out, "--registry", out / "reg.sqlite",
        *ISSUE,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = [r for r in registry_rows(out / "reg.sqlite") if r["doc_type"] == "desain_pelatihan"]
    for row in rows:
        text = _docx_text(_file(out, row))
        assert re.search(r"jumlah anggota \d+ \([a-z ]+\) orang", text), text
        assert not re.search(r"\b\w+_\w+\b", text), row["number"]


def test_a_broken_addressee_map_is_one_message_naming_the_field(aturan, tmp_path):
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text())
    config["addressee"] = {"ppk_titles": ["Bupati"], "default": "PPK {agency}"}
    config["registry"]["key_file"] = str(ROOT / "keys" / "registry.key")
    config["registry"]["signing_key_file"] = str(ROOT / "keys" / "registry-signing.key")
    path = tmp_path / "institution.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = aturan(
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--config",
        path,
        *ISSUE,
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "addressee" in result.stderr and str(path) in result.stderr


def _libreoffice_processes_using(folder: Path) -> list[str]:
    """Command lines of running processes that mention `folder` (a test's own profile folder)."""
    return [cmdline for _, cmdline in _processes_mentioning(folder)]


def _processes_mentioning(folder: Path) -> Iterator[tuple[Path, str]]:
    """(its /proc folder, its command line) for each running process that mentions `folder`."""
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(folder) in cmdline:
            yield proc, cmdline


def _stamped(pdf_file: Path) -> bytes:
    import datetime as dt

    from aturan.documents import pdf

    pdf.stamp(
        pdf_file,
        title="t",
        subject="s",
        number="0001/X/2027",
        decision_id="d",
        rules_version="r",
        content_hash="h",
        issue_date=dt.date(2027, 1, 11),
    )
    return pdf_file.read_bytes()


def test_pdfs_are_the_same_with_a_kept_libreoffice_or_one_soffice_per_batch(
    issued, tmp_path, monkeypatch
):
    """Where LibreOffice's Python bridge (python3-uno) is missing, plain soffice batches convert
    instead: the stamped PDFs are the same bytes either way, so fingerprints do not depend on it."""
    from aturan.documents import pdf

    docx_files = sorted(issued.glob("*.docx"))[:3]
    kept, batches = tmp_path / "kept", tmp_path / "batches"
    kept.mkdir(), batches.mkdir()
    assert pdf._uno_python(None), "this machine has python3-uno (make setup-pdf)"
    converted = pdf.convert(docx_files, kept, workers=2)
    monkeypatch.setenv("ATURAN_UNO_PYTHON", "")  # as if python3-uno were not installed
    assert pdf._uno_python("") is None
    plain = pdf.convert(docx_files, batches, workers=2)
    assert (
        [p.name for p in converted]
        == [p.name for p in plain]
        == [f.stem + ".pdf" for f in docx_files]
    )
    for one, other in zip(converted, plain):
        assert _stamped(one) == _stamped(other)


def test_libreoffice_runs_with_jemalloc_and_writes_the_same_pdfs_as_with_glibcs_allocator(
    issued, tmp_path, monkeypatch
):
    """LibreOffice's workers run with jemalloc preloaded where it is installed (less CPU per
    document); ATURAN_JEMALLOC empty gives glibc's allocator. The PDFs are the same bytes."""
    from aturan.documents import pdf

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # profiles of this test only
    assert pdf._jemalloc(None), "this machine has libjemalloc2 (make setup-pdf)"
    docx_files = sorted(issued.glob("*.docx"))[:3]
    outputs, allocators = {}, {}
    for name, setting in (("jemalloc", None), ("glibc", "")):
        if setting is None:
            monkeypatch.delenv("ATURAN_JEMALLOC", raising=False)
        else:
            monkeypatch.setenv("ATURAN_JEMALLOC", setting)
        out = tmp_path / name
        out.mkdir()
        seen = allocators.setdefault(name, set())

        def finish(index, pdf_file, seen=seen):
            seen.update(_preloads_of_libreoffice_using(tmp_path / "cache"))

        outputs[name] = [_stamped(p) for p in pdf.convert(docx_files, out, finish=finish)]
    assert allocators == {"jemalloc": {True}, "glibc": {False}}
    assert outputs["jemalloc"] == outputs["glibc"]


def _preloads_of_libreoffice_using(folder: Path) -> set[bool]:
    """For each running soffice.bin with a profile under `folder`: whether jemalloc is loaded.
    A process caught while starting or exiting (no C library mapped yet, or any more) says
    nothing about its allocator, and is passed over."""
    found = set()
    for proc, cmdline in _processes_mentioning(folder):
        if "soffice.bin" in cmdline:
            with suppress(OSError):  # the process ended meanwhile
                maps = (proc / "maps").read_text()
                if "libc.so" in maps:
                    found.add("libjemalloc" in maps)
    return found


def test_an_error_while_signing_stops_libreoffice_and_leaves_no_pdf(issued, tmp_path, monkeypatch):
    from aturan.documents import pdf
    from aturan.errors import AturanError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # profiles of this test only
    docx_files = sorted(issued.glob("*.docx"))[:6]
    out = tmp_path / "out"
    out.mkdir()
    finished = []

    def finish(index, pdf_file):
        finished.append(index)
        if len(finished) == 2:
            raise AturanError("PDF tidak dapat ditandatangani")

    with pytest.raises(AturanError, match="ditandatangani"):
        pdf.convert(docx_files, out, workers=2, finish=finish)
    assert len(finished) == 2, "the workers stop converting once signing failed"
    assert not list(out.iterdir()), "no PDF and no private folder is left"
    assert not _libreoffice_processes_using(tmp_path / "cache")
    assert len(pdf.convert(docx_files, out, workers=2)) == 6, "the next run works"
    assert not _libreoffice_processes_using(tmp_path / "cache")


HANGING_OFFICE = """#!/bin/sh
# Stands in for a Python with LibreOffice's uno: answers the import check, says it is ready, then
# never answers a conversion (as a LibreOffice stuck on one document).
[ "$1" = "-c" ] && exit 0
echo ready
sleep 600
"""


def test_a_libreoffice_that_stops_answering_is_stopped_and_the_run_fails_naming_the_file(
    issued, tmp_path, monkeypatch
):
    from aturan.documents import pdf
    from aturan.errors import AturanError

    hanging = tmp_path / "hanging-python"
    hanging.write_text(HANGING_OFFICE)
    hanging.chmod(0o755)
    monkeypatch.setenv("ATURAN_UNO_PYTHON", str(hanging))
    monkeypatch.setattr(pdf, "SECONDS_PER_DOCUMENT", 1)
    docx = sorted(issued.glob("*.docx"))[:1]
    out = tmp_path / "out"
    out.mkdir()

    expected = f"{re.escape(docx[0].name)}.*tidak menjawab dalam 1 detik"
    with pytest.raises(AturanError, match=expected):
        pdf.convert(docx, out, workers=1, attempts=2)
    assert not list(out.iterdir())
    assert not _libreoffice_processes_using(hanging), "the stuck stand-in is stopped"
