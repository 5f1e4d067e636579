"""Issuing, revoking and issuing again: plain values in, typed results out."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aturan.app.deciding import decider, load_participants, rulebook
from aturan.app.records import operator_name, recorder
from aturan.documents import (
    InstitutionRole,
    Issuer,
    IssueReport,
    Registry,
    ToIssue,
    check_base_url,
    decide_for_issue,
    document_titles,
    load_signer,
    now_iso,
    open_registry,
    registry_groups,
    signer_warnings,
    signing_config,
)
from aturan.documents import init_institution as make_institution_role
from aturan.errors import AturanError, InputError, IssueDateError
from aturan.files import atomic_open, safe_row
from aturan.project import templates_dir

# (stage, done, total), stages "docx", "pdf", "sign": at each stage's start (done 0) and as work
# completes
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IssueRequest:
    """Everything `issue` needs, as plain values (what the command line's options say)."""

    source: Path  # a case file or a cohort (CSV, XLSX, YAML/JSON list)
    out_dir: Path
    as_of: dt.date
    issue_date: dt.date
    registry: Path | str | None  # a SQLite file or a postgresql:// address; None: the config's
    pdf: bool = False
    model: str | None = None
    assessment: str | None = None
    reform: Path | None = None
    config: Path | None = None
    operator: str | None = None  # None: `operator:` in the configuration, else the OS user
    new_registry: bool = False  # may make a new registry where none is; never otherwise
    full_bundle: bool = False  # the print bundle holds every document of the run, not only new


REJECTED_FILE = "ditolak.csv"
REJECTED_COLUMNS = ["baris", "kolom", "NIP", "nama", "pesan"]


@dataclass(frozen=True)
class Rejection:
    """One row or document refused, as `ditolak.csv` lists it: the source's row (None for a
    single case file), the column or option to change, whose it is, and why."""

    row: int | None
    column: str
    nip: str
    name: str
    message: str


@dataclass
class IssueResult:
    """What one issue run did: the issuer's report, the rows refused before issuing (read or
    decided) with one message each, and every rejection in the source's row order, also written
    to `ditolak.csv` in the output folder."""

    report: IssueReport
    bad_rows: list[InputError] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    rejected_file: Path | None = None
    registry_created: str | None = None  # the new registry's name, when this run made it

    @property
    def refused(self) -> list[IssueDateError]:
        return self.report.refused

    @property
    def complete(self) -> bool:
        """Every row read, decided and issued: no row and no document refused."""
        return not self.rejected and not self.report.refused and not self.bad_rows


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class IssuePlan:
    """An issue run decided but not yet numbered: the documents to issue and the rows already
    refused (read or decided), which an interface can show before anything is numbered."""

    request: IssueRequest
    issuer: Issuer
    items: list[ToIssue]
    bad_rows: list[InputError]
    rows: dict[str, int | None] = field(default_factory=dict)  # each NIP's row in the source
    registry_created: str | None = None
    warnings: list[str] = field(default_factory=list)  # said before anything is issued


def plan_issue(request: IssueRequest) -> IssuePlan:
    """Decide every participant of the source and give coaching groups their registry ids; make
    each decision's record. A participant who cannot be decided is refused by row and never stops
    the others."""
    runner = decider(request.model, request.assessment, request.reform)
    cases, bad = load_participants(request.source)
    operator = operator_name(request.operator, request.config)
    # the key is loaded before the registry is opened: a missing key or passphrase takes no number
    signer, warnings = None, []
    if request.pdf:
        signing = signing_config(request.config)
        signer = load_signer(signing)
        warnings = signer_warnings(signer, signing, request.issue_date, dt.datetime.now(dt.UTC))
    base_url_warning = check_base_url(request.config)  # refused for official documents
    if request.full_bundle and not request.pdf:
        raise AturanError("bundel lengkap hanya dibuat bersama PDF", field="--bundel-lengkap")
    registry, settings = open_registry(
        request.registry, request.config, create=request.new_registry, book=runner.rulebook
    )
    decisions, refused = decide_for_issue(runner, cases, request.as_of, str(request.source))
    decisions = registry_groups(decisions, registry, runner.rulebook, request.issue_date.year)
    record = recorder(
        runner,
        request.as_of,
        {"model": request.model, "assessment": request.assessment},
        request.reform,
        request.config,
    )
    # each decision's record, made here once: the documents layer stores it and never asks back
    items: list[ToIssue] = [
        (case, decision, record(case, decision) if decision.documents else None)
        for case, decision in decisions
    ]
    issuer = Issuer(
        runner.rulebook,
        settings,
        registry,
        templates_dir(),
        request.out_dir,
        signer,
        operator,
    )
    rows = {case.nip: row for row, case in cases}
    created = registry.label if registry.created else None
    if base_url_warning and request.pdf:
        warnings.append(base_url_warning)
    return IssuePlan(request, issuer, items, bad + refused, rows, created, warnings)


def run_plan(plan: IssuePlan, progress: Progress = _no_progress) -> IssueResult:
    """Number, render and register (with `pdf`: convert and sign) the planned documents. A
    document that cannot carry the issue date, or that another institution already issued, is
    refused by name, taking no number; the others go on. Every refusal is listed in
    `ditolak.csv`."""
    request = plan.request
    report = plan.issuer.issue(
        plan.items, request.issue_date, request.pdf, progress, request.full_bundle
    )
    rejected = rejections(plan.bad_rows, report, plan.rows)
    path = write_rejections(rejected, request.out_dir)
    return IssueResult(report, plan.bad_rows, rejected, path, plan.registry_created)


def rejections(
    bad_rows: list[InputError], report: IssueReport, rows: dict[str, int | None]
) -> list[Rejection]:
    """Every row and document refused in a run, in the source's row order."""
    found = [
        Rejection(
            error.row,
            getattr(error, "column", None) or error.field or "",
            error.nip or "",
            error.name or "",
            error.message,
        )
        for error in bad_rows
    ]
    found += [
        Rejection(
            rows.get(error.nip or ""), error.field or "", error.nip or "", error.name or "",
            error.message,
        )
        for error in report.refused
    ]  # fmt: skip
    found += [
        Rejection(rows.get(doc["nip"]), "", doc["nip"], doc["name"], doc["message"])
        for doc in report.foreign
    ]
    return sorted(found, key=lambda rejection: rejection.row or 0)


def write_rejections(rejected: list[Rejection], out_dir: Path) -> Path:
    """`ditolak.csv` in the output folder, written on every run (only its header when nothing
    was refused), so an earlier run's list is never taken for this one's."""
    path = out_dir / REJECTED_FILE
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECTED_COLUMNS)
        for item in rejected:
            cells = [item.row or "", item.column, item.nip, item.name, item.message]
            writer.writerow(safe_row(cells))
    return path


