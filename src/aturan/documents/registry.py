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

import builtins
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

from aturan.cases import forbidden_char
from aturan.documents.registry_key import RegistryKeys
from aturan.documents.registry_log import (
    FIRST_ISSUE,
    GENESIS,
    KEYED_FORMATS,
    LATEST_AND_NEXT,
    LOGGED_COLUMNS,
    MAC_LINES,
    OLD_FORMAT,
    ROW_FIELDS,
    AuditLog,
    AuditReport,
    Walk,
    changes_text,
    load_head,
    restore_text,
    row_changes,
    validity_recorded,
    vouched,
)
from aturan.documents.registry_numbering import (
    DEFAULT_INSTITUTION,
    Numbering,
    check_institution,
    check_number_format,
    format_fields,
)
from aturan.documents.registry_records import DecisionRecords
from aturan.documents.registry_search import Search
from aturan.documents.registry_storage import (
    AUDIT_HINT,
    META,
    RegistryStorage,
    damaged,
    now_iso,
)
from aturan.documents.registry_witness import NO_WITNESS, Witness
from aturan.documents.storage import Row
from aturan.errors import AturanError

__all__ = [
    "AUDIT_HINT",
    "DEFAULT_INSTITUTION",
    "GENESIS",
    "MAC_LINES",
    "AuditReport",
    "Issued",
    "OtherInstitutionsDocument",
    "Registry",
    "Search",
    "Walk",
    "check_institution",
    "check_number_format",
    "format_fields",
    "load_head",
    "now_iso",
]

# The row's columns as the documents table names them: read, and snapshotted in each audit entry.
ROW_COLUMNS = ", ".join(ROW_FIELDS)
ROW_BY_NUMBER = f"SELECT {ROW_COLUMNS} FROM documents WHERE number=?"
LIST_EXACT = ("nip", "status", "institution")
Method = TypeVar("Method", bound=Callable[..., Any])


@dataclass
class Issued:
    number: str
    doc_type: str
    content_hash: str
    created: bool
    replaces: str | None = None


class OtherInstitutionsDocument(AturanError):
    """The participant's document for this event was issued by another institution: this one
    does not issue it again. One participant's refusal, never the run's: it names the number."""

    def __init__(self, number: str, owner: str, acting: str):
        super().__init__(
            f"dokumen ini sudah diterbitkan oleh institusi {owner} dengan nomor {number}; "
            f"institusi {acting} tidak menerbitkannya lagi"
        )
        self.number, self.owner = number, owner


