"""One schema, kept by plain versioned SQL files (documents/migrations/NNNN_name.sql, with a
NNNN_name.<dialect>.sql variant where a dialect needs its own). A registry records the versions
applied in `schema_version`; opening one applies the pending files in one transaction."""

from __future__ import annotations

import re
from importlib import resources

from aturan.documents.storage import Backend
from aturan.errors import AturanError

LEGACY_TABLES = {"counters", "documents", "audit_log"}  # a registry from before schema_version
VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
    "applied_at TEXT NOT NULL)"
)


def migrations(dialect: str) -> list[tuple[int, str]]:
    """(version, SQL) in order, each the dialect's own file when it has one."""
    folder = resources.files("aturan.documents") / "migrations"
    chosen: dict[int, str] = {}
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        match = re.fullmatch(r"(\d{4})_\w+(?:\.(\w+))?\.sql", item.name)
        if not match or match[2] not in (None, dialect):
            continue
        version = int(match[1])
        if match[2] or version not in chosen:
            chosen[version] = item.read_text(encoding="utf-8")
    return sorted(chosen.items())


def current_version(db: Backend, tables: set[str]) -> int:
    if "schema_version" in tables:
        row = db.execute("SELECT MAX(version) AS v FROM schema_version").fetchone()
        return row["v"] or 0
    return 1 if LEGACY_TABLES <= tables else 0


def latest(dialect: str) -> int:
    return migrations(dialect)[-1][0]


def apply_pending(db: Backend, version: int, institution: str, now: str) -> None:
    """Apply every migration after `version`, inside the caller's write transaction."""
    db.execute(VERSION_TABLE)
    if version == 1 and not db.execute("SELECT 1 FROM schema_version").fetchone():
        db.execute("INSERT INTO schema_version (version, applied_at) VALUES (1, ?)", (now,))
    for number, sql in migrations(db.dialect):
        if number <= version:
            continue
        for statement in statements(sql):
            count = statement.count(":institution")
            db.execute(statement.replace(":institution", "?"), (institution,) * count)
        db.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (number, now))


def statements(sql: str) -> list[str]:
    """The file's statements, split at each `;` outside a dollar-quoted body ($$...$$: a
    PostgreSQL DO block holds its own semicolons)."""
    text = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    found, current = [], ""
    for index, part in enumerate(text.split("$$")):
        if index % 2:  # inside $$...$$
            current += "$$" + part + "$$"
            continue
        pieces = part.split(";")
        current += pieces[0]
        for piece in pieces[1:]:
            found.append(current)
            current = piece
    found.append(current)
    return [s.strip() for s in found if s.strip()]


def refuse_newer(version: int, dialect: str, label: str) -> None:
    if version > latest(dialect):
        raise AturanError(
            f"registri ini berskema versi {version}, lebih baru dari versi aturan ini "
            f"({latest(dialect)}); perbarui aturan",
            file=label,
        )