def issue(request: IssueRequest, progress: Progress = _no_progress) -> IssueResult:
    """`plan_issue`, then `run_plan`: the documents the source's decisions call for, issued."""
    return run_plan(plan_issue(request), progress)


@dataclass(frozen=True)
class Revocation:
    number: str
    reason: str
    operator: str
    at: str  # when, ISO 8601 (UTC)


def revoke(
    number: str,
    reason: str,
    registry: Path | str | None,
    config: Path | None = None,
    operator: str | None = None,
) -> Revocation:
    """Revoke a document, with its reason, in the registry and its audit log. Issuing again
    afterwards (`reissue`, or `issue`) gives a replacement with a new number that names this one."""
    who = operator_name(operator, config)
    store, _ = open_registry(registry, config)
    at = now_iso()
    store.revoke(number, reason, at, who)
    return Revocation(number, reason, who, at)


@dataclass(frozen=True)
class ToRevoke:
    """A document about to be revoked, as the operator confirms it: whose, what, when, by whom."""

    number: str
    doc_type: str
    title: str
    nip: str
    name: str
    doc_date: str
    institution: str
    event: str  # the training program the document is about (its event key's first part)


def revocation_targets(
    registry: Path | str | None,
    config: Path | None = None,
    *,
    number: str | None = None,
    nip: str | None = None,
    event: str | None = None,
) -> list[ToRevoke]:
    """What a revocation would revoke, to show before it is done: the document `number`, or every
    document in force the acting institution issued to `nip` for one event (a training program,
    `event`; needed only when the person has documents of more than one)."""
    if (number is None) == (nip is None):
        raise AturanError("sebutkan satu nomor dokumen, atau --nip (bukan keduanya)")
    store, _ = open_registry(registry, config)
    titles = document_titles(rulebook())
    rows = [_one_to_revoke(store, number)] if number else _persons(store, str(nip), event)
    return [
        ToRevoke(
            r["number"], r["doc_type"], titles.get(r["doc_type"], r["doc_type"]), r["nip"],
            r["name"], r["doc_date"], r["institution"], _event_of(r),
        )
        for r in rows
    ]  # fmt: skip


