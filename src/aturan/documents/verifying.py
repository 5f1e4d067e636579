"""Verifying an issued document: fail closed, SAH only when everything is proven.

A PDF is SAH only when all of these hold:
- it carries exactly one signature, intact, covering the whole file (no incremental update of any
  kind after signing: stricter than "no update that changes what the page shows", and simpler to
  explain), by a certificate that chains to the configured trust roots;
- the number and content hash in its signed metadata are the registry's: the row is authentic,
  `issued`, and was issued as a signed PDF (a fingerprint recorded). Byte identity with a recorded
  fingerprint is not required (issue 25, item 2): a copy the institution signed again at another
  time, with another file identifier (an upgrade of LibreOffice, fonts or pyHanko changes the
  bytes), is as genuine as the first. Whether the exact file was recorded (the latest fingerprint
  or an earlier one, `Registry.issued_fingerprint`) is said in the verdict's message;
- the document is in force on the day of the check: an authentic document past the last day of
  its validity is KEDALUWARSA (authentic is not in force), with the day its validity ended.

A DOCX is an editable copy: it is never SAH; only the signed PDF can be verified.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import traceback
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import aturan.documents.pdf as pdfs
from aturan.documents.context import indonesian_date
from aturan.documents.registry import Registry
from aturan.documents.signing import Trust, is_demo_certificate
from aturan.documents.storage import Row
from aturan.errors import AturanError
from aturan.files import check_zip
from aturan.formatting import day_in_wib

if TYPE_CHECKING:  # pyHanko is imported where used
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import EmbeddedPdfSignature

# pyHanko logs a failed validation with its traceback; with no handler configured Python prints it
# on stderr beside the verdict. The verdict is the one message: pyHanko's records go to its own
# null handler (an application that configures logging still receives them).
for _library in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_library).addHandler(logging.NullHandler())

STATUSES = ("sah", "kedaluwarsa", "dicabut", "diubah", "tidak_terdaftar", "tidak_sah")
# The day of a check is the date in Indonesia's easternmost zone (WIT, UTC+9), where a day ends
# first: no document is reported in force anywhere in Indonesia after its last day ended there.
CHECK_ZONE = dt.timezone(dt.timedelta(hours=9), "WIT")


def today() -> dt.date:
    """The day a check is made on (the clock the verify functions use unless given one)."""
    return dt.datetime.now(CHECK_ZONE).date()


@dataclass
class Verdict:
    status: str  # one of STATUSES
    number: str | None
    message: str
    row: Row | None = field(default=None, repr=False)  # the registry row, when there is one
    valid_until: str | None = None  # an authentic document's last day in force (ISO), if it ends


def verify(path: Path, registry: Registry, trust: Trust, on: dt.date | None = None) -> Verdict:
    """Is this file a document the registry issued, signed by the institution, unrevoked,
    unaltered and in force on the day of the check (`on`, default today)? An unreadable file is
    an AturanError (bad input), not a verdict."""
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        raise AturanError("hanya berkas .pdf atau .docx yang dapat diverifikasi", file=str(path))
    if path.is_dir():
        raise AturanError("ini sebuah folder, bukan berkas", file=str(path))
    if not path.is_file():
        raise AturanError("berkas tidak ditemukan", file=str(path))
    if suffix == ".docx":
        return _docx(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AturanError(
            f"berkas tidak dapat dibaca ({exc.strerror or exc})", file=str(path)
        ) from None
    return verify_pdf_bytes(data, registry, trust, name=str(path), on=on)


def verify_pdf_bytes(
    data: bytes, registry: Registry, trust: Trust, name: str = "", on: dt.date | None = None
) -> Verdict:
    """verify() for a PDF given as bytes (an upload). Unreadable bytes are an AturanError.
    pyHanko validates through asyncio.run: call this from a thread (a plain `def` endpoint, which
    FastAPI and Starlette run in their thread pool), not from inside a running event loop."""
    reader = _read_pdf(data, name)
    signatures = reader.embedded_signatures
    if not signatures and _metadata(reader).get("/Title", "").startswith(pdfs.BUNDLE_TITLE):
        return Verdict(
            "tidak_sah",
            None,
            "Bundel cetak hanya untuk dicetak dan tidak dapat diverifikasi; verifikasi PDF "
            "bertanda tangan tiap dokumen.",
        )
    if not signatures:
        return Verdict(
            "tidak_sah",
            None,
            "PDF tidak bertanda tangan elektronik, sehingga keasliannya tidak dapat dipastikan.",
        )
    if len(signatures) > 1:
        return Verdict(
            "diubah",
            None,
            "PDF memuat lebih dari satu tanda tangan: diubah setelah ditandatangani.",
        )
    problem = _signature_problem(signatures[0], trust)
    if problem:
        return problem
    meta = _metadata(reader)
    verdict = _against_registry(
        meta.get("/AturanNumber", ""), meta.get("/AturanContentHash", ""), data, registry
    )
    return _in_force(verdict, registry, on or today(), "Dokumen sah")


def status_of(
    number: str,
    registry: Registry,
    on: dt.date | None = None,
    rows: tuple[Row | None, Row | None] | None = None,
) -> Verdict:
    """The registry's word on a number, without a file, on the day of the check (`on`, default
    today): issued (with a signed PDF) and in force, past its validity, revoked, unknown. `sah`
    here says the number stands, not that any particular file is genuine. `rows`: the number's
    `Registry.rows`, when the caller has read them already."""
    row = _authentic_row(number, registry, rows)
    if isinstance(row, Verdict):
        return row
    if row["status"] == "revoked":
        return _revoked(number, row)
    if row["status"] != "issued" or not row["pdf_fingerprint"]:
        return Verdict(
            "tidak_sah",
            number,
            "Nomor terdaftar, tetapi tidak ada PDF bertanda tangan yang tercatat untuknya.",
            row,
        )
    return _in_force(_genuine(number, row), registry, on or today(), "Nomor terdaftar dan berlaku")


def _read_pdf(data: bytes, name: str) -> PdfFileReader:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        reader.embedded_signatures  # noqa: B018 (parses the form fields: damage shows here)
        return reader
    except _pdf_damage() as exc:
        if not _raised_inside_a_library(exc):
            raise
        raise AturanError(
            f"bukan berkas PDF yang dapat dibaca (kosong, terpotong atau rusak: "
            f"{type(exc).__name__})",
            file=name or None,
        ) from None


# A damaged or crafted file makes pyHanko (and asn1crypto, python-docx, lxml, zipfile under it)
# raise their documented errors, and also plain ones from deep inside them: a signature value
# that is a number gives AttributeError, a CMS with a changed byte TypeError, arrays nested
# 100,000 deep RecursionError, a catalog that is not a dictionary AssertionError
# (tests/test_signing_internals.py, tests/test_hostile*.py). Any of these raised in aturan's own
# code instead (a renamed attribute, a changed signature after an upgrade: a programming error)
# surfaces, and so does every other type.
_RAISED_INSIDE = (TypeError, AttributeError, AssertionError, RecursionError, NotImplementedError)


def _pdf_damage() -> tuple[type[BaseException], ...]:
    from pyhanko.pdf_utils.misc import PdfError

    return (PdfError, ValueError, KeyError, IndexError, zlib.error, *_RAISED_INSIDE)


def _docx_damage() -> tuple[type[BaseException], ...]:
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    return (PackageNotFoundError, LxmlError, zipfile.BadZipFile, zlib.error, EOFError, OSError) + (
        ValueError,
        KeyError,
        IndexError,
        *_RAISED_INSIDE,
    )


def _raised_inside_a_library(exc: BaseException) -> bool:
    """Whether the error was raised inside a library, not in this module's own lines."""
    innermost = traceback.extract_tb(exc.__traceback__)[-1]
    return innermost.filename != __file__


