"""Issuing: number, render, convert, sign, register."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import aturan.documents.pdf as pdfs
from aturan.cases import Case, row_error
from aturan.decide import Decision, assign_coaching_groups
from aturan.documents.context import indonesian_date
from aturan.documents.registry import Registry, now_iso
from aturan.documents.render import (
    Settings,
    build_context,
    content_hash,
    render_docx,
    verification_url,
)
from aturan.documents.signing import signed
from aturan.documents.types import document_type, event_key, last_day_in_force
from aturan.errors import AturanError, InputError, IssueDateError
from aturan.files import atomic_open, atomic_path, ensure_folder, safe_row
from aturan.law import DocumentType, Rulebook


@dataclass
class IssueReport:
    issued: list[dict] = field(default_factory=list)  # newly numbered
    reissued: list[dict] = field(
        default_factory=list
    )  # already in the registry: same number, same file
    changed: list[dict] = field(
        default_factory=list
    )  # registered with different content: left as issued
    refused: list[IssueDateError] = field(
        default_factory=list
    )  # the issue date cannot be right: no number taken
    pdf_replaced: list[dict] = field(
        default_factory=list
    )  # reissued, but the signed PDF differs from the one recorded: earlier copies now DIUBAH
    bundle: Path | None = None
    manifest: Path | None = None

    @property
    def all(self) -> list[dict]:
        return self.issued + self.reissued


# Progress: (stage, done, total), stages "docx", "pdf", "sign"; called at each stage's start
# (done 0) and as work completes.
Progress = Callable[[str, int, int], None]


MANIFEST_COLUMNS = ["nomor", "jenis", "nip", "nama", "berkas_docx", "berkas_pdf", "status"]


# (version, decision record text) of one decided case, as the registry stores it
Recorded = tuple[str, str]
# a case and its decision, with or without its decision record
ToIssue = tuple[Case, Decision] | tuple[Case, Decision, Recorded | None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


class Issuer:
    def __init__(
        self,
        book: Rulebook,
        settings: Settings,
        registry: Registry,
        templates: Path,
        out_dir: Path,
        signer=None,  # a pyHanko signer (documents.signing.load_signer); needed for PDFs
        operator: str | None = None,
    ):
        self.book, self.settings, self.registry = book, settings, registry
        self.templates, self.out_dir, self.signer = templates, out_dir, signer
        self.operator = operator
        ensure_folder(out_dir)

    def issue(
        self,
        items: Iterable[ToIssue],
        issue_date: dt.date,
        pdf: bool,
        progress: Progress = _no_progress,
    ) -> IssueReport:
        """Number and render each document the decisions call for, then (with `pdf`) convert,
        stamp and sign them; write the manifest. `progress` hears every stage. Each item is a
        case and its decision, and the decision record the registry stores with its documents
        (version, text), when the caller keeps one."""
        if pdf:
            pdfs.soffice()  # fail before any number is taken
            if self.signer is None:
                raise AturanError("PDF hanya diterbitkan bertanda tangan: kunci tidak dimuat")
        report = IssueReport()
        items = list(items)
        progress("docx", 0, len(items))
        for done, (case, decision, *recorded) in enumerate(items, 1):
            record = recorded[0] if recorded else None
            for called in decision.documents:
                self._issue_one(case, decision, called.type, issue_date, report, record)
            progress("docx", done, len(items))
        if pdf and report.all:
            self._to_pdf(report, progress)
        report.manifest = self._manifest(report)
        return report

    def _manifest(self, report: IssueReport) -> Path:
        """`manifest.csv` in the output folder: one row per document of this run, whom it is for
        and which file holds it; status `baru` (newly numbered) or `terbit ulang` (already
        registered: same number). Documents left unchanged or refused have no file and no row."""
        path = self.out_dir / "manifest.csv"
        rows = [(e, "baru") for e in report.issued] + [(e, "terbit ulang") for e in report.reissued]
        rows.sort(key=lambda pair: (pair[0]["type"], pair[0]["number"]))
        with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(MANIFEST_COLUMNS)
            for entry, status in rows:
                writer.writerow(
                    safe_row(
                        [
                            entry["number"],
                            entry["type"],
                            entry["nip"],
                            entry["name"],
                            entry["docx"].name,
                            entry["pdf"].name if entry.get("pdf") else "",
                            status,
                        ]
                    )
                )
        return path

    def _issue_one(
        self,
        case: Case,
        decision: Decision,
        doc_type: str,
        issue_date: dt.date,
        report: IssueReport,
        record: Recorded | None,
    ) -> None:
        kind = document_type(self.book, doc_type)
        key = event_key(kind, decision)
        existing = self.registry.find(decision.nip, doc_type, key)
        date = dt.date.fromisoformat(existing["doc_date"]) if existing else issue_date
        if not existing:
            problem = date_problem(decision, kind, date, self.book.citation)
            if problem:
                report.refused.append(problem)
                return
        context = build_context(doc_type, decision, case, self.book, self.settings, "", date)
        digest = content_hash(doc_type, context)
        in_force = last_day_in_force(kind, decision)
        issued = self.registry.issue(
            doc_type=doc_type,
            nip=decision.nip,
            name=decision.name,
            event_key=key,
            decision_id=decision.decision_id,
            rules_version=decision.rules_version,
            content_hash=digest,
            year=date.year,
            doc_date=date.isoformat(),
            now=now_iso(),
            record=record,
            operator=self.operator,
            valid_until=in_force.isoformat() if in_force else None,
        )
        entry = {
            "number": issued.number,
            "type": doc_type,
            "nip": decision.nip,
            "name": decision.name,
            "content_hash": digest,
            "decision_id": decision.decision_id,
            "rules_version": decision.rules_version,
            "date": date,
            "replaces": issued.replaces,
        }
        if not issued.created and issued.content_hash != digest:
            report.changed.append(entry)
            return
        context["doc"]["number"] = issued.number
        context["doc"]["replaces"] = issued.replaces  # "Menggantikan dokumen nomor ..."
        context["verification"] = {
            "hash_short": digest[:16],
            "note": self.settings.verification_note,
        }
        entry["docx"] = self.out_dir / f"{_file_stem(issued.number)}.docx"
        # every document carries its verification address; its template places the QR
        qr = verification_url(self.settings.verification_base_url, issued.number, digest)
        with atomic_path(
            entry["docx"]
        ) as tmp:  # never half-written, never through a planted symlink
            fingerprint = render_docx(self.templates / f"{doc_type}.docx", context, tmp, qr, date)
        self.registry.record_fingerprints(issued.number, fingerprint, None)
        (report.issued if issued.created else report.reissued).append(entry)

    def _to_pdf(self, report: IssueReport, progress: Progress) -> None:
        entries = report.all
        converted = self.signed_pdfs(entries, progress)
        for entry, path in zip(entries, converted):
            entry["pdf"] = path
            recorded = (self.registry.get(entry["number"]) or {}).get("pdf_fingerprint")
            if recorded and recorded != entry["pdf_fingerprint"]:
                report.pdf_replaced.append(entry)
            self.registry.record_fingerprints(entry["number"], None, entry["pdf_fingerprint"])
        report.bundle = self.out_dir / "bundel-cetak.pdf"
        pdfs.bundle(converted, report.bundle)

    def signed_pdfs(self, entries: list[dict], progress: Progress = _no_progress) -> list[Path]:
        """The PDF step of `issue` (bench/bench_documents.py times this very step): the entries'
        DOCX files converted, stamped and signed into PDFs in the output folder, each entry given
        its `pdf_fingerprint`. Each PDF is stamped and signed as soon as it is converted, while
        LibreOffice converts the next ones, so both stages advance together."""
        finished = 0

        def finish(index: int, pdf: Path) -> None:
            nonlocal finished
            progress("pdf", finished + 1, len(entries))
            self._stamp_and_sign(entries[index], pdf)
            finished += 1
            progress("sign", finished, len(entries))

        progress("pdf", 0, len(entries))
        progress("sign", 0, len(entries))
        return pdfs.convert([e["docx"] for e in entries], self.out_dir, finish=finish)

    def _stamp_and_sign(self, entry: dict, pdf: Path) -> None:
        """In convert's private folder, so another run writing the same file never interferes.
        Stamped and signed in memory: the file is written once."""
        data = pdfs.stamped(
            pdf.read_bytes(),
            title=entry["number"],
            subject=entry["type"],
            number=entry["number"],
            decision_id=entry["decision_id"],
            rules_version=entry["rules_version"],
            content_hash=entry["content_hash"],
            issue_date=entry["date"],
        )
        try:
            data = signed(data, self.signer, entry["date"], self._signatory())
        except AturanError as exc:
            raise AturanError(exc.message, file=str(entry["docx"].with_suffix(".pdf"))) from None
        with atomic_open(pdf, "wb") as handle:
            handle.write(data)
        entry["pdf_fingerprint"] = pdfs.fingerprint(data)

    def _signatory(self) -> dict:
        return {**self.settings.signatory, "city": self.settings.org.get("city")}


def date_problem(
    decision: Decision, kind: DocumentType, date: dt.date, citation: Callable[[str], str] = str
) -> IssueDateError | None:
    """Why a new document of this type cannot be dated `date`, or None: a document is never dated
    before the event it attests (an STTP: the day the training was passed, never before it ends),
    nor on or after the first day it is no longer timely (`dated_before`: a certificate's expiry,
    a design's training start, an invitation's last window day; the reason and its clauses are the
    type's, rules/documents.yaml). `citation` names a clause as documents cite it."""
    called = decision.document(kind.name)
    attests, bound = called.attests, called.dated_before
    what = f"{kind.title} ({kind.code}) untuk NIP {decision.nip} ({decision.name})"
    day, event = indonesian_date(date), indonesian_date(attests)
    if attests and date < attests:
        return IssueDateError(
            f"{what} tidak dapat bertanggal {day}: dokumen ini menyatakan peristiwa tanggal "
            f"{event} dan tidak boleh bertanggal sebelumnya; tidak diterbitkan, "
            "tidak ada nomor yang diambil",
            field="--issue-date",
        )
    if bound and date >= bound:
        limit = kind.limit(called.dated_before_basis)
        reason = limit.reason if limit else "dokumen ini tidak tepat waktu lagi sejak"
        note = f"; {limit.note}" if limit and limit.note else ""
        basis = f"; dasar: {'; '.join(citation(c) for c in limit.cites)}" if limit else ""
        last = indonesian_date(bound - dt.timedelta(days=1))
        return IssueDateError(
            f"{what} tidak dapat bertanggal {day}: {reason} {indonesian_date(bound)}, jadi "
            f"paling lambat bertanggal {last}{note} (peristiwa yang dinyatakan: {event}{basis}); "
            "tidak diterbitkan, tidak ada nomor yang diambil",
            field="--issue-date",
        )
    return None


def registry_groups(decisions: list, registry: Registry, book: Rulebook, year: int) -> list:
    """The cohort rule's provisional coaching group ids (KC-PKA-01) replaced by ids from the
    registry, never given twice across runs or institutions. A group one of whose members already
    holds a document in force recorded with a registry id keeps that id (issuing again changes
    nothing)."""
    members: dict[str, list] = {}
    for _case, decision in decisions:
        coaching = decision.design.coaching
        if coaching and coaching.group:
            members.setdefault(coaching.group, []).append(decision)
    chosen = {
        group: _recorded_group(registry, book, group_decisions)
        or registry.new_coaching_group(group_decisions[0].program or "-", year, now_iso())
        for group, group_decisions in members.items()
    }
    return [(case, _regrouped(decision, chosen)) for case, decision in decisions]


def _recorded_group(registry: Registry, book: Rulebook, decisions: list[Decision]) -> str | None:
    for decision in decisions:
        for called in decision.documents:
            key = event_key(document_type(book, called.type), decision)
            found = registry.find(decision.nip, called.type, key)
            stored = found and registry.decision_record(found["number"])
            group = stored and ((json.loads(stored["record"]).get("cohort") or {}).get("group"))
            if group and group.startswith(f"KC-{registry.institution}-"):
                return str(group)
    return None


def _regrouped(decision: Decision, chosen: dict[str, str]) -> Decision:
    coaching = decision.design.coaching
    if not coaching or coaching.group not in chosen:
        return decision
    group = chosen[coaching.group]
    trace = tuple(
        {**step, "facts": {**step["facts"], "group": group}}
        if step.get("kind") == "cohort_rule"
        and step.get("facts", {}).get("group") == coaching.group
        else step
        for step in decision.trace
    )
    return replace(
        decision,
        design=replace(decision.design, coaching=replace(coaching, group=group)),
        trace=trace,
    )


def _file_stem(number: str) -> str:
    return number.replace("/", "-")


def decide_for_issue(
    runner, cases: list, as_of: dt.date, source: str
) -> tuple[list, list[InputError]]:
    """Decide every participant to issue for, each on its own: a participant who cannot be
    decided is reported by row and never stops the others. The cohort rule (coaching groups) is
    applied to the decisions, as in batch, compare and golden."""
    decisions, refused = [], []
    for row, case in cases:
        try:
            decisions.append((case, runner.decide(case, as_of)))
        except InputError as exc:
            if row is None:
                raise
            refused.append(row_error(exc, source, row, case.data))
    law = runner.params_on(as_of)
    grouped, _ = assign_coaching_groups(
        [d for _, d in decisions],
        int(law["coaching.group_size_max"]),
        runner.rulebook.citation,
        str(law["coaching.same_gap_definition"]),
    )
    return [(case, d) for (case, _), d in zip(decisions, grouped)], refused
