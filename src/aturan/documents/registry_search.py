"""What a search of the registry asks for (the desk's list of documents), as SQL conditions: a
number, NIP or part of a name, the type, the state on a day, the document's dates and the
institution. The conditions are plain SQL both SQLite and PostgreSQL read."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The states a search may ask for: the registry's own two, and whether an issued document is
# still in force on the day (`on`) or past its validity.
STATES = ("issued", "revoked", "in_force", "expired")


@dataclass(frozen=True)
class Search:
    text: str | None = None  # part of a number, of a NIP or of a name (any case)
    doc_type: str | None = None
    state: str | None = None  # one of STATES
    date_from: str | None = None  # the document's date, ISO, inclusive
    date_to: str | None = None
    institution: str | None = None
    on: str | None = None  # the day (ISO) `in_force` and `expired` are judged on

    def where(self, dialect: str = "sqlite") -> tuple[list[str], list[object]]:
        """The SQL conditions (joined with AND by the caller) and their parameters."""
        where: list[str] = []
        params: list[object] = []
        for column, value in (("doc_type", self.doc_type), ("institution", self.institution)):
            if value:
                where.append(f"{column}=?")
                params.append(value)
        if self.date_from:
            where.append("doc_date>=?")
            params.append(self.date_from)
        if self.date_to:
            where.append("doc_date<=?")
            params.append(self.date_to)
        self._state(where, params)
        self._text(where, params, dialect)
        return where, params

    def _state(self, where: list[str], params: list[object]) -> None:
        if self.state in ("issued", "revoked"):
            where.append("status=?")
            params.append(self.state)
        elif self.state == "in_force":
            where.append("status='issued' AND (valid_until IS NULL OR valid_until>=?)")
            params.append(self.on)
        elif self.state == "expired":
            where.append("status='issued' AND valid_until<?")
            params.append(self.on)
        elif self.state:
            raise ValueError(f"unknown state {self.state!r}")

    def _text(self, where: list[str], params: list[object], dialect: str) -> None:
        """Digits are the start of a NIP or part of a number; text with a slash is part of a
        number; anything else part of a name. Any case: SQLite's LIKE ignores the case of ASCII
        letters (and lower() there knows no other), PostgreSQL compares lower() of both."""
        text = re.sub(r"\s*/\s*", "/", (self.text or "").strip())
        if not text:
            return
        escaped = re.sub(r"([!%_])", r"!\1", text.casefold())

        def like(column: str) -> str:
            shown = column if dialect == "sqlite" else f"lower({column})"
            return f"{shown} LIKE ? ESCAPE '!'"

        if text.isdigit():
            where.append(f"({like('nip')} OR {like('number')})")
            params += [escaped + "%", "%" + escaped + "%"]
        elif "/" in text:
            where.append(like("number"))
            params.append("%" + escaped + "%")
        else:
            where.append(like("name"))
            params.append("%" + escaped + "%")
