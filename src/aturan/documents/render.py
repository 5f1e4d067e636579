"""Official documents: the context each template receives, rendered to DOCX by docxtpl.

Documents never re-decide: every value comes from the decision (and the case it was
made from); the legal basis printed is exactly the clauses the deciding rules cite, binding law
under "Dasar hukum" and the 2023 paper under "Rujukan kebijakan (usulan)".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import struct
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

import segno
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from aturan.cases import Case
from aturan.decide import Decision
from aturan.documents.context import indonesian_date, specific_context
from aturan.documents.types import document_type
from aturan.documents.wording import (
    PROGRAM_NAMES,
    addressee_title,
    number_text,
    whole_sentences,
)
from aturan.errors import AturanError
from aturan.files import load_yaml
from aturan.law import ParamSet, Rulebook
from aturan.project import templates_dir
from aturan.vocabulary import TIERS, label

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DOS_EPOCH = bytes([0, 0, 0x21, 0])  # 00:00:00, 1 January 1980 as DOS time and date


@dataclass
class Settings:
    org: dict[str, Any]
    signatory: dict[str, Any]
    copies: list[Any]
    number_format: str
    codes: dict[str, str]
    verification_note: str
    verification_base_url: str = ""
    institution: str = "LAN"  # the issuing institution's code: its own numbering in the registry
    addressee: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Settings:
        data = load_yaml(path, AturanError)
        url = base_url(data, path)
        try:
            return cls(
                dict(data["org"]),
                dict(data["signatory"]),
                list(data.get("copies") or []),
                data["numbering"]["format"],
                dict(data["numbering"].get("codes") or {}),
                str(data.get("verification_note", "")).replace("{base_url}", url),
                url,
                institution_code(data, path),
                _addressee(data, path),
            )
        except (KeyError, TypeError) as exc:
            raise AturanError(f"konfigurasi institusi tanpa isian {exc}", file=str(path)) from None


def institution_code(data: dict[str, Any], path: Path) -> str:
    """`institution.code`: the issuing institution's short code (LAN when the section is absent,
    as in configurations made before institutions)."""
    from aturan.documents.registry import DEFAULT_INSTITUTION, check_institution

    section = data.get("institution", {"code": DEFAULT_INSTITUTION})
    if not isinstance(section, dict):
        raise AturanError(
            "isian institution harus berupa pemetaan (code, name)",
            file=str(path),
            field="institution",
        )
    return check_institution(section.get("code"), file=str(path))


def _addressee(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The PPK title map (`addressee` in the configuration): a list of {word, title} and a
    default with {agency}."""
    section = data.get("addressee") or {}
    titles = section.get("ppk_titles") if isinstance(section, dict) else None
    good = isinstance(titles, list | type(None)) and all(
        isinstance(e, dict) and isinstance(e.get("word"), str) and isinstance(e.get("title"), str)
        for e in titles or []
    )
    if not good or not isinstance(section.get("default", ""), str):
        raise AturanError(
            "isian 'addressee' harus berisi ppk_titles: daftar {word: ..., title: ...} dan "
            "default: teks dengan {agency}",
            file=str(path),
            field="addressee",
        )
    return dict(section)


def base_url(data: dict[str, Any], path: Path) -> str:
    """The institution's public verification address (`verification.base_url`), without a trailing
    slash: the QR of every certificate points to a page under it."""
    section = data.get("verification") if isinstance(data, dict) else None
    value = section.get("base_url") if isinstance(section, dict) else None
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise AturanError(
            f"alamat verifikasi {value!r} tidak valid; isi dengan alamat http(s) tanpa query, "
            "mis. https://verifikasi.contoh.go.id",
            file=str(path),
            field="verification.base_url",
        )
    return cast(str, value).rstrip("/")  # a str: `parts` is None otherwise


def verification_url(base: str, number: str, content_hash: str) -> str:
    """The address a certificate's QR holds: the verification page for its number, with the short
    code printed on the document (the first 16 hex digits of its content hash)."""
    return f"{base}/verifikasi?{urlencode({'n': number, 'c': content_hash[:16]})}"


