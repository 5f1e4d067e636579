"""The registry's audit log and its head. Every change to a document appends an entry holding
the whole row after the change and its type's counter, chained to the previous entry by its hash
and signed with the registry's Ed25519 signing key (entries from before migration 0005 carry an
HMAC under the secret registry key). Walking the log checks every link and signature; the chain
head, exported and kept outside the registry, detects a log cut back or turned back to HMAC."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from aturan.documents.registry_numbering import CounterKey
from aturan.documents.registry_storage import AUDIT_HINT, HMAC_FORMAT, RegistryStorage
from aturan.documents.storage import Row
from aturan.errors import AturanError

GENESIS = "0" * 64
# The log format: entries signed with Ed25519. A registry of the format before it holds entries
# authenticated by HMAC-SHA256 under the registry key, and switches at its next write (its older
# entries stay as they are). Registries made before both have no registry_meta table: their log is
# an unkeyed hash chain.
LOG_FORMAT = "ed25519/1"
KEYED_FORMATS = (LOG_FORMAT, HMAC_FORMAT)
ROW_FIELDS: tuple[str, ...] = (
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
LOGGED_COLUMNS = ROW_COLUMNS  # every column an entry vouches for, whatever a caller selects
ENTRY_FIELDS = {"action", "at", "number", "row", "counter"}
# An issue entry also holds the hash of the document's decision record (decision_records).
RECORD_ENTRY_FIELDS = ENTRY_FIELDS | {"record"}
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
class Walk:
    """What walking the log found: problems with entries, and what the authentic entries say."""

    problems: list[str] = field(default_factory=list)
    # number -> (entry id, row snapshot)
    latest: dict[str, tuple[int, Row]] = field(default_factory=dict)
    # (institution, doc_type, year) -> counter value
    counters: dict[CounterKey, object] = field(default_factory=dict)
    # number -> (entry id, decision record hash)
    records: dict[str, tuple[int, str]] = field(default_factory=dict)
    forged: list[str] = field(default_factory=list)  # why each entry failed its MAC or signature
    unchecked: list[int] = field(default_factory=list)  # entries the keys at hand cannot check
    signed_from: int = 0  # the first entry signed with Ed25519 (0: none)
    # (entry id, number, PDF fingerprint) each entry's snapshot carries
    fingerprints: set[tuple[int, str, str]] = field(default_factory=set)

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
    notes: list[str] = field(default_factory=list)  # said, but neither a problem nor unchecked

    @property
    def intact(self) -> bool:
        return not self.problems and not self.unchecked


VERIFIED_KEPT = 50_000  # signatures remembered per connection (`AuditLog._remember_verified`)


# A document's latest entry and the one after it; its first and latest issue entries (indexed).
LATEST_AND_NEXT = (
    "SELECT * FROM audit_log WHERE id >= (SELECT MAX(id) FROM audit_log WHERE number=?) "
    "ORDER BY id LIMIT 2"
)
FIRST_ISSUE = "SELECT * FROM audit_log WHERE number=? AND action='issue' ORDER BY id LIMIT 1"
LAST_ISSUE = "SELECT * FROM audit_log WHERE number=? AND action='issue' ORDER BY id DESC LIMIT 1"


class AuditLog:
    """The log of one open registry, read and checked with the keys at hand; `append` and
    `check_writable` run inside the caller's write transaction."""

    def __init__(self, storage: RegistryStorage, keys: RegistryKeys):
        self.storage = storage
        self.db = storage.db
        self.label = storage.label
        self.keys = keys
        self._chain_version: object = None  # the backend's change marker when last checked
        self._chain_ok = False
        self._verified: set[tuple[str, str]] = set()  # (hash, signature) of entries verified

    def check_writable(self) -> None:
        """Only the key holder writes, with the keys that made the registry. A registry of the
        HMAC format switches to Ed25519 here: its signing key is recorded, and every entry from
        now on is signed."""
        meta = self.storage.meta()
        if meta.get("log_format") not in KEYED_FORMATS:
            raise AturanError(f"{OLD_FORMAT}; tidak ada yang ditulis", file=self.label)
        if self.keys.mac is None or self.keys.signing is None:
            raise AturanError(
                "registri hanya dapat ditulis oleh pemegang kunci registri dan kunci "
                "penandatangannya (kunci publik hanya untuk memeriksa); tidak ada yang ditulis",
                file=self.label,
            )
        wrong = self.key_problem(meta)
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

    def key_problem(self, meta: dict[str, str]) -> str | None:
        """Why the keys at hand are not the registry's (another institution's, or a marker
        changed), or None."""
        if self.keys.mac is not None and not same(meta.get("key_id"), key_id(self.keys.mac)):
            return WRONG_MAC_KEY
        recorded, public = meta.get("signing_key"), self.keys.public
        if recorded is not None and public is not None and not same(recorded, public.hex()):
            return WRONG_PUBLIC_KEY if self.keys.signing is None else WRONG_MAC_KEY
        return None

    def keyed(self) -> bool:
        """Whether the log is of a keyed format, under the keys at hand."""
        meta = self.storage.meta()
        return meta.get("log_format") in KEYED_FORMATS and self.key_problem(meta) is None

    def append(self, action: str, number: str, now: str, record: str | None, columns: str) -> None:
        """The audit entry for a change just made to `number`: the whole row after it and its
        type's counter, chained to the previous entry and authenticated with the key. `columns`: the
        row's columns, as the documents' owner (`Registry`) names them."""
        row = self.db.execute(
            f"SELECT {columns}, (SELECT last_seq FROM counters c WHERE "
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

    def chain_intact(self) -> bool:
        """Every entry's MAC and link, checked again only when the log may have changed since
        (SQLite: another connection wrote, PRAGMA data_version; PostgreSQL: a digest of the log
        computed by the server) or this connection wrote."""
        version = self.db.change_marker()
        if self._chain_version != version:
            walk = self.walk()
            self._chain_ok = not walk.problems and not walk.forged and not walk.unchecked
            self._chain_version = version
        return self._chain_ok

    def forget_chain(self) -> None:
        """Check the chain again at its next use (SQLite's data_version ignores our own writes)."""
        self._chain_version = None

    def latest_entry(self, number: str) -> tuple[Row | None, Row | None]:
        """The document's latest entry and its authenticated content (None: not authentic)."""
        entry = self.db.execute(
            "SELECT * FROM audit_log WHERE number=? ORDER BY id DESC LIMIT 1", (number,)
        ).fetchone()
        return entry, (self.entry_body(entry)[0] if entry else None)

    def row_vouched(self, number: str) -> tuple[Row | None, Row | None]:
        """The document's latest entry and its authenticated content, checked in constant time:
        the entry itself, and its link to the entry after it (which must be authentic and, once
        the log is signed, signed too), so an entry of this document deleted from the middle of
        the log (a revocation undone) leaves a link that is either broken or unauthenticated. An
        entry cut from the log's end is the witness's to notice. (None, None): not authentic.
        The whole chain is `registry audit`'s to walk, never a verification's."""
        # the latest entry and the one after it, in one indexed read
        pair = list(self.db.execute(LATEST_AND_NEXT, (number,)))
        if not pair:
            return None, None
        entry, body = pair[0], self.entry_body(pair[0])[0]
        if body is None or not self._links_back(entry, pair[1] if len(pair) > 1 else None):
            return None, None
        return entry, body

    def linked(self, entry: Row) -> bool:
        """Whether the entry after this one (if any) is authentic and links back to it: an
        entry deleted after it, or the log cut and re-grown, breaks this (constant work)."""
        after = self.db.execute(
            "SELECT * FROM audit_log WHERE id>? ORDER BY id LIMIT 1", (entry["id"],)
        ).fetchone()
        return self._links_back(entry, after)

    def _links_back(self, entry: Row, after: Row | None) -> bool:
        if after is None:
            return True
        signed_gap = entry.get("signature") is not None and after.get("signature") is None
        return not (
            after["prev_hash"] != entry["hash"] or signed_gap or self._authentic(after) is not None
        )

    def issue_body(self, number: str, *, last: bool) -> Row | None:
        """The authenticated content of the document's first (or, `last`, latest) issue entry."""
        entry = self.db.execute(LAST_ISSUE if last else FIRST_ISSUE, (number,)).fetchone()
        return self.entry_body(entry)[0] if entry else None

    def _authentic(self, entry: Row) -> str | None:
        """None when the entry is authentic; else why not (UNCHECKED: the keys at hand cannot
        check it). A signed entry: its hash and its Ed25519 signature; an older one: its MAC."""
        where = f"entri {entry['id']}"
        prev, payload = str(entry["prev_hash"]), str(entry["payload"])
        if entry.get("signature") is not None:
            if self.keys.public is None:
                return UNCHECKED
            if not same(entry_hash(prev, payload), entry["hash"]):
                return f"{where}: hash tidak cocok dengan isinya (isi entri diubah)"
            if (entry["hash"], entry["signature"]) in self._verified:
                return None
            message = entry_message(prev, payload)
            if not signature_valid(self.keys.public, message, entry["signature"]):
                return (
                    f"{where}: tanda tangan Ed25519 tidak sah (isi entri diubah, atau entri dibuat "
                    "tanpa kunci penandatangan, mis. hanya dengan kunci publik)"
                )
            self._remember_verified(entry["hash"], entry["signature"])
            return None
        if self.keys.mac is None:
            return UNCHECKED
        if not same(entry_mac(self.keys.mac, prev, payload), entry["hash"]):
            return f"{where}: MAC tidak sah (isi entri diubah, atau entri dibuat tanpa kunci)"
        return None

    def _remember_verified(self, digest: str, signature: str) -> None:
        """A signature found valid is not checked again on this connection: the digest, just
        recomputed from the entry's content, binds it to that content (bounded, as a cache)."""
        if len(self._verified) >= VERIFIED_KEPT:
            self._verified.clear()
        self._verified.add((digest, signature))

    def entry_body(self, entry: Row) -> tuple[Row | None, str | None]:
        """The entry's authenticated content, or why it has none (UNCHECKED: cannot be checked
        with the keys at hand)."""
        problem = self._authentic(entry)
        if problem is not None:
            return None, problem
        return self._parsed(entry)

    def _parsed(self, entry: Row) -> tuple[Row | None, str | None]:
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

    def walk(self) -> Walk:
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

    def _take(self, walk: Walk, entry_id: int, body: Row) -> None:
        """What one entry says: the document's latest snapshot, its record, its counter."""
        number, row = body["number"], body["row"]
        walk.latest[number] = (entry_id, row)
        if row.get("pdf_fingerprint"):
            walk.fingerprints.add((entry_id, number, row["pdf_fingerprint"]))
        if "record" in body:
            walk.records[number] = (entry_id, body["record"])
        row = vouched(row, self.storage.legacy())
        walk.counters[(row["institution"], row["doc_type"], row["year"])] = body["counter"]

    def mode(self) -> str:
        if self.keys.mac is None:
            return (
                "Diperiksa dengan kunci publik saja (auditor, penanda "
                f"{public_key_id(self.keys.public)}): entri bertanda tangan Ed25519 diperiksa; "  # type: ignore[arg-type]
                "entri ber-MAC HMAC dari sebelum registri beralih ke Ed25519 tidak dapat."
            )
        return "Diperiksa oleh pemegang kunci registri (kunci HMAC dan kunci penandatangan)."

    @staticmethod
    def unchecked_lines(entry_ids: list[int], numbers: list[str]) -> list[str]:
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
    def entry_problems(walk: Walk, wrong_key: str | None, limit: int | None) -> list[str]:
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

    def row_problems(
        self, latest: dict[str, tuple[int, Row]], unchecked: set[int], unverified: list[str]
    ) -> list[str]:
        """Each row against its latest entry. A row whose entry the keys at hand cannot check is
        a problem when it differs, and otherwise listed in `unverified`, never called verified."""
        problems, latest, legacy = [], dict(latest), self.storage.legacy()
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
                    f"({changes_text(changes)}); {restore_text(changes)}"
                )
            elif entry_id in unchecked:
                unverified.append(row["number"])
        for number, (entry_id, _) in sorted(latest.items(), key=lambda item: item[1][0]):
            problems.append(
                f"dokumen {number}: tercatat di log audit (entri {entry_id}) tetapi tidak ada di "
                "registri (dihapus)"
            )
        return problems

    def fingerprint_problems(self, walk: Walk) -> list[str]:
        """Rows of the PDF fingerprint history (migration 0007) that the audit entry they point
        at does not carry: added or changed without the key, so verification ignores them."""
        problems = []
        for row in self.db.execute(
            "SELECT number, fingerprint, audit_id FROM pdf_fingerprints ORDER BY number, audit_id"
        ):
            if (row["audit_id"], row["number"], row["fingerprint"]) not in walk.fingerprints:
                problems.append(
                    f"dokumen {row['number']}: sidik PDF {row['fingerprint'][:16]}… dalam riwayat "
                    f"sidik (pdf_fingerprints) tidak dicatat oleh entri log audit "
                    f"{row['audit_id']}: ditambahkan tanpa otorisasi; hapus baris itu"
                )
        return problems

    def export_head(self, now: str) -> dict[str, object]:
        """The chain head as it is now, signed with the signing key (the caller checked first
        that the registry is intact, inside the same read transaction)."""
        last = self.db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        count = self.entry_count()
        signed_from = self.signed_from()
        head = {
            "registry": "aturan",
            "entries": count,
            "last_id": last["id"] if last else 0,
            "last_mac": last["hash"] if last else GENESIS,
            "at": now,
            "signed_from": signed_from,
        }
        return {**head, "signature": sign(self.keys.signing, head_message(head))}  # type: ignore[arg-type]

    def signed_from(self) -> int:
        """The first entry signed with Ed25519 (0: none), as `walk` finds it, in one query."""
        found = self.db.execute(
            "SELECT MIN(id) AS first FROM audit_log WHERE signature IS NOT NULL"
        ).fetchone()
        return int(found["first"] or 0)

    def entry_count(self) -> int:
        count: int = self.db.execute("SELECT COUNT(*) AS n FROM audit_log").fetchone()["n"]
        return count

    def head_problems(self, head: dict[str, Any], signed_from: int) -> tuple[list[str], list[str]]:
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

    def _tail_problems(self, head: dict[str, Any], where: str) -> list[str]:
        if head["last_id"] == 0:
            return []
        entry = self.db.execute(
            "SELECT hash FROM audit_log WHERE id=?", (head["last_id"],)
        ).fetchone()
        count = self.entry_count()
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


