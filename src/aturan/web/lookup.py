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
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
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
from aturan.formatting import day_in_wib

CODE_LENGTH = 16
_CODE = re.compile(r"[0-9a-fA-F]{16}")
LABELS = {
    "sah": "SAH",
    "kedaluwarsa": "KEDALUWARSA",
    "dicabut": "DICABUT",
    "diubah": "DIUBAH",
    "tidak_terdaftar": "TIDAK TERDAFTAR",
    "kode_tidak_cocok": "KODE TIDAK COCOK",
    "tanpa_tanda_tangan": "PERIKSA DENGAN KODE QR",
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
    # type, title, holder (masked), nip (masked), date, validity, revocation, replacement
    document: dict[str, Any] | None = None
    issuer: Issuer | None = None  # who issued the number, when the registry knows it
    meaning: str = ""  # what the verdict means, in plain words
    next_step: str = ""  # what the recipient should do now
    contact: Issuer | None = field(default=None, repr=False)  # whom the next step names

    def to_json(self) -> dict[str, Any]:
        """The API's answer: every field but `contact` (a shallow copy: `asdict`'s deep copy of
        each value was a fifth of a check's time)."""
        answer = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "contact"}
        answer["issuer"] = asdict(self.issuer) if self.issuer else None
        return answer


@dataclass(frozen=True)
class Issuer:
    """An issuing institution as the page names it: its code, and its name and contact when the
    server holds its configuration (the server's own institution); else the code alone."""

    code: str
    name: str | None = None
    contact: str | None = None

    def words(self) -> str:
        return self.name or f"institusi berkode {self.code}"


Issuers = Callable[[str | None], Issuer | None]  # a row's institution code -> its Issuer


def normalised_number(text: str) -> str:
    """A number as the registry writes it, from what a recipient typed: spaces around the
    slashes and at the ends removed, letters in capitals ('0001 / sttp / pkasn / 2027 ')."""
    return re.sub(r"\s*/\s*", "/", text.strip()).upper()


Rows = tuple[dict[str, Any] | None, dict[str, Any] | None]  # stored and authentic (Registry.rows)


def _find(number: str, registry: Registry) -> tuple[str, Rows]:
    """The number as typed, else as normalised (a format with small letters still matches),
    and its rows as stored and as authenticated, read at one moment."""
    typed = number.strip()
    rows: Rows = registry.rows(typed) if typed else (None, None)
    if rows[0] is None and typed:
        normal = normalised_number(typed)
        return normal, registry.rows(normal)
    return typed, rows


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
    issuers: Issuers | None = None,
) -> Finding:
    """The verdict for a number and the code printed with it (the QR's URL) on the day of the
    check (`on`, default today); `titles` names the document types (the rulebook's
    `document_titles`), `issuers` the institutions. The number is found as typed or normalised
    (`normalised_number`)."""
    number, rows = _find(number, registry)
    row = rows[0]
    issuers = issuers or _no_issuers
    if row is None:
        verdict = Verdict("tidak_terdaftar", number or None, "Nomor tidak terdaftar.")
        return _finding(verdict, contact=issuers(None))
    issuer = issuers(row.get("institution"))
    if not code_matches(code, row["content_hash"]):
        verdict = Verdict(
            "kode_tidak_cocok",
            number,
            "Nomor ini terdaftar, tetapi kode verifikasinya tidak cocok. Periksa kode yang "
            "tercetak di bawah kode QR; rincian dokumen tidak ditampilkan.",
        )
        return _finding(verdict, issuer=issuer)
    verdict = _status(number, registry, on, rows)
    shown = verdict.status in SHOWN  # never the holder of a row the key disowns
    document = _document(row, titles or {}, verdict) if shown else None
    if verdict.status == "diubah":  # its institution too may be what was altered
        return _finding(verdict, contact=issuers(None))
    return _finding(verdict, document, issuer, contact=issuer)


