"""The application layer (aturan.app) used without the command line, as the browser desk does:
an issue run that reports its progress and ends in a typed result (as a job: test_jobs.py), then a
revocation with its re-issue and a replay, all from plain values, printing nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from aturan import app

ROOT = Path(__file__).resolve().parents[1]
COHORT = ROOT / "samples" / "kohort-dokumen.yaml"


def _request(tmp_path: Path, source: Path = COHORT, **changes) -> app.IssueRequest:
    values = dict(
        source=source,
        out_dir=tmp_path / "dok",
        as_of=dt.date(2026, 2, 1),
        issue_date=dt.date(2026, 2, 2),
        registry=tmp_path / "registri.sqlite",
        operator="Ani Operator",
        new_registry=True,  # may make the registry on the first run
    )
    return app.IssueRequest(**{**values, **changes})


def test_an_issue_run_reports_its_progress_and_ends_in_a_typed_result(tmp_path, capsys):
    heard: list[tuple[str, int, int]] = []
    result = app.issue(_request(tmp_path), lambda *stage: heard.append(stage))
    issued = result.report.issued
    assert issued and all(entry["docx"].is_file() for entry in issued)
    assert result.complete and result.report.manifest.is_file()
    docx = [(done, total) for stage, done, total in heard if stage == "docx"]
    assert docx[0] == (0, docx[0][1]) and docx[-1] == (docx[0][1], docx[0][1])
    again = app.replay(issued[0]["number"], tmp_path / "registri.sqlite")
    assert again.identical and not again.changed_parts
    assert capsys.readouterr() == ("", "")  # the application layer never prints


def test_reissue_revokes_and_gives_a_replacement_naming_the_old_number(tmp_path):
    first = app.issue(_request(tmp_path)).report.issued
    old = first[0]
    data = yaml.safe_load(COHORT.read_text(encoding="utf-8"))
    for case in data["cases"]:
        if case["nip"] == old["nip"]:
            case["name"] = case["name"] + " Putra"
    fixed = tmp_path / "kohort.yaml"
    fixed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    revocation, result = app.reissue(
        old["number"], "salah ketik nama", _request(tmp_path, source=fixed, operator="Budi")
    )
    assert revocation.operator == "Budi" and revocation.number == old["number"]
    replacing = [e for e in result.report.issued if e["replaces"] == old["number"]]
    assert len(replacing) == 1 and replacing[0]["number"] != old["number"]
    shown = app.show_document(old["number"], tmp_path / "registri.sqlite")
    assert shown.row["status"] == "revoked" and shown.row["replaced_by"] == replacing[0]["number"]
    assert shown.record_lines and shown.problem is None
