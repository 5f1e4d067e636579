"""The registry of issued documents: a SQLite file (no server) or a PostgreSQL database shared by
many institutions (`storage`), one schema kept by versioned migrations.

- numbering per institution, document type and year, taken in the same transaction that records the
  document, so a crash can leave neither a gap nor a duplicate;
- issuing is idempotent: the same participant, event and document type returns the
  document already issued, with its number;
- an append-only audit log: every change to a document (issue, fingerprints, revocation) appends
  an entry holding the whole row after the change and its type's counter, chained to the previous
  entry by its hash and signed with the registry's Ed25519 signing key. The keys are not in the
  database (`registry_key`), so whoever can write the file but lacks them can change nothing
  unseen: `audit` checks every signature and link, every row against its latest entry, the
  numbering, the counters and, given an exported chain head, that the log's tail is still there.
- an auditor holding only the public key runs the same audit and can write nothing. Entries
  written before the log switched to Ed25519 (migration 0005) carry an HMAC under the secret
  registry key: the key holder checks them; the auditor is told which they are, never that they
  are verified.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path

from aturan.cases import forbidden_char
from aturan.documents.record import record_hash
from aturan.documents.registry_key import (
    RegistryKeys,
    canonical,
    entry_hash,
    entry_mac,
    entry_message,
    head_mac,
    head_message,
    key_id,
    public_key_id,
    same,
    sign,
    signature_valid,
)
from aturan.documents.storage import connect, is_url
from aturan.documents.storage.migrate import apply_pending, current_version, latest, refuse_newer
from aturan.errors import AturanError

GENESIS = "0" * 64
# The log format: entries signed with Ed25519. A registry of the format before it holds entries
# authenticated by HMAC-SHA256 under the registry key, and switches at its next write (its older
# entries stay as they are). Registries made before both have no registry_meta table: their log is
# an unkeyed hash chain.
LOG_FORMAT = "ed25519/1"
HMAC_FORMAT = "hmac-sha256/1"
KEYED_FORMATS = (LOG_FORMAT, HMAC_FORMAT)
ROW_FIELDS = (
    "number",
    "doc_type",
    "year",
    "seq",
    "nip",
    "name",
    "event_key",
    "decision_id",
    "rules_version",
    "content_hash",
    "doc_date",
    "docx_fingerprint",
    "pdf_fingerprint",
    "status",
    "revoked_reason",
    "revoked_at",
    "issued_at",
)
# Columns added by migration 0002. An entry written before it holds a snapshot without them: it
# vouches for a row whose institution is the registry's legacy institution and the rest empty.
NEW_FIELDS = ("institution", "operator", "revoked_by", "replaces", "replaced_by")
LEGACY_FIELD_SET = set(ROW_FIELDS)
ROW_FIELDS = ROW_FIELDS + NEW_FIELDS
# The column added by migration 0004: the last day the document is in force (None: no end). An
# entry written before it vouches for the row with it empty (`vouched`).
VALIDITY_FIELDS = ("valid_until",)
INSTITUTION_FIELD_SET = set(ROW_FIELDS)
ROW_FIELDS = ROW_FIELDS + VALIDITY_FIELDS
ROW_FIELD_SET = set(ROW_FIELDS)
SNAPSHOT_FIELD_SETS = (ROW_FIELD_SET, INSTITUTION_FIELD_SET, LEGACY_FIELD_SET)
ROW_COLUMNS = ", ".join(ROW_FIELDS)
ENTRY_FIELDS = {"action", "at", "number", "row", "counter"}
# An issue entry also holds the hash of the document's decision record (decision_records).
RECORD_ENTRY_FIELDS = ENTRY_FIELDS | {"record"}
AUDIT_HINT = "jalankan `aturan registry audit`"
OLD_FORMAT = (
    "log audit berformat lama tanpa kunci (dibuat oleh versi aturan sebelumnya): isinya tidak "
    "dapat diautentikasi; terbitkan ke registri baru (tidak ada migrasi otomatis)"
)
MAC_LINES = 20  # entries with a bad MAC listed one by one; beyond that, one line counts the rest
UNCHECKED = ""  # why an entry is not authentic: it cannot be checked with the keys at hand
NEEDS_HOLDER = (
    "hanya pemegang kunci registri (kunci HMAC) yang dapat memeriksanya: minta institusi "
    "menjalankan `aturan registry audit` dengan kunci registrinya"
)
WRONG_MAC_KEY = (
    "kunci ini bukan kunci yang membuat registri (penanda kunci berbeda): periksa "
    "registry.key_file/key_env; atau penanda kuncinya diubah"
)
WRONG_PUBLIC_KEY = (
    "kunci publik ini bukan kunci yang menandatangani registri (penanda kunci berbeda): minta "
    "kunci publik yang benar kepada institusi; atau penanda kuncinya diubah"
)


@dataclass
class Issued:
    number: str
    doc_type: str
    content_hash: str
    created: bool
    replaces: str | None = None


@dataclass
class Walk:
    """What walking the log found: problems with entries, and what the authentic entries say."""

    problems: list[str] = field(default_factory=list)
    latest: dict = field(default_factory=dict)  # number -> (entry id, row snapshot)
    counters: dict = field(default_factory=dict)  # (doc_type, year) -> counter value
    records: dict = field(default_factory=dict)  # number -> (entry id, decision record hash)
    forged: list[str] = field(default_factory=list)  # why each entry failed its MAC or signature
    unchecked: list[int] = field(default_factory=list)  # entries the keys at hand cannot check
    signed_from: int = 0  # the first entry signed with Ed25519 (0: none)

    def bad_entry(self, message: str) -> None:
        self.forged.append(message)

    def all_problems(self, limit: int | None = MAC_LINES) -> list[str]:
        """Entries failing their MAC or signature, up to `limit` (a wrong key fails them all),
        then one line counting the rest; every one with no limit."""
        shown = self.forged if limit is None else self.forged[:limit]
        rest = len(self.forged) - len(shown)
        return (
            self.problems + shown + ([f"... dan {rest} entri lain tidak sah"] if rest > 0 else [])
        )


@dataclass
class AuditReport:
    """What `audit` found: problems (something is wrong), and what could not be checked with the
    keys at hand (an auditor with only the public key: the entries from before Ed25519)."""

    problems: list[str]
    unchecked: list[str]
    mode: str

    @property
    def intact(self) -> bool:
        return not self.problems and not self.unchecked


LIST_EXACT = ("nip", "status", "institution")
NUMBER_FIELDS = ("seq", "year", "code", "institution")
INSTITUTION_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")
DEFAULT_INSTITUTION = "LAN"


def check_institution(code, *, file: str | None = None) -> str:
    """An institution's code: capitals, digits and hyphens, at most 20; it appears in numbers."""
    if not isinstance(code, str) or not INSTITUTION_CODE.fullmatch(code):
        raise AturanError(
            f"kode institusi {code!r} tidak valid: huruf kapital, angka atau tanda hubung, paling "
            "banyak 20 karakter, mis. LAN atau BPSDM-JABAR",
            file=file,
            field="institution.code",
        )
    return code


