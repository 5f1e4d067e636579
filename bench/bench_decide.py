"""Decisions per second over generated cases, next to raw durable_rules in the same run.

Raw baseline: the same compiled ruleset (aturan's own rules, as durable_rules JSON) loaded
into a bare durable_rules Host, with one equivalent fact asserted per case into a fresh
session that is then deleted; actions only count. aturan's figure includes everything a
user gets: schema validation, NIP checks, formulas, every rule stage, and the full trace.

Usage: python bench/bench_decide.py [N]   (default 10000)
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from durable.engine import Host, MessageNotHandledException

from aturan.cases import case_from_data
from aturan.decision import Decider
from aturan.formulas import IMPLEMENTATIONS, Context
from aturan.rulebook import load_rulebook
from aturan.sample import generate

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 6, 30)


class BareHost(Host):
    def _run(self):
        pass


def main(n: int) -> dict:
    decider = Decider(load_rulebook(ROOT))
    raw_cases = list(generate(n, seed=7))
    engine, params = decider.law_on(AS_OF)

    start = time.perf_counter()
    for raw in raw_cases:
        decider.decide(case_from_data(raw), AS_OF)
    aturan_seconds = time.perf_counter() - start

    events = [_first_stage_fact(decider, raw, params, engine, i) for i, raw in enumerate(raw_cases)]
    host = BareHost()
    fired = [0]
    definition = json.loads(engine.definition_json())
    for rule in definition.values():
        rule["run"] = lambda c: fired.__setitem__(0, fired[0] + 1)
    host.set_rulesets({"raw": definition})
    start = time.perf_counter()
    for event in events:
        try:
            host.assert_fact("raw", event)
        except MessageNotHandledException:
            pass
        host.delete_state("raw", event["sid"])
    raw_seconds = time.perf_counter() - start

    result = {"cases": n, "aturan_per_s": round(n / aturan_seconds), "raw_durable_rules_per_s": round(n / raw_seconds),
              "ratio": round(aturan_seconds / raw_seconds, 2), "raw_rules_fired": fired[0]}
    print(json.dumps(result))
    return result


def _first_stage_fact(decider, raw, params, engine, index) -> dict:
    ctx = Context(case_from_data(raw), AS_OF, params)
    for formula in decider.rulebook.formulas:
        ctx.facts.update(IMPLEMENTATIONS[formula.id](ctx) or {})
    props = engine._reads[engine.stages[0]]["participant"]
    fact = {"sid": f"raw{index}", "kind": "participant", "stage": engine.stages[0]}
    fact.update({k: ctx.facts[k] for k in props if ctx.facts.get(k) is not None})
    return fact


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
