"""The registry in a PostgreSQL database, for many institutions and many processes: a
transaction-scoped advisory lock serialises every write (numbering and the audit chain), so
numbers stay gapless and the chain one line; a killed process's transaction and lock end with its
connection. The chain check is redone when a digest of the audit log, computed by the server,
changes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from aturan.documents.storage import Cursor, Row
from aturan.errors import AturanError

TIMEOUT = 30  # seconds a writer waits for the lock
WRITE_LOCK = 0x61747572616E  # "aturan": one lock for every write to a registry database
LOG_DIGEST = (
    "SELECT COUNT(*) AS n, md5(string_agg(concat_ws('|', id, at, action, number, prev_hash, "
    "hash, signature, md5(payload)), ',' ORDER BY id)) AS digest FROM audit_log"
)


# What the server or the driver says, told in Indonesian; the original follows in brackets.
REASONS = (
    ("password authentication failed", "sandi atau pengguna salah"),
    ("no password supplied", "sandi diperlukan"),
    ("does not exist", "basis data atau pengguna tidak ada"),
    ("connection refused", "server tidak menerima sambungan (tidak berjalan, atau port salah)"),
    ("could not translate host name", "nama host tidak dikenal"),
    ("failed to resolve host", "nama host tidak dikenal"),
    ("timeout", "waktu sambungan habis"),
    ("invalid", "alamat tidak valid"),
    ("missing", "alamat tidak valid"),
    ("unexpected", "alamat tidak valid"),
)


def why(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    for fragment, meaning in REASONS:
        if fragment in text.lower():
            return f"{meaning} ({text})"
    return text


def without_password(url: str) -> str:
    return re.sub(r"^(\w+://[^:/@]*):[^@]*@", r"\1:***@", url)


def role_name(institution: str) -> str:
    """The institution's LOGIN role: `aturan_` and its code in lower case, hyphens as
    underscores (one role per code: codes have neither lower case nor underscores)."""
    return "aturan_" + institution.lower().replace("-", "_")


def role_url(url: str, role: str, password: str) -> str:
    """The registry's URL (the admin's) with the role and its password in place of the admin's."""
    parts = urlsplit(url)
    place = parts.netloc.rsplit("@", 1)[-1]
    netloc = f"{quote(role, safe='')}:{quote(password, safe='')}@{place}"
    return urlunsplit(parts._replace(netloc=netloc))


# What an institution's role may do (migration 0006 adds row-level security on top): read every
# table; append to the audit log; add its documents, decision records, coaching groups and
# counters; update only the columns the registry updates (revocation, fingerprints, replacement,
# counters). Nothing is deleted; the institution column is never updated.
ROLE_GRANTS = (
    "GRANT SELECT ON schema_version, registry_meta, institution_roles TO {role}",
    "GRANT SELECT, INSERT ON audit_log, decision_records, coaching_groups, pdf_fingerprints "
    "TO {role}",
    "GRANT SELECT, INSERT, UPDATE (last_seq) ON counters TO {role}",
    "GRANT SELECT, INSERT, UPDATE (status, revoked_reason, revoked_at, revoked_by, "
    "docx_fingerprint, pdf_fingerprint, replaced_by) ON documents TO {role}",
    # The desk's tables (0009): row-level security keeps the role to its own accounts.
    "GRANT SELECT, INSERT, UPDATE ON desk_accounts, desk_sessions TO {role}",
    "GRANT SELECT, INSERT ON desk_login_attempts TO {role}",
    "GRANT USAGE ON SEQUENCE desk_login_attempts_id_seq TO {role}",
    "GRANT SELECT, INSERT, UPDATE ON desk_jobs TO {role}",  # its own jobs only (0010's RLS)
    "GRANT SELECT, INSERT ON lab_questions TO {role}",  # its own saved questions (0012)
)