def _signature_problem(signature: EmbeddedPdfSignature, trust: Trust) -> Verdict | None:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        status = validate_pdf_signature(signature, trust.context(), skip_diff=True)
    except _pdf_damage() as exc:  # a malformed signature proves nothing
        if not _raised_inside_a_library(exc):
            raise
        return Verdict(
            "tidak_sah", None, "Tanda tangan elektronik rusak dan tidak dapat diperiksa."
        )
    if not (status.intact and status.valid):
        return Verdict("diubah", None, "Tanda tangan elektronik tidak utuh: dokumen telah diubah.")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Verdict(
            "diubah",
            None,
            "PDF diubah setelah ditandatangani (ada pembaruan sesudah tanda tangan).",
        )
    if not status.trusted:
        return Verdict(
            "tidak_sah",
            None,
            "Tanda tangan elektronik bukan dari sertifikat institusi yang dipercaya.",
        )
    if not trust.demo and is_demo_certificate(status.signing_cert):
        return Verdict(
            "tidak_sah",
            None,
            "Tanda tangan elektronik dibuat dengan sertifikat DEMO aturan (frasa sandinya "
            "diumumkan), yang tidak membuktikan apa pun: bukan dokumen resmi.",
        )
    return None


def _metadata(reader: PdfFileReader) -> dict[str, str]:
    try:
        info = reader.trailer_view["/Info"]
        return {str(k): str(v) for k, v in info.items()}
    except (KeyError, TypeError, AttributeError):
        return {}