SHOWN = ("sah", "kedaluwarsa", "dicabut")  # authentic rows: their details may be shown


def _no_issuers(code: str | None) -> Issuer | None:
    return Issuer(code) if code else None


def _status(number: str, registry: Registry, on: dt.date | None, rows: Rows) -> Verdict:
    """The registry's verdict on a number, whatever file carries it."""
    verdict = status_of(number, registry, on, rows)
    if verdict.status == "diubah":
        return Verdict("diubah", number, ALTERED_ROW, verdict.row, verdict.valid_until)
    return _in_words(verdict, "Dokumen ini terdaftar dan berlaku")


ALTERED_ROW = (
    "Catatan dokumen bernomor ini di registri tidak sama dengan catatan yang disahkan institusi "
    "penerbit: catatan itu telah diubah tanpa wewenang, sehingga tidak dapat dipercaya."
)


def _in_words(verdict: Verdict, opening: str) -> Verdict:
    """The page's own words for SAH, KEDALUWARSA and DICABUT (verify's name the holder in full and
    its revocation time in UTC): dates in Indonesian, a replacement named."""
    row = verdict.row or {}
    until = indonesian_date(verdict.valid_until) if verdict.valid_until else ""
    if verdict.status == "kedaluwarsa":
        message = (
            "Dokumen ini asli dan terdaftar, tetapi sudah tidak berlaku: masa berlakunya telah "
            f"berakhir (berlaku sampai dengan {until})."
        )
    elif verdict.status == "sah":
        message = opening + (f" sampai dengan {until}." if until else ".")
        if row.get("replaces"):
            message += f" Dokumen ini menggantikan dokumen nomor {row['replaces']}."
    elif verdict.status == "dicabut" and row:
        message = (
            f"Dokumen ini telah dicabut pada {indonesian_date(day_in_wib(row['revoked_at']))}: "
            f"{row['revoked_reason']}" + replacement_note(row) + "."
        )
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
        "revoked_at_text": indonesian_date(day_in_wib(row["revoked_at"]))
        if row["revoked_at"]
        else None,
        "revoked_reason": row["revoked_reason"],
        "replaces": row.get("replaces"),
        "replaced_by": row.get("replaced_by"),
    }


def _finding(
    verdict: Verdict,
    document: dict[str, Any] | None = None,
    issuer: Issuer | None = None,
    contact: Issuer | None = None,
) -> Finding:
    status = verdict.status
    contact = contact or issuer
    return Finding(
        status,
        label(status),
        verdict.number,
        verdict.message,
        document,
        issuer,
        MEANINGS.get(status, MEANINGS["tidak_sah"]),
        next_step(status, contact, document),
        contact,
    )


