"""What Deciders remember from one decision to the next when they decide each participant under
several laws in a row (the lab's `compare` and `diff`): what a stage of rules fired, what a step's
formulas gave, and the case's text in its decision id.

A `Memory` belongs to the Deciders it is handed to (`Decider(..., remember=memory)`), never to
the module: the lab gives one Memory to the four models' Deciders of a worker, so a stage or a
pass the models share is asked once. It is safe to share between threads:
- the stages' firings are keyed by value (the stage's signature and its facts) in one bounded
  LRU cache behind a lock (`engine.MatchCache`);
- the formula passes and the case text hold only the latest case, and a case is decided within
  one thread, so each thread keeps its own (`threading.local`): no lock, and no thread ever sees
  another's case. What a thread kept goes with the thread.
"""

from __future__ import annotations

import json
import threading

from aturan.cases import Case
from aturan.decide.engine import MatchCache
from aturan.decide.passes import PassMemo


class _Latest(threading.local):
    """One thread's memory of its latest case."""

    def __init__(self) -> None:
        self.passes = PassMemo()
        self.case: Case | None = None
        self.case_text = ""


class Memory:
    """Remembered stages (bounded, shared by threads) and, per thread, the latest case's formula
    passes and text."""

    def __init__(self, firings: int = 4096):
        self.firings = MatchCache(firings)
        self._latest = _Latest()

    @property
    def passes(self) -> PassMemo:
        """This thread's formula passes."""
        return self._latest.passes

    def case_json(self, case: Case) -> str:
        """The case's data as `decision_id` writes it, written once for the same case decided
        under several laws in a row (held with the case itself, so no identity is reused)."""
        latest = self._latest
        if latest.case is not case:
            latest.case_text = case_json(case)
            latest.case = case
        return latest.case_text

    def clear(self) -> None:
        self.firings.clear()
        self._latest = _Latest()


def case_json(case: Case) -> str:
    return json.dumps(case.data, sort_keys=True, ensure_ascii=False)