def _event_of(row: dict[str, Any]) -> str:
    return str(row["event_key"]).split(":", 1)[0]


def _one_to_revoke(store: Registry, number: str) -> dict[str, Any]:
    row: dict[str, Any] | None = store.get(number)
    if row is None:
        raise AturanError(f"nomor dokumen '{number}' tidak terdaftar")
    store.refuse_unless_own(row, "mencabutnya")
    if row["status"] == "revoked":
        raise AturanError(f"dokumen '{number}' sudah dicabut")
    return row


def _persons(store: Registry, nip: str, event: str | None) -> list[dict[str, Any]]:
    """The documents in force the acting institution issued to `nip`, of one event."""
    own = store.list(nip=nip, status="issued", institution=store.institution)
    if not own:
        raise AturanError(
            f"tidak ada dokumen berlaku untuk NIP {nip} yang diterbitkan institusi "
            f"{store.institution}",
            field="--nip",
        )
    events = sorted({_event_of(row) for row in own})
    if event is None and len(events) > 1:
        raise AturanError(
            f"NIP {nip} memiliki dokumen dari lebih dari satu acara ({', '.join(events)}); "
            "pilih satu dengan --acara",
            field="--acara",
        )
    chosen = [row for row in own if event is None or _event_of(row) == event]
    if not chosen:
        raise AturanError(
            f"NIP {nip} tidak memiliki dokumen berlaku untuk acara {event}; acaranya: "
            f"{', '.join(events)}",
            field="--acara",
        )
    return chosen


def revoke_all(
    targets: list[ToRevoke],
    reason: str,
    registry: Path | str | None,
    config: Path | None = None,
    operator: str | None = None,
) -> list[Revocation]:
    """Revoke each document shown by `revocation_targets`, with one reason, one by one through
    the registry (which refuses what the acting institution may not revoke)."""
    return [revoke(t.number, reason, registry, config, operator) for t in targets]


def reissue(
    number: str, reason: str, request: IssueRequest, progress: Progress = _no_progress
) -> tuple[Revocation, IssueResult]:
    """Revoke a document and issue again from `request`: the document the decision still calls
    for gets a new number and says it replaces `number`. The source is read and decided before
    anything is revoked: a source that cannot be read, or a missing signing key, revokes nothing."""
    plan = plan_issue(request)
    revocation = revoke(number, reason, request.registry, request.config, request.operator)
    return revocation, run_plan(plan, progress)


def init_institution(
    code: str,
    registry: Path | str,
    config: Path | None = None,
    password_file: Path | None = None,
) -> InstitutionRole:
    """Give an institution its own role in a PostgreSQL registry (by the database's admin): it
    reads every document, and issues, revokes and records only its own; its connection URL. The
    password is read from `password_file`, else generated. Refused on SQLite (no roles)."""
    return make_institution_role(code, registry, config, password_file)
