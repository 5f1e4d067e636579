"""One exception family for everything a user can get wrong.

Each error names where the problem is (file, field, line or row) and what was
expected. The CLI turns these into a message and exit status 2 in one place.
"""

from __future__ import annotations


class AturanError(Exception):
    """A problem in user-supplied input: a case, a cohort, a rule or a reform."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        line: int | None = None,
        row: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field
        self.line = line
        self.row = row

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.row is not None:
            parts.append(f"baris {self.row}")
        if self.field:
            parts.append(f"isian '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class InputError(AturanError):
    """A case or cohort that does not meet the case format. A cohort's row refused names whose
    row it is (`nip`, `name`) when they could be read."""

    nip: str | None = None
    name: str | None = None


class RulebookError(AturanError):
    """Rules, parameters or regulations that do not load or check."""


class IssueDateError(InputError):
    """A document asked to carry a date it cannot carry: before the event it attests, or once it no
    longer holds. `nip` and `name` say whose document it is."""
