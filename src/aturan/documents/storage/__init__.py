"""Where the registry is kept: a SQLite file (the zero-setup default) or a PostgreSQL database
(selected by a `postgresql://` URL). Each backend hides its dialect: connecting, placeholders
(the registry writes `?`), rows as dicts, the write transaction that serialises numbering and the
audit chain, a consistent read, change detection for the chain check, and the schema's tables."""

from __future__ import annotations

from pathlib import Path

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def registry_target(value: Path | str) -> Path | str:
    """A `--registry` value: a PostgreSQL URL stays text, anything else is a SQLite file path."""
    text = str(value)
    return text if text.startswith(URL_SCHEMES) else Path(text)


def connect(target: Path | str, create: bool):
    """The backend for `target`; AturanError when it cannot be opened."""
    if is_url(target):
        from aturan.documents.storage.postgres import PostgresBackend

        return PostgresBackend(str(target))
    from aturan.documents.storage.sqlite import SqliteBackend

    return SqliteBackend(Path(target), create)
