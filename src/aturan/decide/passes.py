"""A step's formulas measured once per case, and reused by every decision that would measure
them the same way (`compare` decides each participant under four models in a row).

What a pass of formulas gives depends on the case, the step (phase, date, cutoff, the facts given
to it, the attempts judged before it, the attempt it judges), the rulebook's formulas and annexes,
and the parameters the formulas read. Which parameters they read is noted while the pass runs
(`noting_reads`), so nothing relies on the formulas declaring them: a later decision reuses the
pass only when its own law gives every parameter read the same value. Only the passes of the
latest case are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aturan.cases import Case
from aturan.law import MISSING, Formula, ParamSet

JSON = dict[str, Any]
ParamReads = dict[tuple[dt.date, str], Any]


@dataclass(frozen=True)
class Pass:
    """What one step's formulas gave: the facts and tables after them, and each formula's own."""

    facts: JSON
    extra: JSON
    measured: list[tuple[Formula, JSON]]


@dataclass(frozen=True)
class Step:
    """Everything a pass depends on besides the case and the parameters: compared by value, and
    the rulebook's formulas and annexes by identity (a rulebook never changes once loaded)."""

    phase: str
    on: dt.date
    cutoff: dt.date
    inputs: JSON
    history: tuple[Any, ...]
    candidate: JSON | None
    formulas: list[Formula]
    annexes: JSON

    def same(self, other: Step) -> bool:
        return (
            self.formulas is other.formulas
            and self.annexes is other.annexes
            and (self.phase, self.on, self.cutoff) == (other.phase, other.on, other.cutoff)
            and self.inputs == other.inputs
            and self.history == other.history
            and self.candidate == other.candidate
        )


class PassMemo:
    """The passes measured for the latest case (one process: `aturan serve` decides under a lock,
    the lab decides in processes)."""

    def __init__(self) -> None:
        self._case: Case | None = None
        self._passes: list[tuple[Step, ParamReads, Pass]] = []

    def find(self, case: Case, step: Step, params_on: Callable[[dt.date], ParamSet]) -> Pass | None:
        if case is not self._case:
            return None
        for seen, reads, found in self._passes:
            if seen.same(step) and _same_law(reads, params_on):
                return found
        return None

    def keep(self, case: Case, step: Step, reads: ParamReads, found: Pass) -> None:
        if case is not self._case:
            self._case, self._passes = case, []
        self._passes.append((step, reads, found))

    def clear(self) -> None:
        self._case, self._passes = None, []


def _same_law(reads: ParamReads, params_on: Callable[[dt.date], ParamSet]) -> bool:
    for (day, pid), value in reads.items():
        mine = params_on(day).get(pid, MISSING)
        if mine is not value and mine != value:
            return False
    return True


PASSES = PassMemo()