def _against_registry(number: str, digest: str, data: bytes, registry: Registry) -> Verdict:
    row = _authentic_row(number, registry)
    if isinstance(row, Verdict):
        return row
    if digest != row["content_hash"]:
        return Verdict(
            "diubah",
            number,
            "Hash isi pada metadata tidak cocok dengan registri: dokumen telah diubah.",
            row,
        )
    if not row["pdf_fingerprint"]:
        return Verdict(
            "tidak_sah",
            number,
            "Registri tidak mencatat sidik jari PDF untuk nomor ini, sehingga berkas tidak "
            "dapat dicocokkan.",
            row,
        )
    if row["status"] == "revoked":
        return _revoked(number, row)
    if row["status"] != "issued":
        return Verdict("tidak_sah", number, f"Status dokumen di registri: {row['status']}.", row)
    if _issued_file(number, row, data, registry):
        return _genuine(number, row)
    return Verdict("sah", number, SIGNED_AGAIN, row)


SIGNED_AGAIN = (
    "Berkas ini ditandatangani institusi pada waktu lain daripada salinan yang tercatat; isi dan "
    "nomornya sama dengan yang terdaftar"
)


def _issued_file(number: str, row: Row, data: bytes, registry: Registry) -> bool:
    """The file is a PDF the registry recorded for this number: the latest, or one recorded
    before a re-issue wrote other bytes (a copy a recipient already holds stays genuine)."""
    fingerprint = pdfs.fingerprint(data)
    return row["pdf_fingerprint"] == fingerprint or registry.issued_fingerprint(number, fingerprint)


def _authentic_row(
    number: str, registry: Registry, rows: tuple[Row | None, Row | None] | None = None
) -> Row | Verdict:
    """The registry row as the registry key last authenticated it, or the verdict without one.
    A log its witness says was cut back (an entry deleted, a revocation undone) vouches for no
    row. `rows`: the number's `Registry.rows`, if read already."""
    rolled_back = registry.witness_problem()
    if rolled_back:
        return Verdict(
            "tidak_sah",
            number or None,
            "Registri tidak dapat dipastikan mutakhir: log auditnya tidak cocok dengan kepala "
            f"rantai yang disimpan di luar basis data ({rolled_back}). Entri mungkin dihapus atau "
            "registri dikembalikan ke salinan lama; hubungi institusi penerbit.",
        )
    stored, row = (rows or registry.rows(number)) if number else (None, None)
    if stored is None:
        return Verdict("tidak_terdaftar", number or None, "Dokumen tidak terdaftar di registri.")
    if row is None:
        return Verdict(
            "diubah",
            number,
            "Data registri untuk nomor ini tidak cocok dengan catatan yang diautentikasi kunci "
            "registri: telah diubah tanpa otorisasi (atau registri dibuka dengan kunci lain).",
        )
    return row