def load_head(path: Path) -> dict[str, Any]:
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


def row_changes(row: Row, snapshot: Row) -> list[tuple[str, object, object]]:
    """(field, value the entry vouches for, value in the row) of each field that differs."""
    return [
        (name, snapshot.get(name), row[name])
        for name in ROW_FIELDS
        if row[name] != snapshot.get(name)
    ]


def changes_text(changes: list[tuple[str, object, object]]) -> str:
    return "; ".join(f"{name}: {old!r} → {new!r}" for name, old, new in changes)


def restore_text(changes: list[tuple[str, object, object]]) -> str:
    """What to restore so the row is again what its latest entry vouches for."""
    values = ", ".join(f"{name}={old!r}" for name, old, _ in changes)
    return f"pulihkan ke nilai yang diautentikasi: {values}"


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


def vouched(snapshot: Row, legacy: str | None) -> Row:
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


def validity_recorded(snapshot: Row) -> bool:
    """Whether the entry was written after the registry began recording validity (0004)."""
    return set(snapshot) == ROW_FIELD_SET


def _well_formed(body: object) -> bool:
    return (
        isinstance(body, dict)
        and set(body) in (ENTRY_FIELDS, RECORD_ENTRY_FIELDS)
        and isinstance(body.get("record", ""), str)
        and isinstance(body["row"], dict)
        and set(body["row"]) in SNAPSHOT_FIELD_SETS
    )