def format_fields(number_format: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(number_format) if name}


def check_number_format(
    number_format, *, file: str | None = None, field: str = "numbering.format"
) -> None:
    """A numbering format must name {seq} and {code}, may name {year}, and nothing else.

    Checked before any number is taken, so a bad format never costs a number."""
    if not isinstance(number_format, str) or not number_format.strip():
        raise AturanError(
            f"format penomoran harus berupa teks, bukan {number_format!r}", file=file, field=field
        )
    try:
        names = [
            name for _, name, _, _ in string.Formatter().parse(number_format) if name is not None
        ]
    except ValueError as exc:
        raise AturanError(
            f"format penomoran {number_format!r} tidak valid ({exc}); tanda kurung kurawal harus "
            "berpasangan, mis. '{seq:03d}/{code}/{year}'",
            file=file,
            field=field,
        ) from None
    unknown = [name for name in names if name not in NUMBER_FIELDS]
    if unknown:
        raise AturanError(
            f"format penomoran {number_format!r} memuat penanda tidak dikenal: "
            f"{', '.join('{' + n + '}' for n in unknown)}; yang dikenal: {{seq}}, {{year}}, "
            f"{{code}}, {{institution}}",
            file=file,
            field=field,
        )
    missing = [name for name in ("seq", "code") if name not in names]
    if missing:
        raise AturanError(
            f"format penomoran {number_format!r} harus memuat "
            f"{' dan '.join('{' + n + '}' for n in missing)}, agar setiap nomor unik per jenis "
            "dokumen",
            file=file,
            field=field,
        )
    try:
        number_format.format(seq=1, year=2026, code="X", institution="LAN")
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise AturanError(
            f"format penomoran {number_format!r} tidak dapat dipakai ({exc})",
            file=file,
            field=field,
        ) from None


SHAPE_ERRORS = (IndexError, KeyError)  # a column a row no longer has


def damaged(exc: Exception) -> str:
    return f"registri rusak atau strukturnya diubah ({type(exc).__name__}: {exc}); {AUDIT_HINT}"


def _damage_is_a_message(method):
    """A registry whose file or tables were damaged (a column dropped, a table renamed, a torn
    page) is one message, never a traceback."""

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except self.damage as exc:
            self._rollback()
            raise AturanError(self.db.unavailable(exc) or damaged(exc), file=self.label) from None

    return wrapper


