"""Issuing: number, render, convert, register; and verifying an issued file later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import aturan.documents.pdf as pdfs
from aturan.cases import Case, name_too_long, row_error
from aturan.decide import Decision, assign_coaching_groups
from aturan.documents.context import indonesian_date
from aturan.documents.registry import Registry, now_iso
from aturan.documents.render import (
    Settings,
    body_hash,
    build_context,
    content_hash,
    render_docx,
    verification_url,
)
from aturan.documents.types import document_type, event_key
from aturan.errors import AturanError, InputError, IssueDateError
from aturan.files import atomic_path, check_zip, ensure_folder
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
    bundle: Path | None = None

    @property
    def all(self) -> list[dict]:
        return self.issued + self.reissued


class Issuer:
    def __init__(
        self, book: Rulebook, settings: Settings, registry: Registry, templates: Path, out_dir: Path
    ):
        self.book, self.settings, self.registry = book, settings, registry
        self.templates, self.out_dir = templates, out_dir
        ensure_folder(out_dir)

    def issue(
        self,
        items: Iterable[tuple[Case, Decision]],
        issue_date: dt.date,
        pdf: bool,
        progress: Callable[[], None] = lambda: None,
    ) -> IssueReport:
        if pdf:
            pdfs.soffice()  # fail before any number is taken
        report = IssueReport()
        for case, decision in items:
            for called in decision.documents:
                self._issue_one(case, decision, called.type, issue_date, report)
            progress()
        if pdf and report.all:
            self._to_pdf(report)
        return report

    def _issue_one(
        self,
        case: Case,
        decision: Decision,
        doc_type: str,
        issue_date: dt.date,
        report: IssueReport,
    ) -> None:
        kind = document_type(self.book, doc_type)
        key = event_key(kind, decision)
        existing = self.registry.find(decision.nip, doc_type, key)
        date = dt.date.fromisoformat(existing["doc_date"]) if existing else issue_date
        if not existing:
            problem = date_problem(decision, kind, date)
            if problem:
                report.refused.append(problem)
                return
        context = build_context(doc_type, decision, case, self.book, self.settings, "", date)
        digest = content_hash(doc_type, context)
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
        )
        entry = {
            "number": issued.number,
            "type": doc_type,
            "nip": decision.nip,
            "content_hash": digest,
            "decision_id": decision.decision_id,
            "rules_version": decision.rules_version,
            "date": date,
        }
        if not issued.created and issued.content_hash != digest:
            report.changed.append(entry)
            return
        context["doc"]["number"] = issued.number
        context["verification"] = {
            "hash_short": digest[:16],
            "note": self.settings.verification_note,
        }
        entry["docx"] = self.out_dir / f"{_file_stem(issued.number)}.docx"
        qr = (
            verification_url(self.settings.verification_base_url, issued.number, digest)
            if kind.certificate
            else None
        )
        with atomic_path(
            entry["docx"]
        ) as tmp:  # never half-written, never through a planted symlink
            fingerprint = render_docx(self.templates / f"{doc_type}.docx", context, tmp, qr, date)
        self.registry.record_fingerprints(issued.number, fingerprint, None)
        (report.issued if issued.created else report.reissued).append(entry)

    def _to_pdf(self, report: IssueReport) -> None:
        entries = report.all
        converted = pdfs.convert([e["docx"] for e in entries], self.out_dir)
        for entry, path in zip(entries, converted):
            pdfs.stamp(
                path,
                title=entry["number"],
                subject=entry["type"],
                number=entry["number"],
                decision_id=entry["decision_id"],
                rules_version=entry["rules_version"],
                content_hash=entry["content_hash"],
                issue_date=entry["date"],
            )
            entry["pdf"] = path
            self.registry.record_fingerprints(entry["number"], None, pdfs.fingerprint(path))
        report.bundle = self.out_dir / "bundel-cetak.pdf"
        pdfs.bundle(converted, report.bundle)


def date_problem(decision: Decision, kind: DocumentType, date: dt.date) -> IssueDateError | None:
    """Why a new document of this type cannot be dated `date`, or None: a document is never dated
    before the event it attests (an STTP: the day the training was passed, never before it ends),
    nor on or after the day it no longer holds (a competency certificate: its expiry; a pre-training
    request: the training start)."""
    called = decision.document(kind.name)
    attests, until = called.attests, called.until
    what = f"{kind.title} ({kind.name}) untuk NIP {decision.nip} ({decision.name})"
    day, event = indonesian_date(date), indonesian_date(attests)
    if attests and date < attests:
        return IssueDateError(
            f"{what} tidak dapat bertanggal {day}: dokumen ini menyatakan peristiwa tanggal "
            f"{event} dan tidak boleh bertanggal sebelumnya; tidak diterbitkan, "
            "tidak ada nomor yang diambil",
            field="--issue-date",
        )
    if until and date >= until:
        return IssueDateError(
            f"{what} tidak dapat bertanggal {day}: {kind.until_reason} {indonesian_date(until)} "
            f"(peristiwa yang dinyatakan: {event}); tidak diterbitkan, "
            "tidak ada nomor yang diambil",
            field="--issue-date",
        )
    return None


def _file_stem(number: str) -> str:
    return number.replace("/", "-")


@dataclass
class Verdict:
    status: str  # sah | dicabut | diubah | tidak_terdaftar
    number: str | None
    message: str


def verify(path: Path, registry: Registry) -> Verdict:
    """Is this file a document the registry issued, unrevoked and unaltered?"""
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        raise AturanError("hanya berkas .pdf atau .docx yang dapat diverifikasi", file=str(path))
    if path.is_dir():
        raise AturanError("ini sebuah folder, bukan berkas", file=str(path))
    if not path.is_file():
        raise AturanError("berkas tidak ditemukan", file=str(path))
    check_zip(path)  # a DOCX (a zip) that would unpack to far more than it holds
    try:
        if suffix == ".pdf":
            meta = pdfs.metadata(path)
            number, digest, current = (
                meta["/AturanNumber"],
                meta["/AturanContentHash"],
                pdfs.fingerprint(path),
            )
            column = "pdf_fingerprint"
        else:
            import docx

            number = docx.Document(str(path)).core_properties.identifier or ""
            digest, current, column = None, body_hash(path.read_bytes()), "docx_fingerprint"
    except AturanError:
        raise
    except Exception as exc:  # pypdf, python-docx and zipfile raise many types for damaged files
        kind = "PDF" if suffix == ".pdf" else "DOCX"
        raise AturanError(
            f"bukan berkas {kind} yang dapat dibaca (kosong, terpotong atau rusak: "
            f"{type(exc).__name__})",
            file=str(path),
        ) from None
    row = registry.get(number) if number else None
    if row is None:
        return Verdict("tidak_terdaftar", number or None, "Dokumen tidak terdaftar di registri.")
    if registry.authentic_row(number) is None:  # the row is not what the key last authenticated
        return Verdict(
            "diubah", number, "Data registri untuk nomor ini telah diubah tanpa otorisasi."
        )
    if digest is not None and digest != row["content_hash"]:
        return Verdict(
            "diubah",
            number,
            "Hash isi pada metadata tidak cocok dengan registri: dokumen telah diubah.",
        )
    if row[column] and row[column] != current:
        return Verdict(
            "diubah",
            number,
            "Teks dokumen tidak cocok dengan yang diterbitkan: dokumen telah diubah.",
        )
    if row["status"] == "revoked":
        return Verdict(
            "dicabut", number, f"Dokumen dicabut pada {row['revoked_at']}: {row['revoked_reason']}"
        )
    return Verdict(
        "sah",
        number,
        f"Dokumen sah: {row['doc_type']} untuk {row['name']} (NIP {row['nip']}), "
        f"diterbitkan {row['doc_date']}.",
    )


def decide_for_issue(runner, cases: list, as_of: dt.date, source: str) -> tuple[list, list[str]]:
    """Decide every participant to issue for, each on its own: a participant who cannot be
    decided, or whose name does not fit a document they would get, is reported by row and never
    stops the others. The cohort rule (coaching groups) is applied to the decisions, as in batch,
    compare and golden."""
    decisions, refused = [], []
    for row, case in cases:
        try:
            decision = runner.decide(case, as_of)
            too_long = name_too_long(case.data["name"], [d.type for d in decision.documents])
            if too_long:
                raise InputError(too_long, file=case.source, field="name", line=case.line(["name"]))
            decisions.append((case, decision))
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
