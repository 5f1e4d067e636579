"""Issuing: number, render, convert, sign, register."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict

import aturan.documents.pdf as pdfs
from aturan.cases import Case, row_error
from aturan.decide import Decider, Decision, assign_coaching_groups
from aturan.documents.context import indonesian_date
from aturan.documents.registry import Issued, OtherInstitutionsDocument, Registry, now_iso
from aturan.documents.render import (
    Settings,
    body_hash,
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

if TYPE_CHECKING:  # pyHanko is imported where used
    from pyhanko.sign.signers import Signer


class Entry(TypedDict):
    """One document of an issue run: whom it is for, its number and, once written, its files."""

    number: str
    type: str
    nip: str
    name: str
    content_hash: str
    decision_id: str
    rules_version: str
    date: dt.date
    replaces: str | None
    docx: NotRequired[Path]
    pdf: NotRequired[Path]
    pdf_fingerprint: NotRequired[str]


@dataclass
class IssueReport:
    issued: list[Entry] = field(default_factory=list)  # newly numbered
    reissued: list[Entry] = field(
        default_factory=list
    )  # already in the registry: same number, same file
    changed: list[Entry] = field(
        default_factory=list
    )  # registered with different content: left as issued
    refused: list[IssueDateError] = field(
        default_factory=list
    )  # the issue date cannot be right: no number taken
    pdf_replaced: list[Entry] = field(
        default_factory=list
    )  # reissued, but the signed PDF differs from the one recorded: earlier copies now DIUBAH
    # already registered, its files in the output folder as recorded: neither rendered nor signed
    unchanged: list[Entry] = field(default_factory=list)
    # the participant's document for this event was issued by another institution: no number taken
    foreign: list[dict[str, str]] = field(default_factory=list)
    bundle: Path | None = None
    manifest: Path | None = None

    @property
    def all(self) -> list[Entry]:
        """The documents this run rendered (and, with PDFs, converted and signed)."""
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
        # a pyHanko signer (documents.signing.load_signer); needed for PDFs
        signer: Signer | None = None,
        operator: str | None = None,
    ) -> None:
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
        full_bundle: bool = False,
    ) -> IssueReport:
        """Number and render each document the decisions call for, then (with `pdf`) convert,
        stamp and sign them; write the manifest. `progress` hears every stage. Each item is a
        case and its decision, and the decision record the registry stores with its documents
        (version, text), when the caller keeps one. A document already registered whose files are
        in the output folder as recorded is left as it is (`unchanged`): a corrected re-issue
        makes only the new documents, and the print bundle holds only what this run made, or
        (`full_bundle`) every document of the run."""
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
                self._issue_one(case, decision, called.type, issue_date, report, record, pdf)
            progress("docx", done, len(items))
        if pdf:
            self._to_pdf(report, progress, full_bundle)
        report.manifest = self._manifest(report)
        return report

    def _manifest(self, report: IssueReport) -> Path:
        """`manifest.csv` in the output folder: one row per document of this run, whom it is for
        and which file holds it, its type by title (as operators read it); status `baru` (newly
        numbered) or `terbit ulang` (already registered: same number). Documents refused have no
        row."""
        path = self.out_dir / "manifest.csv"
        again = report.reissued + report.unchanged
        rows = [(e, "baru") for e in report.issued] + [(e, "terbit ulang") for e in again]
        rows.sort(key=lambda pair: (pair[0]["type"], pair[0]["number"]))
        with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(MANIFEST_COLUMNS)
            for entry, status in rows:
                writer.writerow(
                    safe_row(
                        [
                            entry["number"],
                            document_type(self.book, entry["type"]).title,
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
        pdf: bool = False,
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
        try:
            issued = self._register(doc_type, decision, key, digest, date, record, in_force)
        except OtherInstitutionsDocument as exc:
            report.foreign.append(
                {"type": doc_type, "nip": decision.nip, "name": decision.name,
                 "number": exc.number, "owner": exc.owner, "message": exc.message}
            )  # fmt: skip
            return
        entry: Entry = {
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
        stem = document_file_stem(issued.number, decision.name)
        entry["docx"] = self.out_dir / f"{stem}.docx"
        if not issued.created and self._files_as_recorded(entry, self.out_dir / f"{stem}.pdf", pdf):
            report.unchanged.append(entry)
            return
        context["doc"]["number"] = issued.number
        context["doc"]["replaces"] = issued.replaces  # "Menggantikan dokumen nomor ..."
        context["verification"] = {
            "hash_short": digest[:16],
            "note": self.settings.verification_note,
        }
        # every document carries its verification address; its template places the QR
        qr = verification_url(self.settings.verification_base_url, issued.number, digest)
        with atomic_path(
            entry["docx"]
        ) as tmp:  # never half-written, never through a planted symlink
            fingerprint = render_docx(self.templates / f"{doc_type}.docx", context, tmp, qr, date)
        self.registry.record_fingerprints(issued.number, fingerprint, None)
        (report.issued if issued.created else report.reissued).append(entry)

    def _register(
        self,
        doc_type: str,
        decision: Decision,
        key: str,
        digest: str,
        date: dt.date,
        record: tuple[str, str] | None,
        in_force: dt.date | None,
    ) -> Issued:
        return self.registry.issue(
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

    def _files_as_recorded(self, entry: Entry, pdf: Path, want_pdf: bool) -> bool:
        """Whether the document's DOCX (and, when PDFs are wanted, its signed PDF) are in the
        output folder exactly as the registry recorded them; the PDF found is kept in `entry`."""
        row = self.registry.get(entry["number"]) or {}
        if _docx_fingerprint(entry["docx"]) != row.get("docx_fingerprint"):
            return False
        signed_as_recorded = pdf.is_file() and pdfs.fingerprint(pdf.read_bytes()) == row.get(
            "pdf_fingerprint"
        )
        if signed_as_recorded:
            entry["pdf"] = pdf
        return signed_as_recorded or not want_pdf

    def _to_pdf(self, report: IssueReport, progress: Progress, full_bundle: bool) -> None:
        """Convert and sign what this run rendered; bundle it (or, `full_bundle`, every document
        of the run) for printing. A run that made nothing to print leaves no bundle behind."""
        entries = report.all
        converted = self.signed_pdfs(entries, progress) if entries else []
        for entry, path in zip(entries, converted):
            entry["pdf"] = path
            recorded = (self.registry.get(entry["number"]) or {}).get("pdf_fingerprint")
            if recorded and recorded != entry["pdf_fingerprint"]:
                report.pdf_replaced.append(entry)
            self.registry.record_fingerprints(entry["number"], None, entry["pdf_fingerprint"])
        printed = converted + [e["pdf"] for e in report.unchanged] if full_bundle else converted
        path = self.out_dir / "bundel-cetak.pdf"
        if not printed:
            path.unlink(missing_ok=True)  # an earlier run's bundle is not this run's to print
            return
        report.bundle = path
        pdfs.bundle(printed, report.bundle)

    def signed_pdfs(self, entries: list[Entry], progress: Progress = _no_progress) -> list[Path]:
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

    def _stamp_and_sign(self, entry: Entry, pdf: Path) -> None:
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
        assert self.signer is not None  # `issue` makes no PDF without one
        try:
            data = signed(data, self.signer, entry["date"], self._signatory())
        except AturanError as exc:
            raise AturanError(exc.message, file=str(entry["docx"].with_suffix(".pdf"))) from None
        with atomic_open(pdf, "wb") as handle:
            handle.write(data)
        entry["pdf_fingerprint"] = pdfs.fingerprint(data)

    def _signatory(self) -> dict[str, object]:
        return {**self.settings.signatory, "city": self.settings.org.get("city")}


def date_problem(
    decision: Decision, kind: DocumentType, date: dt.date, citation: Callable[[str], str] = str
) -> IssueDateError | None:
    """Why a new document of this type cannot be dated `date`, or None: a document is never dated
    before the event it attests (an STTP: the day the training was passed, never before it ends),
    nor on or after the first day it is no longer timely (`dated_before`: a certificate's expiry,
    a design's training start, an invitation's last window day; the reason and its clauses are the
    type's, rules/documents.yaml). `citation` names a clause as documents cite it."""
    problem = _date_problem(decision, kind, date, citation)
    if problem:
        problem.nip, problem.name = decision.nip, decision.name
    return problem


def _date_problem(
    decision: Decision, kind: DocumentType, date: dt.date, citation: Callable[[str], str]
) -> IssueDateError | None:
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


def registry_groups(
    decisions: list[tuple[Case, Decision]], registry: Registry, book: Rulebook, year: int
) -> list[tuple[Case, Decision]]:
    """The cohort rule's provisional coaching group ids (KC-PKA-01) replaced by ids from the
    registry, never given twice across runs or institutions. A group one of whose members already
    holds a document in force recorded with a registry id keeps that id (issuing again changes
    nothing)."""
    members: dict[str, list[Decision]] = {}
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


def _docx_fingerprint(path: Path) -> str | None:
    """The body hash of the DOCX at `path`, None when there is none or it is no DOCX."""
    try:
        return body_hash(path.read_bytes()) if path.is_file() else None
    except (OSError, KeyError, zipfile.BadZipFile):
        return None


NAME_IN_FILE_MAX = 60  # characters of the holder's name in a file name


def document_file_stem(number: str, name: str) -> str:
    """A document's file name without its extension: its number, then whose it is, e.g.
    0006-SKM-PKASN-2026-Budi-Santoso. The name is made safe for any file system: letters folded
    to ASCII, anything but letters and digits a single hyphen (so no path separator, no dot, no
    space), cut to NAME_IN_FILE_MAX characters at a word's end."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", folded)
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > NAME_IN_FILE_MAX:
            break
        slug = longer
    if not slug and words:
        slug = words[0][:NAME_IN_FILE_MAX]
    stem = number.replace("/", "-")
    return f"{stem}-{slug}" if slug else stem


def decide_for_issue(
    runner: Decider, cases: list[tuple[int | None, Case]], as_of: dt.date, source: str
) -> tuple[list[tuple[Case, Decision]], list[InputError]]:
    """Decide every participant to issue for, each on its own: a participant who cannot be
    decided is reported by row and never stops the others. The cohort rule (coaching groups) is
    applied to the decisions, as in batch, compare and golden."""
    decisions: list[tuple[Case, Decision]] = []
    refused: list[InputError] = []
    for row, case in cases:
        try:
            decisions.append((case, runner.decide(case, as_of)))
        except InputError as exc:
            if row is None:
                raise
            error = row_error(exc, source, row, case.data)
            error.nip, error.name = case.data.get("nip"), case.data.get("name")
            refused.append(error)
    law = runner.params_on(as_of)
    grouped, _ = assign_coaching_groups(
        [d for _, d in decisions],
        int(law["coaching.group_size_max"]),
        runner.rulebook.citation,
        str(law["coaching.same_gap_definition"]),
    )
    return [(case, d) for (case, _), d in zip(decisions, grouped)], refused


@dataclass(frozen=True)
class Forecast:
    """What issuing would do with one document a decision calls for, read without writing: a new
    number (`new`), the number already registered (`registered`, by this institution or, when
    `owner` differs, another), or a refusal for its date (`refused`, with the message)."""

    doc_type: str
    title: str
    code: str
    outcome: str  # "new", "registered", "refused"
    number: str | None = None
    owner: str | None = None
    message: str | None = None


def forecast(
    registry: Registry, book: Rulebook, decision: Decision, issue_date: dt.date
) -> list[Forecast]:
    """The documents `decision` calls for, each as `Issuer.issue` would treat it on `issue_date`,
    in the same order and by the same checks (registered first, then the date), writing nothing."""
    found = []
    for called in decision.documents:
        kind = document_type(book, called.type)
        existing = registry.find(decision.nip, called.type, event_key(kind, decision))
        if existing:
            outcome = Forecast(kind.name, kind.title, kind.code, "registered",
                               existing["number"], existing["institution"])  # fmt: skip
        else:
            problem = date_problem(decision, kind, issue_date, book.citation)
            outcome = Forecast(
                kind.name, kind.title, kind.code, "refused" if problem else "new",
                message=problem.message if problem else None,
            )  # fmt: skip
        found.append(outcome)
    return found
