"""Decisions per second over generated cases, next to raw durable_rules in the same run.

Five numbers, same cases, same machine, same run:
- aturan: everything a user gets from `decide`: schema validation, NIP checks, formulas,
  every rule stage (profile, design under the default model, lifecycle), the full trace; once
  as `decide` runs (nothing remembered), and once remembering, as the lab does when it decides
  each participant under several laws (`Decider(remember=True)`: stages and formula passes
  already seen reused, the Decider's memory.Memory, starting empty);
- raw, same facts: aturan's compiled rulesets (the design phase and the lifecycle phase) loaded
  into a bare durable_rules Host, and exactly the facts aturan asserts for each case (every
  step of the history, all stages, item facts included, recorded with nothing remembered)
  asserted into fresh sessions with no-op actions: the library's own share of the work;
- raw C core, same facts: the same facts asserted through the library's C binding
  (`durable_rules_engine`), as aturan's engine does, with the Host's Python layer left out: the
  floor under any caller of the library (the issue's target is against the Host, above);
- raw, one event: the same ruleset, one participant fact per case (the issue's literal
  baseline; it does only the first stage of the inference).

Each is timed REPEATS times, interleaved, and the best run of each is kept (as `timeit` does: what
slows a run down on a shared machine is never the code under test).

Usage: python bench/bench_decide.py [N]   (default 10000)
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException, MessageObservedException

from aturan.cases import case_from_data
from aturan.decide import Decider
from aturan.lab import generate
from aturan.law import load_rulebook

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2028, 12, 31)  # after every generated event
REPEATS = 3


class BareHost(Host):
    def _run(self):
        pass


def main(n: int, repeats: int = REPEATS) -> dict:
    book = load_rulebook(ROOT)
    shipped, remembering = Decider(book), Decider(book, remember=True)
    raw_cases = list(generate(n, seed=7))
    engines = [shipped.law_on(AS_OF, phase)[0] for phase in ("design", "lifecycle")]
    recorded = [_recorded_facts(shipped, engine, raw_cases) for engine in engines]
    sessions = recorded[0]
    firsts = [[facts[0]] for facts in sessions if facts]

    runs: dict[str, list[float]] = {}
    for _ in range(repeats):  # interleaved, the best of each kept: the machine's noise is one-sided
        remembering.memory.clear()
        timed = {
            "aturan": _decide_all(shipped, raw_cases),
            "remembering": _decide_all(remembering, raw_cases),
            "same": sum(_raw_run(engine, facts) for engine, facts in zip(engines, recorded)),
            "core": sum(_core_run(engine, facts) for engine, facts in zip(engines, recorded)),
            "first": _raw_run(engines[0], firsts),
        }
        for name, seconds in timed.items():
            runs.setdefault(name, []).append(seconds)
    best = {name: min(seconds) for name, seconds in runs.items()}
    aturan_seconds, remembering_seconds = best["aturan"], best["remembering"]
    same_seconds, core_seconds, first_seconds = best["same"], best["core"], best["first"]
    result = {
        "cases": n,
        "aturan_per_s": round(n / aturan_seconds),
        "aturan_remembering_per_s": round(n / remembering_seconds),
        "raw_same_facts_per_s": round(n / same_seconds),
        "raw_core_same_facts_per_s": round(n / core_seconds),
        "raw_one_event_per_s": round(n / first_seconds),
        "ratio_vs_same_facts": round(aturan_seconds / same_seconds, 2),
        "ratio_remembering": round(remembering_seconds / same_seconds, 2),
        "ratio_vs_core_same_facts": round(aturan_seconds / core_seconds, 2),
        "ratio_vs_one_event": round(aturan_seconds / first_seconds, 2),
        "repeats": repeats,
        "facts_per_case": round(sum(len(f) for sessions in recorded for f in sessions) / n, 1),
    }
    print(json.dumps(result))
    return result


def _decide_all(decider, raw_cases) -> float:
    start = time.perf_counter()
    for raw in raw_cases:
        decider.decide(case_from_data(raw), AS_OF)
    return time.perf_counter() - start


def _recorded_facts(decider, engine, raw_cases) -> list[list[dict]]:
    sessions, current = [], []
    original = engine._assert
    engine._assert = lambda fact: (current.append(dict(fact)), original(fact))[1]
    for raw in raw_cases:
        current = []
        decider.decide(case_from_data(raw), AS_OF)
        sessions.append(current)
    engine._assert = original
    return sessions


def _raw_run(engine, sessions: list[list[dict]]) -> float:
    host = BareHost()
    definition = json.loads(engine.definition_json())
    for rule in definition.values():
        rule["run"] = lambda c: None
    host.set_rulesets({"raw": definition})
    start = time.perf_counter()
    for index, facts in enumerate(sessions):
        sid = f"raw{index}"
        for fact in facts:
            try:
                host.assert_fact("raw", dict(fact, sid=sid))
            except (MessageNotHandledException, MessageObservedException):
                pass
        host.delete_state("raw", sid)
    return time.perf_counter() - start


def _core_run(engine, sessions: list[list[dict]]) -> float:
    """The same facts through the C binding: assert, then take each action the fact started."""
    handle = durable_rules_engine.create_ruleset(f"core{id(engine)}", engine.definition_json())
    start = time.perf_counter()
    for index, facts in enumerate(sessions):
        sid = f"core{index}"
        for fact in facts:
            code, state = durable_rules_engine.assert_fact(handle, json.dumps(dict(fact, sid=sid)))
            if code in (1, 2):  # not handled, already observed
                continue
            started = durable_rules_engine.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                json.loads(message)
                message = durable_rules_engine.complete_and_start_action(handle, state)
        if facts:
            durable_rules_engine.delete_state(handle, sid)
    return time.perf_counter() - start


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