class Registry:
    def __init__(
        self,
        path: Path | str,
        number_format: str,
        codes: dict,
        *,
        key: bytes | None = None,
        signing_key: bytes | None = None,
        public_key: bytes | None = None,
        create: bool = True,
        institution: str = DEFAULT_INSTITUTION,
    ):
        """Open the registry at `path` (a SQLite file, or a `postgresql://` URL) as `institution`:
        the key holder with the HMAC `key` and the Ed25519 `signing_key` (both needed to write),
        an auditor with the `public_key` alone (reading and auditing only). With `create=False`
        (reading commands) a missing registry is an error, never a new empty one. A database that
        is not an aturan registry is refused; one made by an older version is migrated forward."""
        check_number_format(number_format)
        check_institution(institution)
        self.keys = RegistryKeys.of(key, signing_key, public_key)
        self.path = path if is_url(path) else Path(path)
        self.number_format = number_format
        self.codes = codes
        self.institution = institution
        self._chain_version: object = None  # the backend's change marker when last checked
        self._chain_ok = False
        self.db = connect(self.path, create)
        self.label = self.db.label
        self.damage = self.db.damage + SHAPE_ERRORS
        try:
            self._open(create)
        except self.db.damage as exc:
            self.db.rollback()
            raise AturanError(self.db.unreadable(exc), file=self.label) from None
        except OSError as exc:
            raise AturanError(
                f"registri tidak dapat dibuka ({exc.strerror or exc})", file=self.label
            ) from None

    def _open(self, create: bool) -> None:
        """Check the schema in a read transaction; when it is missing (`create`) or older, make
        or migrate it in a write transaction, checked again under its lock: a second process
        starting at the same moment sees either no tables or all of them, never a half-made
        registry."""
        self.db.begin_read()
        try:
            pending = self._pending(create)
        finally:
            self.db.rollback()
        if pending:
            self.db.begin_write()
            try:
                if self._pending(create):
                    self._migrate()
                self.db.commit()
            except BaseException:
                self.db.rollback()
                raise
        self._has_meta = self.db.has_table("registry_meta")  # the old format has none
        self.db.prepare()

    def _pending(self, create: bool) -> bool:
        tables = self.db.tables()
        version = current_version(self.db, tables)
        if version == 0 and not create:
            raise AturanError(
                "belum ada registri di sini (registri dibuat oleh `aturan issue`)"
                if not tables
                else "basis data ini bukan registri aturan (tabel documents/audit_log tidak ada)",
                file=self.label,
            )
        if version == 0 and tables - {"schema_version"}:
            raise AturanError(
                "basis data ini bukan registri aturan (tabel documents/audit_log tidak ada)",
                file=self.label,
            )
        refuse_newer(version, self.db.dialect, self.label)
        return version < latest(self.db.dialect)

    def _migrate(self) -> None:
        version = current_version(self.db, self.db.tables())
        apply_pending(self.db, version, self.institution, now_iso())
        if version == 0:  # a new registry: its log is keyed from the first entry
            if self.keys.mac is None:
                raise AturanError("registri baru hanya dibuat oleh pemegang kunci registri")
            self.db.executemany(
                "INSERT INTO registry_meta (name, value) VALUES (?, ?)",
                [("log_format", HMAC_FORMAT), ("key_id", key_id(self.keys.mac))],
            )

    def read_only(self) -> None:
        """No statement on this connection may write (the verification server)."""
        self.db.read_only()

    def close(self) -> None:
        self.db.close()

    # --- writing -------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, refused on a registry this key cannot extend. A constraint the
        registry's own state breaks (a damaged registry) is a message, never a traceback."""
        self.db.begin_write()
        try:
            self._check_writable()
            yield
            self.db.commit()
        except self.db.integrity as exc:
            self._rollback()
            raise AturanError(
                f"registri tidak konsisten ({exc}); tidak ada yang ditulis dan tidak ada nomor "
                f"yang diambil; {AUDIT_HINT}",
                file=self.label,
            ) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._chain_version = None  # SQLite's data_version ignores our own writes

    def _rollback(self) -> None:
        self.db.rollback()

    def _check_writable(self) -> None:
        """Only the key holder writes, with the keys that made the registry. A registry of the
        HMAC format switches to Ed25519 here: its signing key is recorded, and every entry from
        now on is signed."""
        meta = self._meta()
        if meta.get("log_format") not in KEYED_FORMATS:
            raise AturanError(f"{OLD_FORMAT}; tidak ada yang ditulis", file=self.label)
        if self.keys.mac is None or self.keys.signing is None:
            raise AturanError(
                "registri hanya dapat ditulis oleh pemegang kunci registri dan kunci "
                "penandatangannya (kunci publik hanya untuk memeriksa); tidak ada yang ditulis",
                file=self.label,
            )
        wrong = self._key_problem(meta)
        if wrong:
            raise AturanError(
                f"{wrong}; tidak ada yang ditulis; {AUDIT_HINT}",
                file=self.label,
            )
        if meta.get("signing_key") is None:
            self.db.execute(
                "INSERT INTO registry_meta (name, value) VALUES (?, ?)",
                ("signing_key", self.keys.public.hex()),  # type: ignore[union-attr]
            )
            self.db.execute(
                "UPDATE registry_meta SET value=? WHERE name='log_format'", (LOG_FORMAT,)
            )

    def _key_problem(self, meta: dict) -> str | None:
        """Why the keys at hand are not the registry's (another institution's, or a marker
        changed), or None."""
        if self.keys.mac is not None and not same(meta.get("key_id"), key_id(self.keys.mac)):
            return WRONG_MAC_KEY
        recorded, public = meta.get("signing_key"), self.keys.public
        if recorded is not None and public is not None and not same(recorded, public.hex()):
            return WRONG_PUBLIC_KEY if self.keys.signing is None else WRONG_MAC_KEY
        return None

    def _meta(self) -> dict:
        if not self._has_meta:  # a registry of the old format
            return {}
        return {
            r["name"]: r["value"] for r in self.db.execute("SELECT name, value FROM registry_meta")
        }

    @_damage_is_a_message
    def issue(
        self,
        *,
        doc_type: str,
        nip: str,
        name: str,
        event_key: str,
        decision_id: str,
        rules_version: str,
        content_hash: str,
        year: int,
        doc_date: str,
        now: str,
        record: tuple[str, str] | None = None,
        operator: str | None = None,
        valid_until: str | None = None,
    ) -> Issued:
        """The document's number: the one in force for this (participant, type, event), else the
        next. A new number for an event whose document was revoked replaces it (`replaces` on
        the new row, `replaced_by` on the old, both in the log). `record` is the decision record
        (version, text), stored with the document and authenticated by its issue entry;
        `valid_until` the last day the document is in force (ISO date), None when it has no end."""
        with self._write():
            row = self.db.execute(
                "SELECT number, content_hash, institution, replaces FROM documents WHERE nip=? "
                "AND doc_type=? AND event_key=? AND status='issued'",
                (nip, doc_type, event_key),
            ).fetchone()
            if row:
                self._same_institution(row)
                return Issued(row["number"], doc_type, row["content_hash"], False, row["replaces"])
            replaced = self._revoked_unreplaced(nip, doc_type, event_key)
            self._check_shared_format()
            seq = self._next_seq(doc_type, year)
            number = self.number_format.format(
                seq=seq,
                year=year,
                code=self.codes.get(doc_type, doc_type.upper()),
                institution=self.institution,
            )
            self.db.execute(
                "INSERT INTO documents (number, institution, doc_type, year, seq, nip, name, "
                "event_key, decision_id, rules_version, content_hash, doc_date, issued_at, "
                "operator, replaces, valid_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    number,
                    self.institution,
                    doc_type,
                    year,
                    seq,
                    nip,
                    name,
                    event_key,
                    decision_id,
                    rules_version,
                    content_hash,
                    doc_date,
                    now,
                    operator,
                    replaced,
                    valid_until,
                ),
            )
            self._append("issue", number, now, self._store_record(number, record))
            if replaced:
                self._mark_replaced(replaced, number, now)
        return Issued(number, doc_type, content_hash, True, replaced)

    def _revoked_unreplaced(self, nip: str, doc_type: str, event_key: str) -> str | None:
        """The latest revoked document of this event not yet replaced: a new one replaces it."""
        row = self.db.execute(
            "SELECT number, institution FROM documents WHERE nip=? AND doc_type=? AND "
            "event_key=? AND status='revoked' AND replaced_by IS NULL ORDER BY issued_at "
            "DESC, seq DESC LIMIT 1",
            (nip, doc_type, event_key),
        ).fetchone()
        if row:
            self._same_institution(row)
        return row["number"] if row else None

    def _mark_replaced(self, old: str, new: str, now: str) -> None:
        self.db.execute("UPDATE documents SET replaced_by=? WHERE number=?", (new, old))
        self._append("replace", old, now)

    def _store_record(self, number: str, record: tuple[str, str] | None) -> str | None:
        if record is None:
            return None
        version, text = record
        self.db.execute(
            "INSERT INTO decision_records (number, record, version) VALUES (?,?,?)",
            (number, text, version),
        )
        return record_hash(version, text)

    @_damage_is_a_message
    def decision_record(self, number: str) -> dict | None:
        """The document's decision record as stored: {record (text), version}, or None."""
        row = self.db.execute(
            "SELECT record, version FROM decision_records WHERE number=?", (number,)
        ).fetchone()
        return dict(row) if row else None

    def _same_institution(self, row: dict) -> None:
        if row["institution"] != self.institution:
            raise AturanError(
                f"dokumen ini sudah diterbitkan oleh institusi {row['institution']} dengan nomor "
                f"{row['number']}; institusi {self.institution} tidak menerbitkannya lagi"
            )

    def _check_shared_format(self) -> None:
        """Numbers of two institutions sharing a registry differ only through {institution}: a
        format without it is refused once another institution has issued here."""
        if "institution" in format_fields(self.number_format):
            return
        other = self.db.execute(  # counters: a few rows, one per institution, type and year
            "SELECT institution FROM counters WHERE institution <> ? LIMIT 1", (self.institution,)
        ).fetchone()
        if other:
            raise AturanError(
                f"registri ini juga memuat dokumen institusi {other['institution']}: format "
                f"penomoran {self.number_format!r} harus memuat {{institution}} agar nomor antar "
                "institusi tidak bertabrakan, mis. '{seq:04d}/{code}/{institution}/{year}'; "
                "tidak ada nomor yang diambil",
                file=self.label,
                field="numbering.format",
            )

    def _next_seq(self, doc_type: str, year: int) -> int:
        """The next number of this institution, type and year. A counter below the highest
        number issued (a counter rolled back) would hand out a number twice: refused, and no
        number is taken."""
        where = (self.institution, doc_type, year)
        match = "institution=? AND doc_type=? AND year=?"
        found = self.db.execute(
            f"SELECT (SELECT COUNT(*) FROM counters WHERE {match}) AS counters, "
            f"(SELECT last_seq FROM counters WHERE {match}) AS last_seq, "
            f"(SELECT MAX(seq) FROM documents WHERE {match}) AS highest",
            where * 3,
        ).fetchone()
        highest = found["highest"]
        last = found["last_seq"] if found["counters"] else 0
        if not isinstance(last, int) or (highest is not None and last < highest):
            raise AturanError(
                f"registri tidak konsisten: penghitung {doc_type} {year} {self.institution} "
                f"({last}) lebih kecil "
                f"dari nomor terakhir yang terbit ({highest}); tidak ada nomor yang diambil; "
                f"{AUDIT_HINT}",
                file=self.label,
            )
        seq = last + 1
        self.db.execute(
            "INSERT INTO counters (institution, doc_type, year, last_seq) VALUES (?,?,?,?) "
            "ON CONFLICT (institution, doc_type, year) DO UPDATE SET last_seq=excluded.last_seq",
            (*where, seq),
        )
        return seq

    @_damage_is_a_message
    def record_fingerprints(
        self,
        number: str,
        docx_fingerprint: str | None,
        pdf_fingerprint: str | None,
        now: str | None = None,
    ) -> None:
        """Record the files' fingerprints; a change is an audit entry, in the same transaction."""
        with self._write():
            before = self._row(number)
            if before is None:
                raise AturanError(f"nomor dokumen '{number}' tidak terdaftar")
            self.db.execute(
                "UPDATE documents SET docx_fingerprint=COALESCE(?, docx_fingerprint), "
                "pdf_fingerprint=COALESCE(?, pdf_fingerprint) WHERE number=?",
                (docx_fingerprint, pdf_fingerprint, number),
            )
            if self._row(number) != before:
                self._append("fingerprint", number, now or now_iso())

    @_damage_is_a_message
    def revoke(self, number: str, reason: str, now: str, operator: str | None = None) -> None:
        if not reason.strip():
            raise AturanError("alasan pencabutan wajib diisi (--reason)")
        bad = forbidden_char(reason)
        if bad:
            raise AturanError(
                f"alasan pencabutan berisi karakter {bad} yang tidak diizinkan", field="--reason"
            )
        with self._write():
            row = self.db.execute(
                "SELECT status FROM documents WHERE number=?", (number,)
            ).fetchone()
            if row is None:
                raise AturanError(f"nomor dokumen '{number}' tidak terdaftar")
            if row["status"] == "revoked":
                raise AturanError(f"dokumen '{number}' sudah dicabut")
            self.db.execute(
                "UPDATE documents SET status='revoked', revoked_reason=?, revoked_at=?, "
                "revoked_by=? WHERE number=?",
                (reason, now, operator, number),
            )
            self._append("revoke", number, now)

    def _append(self, action: str, number: str, now: str, record: str | None = None) -> None:
        """The audit entry for a change just made to `number`: the whole row after it and its
        type's counter, chained to the previous entry and authenticated with the key."""
        row = self.db.execute(
            f"SELECT {ROW_COLUMNS}, (SELECT last_seq FROM counters c WHERE "
            "c.institution=d.institution AND c.doc_type=d.doc_type AND c.year=d.year) AS "
            "counter_value, (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) AS last_mac "
            "FROM documents d WHERE number=?",
            (number,),
        ).fetchone()
        assert row is not None  # called inside the transaction that wrote the row
        counter, last = row.pop("counter_value"), row.pop("last_mac")
        body = {"action": action, "at": now, "number": number, "row": row, "counter": counter}
        payload = canonical({**body, "record": record} if record else body)
        prev = last or GENESIS
        signature = sign(self.keys.signing, entry_message(prev, payload))  # type: ignore[arg-type]
        self.db.execute(
            "INSERT INTO audit_log (at, action, number, payload, prev_hash, hash, signature) "
            "VALUES (?,?,?,?,?,?,?)",
            (now, action, number, payload, prev, entry_hash(prev, payload), signature),
        )

    # --- reading -------------------------------------------------------------------------------

    def _row(self, number: str) -> dict | None:
        row = self.db.execute(
            f"SELECT {ROW_COLUMNS} FROM documents WHERE number=?", (number,)
        ).fetchone()
        return row

    @_damage_is_a_message
    def find(self, nip: str, doc_type: str, event_key: str) -> dict | None:
        """The document in force (not revoked) for this participant, type and event."""
        row = self.db.execute(
            "SELECT * FROM documents WHERE nip=? AND doc_type=? AND event_key=? AND "
            "status='issued'",
            (nip, doc_type, event_key),
        ).fetchone()
        return dict(row) if row else None

    @_damage_is_a_message
    def get(self, number: str) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE number=?", (number,)).fetchone()
        return dict(row) if row else None

    @_damage_is_a_message
    def list(self, doc_type: str | None = None, **filters) -> list[dict]:
        """Documents, optionally only those matching every filter: nip, name (a substring, any
        case), doc_type, date_from/date_to (the document's date, ISO), status, institution."""
        exact = {"doc_type": doc_type, **{k: filters.get(k) for k in LIST_EXACT}}
        where = [(f"{column}=?", value) for column, value in exact.items() if value]
        if filters.get("date_from"):
            where.append(("doc_date>=?", filters["date_from"]))
        if filters.get("date_to"):
            where.append(("doc_date<=?", filters["date_to"]))
        sql = (
            "SELECT * FROM documents"
            + (" WHERE " + " AND ".join(clause for clause, _ in where) if where else "")
            + " ORDER BY doc_type, year, institution, seq"
        )
        rows = [dict(r) for r in self.db.execute(sql, tuple(value for _, value in where))]
        needle = (filters.get("name") or "").casefold()
        return [r for r in rows if needle in str(r["name"]).casefold()]

    @_damage_is_a_message
    def new_coaching_group(self, program: str, year: int, now: str) -> str:
        """A coaching group id never given before: the next of this institution, program and
        year, e.g. KC-LAN-PKA-2027-001."""
        with self._write():
            row = self.db.execute(
                "SELECT MAX(seq) AS hi FROM coaching_groups WHERE institution=? AND program=? "
                "AND year=?",
                (self.institution, program, year),
            ).fetchone()
            seq = (row["hi"] or 0) + 1
            group_id = f"KC-{self.institution}-{program.upper().replace('_', '')}-{year}-{seq:03d}"
            self.db.execute(
                "INSERT INTO coaching_groups (institution, program, year, seq, group_id, "
                "created_at) VALUES (?,?,?,?,?,?)",
                (self.institution, program, year, seq, group_id, now),
            )
        return group_id

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """One read transaction: everything read inside it is from one moment."""
        self.db.begin_read()
        try:
            yield
        finally:
            self._rollback()

    @_damage_is_a_message
    def authentic_row(self, number: str) -> dict | None:
        """The document's row, only if it is what the key last authenticated: the log is of the
        keyed format under this key, its chain is intact, and the row equals the snapshot in its
        latest entry. Anything else is None: trust fails closed. The row also says whether its
        validity was recorded when it was issued (`validity_recorded`: its issue entry was written
        after migration 0004); when not, `valid_until` is empty because it is unknown."""
        with self._snapshot():
            row = self._row(number)
            if row is None or not self._keyed() or not self._chain_intact():
                return None
            entry = self.db.execute(
                "SELECT * FROM audit_log WHERE number=? ORDER BY id DESC LIMIT 1", (number,)
            ).fetchone()
            body = self._entry_body(entry)[0] if entry else None
            if body is None or vouched(body["row"], self._legacy()) != row:
                return None
            issue = self.db.execute(
                "SELECT * FROM audit_log WHERE number=? AND action='issue' ORDER BY id LIMIT 1",
                (number,),
            ).fetchone()
            issued = self._entry_body(issue)[0] if issue else None
            return {**row, "validity_recorded": bool(issued and validity_recorded(issued["row"]))}

    @_damage_is_a_message
    def row_against_log(self, number: str) -> str | None:
        """Why the document's row is not what the keys last authenticated, with each differing
        field's old and new value; None when it is."""
        with self._snapshot():
            row = self._row(number)
            if row is None:
                return "tidak terdaftar"
            if not self._keyed() or not self._chain_intact():
                return (
                    "log audit tidak utuh atau tidak dapat diautentikasi dengan kunci ini; "
                    + AUDIT_HINT
                )
            entry = self.db.execute(
                "SELECT * FROM audit_log WHERE number=? ORDER BY id DESC LIMIT 1", (number,)
            ).fetchone()
            body = self._entry_body(entry)[0] if entry else None
            if body is None:
                return "tidak ada entri log audit terautentikasi untuknya"
            changes = row_changes(row, vouched(body["row"], self._legacy()))
            if not changes:
                return None
            return (
                f"isian {', '.join(c[0] for c in changes)} berbeda dari entri log audit "
                f"terakhirnya (entri {entry['id']}): diubah tanpa otorisasi "
                f"({changes_text(changes)})"
            )

    @_damage_is_a_message
    def authentic_record(self, number: str) -> dict | None:
        """The document's decision record {record, version}, only if its issue entry
        authenticates it (under this key, in an intact chain); anything else is None."""
        with self._snapshot():
            stored = self.decision_record(number)
            if stored is None or not self._keyed() or not self._chain_intact():
                return None
            entry = self.db.execute(
                "SELECT * FROM audit_log WHERE number=? AND action='issue' ORDER BY id DESC "
                "LIMIT 1",
                (number,),
            ).fetchone()
            body = self._entry_body(entry)[0] if entry else None
            logged = body.get("record") if body else None
            actual = record_hash(str(stored["version"]), str(stored["record"]))
            return stored if logged and same(logged, actual) else None

    def _legacy(self) -> str | None:
        return self._meta().get("legacy_institution")

    def _keyed(self) -> bool:
        meta = self._meta()
        return meta.get("log_format") in KEYED_FORMATS and self._key_problem(meta) is None

    def _chain_intact(self) -> bool:
        """Every entry's MAC and link, checked again only when the log may have changed since
        (SQLite: another connection wrote, PRAGMA data_version; PostgreSQL: a digest of the log
        computed by the server) or this connection wrote."""
        version = self.db.change_marker()
        if self._chain_version != version:
            walk = self._walk()
            self._chain_ok = not walk.problems and not walk.forged and not walk.unchecked
            self._chain_version = version
        return self._chain_ok

    def _authentic(self, entry: dict) -> str | None:
        """None when the entry is authentic; else why not (UNCHECKED: the keys at hand cannot
        check it). A signed entry: its hash and its Ed25519 signature; an older one: its MAC."""
        where = f"entri {entry['id']}"
        prev, payload = str(entry["prev_hash"]), str(entry["payload"])
        if entry.get("signature") is not None:
            if self.keys.public is None:
                return UNCHECKED
            if not same(entry_hash(prev, payload), entry["hash"]):
                return f"{where}: hash tidak cocok dengan isinya (isi entri diubah)"
            message = entry_message(prev, payload)
            if not signature_valid(self.keys.public, message, entry["signature"]):
                return (
                    f"{where}: tanda tangan Ed25519 tidak sah (isi entri diubah, atau entri dibuat "
                    "tanpa kunci penandatangan, mis. hanya dengan kunci publik)"
                )
            return None
        if self.keys.mac is None:
            return UNCHECKED
        if not same(entry_mac(self.keys.mac, prev, payload), entry["hash"]):
            return f"{where}: MAC tidak sah (isi entri diubah, atau entri dibuat tanpa kunci)"
        return None

    def _entry_body(self, entry: dict) -> tuple[dict | None, str | None]:
        """The entry's authenticated content, or why it has none (UNCHECKED: cannot be checked
        with the keys at hand)."""
        problem = self._authentic(entry)
        if problem is not None:
            return None, problem
        return self._parsed(entry)

    def _parsed(self, entry: dict) -> tuple[dict | None, str | None]:
        where = f"entri {entry['id']}"
        try:
            body = json.loads(entry["payload"])
        except ValueError:
            return None, f"{where}: isi entri bukan JSON"
        if not _well_formed(body):
            return None, f"{where}: isi entri tidak berbentuk entri registri"
        if [entry["action"], entry["at"], entry["number"]] != [
            body["action"],
            body["at"],
            body["number"],
        ]:
            return None, f"{where}: kolom action/at/number tidak sama dengan isi yang diautentikasi"
        return body, None

    def _walk(self) -> Walk:
        """Every entry in order: its link to the one before and its MAC or signature; the latest
        authentic snapshot of each document and the latest counter of each (type, year). Once an
        entry is signed, every later one must be: an unsigned entry after it was not written by
        aturan. An entry the keys at hand cannot check is listed (`unchecked`); what it says is
        still compared, so a difference is a problem, and agreement is never called verified."""
        walk, prev = Walk(), GENESIS
        for entry in self.db.execute("SELECT * FROM audit_log ORDER BY id"):
            if entry["prev_hash"] != prev:
                walk.problems.append(
                    f"entri {entry['id']}: tautan ke entri sebelumnya putus (entri dihapus, "
                    "disisipkan atau diurutkan ulang)"
                )
            prev = entry["hash"]
            signed = entry.get("signature") is not None
            if signed and not walk.signed_from:
                walk.signed_from = entry["id"]
            if walk.signed_from and not signed:
                walk.bad_entry(
                    f"entri {entry['id']}: tanpa tanda tangan Ed25519, padahal log ditandatangani "
                    f"sejak entri {walk.signed_from} (entri dibuat atau diubah tanpa kunci "
                    "penandatangan)"
                )
                continue
            problem = self._authentic(entry)
            if problem == UNCHECKED:
                walk.unchecked.append(entry["id"])
            body, problem = self._parsed(entry) if problem in (None, UNCHECKED) else (None, problem)
            if body is None:
                walk.bad_entry(str(problem))
                continue
            self._take(walk, entry["id"], body)
        return walk

    def _take(self, walk: Walk, entry_id: int, body: dict) -> None:
        """What one entry says: the document's latest snapshot, its record, its counter."""
        number, row = body["number"], body["row"]
        walk.latest[number] = (entry_id, row)
        if "record" in body:
            walk.records[number] = (entry_id, body["record"])
        row = vouched(row, self._legacy())
        walk.counters[(row["institution"], row["doc_type"], row["year"])] = body["counter"]

    # --- auditing ------------------------------------------------------------------------------

    def audit(self, head: dict | None = None) -> list[str]:
        """Every problem found, one line each (empty when intact), and every line saying what the
        keys at hand could not check: trust fails closed (see `audit_report`)."""
        report = self.audit_report(head)
        return report.problems + report.unchecked

    def audit_report(self, head: dict | None = None, limit: int | None = MAC_LINES) -> AuditReport:
        """The log's format and keys, each entry's signature (or MAC) and link, each row against
        its latest authentic entry, the numbering, the counters and, with an exported `head`, the
        log's tail; entries failing their signature are listed up to `limit` (None: all)."""
        try:
            with self._snapshot():
                return self._report(head, limit)
        except self.damage as exc:
            self._rollback()
            return AuditReport([self.db.unavailable(exc) or damaged(exc)], [], self._mode())

    def _mode(self) -> str:
        if self.keys.mac is None:
            return (
                "Diperiksa dengan kunci publik saja (auditor, penanda "
                f"{public_key_id(self.keys.public)}): entri bertanda tangan Ed25519 diperiksa; "  # type: ignore[arg-type]
                "entri ber-MAC HMAC dari sebelum registri beralih ke Ed25519 tidak dapat."
            )
        return "Diperiksa oleh pemegang kunci registri (kunci HMAC dan kunci penandatangan)."

    def _problems(self, head: dict | None) -> list[str]:
        report = self._report(head, MAC_LINES)
        return report.problems + report.unchecked

    def _report(self, head: dict | None, limit: int | None) -> AuditReport:
        meta = self._meta()
        if meta.get("log_format") not in KEYED_FORMATS:
            problems = [OLD_FORMAT] + self.gaps() + self._counter_problems({})
            return AuditReport(problems, [], self._mode())
        walk = self._walk()
        unchecked_ids = set(walk.unchecked)
        problems = self._entry_problems(walk, self._key_problem(meta), limit)
        unverified: list[str] = []
        if walk.latest or not walk.forged:
            problems += self._row_problems(walk.latest, unchecked_ids, unverified)
            problems += self._record_problems(walk.records, unchecked_ids, unverified)
        problems += self.gaps() + self._counter_problems(walk.counters)
        unchecked = self._unchecked_lines(walk.unchecked, sorted(set(unverified)))
        if head is not None:
            head_problems, head_unchecked = self._head_problems(head, walk.signed_from)
            problems += head_problems
            unchecked += head_unchecked
        return AuditReport(problems, unchecked, self._mode())

    @staticmethod
    def _unchecked_lines(entry_ids: list[int], numbers: list[str]) -> list[str]:
        """What the keys at hand could not check, said plainly: never reported as verified."""
        if not entry_ids:
            return []
        lines = [
            f"{len(entry_ids)} entri log audit ber-MAC HMAC (dari sebelum registri beralih ke "
            f"tanda tangan Ed25519) tidak dapat diperiksa dengan kunci publik: entri "
            f"{_ranges(entry_ids)}; {NEEDS_HOLDER}"
        ]
        if numbers:
            lines.append(
                f"{len(numbers)} dokumen hanya dijamin oleh entri ber-MAC HMAC itu (barisnya cocok "
                f"dengan entri, tetapi entrinya tidak dapat diperiksa dengan kunci publik): "
                f"{', '.join(numbers)}"
            )
        return lines

    @staticmethod
    def _entry_problems(walk: Walk, wrong_key: str | None, limit: int | None) -> list[str]:
        """The log's problems. When no entry authenticates, the rows cannot be checked; under
        another key (an operator's mistake, not a forgery) that is said once, not per entry."""
        none = bool(walk.forged) and not walk.latest
        summary = (
            [
                f"tidak satu pun dari {len(walk.forged)} entri log audit terautentikasi dengan "
                "kunci ini: baris dokumen tidak dapat dicocokkan"
            ]
            if none
            else []
        )
        if wrong_key is None:
            return walk.all_problems(limit) + summary
        return [wrong_key] + (walk.problems + summary if none else walk.all_problems(limit))

    def _row_problems(self, latest: dict, unchecked: set, unverified: list[str]) -> list[str]:
        """Each row against its latest entry. A row whose entry the keys at hand cannot check is
        a problem when it differs, and otherwise listed in `unverified`, never called verified."""
        problems, latest, legacy = [], dict(latest), self._legacy()
        for row in self.db.execute(
            f"SELECT {ROW_COLUMNS} FROM documents ORDER BY institution, doc_type, year, seq"
        ):
            found = latest.pop(row["number"], None)
            if found is None:
                problems.append(
                    f"dokumen {row['number']}: tidak ada entri log audit terautentikasi untuknya "
                    "(dimasukkan tanpa kunci, atau entrinya diubah)"
                )
                continue
            entry_id, snapshot = found
            changes = row_changes(row, vouched(snapshot, legacy))
            if changes:
                problems.append(
                    f"dokumen {row['number']}: isian {', '.join(c[0] for c in changes)} berbeda "
                    f"dari entri log audit terakhirnya (entri {entry_id}): diubah tanpa otorisasi "
                    f"({changes_text(changes)})"
                )
            elif entry_id in unchecked:
                unverified.append(row["number"])
        for number, (entry_id, _) in sorted(latest.items(), key=lambda item: item[1][0]):
            problems.append(
                f"dokumen {number}: tercatat di log audit (entri {entry_id}) tetapi tidak ada di "
                "registri (dihapus)"
            )
        return problems

    def _record_problems(self, logged: dict, unchecked: set, unverified: list[str]) -> list[str]:
        """Each decision record against the hash its document's issue entry authenticated."""
        problems, logged = [], dict(logged)
        for row in self.db.execute(
            "SELECT number, record, version FROM decision_records ORDER BY number"
        ):
            found = logged.pop(row["number"], None)
            if found is None:
                problems.append(
                    f"catatan keputusan {row['number']}: tidak ada entri log audit "
                    "terautentikasi untuknya (dimasukkan tanpa kunci)"
                )
            elif not same(record_hash(str(row["version"]), str(row["record"])), found[1]):
                problems.append(
                    f"catatan keputusan {row['number']}: berbeda dari yang diautentikasi entri "
                    f"log audit {found[0]}: diubah tanpa otorisasi"
                )
            elif found[0] in unchecked:
                unverified.append(row["number"])
        for number, (entry_id, _) in sorted(logged.items(), key=lambda item: item[1][0]):
            problems.append(
                f"catatan keputusan {number}: tercatat di log audit (entri {entry_id}) tetapi "
                "tidak ada di registri (dihapus)"
            )
        return problems

    def gaps(self) -> list[str]:
        """Numbers missing in any (institution, type, year) sequence: each must run 1..n."""
        out = []
        for row in self.db.execute(
            "SELECT institution, doc_type, year, COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi "
            "FROM documents GROUP BY institution, doc_type, year"
        ):
            if row["lo"] != 1 or row["n"] != row["hi"]:
                out.append(
                    f"penomoran {row['doc_type']} {row['year']} {row['institution']}: "
                    f"{row['n']} dokumen, nomor {row['lo']} s.d. {row['hi']} (ada celah)"
                )
        return out

    def _counter_problems(self, logged: dict) -> list[str]:
        """Each counter equals the highest number of its (institution, type, year) and the value
        the log last recorded for it: a counter rolled back or deleted is reported."""
        counters = {
            (r["institution"], r["doc_type"], r["year"]): r["last_seq"]
            for r in self.db.execute("SELECT institution, doc_type, year, last_seq FROM counters")
        }
        highest = {
            (r["institution"], r["doc_type"], r["year"]): r["hi"]
            for r in self.db.execute(
                "SELECT institution, doc_type, year, MAX(seq) AS hi FROM documents "
                "GROUP BY institution, doc_type, year"
            )
        }
        problems = []
        for where in sorted({*counters, *highest, *logged}, key=str):
            problems += _counter_problem(
                where, counters.get(where), highest.get(where, 0), logged.get(where)
            )
        return problems

    # --- the chain head ------------------------------------------------------------------------

    @_damage_is_a_message
    def head(self, now: str) -> dict:
        """The chain head, signed with the signing key, to keep outside the registry: a later audit
        against it (by the key holder or an auditor with the public key) detects a log cut back to
        before it, or its signed entries turned back into HMAC ones. Refused while the registry is
        not intact, so a head never vouches for a tampered log."""
        if self.keys.signing is None:
            raise AturanError(
                "kepala rantai hanya diekspor oleh pemegang kunci penandatangan registri",
                file=self.label,
            )
        with self._snapshot():
            problems = self._problems(None)
            if problems:
                raise AturanError(
                    f"registri tidak utuh ({len(problems)} masalah): kepala rantai tidak "
                    f"diekspor; {AUDIT_HINT}",
                    file=self.label,
                )
            last = self.db.execute(
                "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"
            ).fetchone()
            count = self._entry_count()
            signed_from = self._walk().signed_from
        head = {
            "registry": "aturan",
            "entries": count,
            "last_id": last["id"] if last else 0,
            "last_mac": last["hash"] if last else GENESIS,
            "at": now,
            "signed_from": signed_from,
        }
        return {**head, "signature": sign(self.keys.signing, head_message(head))}

    def _entry_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) AS n FROM audit_log").fetchone()["n"]

    def _head_problems(self, head: dict, signed_from: int) -> tuple[list[str], list[str]]:
        """(problems, what could not be checked) of an exported head against the log."""
        where = f"kepala rantai (entri {head['last_id']}, diekspor {head['at']})"
        if "signature" in head:
            if self.keys.public is None or not signature_valid(
                self.keys.public, head_message(head), head["signature"]
            ):
                bad = f"{where}: tanda tangan tidak sah (diubah, atau dibuat dengan kunci lain)"
                return [bad], []
            if head["signed_from"] and signed_from != head["signed_from"]:
                return [
                    f"{where}: log ditandatangani sejak entri {head['signed_from']}, kini sejak "
                    f"entri {signed_from or '-'}: entri bertanda tangan diubah menjadi entri HMAC"
                ], []
        elif self.keys.mac is None:
            return [], [f"{where}: kepala lama ber-MAC HMAC; {NEEDS_HOLDER}"]
        elif not same(head_mac(self.keys.mac, head), head["mac"]):
            return [f"{where}: MAC tidak sah (diubah, atau dibuat dengan kunci lain)"], []
        return self._tail_problems(head, where), []

    def _tail_problems(self, head: dict, where: str) -> list[str]:
        if head["last_id"] == 0:
            return []
        entry = self.db.execute(
            "SELECT hash FROM audit_log WHERE id=?", (head["last_id"],)
        ).fetchone()
        count = self._entry_count()
        if entry is None or not same(entry["hash"], head["last_mac"]):
            return [
                f"{where}: entri itu tidak ada lagi di log atau telah diganti: entri terakhir "
                "dihapus, atau registri dikembalikan ke salinan lama"
            ]
        if count < head["entries"]:
            return [
                f"{where}: log kini {count} entri, lebih sedikit dari {head['entries']} saat "
                "kepala diekspor: entri dihapus"
            ]
        return []