def _damage_is_a_message(method: Method) -> Method:
    """A registry whose file or tables were damaged (a column dropped, a table renamed, a torn
    page) is one message, never a traceback."""

    @wraps(method)
    def wrapper(self: Registry, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except self.damage as exc:
            self._rollback()
            raise AturanError(self.db.unavailable(exc) or damaged(exc), file=self.label) from None

    return cast(Method, wrapper)


class Registry:
    """The registry's one face: documents (issue, fingerprints, revocation, reading), delegating
    to its parts: `storage` (connection, schema, transactions), `numbering` (numbers, coaching
    group ids), `log` (the audit log and its head) and `records` (decision records)."""

    def __init__(
        self,
        path: Path | str,
        number_format: str,
        codes: dict[str, str],
        *,
        key: bytes | None = None,
        signing_key: bytes | None = None,
        public_key: bytes | None = None,
        create: bool = True,
        institution: str = DEFAULT_INSTITUTION,
        migrate: bool = True,
        witness: Path | None = None,
    ):
        """Open the registry at `path` (a SQLite file, or a `postgresql://` URL) as `institution`:
        the key holder with the HMAC `key` and the Ed25519 `signing_key` (both needed to write),
        an auditor with the `public_key` alone (reading and auditing only). With `create=False`
        (reading commands) a missing registry is an error, never a new empty one. A database that
        is not an aturan registry is refused; one made by an older version is migrated forward
        (refused with NeedsMigration when not `migrate`: the read-only server). `witness`: the
        file holding the signed chain head outside the database (`registry_witness`), rewritten
        by every write and checked by every verification."""
        check_number_format(number_format)
        check_institution(institution)
        self.keys = RegistryKeys.of(key, signing_key, public_key)
        self.number_format = number_format
        self.codes = codes
        self.institution = institution
        self.storage = RegistryStorage(path, create, institution, self.keys, migrate)
        self.path = self.storage.path
        self.db = self.storage.db
        self.label = self.storage.label
        self.damage = self.storage.damage
        self.numbering = Numbering(self.storage, number_format, codes, institution)
        self.log = AuditLog(self.storage, self.keys)
        self.witness = Witness(witness, self.log)
        self.records = DecisionRecords(self.storage)

    @property
    def created(self) -> bool:
        """Whether opening it made a new, empty registry (only `create=True` does)."""
        return self.storage.created

    def read_only(self) -> None:
        """No statement on this connection may write (the verification server)."""
        self.storage.read_only()

    def close(self) -> None:
        self.storage.close()

    # --- writing -------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, refused on a registry this key cannot extend or whose log its
        witness says was cut back; the witness is rewritten before the transaction commits."""
        try:
            with self.storage.write(self._check_writable):
                yield
                self.witness.refresh(now_iso())
        finally:
            self.log.forget_chain()

    def _check_writable(self) -> None:
        self.log.check_writable()
        self.witness.check_before_write()

    def _refuse_unless_as_logged(self, number: str) -> None:
        """No write touches a row that is not what its latest authentic entry vouches for: the
        write's own entry would authenticate the change (launder it). Refused, naming the row
        and what to restore."""
        row = self.db.execute(
            f"SELECT {LOGGED_COLUMNS} FROM documents WHERE number=?", (number,)
        ).fetchone()
        if row is None:
            return
        entry, body = self.log.latest_entry(number)
        if entry is None or body is None:
            why = "tidak ada entri log audit terautentikasi untuknya"
        else:
            changes = row_changes(row, vouched(body["row"], self.storage.legacy()))
            if not changes:
                return
            why = (
                f"isian {', '.join(c[0] for c in changes)} berbeda dari entri log audit "
                f"terakhirnya (entri {entry['id']}): diubah tanpa otorisasi "
                f"({changes_text(changes)}); {restore_text(changes)}"
            )
        raise AturanError(
            f"dokumen {number}: {why}; tidak ada yang ditulis; {AUDIT_HINT}", file=self.label
        )

    def _rollback(self) -> None:
        self.storage.rollback()

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
                self._refuse_unless_as_logged(row["number"])
                return Issued(row["number"], doc_type, row["content_hash"], False, row["replaces"])
            replaced = self._revoked_unreplaced(nip, doc_type, event_key)
            seq, number = self.numbering.take(doc_type, year)
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
            self._append("issue", number, now, self.records.store(number, record))
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
            self.refuse_unless_own(row, "menerbitkan penggantinya")
            self._refuse_unless_as_logged(row["number"])
        return row["number"] if row else None

    def _mark_replaced(self, old: str, new: str, now: str) -> None:
        self.db.execute(
            "UPDATE documents SET replaced_by=? WHERE number=? AND institution=?",
            (new, old, self.institution),
        )
        self._append("replace", old, now)

    @_damage_is_a_message
    def decision_record(self, number: str) -> Row | None:
        """The document's decision record as stored: {record (text), version}, or None."""
        return self.records.get(number)

    def refuse_unless_own(self, row: Row, act: str) -> None:
        """Only the institution that issued a document acts on it (revoke, replace,
        fingerprints): anything else is refused naming the owner. On PostgreSQL each
        institution's role is held to the same by row-level security (migration 0006)."""
        if row["institution"] != self.institution:
            raise AturanError(
                f"dokumen {row['number']} milik institusi {row['institution']}; institusi "
                f"{self.institution} tidak dapat {act}"
            )

    def _same_institution(self, row: Row) -> None:
        if row["institution"] != self.institution:
            raise OtherInstitutionsDocument(row["number"], row["institution"], self.institution)

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
            self.refuse_unless_own(before, "mencatat sidik berkasnya")
            self._refuse_unless_as_logged(number)
            self.db.execute(
                "UPDATE documents SET docx_fingerprint=COALESCE(?, docx_fingerprint), "
                "pdf_fingerprint=COALESCE(?, pdf_fingerprint) WHERE number=?",
                (docx_fingerprint, pdf_fingerprint, number),
            )
            if self._row(number) != before:
                self._append("fingerprint", number, now or now_iso())
                if pdf_fingerprint:
                    self._keep_fingerprint(number, pdf_fingerprint)

    def _keep_fingerprint(self, number: str, fingerprint: str) -> None:
        """The PDF fingerprint joins the number's history (migration 0007), pointing at the
        audit entry just appended, which carries it: earlier copies stay verifiable."""
        self.db.execute(
            "INSERT INTO pdf_fingerprints (number, fingerprint, audit_id, recorded_at) "
            "SELECT number, ?, id, at FROM audit_log WHERE id=(SELECT MAX(id) FROM audit_log) "
            "AND NOT EXISTS (SELECT 1 FROM pdf_fingerprints WHERE number=? AND fingerprint=?)",
            (fingerprint, number, fingerprint),
        )

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
                "SELECT number, status, institution FROM documents WHERE number=?", (number,)
            ).fetchone()
            if row is None:
                raise AturanError(f"nomor dokumen '{number}' tidak terdaftar")
            self.refuse_unless_own(row, "mencabutnya")
            self._refuse_unless_as_logged(number)
            if row["status"] == "revoked":
                raise AturanError(f"dokumen '{number}' sudah dicabut")
            self.db.execute(
                "UPDATE documents SET status='revoked', revoked_reason=?, revoked_at=?, "
                "revoked_by=? WHERE number=?",
                (reason, now, operator, number),
            )
            self._append("revoke", number, now)

    def _append(self, action: str, number: str, now: str, record: str | None = None) -> None:
        self.log.append(action, number, now, record, ROW_COLUMNS)

    # --- reading -------------------------------------------------------------------------------

    def _row(self, number: str) -> Row | None:
        row: Row | None = self.db.execute(ROW_BY_NUMBER, (number,)).fetchone()
        return row

    @_damage_is_a_message
    def find(self, nip: str, doc_type: str, event_key: str) -> Row | None:
        """The document in force (not revoked) for this participant, type and event."""
        row = self.db.execute(
            "SELECT * FROM documents WHERE nip=? AND doc_type=? AND event_key=? AND "
            "status='issued'",
            (nip, doc_type, event_key),
        ).fetchone()
        return dict(row) if row else None

    @_damage_is_a_message
    def get(self, number: str) -> Row | None:
        row = self.db.execute("SELECT * FROM documents WHERE number=?", (number,)).fetchone()
        return dict(row) if row else None

    @_damage_is_a_message
    def list(self, doc_type: str | None = None, **filters: str | None) -> list[Row]:
        """Documents, optionally only those matching every filter: nip, name (a substring, any
        case), doc_type, date_from/date_to (the document's date, ISO), status, institution."""
        exact = {"doc_type": doc_type, **{k: filters.get(k) for k in LIST_EXACT}}
        where: list[tuple[str, str | None]] = [
            (f"{column}=?", value) for column, value in exact.items() if value
        ]
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
    def search(
        self,
        query: Search,
        limit: int = 25,
        offset: int = 0,
    ) -> tuple[builtins.list[Row], int]:
        """One page of the documents matching every field of `query`, newest first, and how many
        match in all: filtered, counted and cut in SQL, so a page costs about the same at any
        registry size. Rows are read as stored; their trust is the verification's to say."""
        where, params = query.where(self.db.dialect)
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        total = self.db.execute(
            f"SELECT COUNT(*) AS n FROM documents{condition}", tuple(params)
        ).fetchone()["n"]
        rows = self.db.execute(
            f"SELECT * FROM documents{condition} ORDER BY issued_at DESC, number DESC "
            "LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [dict(r) for r in rows], int(total)

    @_damage_is_a_message
    def new_coaching_group(self, program: str, year: int, now: str) -> str:
        """A coaching group id never given before: the next of this institution, program and
        year, e.g. KC-LAN-PKA-2027-001."""
        with self._write():
            group_id = self.numbering.coaching_group(program, year, now)
        return group_id

    @_damage_is_a_message
    def add_institution(self, institution: str, password: str) -> str:
        """The institution's own database role (PostgreSQL), made or given a new password, and
        granted what issuing needs; its name. Row-level security (migration 0006) keeps the role
        to its institution's rows. Done by the admin (the tables' owner), in a write transaction,
        which also records the signing key, so the roles never write the registry's settings."""
        check_institution(institution, file=self.label)
        with self._write():
            return self.db.add_institution_role(institution, password, now_iso())

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        with self.storage.snapshot():
            yield

    @_damage_is_a_message
    def authentic_row(self, number: str) -> Row | None:
        """The document's row, only if it is what the key last authenticated: the log is of the
        keyed format under this key, the row's latest entry is authentic and still linked to the
        entry after it (`AuditLog.row_vouched`: constant work at any registry size), and the row
        equals the snapshot in that entry. Anything else is None: trust fails closed. The row also
        says whether its validity was recorded when it was issued (`validity_recorded`: its issue
        entry was written after migration 0004); when not, `valid_until` is empty because it is
        unknown."""
        return self.rows(number)[1]

    @_damage_is_a_message
    def rows(self, number: str) -> tuple[Row | None, Row | None]:
        """The document's row as stored, and as `authentic_row` gives it, read at one moment:
        a check by number needs both (the stored one's code, the authentic one's verdict), and
        on PostgreSQL they are one round trip."""
        with self._snapshot():
            # what follows reads these four: on PostgreSQL in one round trip
            settings = [(META, ())] if self.storage.has_meta else []  # the old format: none
            self.db.prefetch(
                [
                    *settings,
                    (ROW_BY_NUMBER, (number,)),
                    (LATEST_AND_NEXT, (number,)),
                    (FIRST_ISSUE, (number,)),
                ]
            )
            row = self._row(number)
            if row is None or not self.log.keyed():
                return row, None
            body = self.log.row_vouched(number)[1]
            if body is None or vouched(body["row"], self.storage.legacy()) != row:
                return row, None
            issued = self.log.issue_body(number, last=False)
            valid = bool(issued and validity_recorded(issued["row"]))
            return row, {**row, "validity_recorded": valid}

    @_damage_is_a_message
    def issued_fingerprint(self, number: str, fingerprint: str) -> bool:
        """Whether `fingerprint` is one the key recorded for the number's PDF, now or before a
        re-issue: in its history, and carried by the row snapshot of the authentic audit entry
        that recorded it, still linked to the entry after it (constant work, as
        `authentic_row`). A history row written without the key vouches for nothing: trust fails
        closed."""
        with self._snapshot():
            entry = self.db.execute(
                "SELECT a.* FROM pdf_fingerprints f JOIN audit_log a ON a.id=f.audit_id "
                "WHERE f.number=? AND f.fingerprint=?",
                (number, fingerprint),
            ).fetchone()
            if entry is None or not self.log.keyed() or not self.log.linked(entry):
                return False
            body = self.log.entry_body(entry)[0]
            return bool(
                body
                and body["number"] == number
                and body["row"].get("pdf_fingerprint") == fingerprint
            )

    @_damage_is_a_message
    def witness_problem(self) -> str | None:
        """Why the log is not what its witness last saw (cut back, rolled back, the witness
        missing); None when it is, or when no witness is configured."""
        if not self.witness.configured:
            return None
        with self._snapshot():
            return self.witness.problem()

    @_damage_is_a_message
    def row_against_log(self, number: str) -> str | None:
        """Why the document's row is not what the keys last authenticated, with each differing
        field's old and new value; None when it is."""
        with self._snapshot():
            row = self._row(number)
            if row is None:
                return "tidak terdaftar"
            if not self.log.keyed() or not self.log.chain_intact():
                return (
                    "log audit tidak utuh atau tidak dapat diautentikasi dengan kunci ini; "
                    + AUDIT_HINT
                )
            entry, body = self.log.latest_entry(number)
            if entry is None or body is None:
                return "tidak ada entri log audit terautentikasi untuknya"
            changes = row_changes(row, vouched(body["row"], self.storage.legacy()))
            if not changes:
                return None
            return (
                f"isian {', '.join(c[0] for c in changes)} berbeda dari entri log audit "
                f"terakhirnya (entri {entry['id']}): diubah tanpa otorisasi "
                f"({changes_text(changes)})"
            )

    @_damage_is_a_message
    def authentic_record(self, number: str) -> Row | None:
        """The document's decision record {record, version}, only if its issue entry
        authenticates it (under this key, in an intact chain); anything else is None."""
        with self._snapshot():
            stored = self.decision_record(number)
            if stored is None or not self.log.keyed() or not self.log.chain_intact():
                return None
            body = self.log.issue_body(number, last=True)
            logged = body.get("record") if body else None
            return stored if self.records.matches(stored, logged) else None

    # --- auditing ------------------------------------------------------------------------------

    def audit(self, head: dict[str, Any] | None = None) -> builtins.list[str]:
        """Every problem found, one line each (empty when intact), and every line saying what the
        keys at hand could not check: trust fails closed (see `audit_report`)."""
        report = self.audit_report(head)
        return report.problems + report.unchecked

    def audit_report(
        self, head: dict[str, Any] | None = None, limit: int | None = MAC_LINES
    ) -> AuditReport:
        """The log's format and keys, each entry's signature (or MAC) and link, each row against
        its latest authentic entry, the numbering, the counters and, with an exported `head`, the
        log's tail; entries failing their signature are listed up to `limit` (None: all)."""
        try:
            with self._snapshot():
                return self._report(head, limit)
        except self.damage as exc:
            self._rollback()
            return AuditReport([self.db.unavailable(exc) or damaged(exc)], [], self.log.mode())

    def _problems(self, head: dict[str, Any] | None) -> builtins.list[str]:
        report = self._report(head, MAC_LINES)
        return report.problems + report.unchecked

    def _report(self, head: dict[str, Any] | None, limit: int | None) -> AuditReport:
        meta = self.storage.meta()
        if meta.get("log_format") not in KEYED_FORMATS:
            problems = [OLD_FORMAT] + self.gaps() + self.numbering.counter_problems({})
            return AuditReport(problems, [], self.log.mode())
        walk = self.log.walk()
        unchecked_ids = set(walk.unchecked)
        problems = self.log.entry_problems(walk, self.log.key_problem(meta), limit)
        unverified: list[str] = []
        if walk.latest or not walk.forged:
            problems += self.log.row_problems(walk.latest, unchecked_ids, unverified)
            problems += self.records.problems(walk.records, unchecked_ids, unverified)
            problems += self.log.fingerprint_problems(walk)
        problems += self.gaps() + self.numbering.counter_problems(walk.counters)
        unchecked = self.log.unchecked_lines(walk.unchecked, sorted(set(unverified)))
        if head is not None:
            head_problems, head_unchecked = self.log.head_problems(head, walk.signed_from)
            problems += head_problems
            unchecked += head_unchecked
        witnessed = self.witness.problem()
        problems += [witnessed] if witnessed else []
        notes = [] if self.witness.configured else [NO_WITNESS]
        return AuditReport(problems, unchecked, self.log.mode(), notes)

    def gaps(self) -> builtins.list[str]:
        """Numbers missing in any (institution, type, year) sequence: each must run 1..n."""
        return self.numbering.gaps()

    # --- the chain head ------------------------------------------------------------------------

    @_damage_is_a_message
    def head(self, now: str) -> dict[str, object]:
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
            return self.log.export_head(now)
