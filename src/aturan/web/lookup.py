"""What the verification page and API may say about a number, a code or an uploaded file.

Privacy: the holder is shown only to someone who holds the document's verification code (printed on
it and carried by its QR), and even then masked: each word of the name after its first two letters,
the NIP but its first 4 and last 3 digits. Trust fails closed: only the verify functions of
aturan.documents say SAH; this module never turns anything else into SAH.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, cast

from aturan.documents import (
    Registry,
    Trust,
    Verdict,
    indonesian_date,
    replacement_note,
    status_of,
    verify_pdf_bytes,
)
from aturan.errors import AturanError

CODE_LENGTH = 16
_CODE = re.compile(r"[0-9a-fA-F]{16}")
LABELS = {
    "sah": "SAH",
    "kedaluwarsa": "KEDALUWARSA",
    "dicabut": "DICABUT",
    "diubah": "DIUBAH",
    "tidak_terdaftar": "TIDAK TERDAFTAR",
    "kode_tidak_cocok": "KODE TIDAK COCOK",
}


def label(status: str) -> str:
    """The verdict as the page shows it: anything this module does not know is TIDAK SAH."""
    return LABELS.get(status, "TIDAK SAH")


@dataclass
class Finding:
    """One answer of the page or the API: the verdict and, when the code matched, the document."""

    status: str
    label: str
    number: str | None
    message: str
    # type, title, holder (masked), nip (masked), date, validity, revocation
    document: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def mask_name(name: str) -> str:
    """Each word after its first two letters: 'Budi Santoso' -> 'Bu** Sa*****'."""
    return " ".join(word[:2] + "*" * (len(word) - 2) for word in name.split())


def mask_nip(nip: str) -> str:
    """The first 4 and the last 3 digits: '198503152010011001' -> '1985***********001'."""
    if len(nip) <= 7:
        return "*" * len(nip)
    return nip[:4] + "*" * (len(nip) - 7) + nip[-3:]


def code_matches(code: str | None, content_hash: str) -> bool:
    if not code or not _CODE.fullmatch(code.strip()):
        return False
    return hmac.compare_digest(code.strip().lower(), content_hash[:CODE_LENGTH].lower())


def by_number(
    number: str,
    code: str | None,
    registry: Registry,
    titles: Mapping[str, str] | None = None,
    on: dt.date | None = None,
) -> Finding:
    """The verdict for a number and the code printed with it (the QR's URL) on the day of the
    check (`on`, default today); `titles` names the document types (the rulebook's
    `document_titles`)."""
    number = number.strip()
    row = registry.get(number) if number else None
    if row is None:
        return _finding(Verdict("tidak_terdaftar", number or None, "Nomor tidak terdaftar."))
    if not code_matches(code, row["content_hash"]):
        return _finding(
            Verdict(
                "kode_tidak_cocok",
                number,
                "Nomor ini terdaftar, tetapi kode verifikasinya tidak cocok. Periksa kode yang "
                "tercetak di bawah kode QR; rincian dokumen tidak ditampilkan.",
            )
        )
    verdict = _status(number, registry, on)
    shown = verdict.status in SHOWN  # never the holder of a row the key disowns
    return _finding(verdict, _document(row, titles or {}, verdict) if shown else None)


SHOWN = ("sah", "kedaluwarsa", "dicabut")  # authentic rows: their details may be shown


def _status(number: str, registry: Registry, on: dt.date | None) -> Verdict:
    """The registry's verdict on a number, whatever file carries it."""
    verdict = status_of(number, registry, on)
    if verdict.status == "dicabut":  # the page prints the date in words
        row = verdict.row or {}
        return Verdict(
            "dicabut",
            number,
            f"Dokumen ini telah dicabut pada {indonesian_date(row['revoked_at'][:10])}: "
            f"{row['revoked_reason']}" + replacement_note(row),
        )
    return _in_words(verdict, "Dokumen ini terdaftar dan berlaku")


def _in_words(verdict: Verdict, opening: str) -> Verdict:
    """The page's own words for SAH and KEDALUWARSA (verify's name the holder in full)."""
    until = indonesian_date(verdict.valid_until) if verdict.valid_until else ""
    if verdict.status == "kedaluwarsa":
        message = (
            "Dokumen ini asli dan terdaftar, tetapi sudah tidak berlaku: masa berlakunya telah "
            f"berakhir (berlaku sampai dengan {until})."
        )
    elif verdict.status == "sah":
        message = opening + (f" sampai dengan {until}." if until else ".")
    else:
        return verdict
    return Verdict(verdict.status, verdict.number, message, verdict.row, verdict.valid_until)


def _document(row: dict[str, Any], titles: Mapping[str, str], verdict: Verdict) -> dict[str, Any]:
    until = verdict.valid_until
    return {
        "type": row["doc_type"],
        "title": titles.get(row["doc_type"], row["doc_type"]),
        "holder": mask_name(row["name"]),
        "nip": mask_nip(row["nip"]),
        "date": row["doc_date"],
        "date_text": indonesian_date(row["doc_date"]),
        "valid_until": until,
        "valid_until_text": indonesian_date(until) if until else None,
        "revoked_at": row["revoked_at"],
        "revoked_reason": row["revoked_reason"],
    }


def _finding(verdict: Verdict, document: dict[str, Any] | None = None) -> Finding:
    return Finding(verdict.status, label(verdict.status), verdict.number, verdict.message, document)


def by_file(
    data: bytes,
    registry: Registry,
    trust: Trust,
    titles: Mapping[str, str] | None = None,
    on: dt.date | None = None,
) -> Finding:
    """The verdict for an uploaded PDF on the day of the check (`on`, default today); a file that
    cannot be read is TIDAK SAH, never an error page."""
    if b"%PDF-" not in data[:1024]:
        return _finding(
            Verdict("tidak_sah", None, "Berkas ini bukan PDF; hanya PDF yang dapat diperiksa.")
        )
    verdict = _in_words(_verify_upload(data, registry, trust, on), UPLOAD_SAH)
    row = verdict.row  # the row as the registry key authenticated it
    shown = row is not None and verdict.status in SHOWN
    return _finding(
        verdict, _document(cast("dict[str, Any]", row), titles or {}, verdict) if shown else None
    )


UPLOAD_SAH = "Berkas ini sama dengan dokumen yang diterbitkan, dan dokumen itu berlaku"


def _verify_upload(data: bytes, registry: Registry, trust: Trust, on: dt.date | None) -> Verdict:
    """The one place the page and the API verify a file: as `aturan verify` does."""
    try:
        return verify_pdf_bytes(data, registry, trust, on=on)
    except AturanError as exc:
        return Verdict("tidak_sah", None, f"Keaslian tidak dapat dipastikan: {exc.message}")
