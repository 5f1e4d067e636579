"""Issuing from a spreadsheet as the desk does it: a preview of every row before anything is
numbered, then the issue run as a job (`aturan.app.jobs`) whose files (the print bundle, a ZIP of
the signed PDFs, `ditolak.csv`, the manifest) stay in the job's folder. The run itself is
`issue`, exactly as `aturan issue --pdf` runs it: desk and command line give the same results."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aturan.app.deciding import decider, load_participants
from aturan.app.issuing import IssueRequest, IssueResult, Rejection, issue, rejections
from aturan.app.jobs import Handler, Job, Progress
from aturan.documents import Forecast, IssueReport, decide_for_issue, forecast, open_registry
from aturan.errors import AturanError

ISSUE = "issue"  # the job kind
PDF_ZIP = "dokumen-pdf.zip"


@dataclass(frozen=True)
class PreviewRow:
    """One row of the source as issuing would treat it: refused (why, by column), or the
    documents it gets."""

    row: int | None
    nip: str
    name: str
    rejection: Rejection | None = None
    documents: list[Forecast] = field(default_factory=list)


@dataclass(frozen=True)
class IssuePreview:
    rows: list[PreviewRow]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows for d in r.documents if d.outcome == outcome)

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if r.rejection is not None)

    @property
    def accepted(self) -> int:
        return len(self.rows) - self.rejected


def preview_issue(
    source: Path,
    as_of: dt.date,
    issue_date: dt.date,
    registry: Path | str | None,
    config: Path | None = None,
) -> IssuePreview:
    """Every row of `source`, in order: refused as `ditolak.csv` would list it (read or decided),
    or decided on `as_of` with the documents it gets on `issue_date` (new, already registered,
    refused for its date). Reads the registry, writes nothing: no number is taken."""
    runner = decider()
    cases, bad = load_participants(source)
    store, _ = open_registry(registry, config, book=runner.rulebook)
    try:
        decisions, refused = decide_for_issue(runner, cases, as_of, str(source))
        rows = {case.nip: row for row, case in cases}
        found = [
            PreviewRow(r.row, r.nip, r.name, rejection=r)
            for r in rejections(bad + refused, IssueReport(), rows)
        ]
        found += [
            PreviewRow(
                rows.get(case.nip),
                decision.nip,
                decision.name,
                documents=forecast(store, runner.rulebook, decision, issue_date),
            )
            for case, decision in decisions
        ]
    finally:
        store.close()
    return IssuePreview(sorted(found, key=lambda r: r.row or 0))


def issue_handler(
    files: Path, registry: Path | str | None, config_for: Callable[[str], Path | None]
) -> Handler:
    """Runs an issue job: its source and output folder are under `files` (the desk's folder),
    its registry the desk's, its configuration the institution's (`config_for`), its operator the
    account that asked. A rerun (params `rerun`) issues into the interrupted job's folder, and its
    bundle holds every document of the run, those the interrupted run finished included."""

    def run(job: Job, progress: Progress) -> dict[str, Any]:
        params = job.params
        out = inside(files, params["out"])
        pdf = bool(params.get("pdf", True))
        request = IssueRequest(
            source=inside(files, params["source"]),
            out_dir=out,
            as_of=dt.date.fromisoformat(params["as_of"]),
            issue_date=dt.date.fromisoformat(params["issue_date"]),
            registry=registry,
            pdf=pdf,
            config=config_for(job.institution),
            operator=job.account,
            full_bundle=pdf and bool(params.get("rerun")),
        )
        try:
            result = issue(request, progress)
        except AturanError as exc:
            if params.get("name") and exc.file == str(request.source):
                exc.file = str(params["name"])  # the uploaded file by its own name
            raise
        return summary(result, out, pdf_zip(result.report, out) if pdf else None)

    return run


def inside(folder: Path, relative: str) -> Path:
    """`relative` under `folder`, refused when it would lead outside it."""
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise AturanError(f"berkas tugas di luar folder meja kerja: {relative}")
    return path


def pdf_zip(report: IssueReport, out: Path) -> Path | None:
    """A ZIP of the run's signed PDFs (new, made again, and unchanged ones), or None when the
    run made none."""
    pdfs = [e["pdf"] for e in report.issued + report.reissued + report.unchanged if e.get("pdf")]
    path = out / PDF_ZIP
    path.unlink(missing_ok=True)
    if not pdfs:
        return None
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for pdf in sorted(pdfs):
            archive.write(pdf, pdf.name)
    return path


def summary(result: IssueResult, out: Path, archive: Path | None) -> dict[str, Any]:
    """What a job stores of its run: counts as the command line prints them, the numbers, and
    its files by name (relative to the job's folder)."""
    report = result.report
    files = {
        "bundle": report.bundle,
        "zip": archive,
        "manifest": report.manifest,
        "rejected": result.rejected_file,
    }
    every = report.issued + report.reissued + report.unchanged
    return {
        "issued": len(report.issued),
        "reissued": len(report.reissued),
        "unchanged": len(report.unchanged),
        "changed": len(report.changed),
        "bad_rows": len(result.bad_rows),
        "refused": len(report.refused),
        "foreign": len(report.foreign),
        "rejected": len(result.rejected),
        "complete": result.complete,
        "numbers": sorted(e["number"] for e in every),
        "files": {k: str(p.relative_to(out)) for k, p in files.items() if p is not None},
    }


def job_file(files: Path, job: Job, name: str) -> Path:
    """One result file of an issue job, by its name in the job's folder; refused when it would
    lead outside the folder or is missing (AturanError)."""
    path = inside(inside(files, job.params["out"]), name)
    if not path.is_file():
        raise AturanError(f"berkas hasil tugas tidak ada lagi: {name}")
    return path
