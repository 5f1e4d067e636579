"""Genuine stays genuine (issue 25, item 2): a signed PDF re-issued with other bytes (another
signing time, another file ID: what a LibreOffice, font or pyHanko upgrade does) leaves every
copy issued before SAH (the registry keeps every fingerprint it authenticated for a number), and a
copy the institution signed again outside the registry is SAH too: the signature and the signed
number and content hash prove it, not the bytes."""

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


def test_a_copy_the_institution_signs_again_on_another_day_is_sah_and_a_forgery_is_not(
    aturan, reissued, tmp_path
):
    """Byte identity with a recorded fingerprint is not required (issue 25, item 2): the issued
    page signed again by the institution's key on another day, with another file identifier,
    carries the registry's number and content hash, so it is SAH, and `verify` says it is not the
    recorded file. The same copy changed after signing is not SAH."""
    out, _, rows, _ = reissued
    row = rows[0]
    third = signed_again(numbered(out, row["number"], ".pdf"), tmp_path / "ketiga.pdf")
    assert pdfs.fingerprint(third.read_bytes()) != row["pdf_fingerprint"]
    result = verify(aturan, out, third)
    assert result.exit_code == 0 and result.output.startswith("SAH"), result.output
    assert "ditandatangani institusi pada waktu lain" in result.output
    data = bytearray(third.read_bytes())
    at = data.index(b"/AturanNumber")
    data[at - 20 : at - 19] = b" " if data[at - 20 : at - 19] != b" " else b"\n"
    forged = tmp_path / "palsu.pdf"
    forged.write_bytes(bytes(data))
    result = aturan("verify", forged, "--registry", out / "reg.sqlite")
    assert result.exit_code != 0 and not result.output.startswith("SAH"), result.output
