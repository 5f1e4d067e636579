"""The preview of an issue run (issue 26, item 2), before anything is numbered: every row of the
cohort in order, the refused ones with the reasons `ditolak.csv` gives, the others with the
documents they get (new, already registered with their numbers, or refused for their date)."""

from __future__ import annotations

import csv
import datetime as dt

from conftest import ROOT
from test_jobs import new_registry

from aturan import app
from aturan.documents import open_registry

COHORT = ROOT / "samples" / "cohort-contoh.csv"
AS_OF, ISSUE_DATE = dt.date(2026, 3, 1), dt.date(2026, 3, 2)


def test_the_preview_shows_refused_rows_in_place_and_each_row_s_documents_numbering_nothing(
    tmp_path,
):
    registry = new_registry(tmp_path / "registri.sqlite")
    preview = app.preview_issue(COHORT, AS_OF, ISSUE_DATE, registry)
    assert [r.row for r in preview.rows] == list(range(2, 22)), "every row, in the file's order"
    refused = {
        r.row: (r.rejection.column, r.rejection.message) for r in preview.rows if r.rejection
    }
    assert refused[15] == ("nip", "NIP 197710251998031946 sudah muncul di baris 6")
    assert refused[19][0] == "komunikasi" and "di luar rentang 1..5" in refused[19][1]
    assert set(refused) == {9, 15, 19} and preview.rejected == 3 and preview.accepted == 17
    assert preview.count("new") == 17 and not any(r.documents for r in preview.rows if r.rejection)
    store, _ = open_registry(registry)
    assert store.list() == [], "a preview takes no number"
    store.close()

    # the same reasons, row by row, as the issue run's ditolak.csv
    result = app.issue(app.IssueRequest(COHORT, tmp_path / "out", AS_OF, ISSUE_DATE, registry))
    with open(result.rejected_file, encoding="utf-8") as handle:
        listed = {int(r["baris"]): (r["kolom"], r["pesan"]) for r in csv.DictReader(handle)}
    assert listed == refused

    again = app.preview_issue(COHORT, AS_OF, ISSUE_DATE, registry)
    numbers = sorted(d.number for r in again.rows for d in r.documents)
    assert again.count("registered") == 17 and numbers == sorted(
        e["number"] for e in result.report.issued
    )


def test_a_document_the_issue_date_cannot_carry_is_refused_in_the_preview(tmp_path):
    registry = new_registry(tmp_path / "registri.sqlite")
    late = app.preview_issue(COHORT, dt.date(2027, 1, 10), dt.date(2027, 1, 11), registry)
    refused = [d for r in late.rows for d in r.documents if d.outcome == "refused"]
    assert refused and all(d.code == "DSN" for d in refused)
    assert "paling lambat bertanggal" in refused[0].message