MEANINGS = {
    "sah": "Dokumen ini asli, tercatat di registri institusi penerbit, dan berlaku pada hari ini.",
    "kedaluwarsa": "Dokumen ini asli, tetapi masa berlakunya telah berakhir: dokumen ini tidak "
    "dapat lagi dipakai sebagai bukti yang berlaku.",
    "dicabut": "Dokumen ini pernah diterbitkan, tetapi telah dicabut oleh institusi penerbit dan "
    "tidak berlaku lagi.",
    "diubah": "Dokumen atau catatannya tidak sama dengan yang diterbitkan: ada yang diubah "
    "sesudah penerbitan. Dokumen ini tidak boleh dipercaya.",
    "kode_tidak_cocok": "Nomor ini terdaftar, tetapi kode verifikasi yang dimasukkan bukan kode "
    "dokumen bernomor itu.",
    "tidak_terdaftar": "Tidak ada dokumen dengan nomor ini di registri layanan ini.",
    "tidak_sah": "Keaslian dokumen ini tidak dapat dipastikan, sehingga dokumen ini tidak dapat "
    "dianggap sah.",
    "tanpa_tanda_tangan": "Berkas ini tidak memuat tanda tangan elektronik, seperti hasil "
    "pindaian (scan) atau foto dokumen cetak; keasliannya tidak dapat diperiksa dari berkas ini.",
}
NEXT_STEPS = {
    "sah": "Cocokkan nama dan NIP tersamar di bawah dengan dokumen yang Anda pegang.",
    "kedaluwarsa": "Mintalah dokumen yang masih berlaku kepada pemegangnya.",
    "dicabut": "Jangan menerima dokumen ini sebagai bukti.",
    "diubah": "Jangan menerima dokumen ini; laporkan kepada institusi penerbit.",
    "kode_tidak_cocok": "Periksa kembali 16 karakter kode yang tercetak di bawah kode QR (angka "
    "0-9 dan huruf a-f), atau pindai kode QR-nya. Bila tetap tidak cocok, dokumen yang Anda "
    "pegang mungkin bukan dokumen asli.",
    "tidak_terdaftar": "Periksa kembali penulisan nomornya (contoh: 0001/STTP/PKASN/2027). Bila "
    "nomornya sudah benar, dokumen itu tidak diterbitkan melalui layanan ini: tanyakan kepada "
    "institusi yang namanya tercantum pada dokumen.",
    "tidak_sah": "Jangan menerima berkas ini sebagai bukti. Bila Anda memegang dokumen cetaknya, "
    "periksa dengan nomor dan kode verifikasinya (kode QR).",
    "tanpa_tanda_tangan": "Pindai kode QR pada dokumen, atau masukkan nomor dokumen dan kode "
    "verifikasi yang tercetak di bawah kode QR pada formulir di bawah ini.",
}


def next_step(status: str, contact: Issuer | None, document: dict[str, Any] | None) -> str:
    """What to do now, naming the replacement of a revoked document and whom to ask."""
    text = NEXT_STEPS.get(status, NEXT_STEPS["tidak_sah"])
    if status == "dicabut" and document and document.get("replaced_by"):
        text += f" Dokumen ini diganti dengan dokumen nomor {document['replaced_by']}: periksa "
        text += "dokumen pengganti itu."
    if contact is None or status == "sah":
        return text
    where = f" ({contact.contact})" if contact.contact else ""
    return f"{text} Untuk keterangan lebih lanjut, hubungi {contact.words()}{where}."


def by_file(
    data: bytes,
    registry: Registry,
    trust: Trust,
    titles: Mapping[str, str] | None = None,
    on: dt.date | None = None,
    issuers: Issuers | None = None,
) -> Finding:
    """The verdict for an uploaded PDF on the day of the check (`on`, default today); a file that
    cannot be read is TIDAK SAH, never an error page. A PDF with no signature at all (a scan) is
    pointed to the check by number and code."""
    issuers = issuers or _no_issuers
    if b"%PDF-" not in data[:1024]:
        return _finding(
            Verdict("tidak_sah", None, "Berkas ini bukan PDF; hanya PDF yang dapat diperiksa."),
            contact=issuers(None),
        )
    try:
        verdict = _in_words(verify_pdf_bytes(data, registry, trust, on=on), UPLOAD_SAH)
    except AturanError as exc:  # unreadable: never pointed to as a scan
        failed = Verdict("tidak_sah", None, f"Keaslian tidak dapat dipastikan: {exc.message}")
        return _finding(failed, contact=issuers(None))
    if verdict.status == "tidak_sah" and verdict.number is None and b"/ByteRange" not in data:
        verdict = Verdict("tanpa_tanda_tangan", None, verdict.message)
    row = verdict.row  # the row as the registry key authenticated it
    shown = row is not None and verdict.status in SHOWN
    issuer = issuers(row.get("institution")) if shown and row else None
    document = _document(cast("dict[str, Any]", row), titles or {}, verdict) if shown else None
    return _finding(verdict, document, issuer, contact=issuer or issuers(None))


UPLOAD_SAH = "Berkas ini sama dengan dokumen yang diterbitkan, dan dokumen itu berlaku"