def _revoked(number: str, row: Row) -> Verdict:
    return Verdict(
        "dicabut",
        number,
        f"Dokumen dicabut pada {indonesian_date(day_in_wib(row['revoked_at']))}: "
        f"{row['revoked_reason']}" + replacement_note(row),
        row,
    )


def replacement_note(row: Row) -> str:
    """A revoked document replaced by a new one names it."""
    return f"; diganti dengan dokumen nomor {row['replaced_by']}" if row.get("replaced_by") else ""


def _genuine(number: str, row: Row) -> Verdict:
    """Authentic, issued and unrevoked: SAH until `_in_force` judges its validity."""
    return Verdict("sah", number, "", row)


def _in_force(verdict: Verdict, registry: Registry, on: dt.date, opening: str) -> Verdict:
    """An authentic document judged on the day of the check: SAH while in force, KEDALUWARSA after
    its last day; a validity that cannot be established is not SAH. Other verdicts pass."""
    if verdict.status != "sah" or verdict.row is None:
        return verdict
    number, row = str(verdict.number), verdict.row
    known, last_day = _last_day(number, row, registry)
    if not known:
        return Verdict(
            "tidak_sah",
            number,
            "Dokumen diterbitkan sebelum registri mencatat masa berlaku, dan tidak ada catatan "
            "keputusan terautentikasi untuknya: masa berlakunya tidak dapat dipastikan.",
            row,
        )
    holder = f"{row['doc_type']} untuk {row['name']} (NIP {row['nip']})"
    if last_day is not None and on > dt.date.fromisoformat(last_day):
        return Verdict(
            "kedaluwarsa",
            number,
            f"Dokumen asli, tetapi tidak berlaku lagi: {holder}, berlaku sampai dengan "
            f"{indonesian_date(last_day)} (diperiksa {indonesian_date(on)}).",
            row,
            last_day,
        )
    until = f", berlaku sampai dengan {indonesian_date(last_day)}" if last_day else ""
    note = f" {verdict.message}." if verdict.message else ""  # e.g. signed again
    return Verdict(
        "sah",
        number,
        f"{opening}: {holder}, diterbitkan {row['doc_date']}{until}.{note}",
        row,
        last_day,
    )


def _last_day(number: str, row: Row, registry: Registry) -> tuple[bool, str | None]:
    """(known, last day in force or None for no end). Recorded in the row when issued; a row
    issued before the registry recorded validity (migration 0004) takes it from the decision
    record its issue entry authenticated: the day before its document's `until`, as issuing
    records it now. Without such a record the validity is unknown."""
    if row.get("validity_recorded"):
        return True, row.get("valid_until")
    stored = registry.authentic_record(number)
    if stored is None:
        return False, None
    try:
        documents = json.loads(stored["record"])["decision"]["documents"]
        intent = next(d for d in documents if d["type"] == row["doc_type"])
        until = intent.get("until")
        return True, (
            (dt.date.fromisoformat(until) - dt.timedelta(days=1)).isoformat() if until else None
        )
    except (ValueError, KeyError, TypeError, StopIteration):
        return False, None


def _docx(path: Path) -> Verdict:
    """A DOCX is an editable copy: read (so a damaged file is refused like any bad input), never
    SAH."""
    check_zip(path)  # a DOCX (a zip) that would unpack to far more than it holds
    try:
        import docx

        number = docx.Document(str(path)).core_properties.identifier or None
    except _docx_damage() as exc:
        if not _raised_inside_a_library(exc):
            raise
        raise AturanError(
            f"bukan berkas DOCX yang dapat dibaca (kosong, terpotong atau rusak: "
            f"{type(exc).__name__})",
            file=str(path),
        ) from None
    return Verdict(
        "tidak_sah",
        number,
        "Berkas DOCX adalah salinan yang dapat disunting dan tidak dapat diverifikasi; hanya PDF "
        "bertanda tangan elektronik yang dapat diverifikasi.",
    )
