"""The registry of issued documents: SQLite, one file, no server.

- numbering per document type and year, taken in the same transaction that records the
  document, so a crash can leave neither a gap nor a duplicate;
- issuing is idempotent: the same participant, event and document type returns the
  document already issued, with its number;
- an append-only audit log in which each entry carries the hash of the one before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import string
import time
from dataclasses import dataclass
from pathlib import Path

from aturan.cases import forbidden_char
from aturan.errors import AturanError
from aturan.files import ensure_folder

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (doc_type TEXT, year INTEGER, last_seq INTEGER, \
PRIMARY KEY (doc_type, year));
CREATE TABLE IF NOT EXISTS documents (
  number TEXT PRIMARY KEY, doc_type TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
  nip TEXT NOT NULL, name TEXT NOT NULL, event_key TEXT NOT NULL, decision_id TEXT NOT NULL,
  rules_version TEXT NOT NULL, content_hash TEXT NOT NULL, doc_date TEXT NOT NULL, \
docx_fingerprint TEXT, pdf_fingerprint TEXT,
  status TEXT NOT NULL DEFAULT 'issued', revoked_reason TEXT, issued_at TEXT NOT NULL, \
revoked_at TEXT,
  UNIQUE (nip, doc_type, event_key), UNIQUE (doc_type, year, seq));
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL, number TEXT,
  payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
"""
GENESIS = "0" * 64


@dataclass
class Issued:
    number: str
    doc_type: str
    content_hash: str
    created: bool


NUMBER_FIELDS = ("seq", "year", "code")


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
            f"{{code}}",
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
        number_format.format(seq=1, year=2026, code="X")
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise AturanError(
            f"format penomoran {number_format!r} tidak dapat dipakai ({exc})",
            file=file,
            field=field,
        ) from None