HEAD_FIELDS = {
    "registry": str,
    "entries": int,
    "last_id": int,
    "last_mac": str,
    "at": str,
}
# A head is signed (Ed25519, with the first signed entry) or, exported before, MAC'd (HMAC).
SIGNED_HEAD_FIELDS = {"signed_from": int, "signature": str}
MAC_HEAD_FIELDS = {"mac": str}


def load_head(path: Path) -> dict:
    """An exported chain head (`aturan registry head`), its shape checked: bad input is one
    message naming the file and the field."""
    try:
        head = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AturanError("berkas kepala rantai tidak ditemukan", file=str(path)) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AturanError(
            f"kepala rantai tidak dapat dibaca sebagai JSON ({type(exc).__name__})",
            file=str(path),
        ) from None
    if not isinstance(head, dict):
        raise AturanError("kepala rantai harus berupa objek JSON", file=str(path))
    fields = {**HEAD_FIELDS, **(SIGNED_HEAD_FIELDS if "signature" in head else MAC_HEAD_FIELDS)}
    for name, kind in fields.items():
        value = head.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise AturanError(
                f"isian ini wajib, bertipe {kind.__name__}", file=str(path), field=name
            )
    if head["registry"] != "aturan" or head["entries"] < 0 or head["last_id"] < 0:
        raise AturanError("bukan kepala rantai registri aturan", file=str(path))
    return {name: head[name] for name in fields}


