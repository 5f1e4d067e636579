"""The registry in one SQLite file: BEGIN IMMEDIATE serialises writers, WAL keeps readers going,
PRAGMA data_version tells whether another connection wrote."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from aturan.documents.storage import Row
from aturan.errors import AturanError
from aturan.files import ensure_folder

TIMEOUT = 30  # seconds a writer waits for another's transaction
NO_ROLES = (
    "peran institusi hanya untuk registri PostgreSQL (--registry postgresql://...): registri "
    "SQLite tidak mempunyai peran basis data; di sana aturan sendiri yang menjaga agar setiap "
    "institusi hanya mencabut, mengganti dan mencatat dokumennya sendiri"
)


def _dict_row(cursor: sqlite3.Cursor, row: tuple[object, ...]) -> Row:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


class SqliteBackend:
    dialect = "sqlite"
    damage: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)
    integrity: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)

    def __init__(self, path: Path, create: bool):
        self.label = str(path)
        if path.is_dir():
            raise AturanError("registri harus berupa berkas, bukan folder", file=self.label)
        if not create and not path.is_file():
            raise AturanError(
                "registri tidak ditemukan; periksa --registry atau $ATURAN_REGISTRY "
                "(registri baru dibuat oleh `aturan issue --registri-baru`)",
                file=self.label,
            )
        try:
            if create:
                ensure_folder(path.parent)
            self.db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}",
                uri=True,
                isolation_level=None,
                timeout=TIMEOUT,
            )
        except sqlite3.DatabaseError as exc:
            raise AturanError(self.unreadable(exc), file=self.label) from None
        except OSError as exc:
            raise AturanError(
                f"registri tidak dapat dibuka ({exc.strerror or exc})", file=self.label
            ) from None
        self.db.row_factory = _dict_row

    @staticmethod
    def unreadable(exc: Exception) -> str:
        return f"bukan berkas registri SQLite yang dapat dibaca ({exc})"

    @staticmethod
    def unavailable(exc: Exception) -> str | None:
        """The registry busy, as opposed to damaged; None when it is not that."""
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return f"registri sedang dipakai proses lain lebih dari {TIMEOUT} detik; coba lagi"
        return None

    def execute(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    def prefetch(self, queries: Sequence[tuple[str, tuple[object, ...]]]) -> None:
        """Nothing: a query to SQLite is a function call, not a round trip."""

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self.db.executemany(sql, rows)

    def begin_write(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def begin_read(self) -> None:
        self.db.execute("BEGIN")  # a read transaction: one snapshot, no write lock

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def tables(self) -> set[str]:
        return {
            r["name"] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }

    def has_table(self, name: str) -> bool:
        found = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)
        ).fetchone()
        return found is not None

    def change_marker(self) -> object:
        """Changes whenever another connection commits a write (not for this one's own)."""
        return self.db.execute("PRAGMA data_version").fetchone()["data_version"]

    def prepare(self) -> None:
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

    def read_only(self) -> None:
        self.db.execute("PRAGMA query_only=ON")

    @staticmethod
    def role_institution() -> None:
        """A SQLite file has no roles: the library keeps institutions apart."""
        return None

    def add_institution_role(self, institution: str, password: str, now: str) -> str:
        raise AturanError(NO_ROLES, file=self.label)

    def close(self) -> None:
        self.db.close()