class Registry:
    def __init__(self, path: Path | str, number_format: str, codes: dict, *, create: bool = True):
        """Open the registry at `path`; with `create=False` (reading commands) a missing file is an
        error, never a new empty registry. A file that is not an aturan registry is refused."""
        check_number_format(number_format)
        self.path = Path(path)
        if self.path.is_dir():
            raise AturanError("registri harus berupa berkas, bukan folder", file=str(self.path))
        if not create and not self.path.is_file():
            raise AturanError(
                "registri tidak ditemukan; periksa --registry atau $ATURAN_REGISTRY "
                "(registri dibuat oleh `aturan issue`)",
                file=str(self.path),
            )
        try:
            if create:
                ensure_folder(self.path.parent)
            mode = "rwc" if create else "rw"
            self.db = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode={mode}",
                uri=True,
                isolation_level=None,
                timeout=30,
            )
            self.db.row_factory = sqlite3.Row
            # The check and the creation in one write transaction: a second process starting at the
            # same moment sees either no tables or all of them, never a half-made registry.
            self.db.execute("BEGIN IMMEDIATE" if create else "BEGIN")  # readers take no write lock
            try:
                tables = {
                    r[0]
                    for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
                ours = {"counters", "documents", "audit_log"}
                if not ours <= tables and (tables or not create):
                    raise AturanError(
                        "berkas SQLite ini bukan registri aturan (tabel documents/audit_log tidak "
                        "ada)",
                        file=str(self.path),
                    )
                if create:
                    for statement in filter(str.strip, SCHEMA.split(";")):
                        self.db.execute(statement)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self._journal_mode()
        except sqlite3.DatabaseError as exc:
            raise AturanError(
                f"bukan berkas registri SQLite yang dapat dibaca ({exc})", file=str(self.path)
            ) from None
        except OSError as exc:
            raise AturanError(
                f"registri tidak dapat dibuka ({exc.strerror or exc})", file=str(self.path)
            ) from None
        self.number_format = number_format
        self.codes = codes

    def _journal_mode(self) -> None:
        """WAL with synchronous=NORMAL: a killed process never loses or tears a committed
        transaction. Switching to WAL needs the database to itself for a moment: retried while
        another process writes."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.db.execute("PRAGMA synchronous=NORMAL")

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
    ) -> Issued:
        """The document's number: the existing one for this (participant, type, event), else the
        next."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT number, content_hash FROM documents WHERE nip=? AND doc_type=? AND "
                "event_key=?",
                (nip, doc_type, event_key),
            ).fetchone()
            if row:
                self.db.execute("COMMIT")
                return Issued(row["number"], doc_type, row["content_hash"], False)
            seq = self._next_seq(doc_type, year)
            number = self.number_format.format(
                seq=seq, year=year, code=self.codes.get(doc_type, doc_type.upper())
            )
            self.db.execute(
                "INSERT INTO documents (number, doc_type, year, seq, nip, name, event_key, "
                "decision_id, rules_version, content_hash, doc_date, issued_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    number,
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
                ),
            )
            self._audit(
                "issue",
                number,
                {
                    "doc_type": doc_type,
                    "nip": nip,
                    "event_key": event_key,
                    "content_hash": content_hash,
                    "rules_version": rules_version,
                },
                now,
            )
            self.db.execute("COMMIT")
            return Issued(number, doc_type, content_hash, True)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _next_seq(self, doc_type: str, year: int) -> int:
        row = self.db.execute(
            "SELECT last_seq FROM counters WHERE doc_type=? AND year=?", (doc_type, year)
        ).fetchone()
        seq = (row["last_seq"] if row else 0) + 1
        self.db.execute(
            "INSERT INTO counters (doc_type, year, last_seq) VALUES (?,?,?) "
            "ON CONFLICT (doc_type, year) DO UPDATE SET last_seq=excluded.last_seq",
            (doc_type, year, seq),
        )
        return seq

    def find(self, nip: str, doc_type: str, event_key: str) -> dict | None:
        row = self.db.execute(
            "SELECT * FROM documents WHERE nip=? AND doc_type=? AND event_key=?",
            (nip, doc_type, event_key),
        ).fetchone()
        return dict(row) if row else None

    def record_fingerprints(
        self, number: str, docx_fingerprint: str | None, pdf_fingerprint: str | None
    ) -> None:
        self.db.execute(
            "UPDATE documents SET docx_fingerprint=COALESCE(?, docx_fingerprint), "
            "pdf_fingerprint=COALESCE(?, pdf_fingerprint) WHERE number=?",
            (docx_fingerprint, pdf_fingerprint, number),
        )

    def get(self, number: str) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE number=?", (number,)).fetchone()
        return dict(row) if row else None

    def list(self, doc_type: str | None = None) -> list[dict]:
        sql = (
            "SELECT * FROM documents"
            + (" WHERE doc_type=?" if doc_type else "")
            + " ORDER BY doc_type, year, seq"
        )
        return [dict(r) for r in self.db.execute(sql, (doc_type,) if doc_type else ())]

    def revoke(self, number: str, reason: str, now: str) -> None:
        if not reason.strip():
            raise AturanError("alasan pencabutan wajib diisi (--reason)")
        bad = forbidden_char(reason)
        if bad:
            raise AturanError(
                f"alasan pencabutan berisi karakter {bad} yang tidak diizinkan", field="--reason"
            )
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT status FROM documents WHERE number=?", (number,)
            ).fetchone()
            if row is None:
                raise AturanError(f"nomor dokumen '{number}' tidak terdaftar")
            if row["status"] == "revoked":
                raise AturanError(f"dokumen '{number}' sudah dicabut")
            self.db.execute(
                "UPDATE documents SET status='revoked', revoked_reason=?, revoked_at=? WHERE "
                "number=?",
                (reason, now, number),
            )
            self._audit("revoke", number, {"reason": reason}, now)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _audit(self, action: str, number: str, payload: dict, now: str) -> None:
        last = self.db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        prev = last["hash"] if last else GENESIS
        body = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        digest = _entry_hash(prev, now, action, number, body)
        self.db.execute(
            "INSERT INTO audit_log (at, action, number, payload, prev_hash, hash) VALUES "
            "(?,?,?,?,?,?)",
            (now, action, number, body, prev, digest),
        )

    def audit(self) -> list[str]:
        """Problems in the audit chain (empty when intact)."""
        problems, prev = [], GENESIS
        for row in self.db.execute("SELECT * FROM audit_log ORDER BY id"):
            if row["prev_hash"] != prev:
                problems.append(f"entri {row['id']}: hash sebelumnya tidak cocok (rantai terputus)")
            if (
                _entry_hash(
                    row["prev_hash"], row["at"], row["action"], row["number"], row["payload"]
                )
                != row["hash"]
            ):
                problems.append(
                    f"entri {row['id']}: isi entri tidak cocok dengan hash-nya (diubah)"
                )
            prev = row["hash"]
        numbers = {
            r["number"]
            for r in self.db.execute("SELECT number FROM audit_log WHERE action='issue'")
        }
        for row in self.db.execute("SELECT number FROM documents"):
            if row["number"] not in numbers:
                problems.append(f"dokumen {row['number']} tidak tercatat di log audit")
        return problems

    def gaps(self) -> list[str]:
        """Numbers missing in any (type, year) sequence."""
        out = []
        for row in self.db.execute(
            "SELECT doc_type, year, COUNT(*) n, MAX(seq) m FROM documents GROUP BY doc_type, year"
        ):
            if row["n"] != row["m"]:
                out.append(
                    f"{row['doc_type']} {row['year']}: {row['n']} dokumen, nomor terakhir "
                    f"{row['m']}"
                )
        return out


def _entry_hash(prev: str, at: str, action: str, number: str | None, payload: str) -> str:
    return hashlib.sha256(
        "\x1f".join([prev, at, action, number or "", payload]).encode()
    ).hexdigest()


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
