"""Issuing, revoking and issuing again: plain values in, typed results out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aturan.app.deciding import decider, load_participants
from aturan.app.records import operator_name, recorder
from aturan.documents import (
    InstitutionRole,
    Issuer,
    IssueReport,
    ToIssue,
    decide_for_issue,
    load_signer,
    now_iso,
    open_registry,
    registry_groups,
    signing_config,
)
from aturan.documents import init_institution as make_institution_role
from aturan.errors import InputError, IssueDateError
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
    registry: Path | str  # a SQLite file or a postgresql:// address
    pdf: bool = False
    model: str | None = None
    assessment: str | None = None
    reform: Path | None = None
    config: Path | None = None
    operator: str | None = None  # None: `operator:` in the configuration, else the OS user


@dataclass
class IssueResult:
    """What one issue run did: the issuer's report, and the rows refused before issuing (read or
    decided) with one message each."""

    report: IssueReport
    bad_rows: list[InputError] = field(default_factory=list)

    @property
    def refused(self) -> list[IssueDateError]:
        return self.report.refused

    @property
    def complete(self) -> bool:
        """Every row read, decided and issued: no row and no document refused."""
        return not self.report.refused and not self.bad_rows


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


def plan_issue(request: IssueRequest) -> IssuePlan:
    """Decide every participant of the source and give coaching groups their registry ids; make
    each decision's record. A participant who cannot be decided is refused by row and never stops
    the others."""
    runner = decider(request.model, request.assessment, request.reform)
    cases, bad = load_participants(request.source)
    operator = operator_name(request.operator, request.config)
    # the key is loaded before the registry is opened: a missing key or passphrase takes no number
    signer = load_signer(signing_config(request.config)) if request.pdf else None
    registry, settings = open_registry(
        request.registry, request.config, create=True, book=runner.rulebook
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
    return IssuePlan(request, issuer, items, bad + refused)


def run_plan(plan: IssuePlan, progress: Progress = _no_progress) -> IssueResult:
    """Number, render and register (with `pdf`: convert and sign) the planned documents. A
    document that cannot carry the issue date is refused by name, taking no number."""
    request = plan.request
    report = plan.issuer.issue(plan.items, request.issue_date, request.pdf, progress=progress)
    return IssueResult(report, plan.bad_rows)


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
    registry: Path | str,
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


def reissue(
    number: str, reason: str, request: IssueRequest, progress: Progress = _no_progress
) -> tuple[Revocation, IssueResult]:
    """Revoke a document and issue again from `request`: the document the decision still calls
    for gets a new number and says it replaces `number`."""
    revocation = revoke(number, reason, request.registry, request.config, request.operator)
    return revocation, issue(request, progress)


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
