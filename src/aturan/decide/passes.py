"""A step's formulas measured once per case, and reused by every decision that would measure
them the same way (`compare` decides each participant under four models in a row).

What a pass of formulas gives depends on the case, the step (phase, date, cutoff, the attempts
judged before it, the attempt it judges), the rulebook's formulas and annexes, the facts given to
it that the formulas read, and the parameters they read. Which facts and parameters they read is
noted while the pass runs (`NotingFacts`, `noting_reads`), so nothing relies on the formulas
declaring them: a later decision reuses the pass only when its own facts and law give every one
of them the same value. The lifecycle's facts come from the design, which differs by model; the
lifecycle's formulas read few of them, so their passes are shared too. Only the passes of the
latest case are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aturan.cases import Case
from aturan.law import MISSING, Formula, ParamSet

JSON = dict[str, Any]
Reads = dict[Any, Any]  # what was read -> the value read (or MISSING)
EVERY_FACT = "*"  # in fact reads: the formulas went through all the facts


@dataclass(frozen=True)
class Pass:
    """What one step's formulas gave: each formula's facts in order, and the tables they built."""

    measured: list[tuple[Formula, JSON]]
    extra: JSON

    def facts(self, inputs: JSON) -> JSON:
        """The facts after the pass, from the facts given to it."""
        facts = dict(inputs)
        for _, given in self.measured:
            facts.update(given)
        return facts


@dataclass(frozen=True)
class Step:
    """What a pass depends on besides the case, the facts it reads and the parameters: compared by
    value, and the rulebook's formulas and annexes by identity (a loaded rulebook never changes)."""

    phase: str
    on: dt.date
    cutoff: dt.date
    inputs: JSON
    history: tuple[Any, ...]
    candidate: JSON | None
    formulas: list[Formula]
    annexes: JSON

    def runs(self, formula: Formula) -> bool:
        return formula.phase in (self.phase, "both")

    def same(self, other: Step) -> bool:
        return (
            self.formulas is other.formulas
            and self.annexes is other.annexes
            and (self.phase, self.on, self.cutoff) == (other.phase, other.on, other.cutoff)
            and self.history == other.history
            and self.candidate == other.candidate
        )

    def gives(self, reads: Reads, inputs: JSON) -> bool:
        """Whether these inputs give every fact read the value it had."""
        if EVERY_FACT in reads:
            return self.inputs == inputs
        return all(_same(self.inputs.get(key, MISSING), value) for key, value in reads.items())


class Facts(dict[str, Any]):
    """The facts during a pass: those given to it, then each formula's."""

    def gave(self, given: JSON) -> None:
        self.update(given)


class NotingFacts(Facts):
    """The facts during a pass that notes each fact a formula reads before any formula gave it."""

    def __init__(self, inputs: JSON):
        super().__init__(inputs)
        self.reads: Reads = {}
        self.given: set[str] = set()

    def _note(self, key: str) -> None:
        if key not in self.given and key not in self.reads:
            self.reads[key] = dict.get(self, key, MISSING)

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._note(str(key))
        return dict.__contains__(self, key)

    def __iter__(self) -> Iterator[str]:
        self.reads[EVERY_FACT] = True
        return dict.__iter__(self)

    def keys(self) -> Any:
        self.reads[EVERY_FACT] = True
        return dict.keys(self)

    def items(self) -> Any:
        self.reads[EVERY_FACT] = True
        return dict.items(self)

    def values(self) -> Any:
        self.reads[EVERY_FACT] = True
        return dict.values(self)

    # the other ways to read that a formula could take: counted as reading every fact, so a pass
    # that uses them is reused only with the very same facts (never wrongly)
    def copy(self) -> dict[str, Any]:
        self.reads[EVERY_FACT] = True
        return dict(dict.items(self))

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.reads[EVERY_FACT] = True
        return dict.setdefault(self, key, default)

    def pop(self, key: str, *default: Any) -> Any:
        self.reads[EVERY_FACT] = True
        return dict.pop(self, key, *default)

    def __len__(self) -> int:
        self.reads[EVERY_FACT] = True
        return dict.__len__(self)

    def gave(self, given: JSON) -> None:
        self.given.update(given)
        dict.update(self, given)


class PassMemo:
    """The passes measured for the latest case, in one thread (a `Memory` keeps one per thread:
    a case is decided within one thread, and the memo is replaced with the next case)."""

    def __init__(self) -> None:
        self._case: Case | None = None
        self._passes: list[tuple[Step, Reads, Reads, Pass]] = []

    def find(self, case: Case, step: Step, params_on: Callable[[dt.date], ParamSet]) -> Pass | None:
        if case is not self._case:
            return None
        for seen, facts, params, found in self._passes:
            if seen.same(step) and step.gives(facts, seen.inputs) and _same_law(params, params_on):
                return found
        return None

    def keep(self, case: Case, step: Step, facts: Reads, params: Reads, found: Pass) -> None:
        if case is not self._case:
            self._case, self._passes = case, []
        self._passes.append((step, facts, params, found))

    def clear(self) -> None:
        self._case, self._passes = None, []


def _same(mine: Any, value: Any) -> bool:
    return mine is value or mine == value


def _same_law(reads: Reads, params_on: Callable[[dt.date], ParamSet]) -> bool:
    return all(
        _same(params_on(day).get(pid, MISSING), value) for (day, pid), value in reads.items()
    )