class PostgresBackend:
    dialect = "postgresql"
    damage: tuple[type[Exception], ...] = (psycopg.DatabaseError,)
    integrity: tuple[type[Exception], ...] = (psycopg.errors.IntegrityError,)

    def __init__(self, url: str):
        self.label = without_password(url)
        self._prefetched: dict[tuple[str, tuple[object, ...]], list[Row]] = {}
        self._read: str | None = None  # a read transaction: "pending", "begun", "prefetched"
        try:
            self.db = psycopg.connect(
                url, autocommit=True, row_factory=dict_row, connect_timeout=10
            )
            self.db.execute(f"SET lock_timeout = '{TIMEOUT}s'")  # as long as SQLite waits
        except psycopg.Error as exc:
            raise AturanError(
                f"registri PostgreSQL tidak dapat dihubungi: {why(exc)}; periksa alamat, "
                "pengguna, sandi dan basis datanya di --registry atau $ATURAN_REGISTRY",
                file=self.label,
            ) from None

    @staticmethod
    def unreadable(exc: Exception) -> str:
        return f"basis data PostgreSQL tidak dapat dibaca sebagai registri ({exc})"

    def unavailable(self, exc: Exception) -> str | None:
        """The server gone or the registry busy, as opposed to damaged; None when it is not
        that."""
        if isinstance(exc, psycopg.errors.LockNotAvailable):
            return f"registri sedang dipakai proses lain lebih dari {TIMEOUT} detik; coba lagi"
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return (
                f"basis data menolak tindakan ini untuk peran {self.db.info.user} ({why(exc)}): "
                "peran institusi hanya menambah dan mengubah dokumen institusinya sendiri dan "
                "tidak menghapus apa pun; skema dan peran hanya diubah oleh admin basis data"
            )
        if self.db.closed or self.db.broken:
            return (
                f"sambungan ke registri PostgreSQL terputus: {why(exc)}; transaksi yang belum "
                "selesai dibatalkan oleh server; jalankan lagi perintahnya (penerbitan idempoten)"
            )
        return None

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        rows = self._prefetched.pop((sql, tuple(params)), None) if self._prefetched else None
        if rows is not None:
            return _Fetched(rows)
        self._begin_if_pending()
        return self.db.execute(_placeholders(sql), params or None)

    def _begin_if_pending(self) -> None:
        """A read transaction's BEGIN, sent with its first statement that needs it (a prefetch
        alone is its own snapshot: one statement)."""
        if self._read == "pending":
            self.db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            self._read = "begun"
        elif self._read == "prefetched":  # would read another moment than the prefetch did
            raise RuntimeError("a read after prefetch() in one snapshot: prefetch it too")

    def prefetch(self, queries: Sequence[tuple[str, tuple[object, ...]]]) -> None:
        """Run these read queries as one statement (one round trip, one snapshot), each one's
        rows kept for the `execute` of the same query and parameters that comes next in this
        transaction. A check by number reads four things; each was a round trip of its own, plus
        the BEGIN and ROLLBACK a prefetch alone does not need. Every column the registry reads is
        TEXT or an integer, so its JSON is its value."""
        parts = [
            f"(SELECT COALESCE(json_agg(q), '[]') FROM ({_placeholders(query)}) q) AS q{i}"
            for i, (query, _) in enumerate(queries)
        ]
        if self._read == "pending":  # the statement is the snapshot: no BEGIN, no ROLLBACK
            self._read = "prefetched"
        row = self.db.execute(
            "SELECT " + ", ".join(parts), [value for _, params in queries for value in params]
        ).fetchone()
        assert row is not None  # a SELECT without FROM gives one row
        self._prefetched = {
            (query, tuple(params)): row[f"q{i}"] for i, (query, params) in enumerate(queries)
        }

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self._begin_if_pending()
        with self.db.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)

    def begin_write(self) -> None:
        self.db.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")  # one round trip

    def begin_read(self) -> None:
        """A read transaction, begun by its first statement (`_begin_if_pending`)."""
        self._prefetched, self._read = {}, "pending"

    def commit(self) -> None:
        self._prefetched, self._read = {}, None
        if self.db.info.transaction_status != TransactionStatus.IDLE:
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        self._prefetched, self._read = {}, None
        if self.db.closed or self.db.broken:
            return  # the server has ended the transaction with the connection
        if self.db.info.transaction_status != TransactionStatus.IDLE:
            self.db.execute("ROLLBACK")

    def tables(self) -> set[str]:
        self._begin_if_pending()
        return {
            r["table_name"]
            for r in self.db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        }

    def has_table(self, name: str) -> bool:
        self._begin_if_pending()
        row = self.db.execute("SELECT to_regclass(%s) AS t", (name,)).fetchone()
        assert row is not None  # a SELECT without FROM gives one row
        return row["t"] is not None

    def change_marker(self) -> object:
        """A digest of every audit entry, so any change to the log, by anyone, changes it."""
        self._begin_if_pending()
        row = self.db.execute(LOG_DIGEST).fetchone()
        assert row is not None  # an aggregate gives one row
        return (row["n"], row["digest"])

    def prepare(self) -> None:
        pass

    def read_only(self) -> None:
        self.db.execute("SET default_transaction_read_only = on")

    def role_institution(self) -> tuple[str, str] | None:
        """(role, institution) when this connection's role is an institution's, else None."""
        if not self.has_table("institution_roles"):
            return None
        row = self.db.execute(
            "SELECT role_name, institution FROM institution_roles WHERE role_name = current_user"
        ).fetchone()
        return (row["role_name"], row["institution"]) if row else None

    def add_institution_role(self, institution: str, password: str, now: str) -> str:
        """Create the institution's LOGIN role (or set its password when it exists), record it
        in institution_roles and grant it what it needs; inside the caller's write transaction.
        Needs the owner of the tables with CREATEROLE (the admin)."""
        role = role_name(institution)
        name = sql.Identifier(role)
        exists = self.db.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        self.db.execute(
            sql.SQL(verb + " ROLE {} WITH LOGIN PASSWORD {}").format(name, sql.Literal(password))
        )
        self.db.execute(
            "INSERT INTO institution_roles (role_name, institution, created_at) "
            "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            (role, institution, now),
        )
        schema = self.db.execute("SELECT current_schema() AS s").fetchone()
        assert schema is not None  # one row, always
        self.db.execute(
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema["s"]), name)
        )
        for grant in ROLE_GRANTS:
            self.db.execute(sql.SQL(grant).format(role=name))
        return role

    def close(self) -> None:
        self.db.close()


class _Fetched:
    """Rows `prefetch` read, as the cursor `execute` would have given them."""

    def __init__(self, rows: list[Row]):
        self.rows = rows

    def fetchone(self) -> Row | None:
        return self.rows[0] if self.rows else None

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def _placeholders(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")