def build_context(
    doc_type: str,
    decision: Decision,
    case: Case,
    book: Rulebook,
    settings: Settings,
    number: str,
    issue_date: dt.date,
) -> dict[str, Any]:
    kind = document_type(book, doc_type)
    context: dict[str, object] = {
        "org": settings.org,
        "signatory": settings.signatory,
        "copies": settings.copies,
        "doc": {
            "number": number,
            "date_text": indonesian_date(issue_date),
            "nature": "Biasa",
            "attachment": "-",
            "subject": kind.title,
            "title": kind.title,
        },
        "recipient": _recipient(case, settings),
        "participant": _participant(decision, case),
        "legal_basis": _legal_basis(decision.document(doc_type).cites, book),
        "policy_references": _policy_references(decision.document(doc_type).cites, book),
        "training": _training(decision, case, book, settings),
    }
    context.update(specific_context(kind.context, decision))
    cleaned: dict[str, Any] = _clean(context)
    return cleaned


def _recipient(case: Case, settings: Settings) -> dict[str, str]:
    """The PPK of the participant's agency, by title (config `addressee`)."""
    agency = (case.data.get("position") or {}).get("agency") or "Instansi Pengirim"
    config = settings.addressee
    default = str(config.get("default") or "Pejabat Pembina Kepegawaian {agency}")
    return {
        "name": "",
        "position": addressee_title(agency, list(config.get("ppk_titles") or []), default),
        "agency": "",
        "address": "",
    }


def _participant(decision: Decision, case: Case) -> dict[str, object]:
    position = case.data.get("position") or {}
    return {
        "name": decision.name,
        "nip": decision.nip,
        "position_title": position.get("title") or label(TIERS, position.get("tier")),
        "agency": position.get("agency") or "-",
        "program_name": PROGRAM_NAMES.get(decision.program or "", str(decision.program)),
        "batch": (case.data.get("training") or {}).get("batch") or "-",
    }


def _training(
    decision: Decision, case: Case, book: Rulebook, settings: Settings
) -> dict[str, object]:
    """The training as the case gives it; the organiser is the configured institution when the case
    names none. JP is printed only when every hour the participant followed is sourced (its
    `jp_status` in curriculum.subjects is confirmed): placeholder hours are never stated as fact."""
    training = case.data.get("training") or {}
    jp = _followed_jp(decision, book)
    return {
        "program_name": PROGRAM_NAMES.get(decision.program or "", str(decision.program)),
        "batch": training.get("batch") or "-",
        "start_text": indonesian_date(training.get("start")),
        "end_text": indonesian_date(training.get("end")),
        "institution": training.get("institution") or settings.org.get("name") or "-",
        "jp_text": number_text(jp) if jp else "",
        "waived_any": bool(decision.design.waived),
    }


def _followed_jp(decision: Decision, book: Rulebook) -> int | None:
    """The hours of the subjects the decision says were followed, when all of them are sourced;
    None otherwise (placeholders, or no design)."""
    design = decision.design
    if not design.required:
        return None
    subjects = ParamSet(book.parameters, decision.as_of).get("curriculum.subjects") or {}
    sourced = all(
        (subjects.get(entry.subject) or {}).get("jp_status") == "confirmed"
        for entry in design.required
    )
    return design.jp.required if sourced else None


# A document's "Dasar hukum" is binding law only: a regulation in force, read in its own text or
# through a secondary source. The 2023 paper, a proposal, is printed under its own heading; the
# project's assumptions and observed practice are never printed (they stay in `explain`).
BINDING_INSTRUMENTS = {"in_force"}
PROPOSAL_INSTRUMENTS = {"proposal"}
CITABLE_CLAUSES = {"confirmed", "secondary"}


def _legal_basis(clause_ids: tuple[str, ...], book: Rulebook) -> list[dict[str, str]]:
    """The binding clauses the deciding rules cite, each quoted in whole sentences or by its
    citation alone."""
    return _quoted(clause_ids, book, BINDING_INSTRUMENTS)


def _policy_references(clause_ids: tuple[str, ...], book: Rulebook) -> list[dict[str, str]]:
    """The paper's clauses the deciding rules cite: a policy proposal, not law."""
    return _quoted(clause_ids, book, PROPOSAL_INSTRUMENTS)


