"""Genuine stays genuine (issue 25, item 2): a signed PDF re-issued with other bytes (another
signing time, another file ID: what a LibreOffice, font or pyHanko upgrade does) leaves every
copy issued before SAH, since the registry keeps every fingerprint it authenticated for a number;
a fingerprint written into the registry without its key vouches for nothing."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
import yaml
from conftest import DESIGN_RUN, ROOT, numbered

from aturan.documents import pdf as pdfs

pytestmark = [pytest.mark.libreoffice]

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]
# The rerun signs as pyHanko does by itself: the clock's signing time and a random file ID.
UNPINNED = """
import io, runpy, sys
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import PdfSigner
import aturan.documents.signing as signing

def unpinned():
    def writer(data, when):
        return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    def signer(*args, signing_time, **kwargs):
        return PdfSigner(*args, **kwargs)
    return writer, signer

signing._fixed_time_classes = unpinned
sys.argv[0] = "aturan"
runpy.run_module("aturan.cli", run_name="__main__")
"""


def run_issue(case, out, *options, unpinned=False):
    start = ["-c", UNPINNED] if unpinned else ["-m", "aturan.cli"]
    command = [sys.executable, *start, "issue", "--registri-baru", case, "--out", out]
    command += ["--registry", out / "reg.sqlite", *options]
    env = dict(os.environ, ATURAN_ROOT=str(ROOT))
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def signed_rows(registry):
    db = sqlite3.connect(registry)
    db.row_factory = sqlite3.Row
    found = [
        dict(r) for r in db.execute("SELECT * FROM documents WHERE pdf_fingerprint IS NOT NULL")
    ]
    db.close()
    return found


@pytest.fixture(scope="module")
def reissued(tmp_path_factory):
    """One participant's documents issued with signed PDFs, the PDFs kept, then issued again
    with other bytes: (output folder, kept first copies, rows)."""
    tmp = tmp_path_factory.mktemp("ulang")
    out, kept = tmp / "out", tmp / "salinan-pertama"
    sari = yaml.safe_load(COHORT.read_text(encoding="utf-8"))["cases"][2]
    case = tmp / "sari.yaml"
    case.write_text(yaml.safe_dump(sari, allow_unicode=True), encoding="utf-8")
    run_issue(case, out, *DESIGN_RUN)  # the designs, before the training starts
    run_issue(case, out, "--pdf", *ISSUE)
    rows = signed_rows(out / "reg.sqlite")
    kept.mkdir()
    for row in rows:
        first = numbered(out, row["number"], ".pdf")
        shutil.move(first, kept / first.name)
    rerun = run_issue(case, out, "--pdf", *ISSUE, unpinned=True)
    return out, kept, rows, rerun.stderr


def verify(aturan, out, pdf):
    result = aturan("verify", pdf, "--registry", out / "reg.sqlite")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_a_copy_signed_before_a_reissue_with_other_bytes_stays_sah(aturan, reissued):
    out, kept, rows, warnings = reissued
    assert rows
    assert warnings.count("salinan lama tetap SAH") == len(rows), warnings
    for row in rows:
        first = numbered(kept, row["number"], ".pdf")
        second = numbered(out, row["number"], ".pdf")
        assert first.read_bytes() != second.read_bytes(), row["number"]
        for copy in (first, second):
            result = verify(aturan, out, copy)
            assert result.exit_code == 0, (copy, result.output)
            assert result.output.startswith("SAH"), result.output


def signed_again(pdf, target):
    """The issued page, its signature removed, signed again by the institution's key on another
    day: a signature that chains to the institution on bytes the registry never recorded."""
    import datetime as dt

    from pypdf import PdfWriter

    from aturan.documents import Settings, SigningConfig, load_signer, sign_pdf

    writer = PdfWriter(clone_from=str(pdf))
    del writer._root_object["/AcroForm"]
    for page in writer.pages:
        page.pop("/Annots", None)
    with open(target, "wb") as handle:
        writer.write(handle)
    config = ROOT / "config" / "institution.yaml"
    signatory = Settings.load(config).signatory
    sign_pdf(target, load_signer(SigningConfig.load(config)), dt.date(2027, 2, 1), signatory)
    return target


def test_a_fingerprint_written_without_the_registry_key_makes_nothing_sah(
    aturan, reissued, tmp_path
):
    """A PDF signed with the institution's key but never issued (a third signing), whose
    fingerprint someone wrote into the registry's history by hand, is not SAH."""
    out, _, rows, _ = reissued
    row = rows[0]
    registry = tmp_path / "reg.sqlite"
    shutil.copy(out / "reg.sqlite", registry)
    third = signed_again(numbered(out, row["number"], ".pdf"), tmp_path / "ketiga.pdf")
    assert verify(aturan, out, third).output.startswith("DIUBAH")
    db = sqlite3.connect(registry)
    latest = db.execute("SELECT MAX(id) FROM audit_log WHERE number=?", (row["number"],))
    db.execute(
        "INSERT INTO pdf_fingerprints (number, fingerprint, audit_id, recorded_at) "
        "VALUES (?, ?, ?, '2027-01-11T00:00:00+00:00')",
        (row["number"], pdfs.fingerprint(third.read_bytes()), latest.fetchone()[0]),
    )
    db.commit()
    db.close()
    result = aturan("verify", third, "--registry", registry)
    assert result.exit_code == 1, result.output
    assert not result.output.startswith("SAH"), result.output
