"""Parameters: values by effective date, each value carrying its own reference.

The OpenFisca convention: a parameter is a list of dated values; the law in force
on a date is the latest value whose `from` is on or before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

# Value status: confirmed (every clause it rests on was read in the regulation itself), secondary
# (known from a secondary source: the paper reporting the law, an official FAQ), proposal (the 2023
# paper's own proposal), practice (seen in use, in no regulation), assumption (ours, where the texts
# are silent), data (a figure from a table), reform (a drafter's override); unconfirmed is kept for
# reforms written before `secondary` existed.
VALUE_STATUSES = {
    "confirmed",
    "secondary",
    "unconfirmed",
    "proposal",
    "practice",
    "assumption",
    "data",
    "reform",
}


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: object
    reference: tuple[str, ...]
    status: str
    note: str = ""
    date_note: str = ""
    # a reform's value: the clauses of the values it took the place of that it does not cite
    # itself; they no longer ground the law while it is in force (explain quotes the reform's)
    replaces: tuple[str, ...] = ()
    # a reform's edit of a list or table ({add}, {remove}, {patch}): the clauses that still ground
    # the entries it leaves as they were; explain quotes the reform's beside them
    amends: tuple[str, ...] = ()


@dataclass
class Parameter:
    id: str
    title: str
    values: list[DatedValue]
    file: str
    line: int
    interpretive: bool = False
    question: str = ""
    alternatives: list[Any] = field(default_factory=list)
    title_en: str = ""
    schema: dict[str, Any] = field(default_factory=dict)  # JSON Schema of a value (constraints.py)

    def at(self, date: dt.date) -> DatedValue | None:
        current = None
        for value in sorted(self.values, key=lambda v: v.start):
            if value.start <= date:
                current = value
        return current


@dataclass(frozen=True)
class Resolved:
    """A parameter's value on a date, with where it comes from."""

    id: str
    value: object
    start: dt.date
    reference: tuple[str, ...]
    status: str


# What a piece of work read, while it is being noted (`noting_reads`): (date, id) -> the value,
# or MISSING. Lets a caller reuse a result under other parameters whose values it never read.
MISSING = object()
# The notes of the innermost `noting_reads` block of this thread (or task), if any: a context
# variable, so a thread deciding beside another never notes into the other's block.
_NOTES: ContextVar[dict[tuple[dt.date, str], Any] | None] = ContextVar("_NOTES", default=None)


@contextmanager
def noting_reads() -> Iterator[dict[tuple[dt.date, str], Any]]:
    """Every parameter read through any ParamSet in the block, by its date and id."""
    notes: dict[tuple[dt.date, str], Any] = {}
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


class ParamSet:
    """The parameter values in force on one date."""

    def __init__(self, parameters: dict[str, Parameter], date: dt.date):
        self.date = date
        self._resolved: dict[str, Resolved] = {}
        for pid, param in parameters.items():
            value = param.at(date)
            if value is not None:
                self._resolved[pid] = Resolved(
                    pid, value.value, value.start, value.reference, value.status
                )

    def __getitem__(self, pid: str) -> Any:
        return self.resolved(pid).value

    def get(self, pid: str, default: Any = None) -> Any:
        found = self._resolved.get(pid)
        notes = _NOTES.get()
        if notes is not None:
            notes[(self.date, pid)] = found.value if found else MISSING
        return found.value if found else default

    def resolved(self, pid: str) -> Resolved:
        found = self._resolved.get(pid)
        notes = _NOTES.get()
        if notes is not None:
            notes[(self.date, pid)] = found.value if found else MISSING
        if found is None:
            raise KeyError(f"parameter '{pid}' has no value in force on {self.date.isoformat()}")
        return found

    def key(self) -> tuple[tuple[str, dt.date], ...]:
        """Identifies the law in force: two dates with the same key compile to the same ruleset."""
        return tuple(sorted((pid, r.start) for pid, r in self._resolved.items()))