def _quoted(
    clause_ids: tuple[str, ...], book: Rulebook, instruments: set[str]
) -> list[dict[str, str]]:
    out = []
    for cid in clause_ids:
        clause = book.corpus.clause(cid)
        if clause is None or clause.status not in CITABLE_CLAUSES:
            continue
        instrument = book.corpus.instruments.get(clause.instrument)
        if instrument is None or instrument.status not in instruments:
            continue
        out.append({"citation": clause.citation, "text": whole_sentences(clause.text)})
    return out


def _clean(value: object) -> Any:
    """Strip XML-invalid control characters: docxtpl would drop them and damage neighbouring
    text."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def content_hash(doc_type: str, context: dict[str, Any]) -> str:
    payload = json.dumps([doc_type, context], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def render_docx(
    template: Path, context: dict[str, Any], out: Path, qr_payload: str | None, issue_date: dt.date
) -> str:
    """Render deterministically (the same context and date give byte-identical files); returns the
    body hash."""
    tpl = DocxTemplate(io.BytesIO(_template_bytes(template)))
    values = dict(context)
    values["qr"] = (
        InlineImage(tpl, io.BytesIO(_qr_png(qr_payload)), width=Mm(25)) if qr_payload else None
    )
    tpl.render(values, autoescape=True)
    stamp = dt.datetime(issue_date.year, issue_date.month, issue_date.day)
    props = tpl.docx.core_properties
    props.created = props.modified = stamp
    props.title = context["doc"]["title"]
    props.identifier = context["doc"]["number"]
    buffer = io.BytesIO()
    tpl.save(buffer)
    data = _normalised_zip(buffer.getvalue())
    out.write_bytes(data)
    return body_hash(data)


MEMO_TEMPLATES = ("memo_kebijakan.docx", "memo_kebijakan_banding.docx")  # one question, two


def render_memo(context: dict[str, Any], day: dt.date, template: str = MEMO_TEMPLATES[0]) -> bytes:
    """A drafters' policy memo (issue 27): `template` (one of MEMO_TEMPLATES) filled with
    `context`, rendered as the letters are (docxtpl, deterministic for the same context and day),
    without a QR: a memo is a working paper, never a signed document."""
    if template not in MEMO_TEMPLATES:
        raise AturanError(f"bukan templat memo: {template}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "memo.docx"
        render_docx(templates_dir() / template, _clean(context), out, None, day)
        return out.read_bytes()


@cache
def _template_bytes(template: Path) -> bytes:
    return Path(template).read_bytes()


def _qr_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    # a fixed mask: any mask is valid, and searching for the best one was most of the QR's cost
    segno.make(payload, error="m", mask=0, micro=False, boost_error=False).save(
        buffer, kind="png", scale=4, border=2
    )
    return buffer.getvalue()


def _normalised_zip(data: bytes) -> bytes:
    """Zero the modification time of every zip entry, in place (local headers and central
    directory).

    python-docx stamps entries with the current time; its entry order and zlib output are
    already deterministic, so patching the time fields avoids decompressing and recompressing.
    Each header is found where the archive's directory says it is, never by searching for its
    signature: compressed data can contain those four bytes by chance (about once in a few
    hundred thousand documents), and patching there would corrupt the document."""
    blob = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries, position = archive.infolist(), archive.start_dir
    for info in entries:
        _zero_time(blob, info.header_offset, b"PK\x03\x04", 10)
    for _ in entries:
        _zero_time(blob, position, b"PK\x01\x02", 12)
        name, extra, comment = struct.unpack_from("<HHH", blob, position + 28)
        position += 46 + name + extra + comment
    return bytes(blob)


def _zero_time(blob: bytearray, offset: int, signature: bytes, field_offset: int) -> None:
    if blob[offset : offset + 4] != signature:
        raise AturanError("DOCX tidak dapat dinormalkan: struktur zip tidak dikenali")
    blob[offset + field_offset : offset + field_offset + 4] = _DOS_EPOCH


def body_hash(docx_bytes: bytes) -> str:
    """Fingerprint of a DOCX's main body XML: any change of its text changes it."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return hashlib.sha256(archive.read("word/document.xml")).hexdigest()