def row_changes(row: dict, snapshot: dict) -> list[tuple[str, object, object]]:
    """(field, value the entry vouches for, value in the row) of each field that differs."""
    return [
        (name, snapshot.get(name), row[name])
        for name in ROW_FIELDS
        if row[name] != snapshot.get(name)
    ]


def changes_text(changes: list[tuple[str, object, object]]) -> str:
    return "; ".join(f"{name}: {old!r} → {new!r}" for name, old, new in changes)


def _ranges(ids: list[int]) -> str:
    """1, 2, 3, 5 -> '1-3, 5'."""
    out: list[str] = []
    start = prev = ids[0]
    for value in [*ids[1:], None]:
        if value is not None and value == prev + 1:
            prev = value
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if value is not None:
            start = prev = value
    return ", ".join(out)


def vouched(snapshot: dict, legacy: str | None) -> dict:
    """The row an entry's snapshot vouches for: one written before migration 0002 vouches for the
    new columns at their migrated values (the legacy institution, the rest empty); one written
    before migration 0004 for an empty validity."""
    fields = set(snapshot)
    if fields == ROW_FIELD_SET:
        return snapshot
    if fields == INSTITUTION_FIELD_SET:
        return {**snapshot, **dict.fromkeys(VALIDITY_FIELDS)}
    return {
        **snapshot,
        **dict.fromkeys(NEW_FIELDS + VALIDITY_FIELDS),
        "institution": legacy,
    }


def validity_recorded(snapshot: dict) -> bool:
    """Whether the entry was written after the registry began recording validity (0004)."""
    return set(snapshot) == ROW_FIELD_SET


def _counter_problem(where: tuple, counter, top: int, last) -> list[str]:
    institution, doc_type, year = where
    what = f"penghitung {doc_type} {year} {institution}"
    if counter is None:
        return [f"{what} tidak ada, padahal nomor terakhir {top} (dihapus)"]
    problems = []
    if counter != top:
        problems.append(
            f"{what} bernilai {counter}, nomor terakhir yang terbit {top} (penghitung "
            "diubah atau dimundurkan)"
        )
    if last is not None and counter != last:
        problems.append(
            f"{what} bernilai {counter}, log audit terakhir mencatat {last} (penghitung "
            "diubah atau dimundurkan)"
        )
    return problems


def _well_formed(body) -> bool:
    return (
        isinstance(body, dict)
        and set(body) in (ENTRY_FIELDS, RECORD_ENTRY_FIELDS)
        and isinstance(body.get("record", ""), str)
        and isinstance(body["row"], dict)
        and set(body["row"]) in SNAPSHOT_FIELD_SETS
    )


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
