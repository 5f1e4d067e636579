"""Where the registry is kept: a SQLite file (the zero-setup default) or a PostgreSQL database
(selected by a `postgresql://` URL). Each backend hides its dialect: connecting, placeholders
(the registry writes `?`), rows as dicts, the write transaction that serialises numbering and the
audit chain, a consistent read, change detection for the chain check, and the schema's tables."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

URL_SCHEMES = ("postgresql://", "postgres://")


Row = dict[str, Any]  # a row as the driver gives it: column name -> value


class Cursor(Protocol):
    """What the registry reads from a statement's result (sqlite3's and psycopg's cursors)."""

    def fetchone(self) -> Any: ...  # a Row or None, untyped as in the DB-API drivers

    def __iter__(self) -> Iterator[Row]: ...


class Backend(Protocol):
    """What the registry asks of a backend (SqliteBackend, PostgresBackend)."""

    dialect: str
    label: str
    damage: tuple[type[Exception], ...]
    integrity: tuple[type[Exception], ...]

    def unreadable(self, exc: Exception) -> str: ...
    def unavailable(self, exc: Exception) -> str | None: ...
    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor: ...
    def prefetch(self, queries: Sequence[tuple[str, tuple[object, ...]]]) -> None: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None: ...
    def begin_write(self) -> None: ...
    def begin_read(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def tables(self) -> set[str]: ...
    def has_table(self, name: str) -> bool: ...
    def change_marker(self) -> object: ...
    def prepare(self) -> None: ...
    def read_only(self) -> None: ...
    def role_institution(self) -> tuple[str, str] | None: ...
    def add_institution_role(self, institution: str, password: str, now: str) -> str: ...
    def close(self) -> None: ...


def is_url(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def registry_target(value: Path | str) -> Path | str:
    """A `--registry` value: a PostgreSQL URL stays text, anything else is a SQLite file path."""
    text = str(value)
    return text if text.startswith(URL_SCHEMES) else Path(text)


def connect(target: Path | str, create: bool) -> Backend:
    """The backend for `target`; AturanError when it cannot be opened."""
    if is_url(target):
        from aturan.documents.storage.postgres import PostgresBackend

        return PostgresBackend(str(target))
    from aturan.documents.storage.sqlite import SqliteBackend

    return SqliteBackend(Path(target), create)


def open_database(target: Path | str) -> Backend:
    """A plain connection to an existing registry database, for tables the registry does not
    manage itself (the desk's accounts and sessions, migration 0009 on). Statements use `?`
    placeholders and give rows as dicts, on either backend; each statement commits on its own
    unless `begin_write` opened a transaction. Opening the Registry first makes or migrates the
    schema; this connection does neither."""
    return connect(target, create=False)
