"""The inference engine: rules as data compiled to durable_rules, one session per participant.

This is the only module that imports durable_rules. What it hides:
- rules are compiled from their YAML data into durable_rules' JSON ruleset form;
- rules that read another rule's conclusion run in a later *stage*: each stage asserts the
  participant fact, then its item facts, one at a time into the same session;
- a fact holds at most 32 properties, so each stage asserts only what its rules read, and item
  facts (subjects, competencies) only when the participant can still match a rule joining them;
- each evaluation gets a fresh session that is always deleted (the library allows
  1024 live sessions per ruleset);
- the library's C core is driven directly (`_Ruleset`), not through its Python `Host`: a rule's
  action only records the match, so the Host's per-action machinery (a closure object, the
  session state serialised and parsed back around every action, a background dispatch thread,
  an exception object built for "no rule matched") does nothing aturan needs and used to cost
  more than the matching itself;
- what a stage matches depends only on its compiled rules and the facts asserted in it (every
  condition tests the stage), so, when the caller asks (`cache`, the lab's runs under several
  laws), matches are remembered per (stage ruleset, facts): the same participant under another
  model, or under a reform that leaves a stage alone, asks the library once (`MatchCache`);
- an Engine may be shared by threads: one evaluation at a time uses its ruleset (a lock per
  Engine). The library's C core keeps each ruleset's sessions and pending actions in the ruleset
  and was never written for interleaved sessions: two threads evaluating on one ruleset crash
  the process (tests/test_decide_threads.py did, before the lock). Its calls never release the
  GIL, so the lock costs no parallelism that CPython would otherwise give; an engine per thread
  would instead compile every law once per thread (a web server's pool has 40) and keep each
  compiled ruleset in the library's process-wide handle table, never freed.
"""

from __future__ import annotations

import dataclasses
import decimal
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import durable_rules_engine
import orjson
from cachetools import LRUCache

from aturan.errors import RulebookError
from aturan.law import ParamSet, Rule

MAX_FACT_PROPERTIES = 32
RESERVED_PROPERTIES = ("sid", "id", "kind", "stage")
_SESSIONS = itertools.count(1)
_PRIMER = "aturan_primer"

# Facts, conclusions and the ruleset are JSON-like values (they come from YAML and go to
# durable_rules as JSON).
JSON = dict[str, Any]


@dataclass
class Firing:
    rule: Rule
    stage: int
    matched: dict[str, JSON]  # alias -> {property: value} the rule's conditions read
    conclusions: JSON  # property -> value set
    appended: JSON  # list name -> item appended
    params: JSON  # parameter id -> value used by the rule's conditions
    # properties a higher-priority rule set instead
    overridden: list[str] = field(default_factory=list)
    # what callers derive from the firing alone (its trace step), shared by all its copies
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def fresh(self) -> Firing:
        """A copy with nothing overridden yet (a remembered firing is reused, never changed)."""
        copy = object.__new__(Firing)
        copy.__dict__.update(self.__dict__)  # memo included: shared by every copy
        copy.overridden = []
        return copy


@dataclass
class _Compiled:
    rule: Rule
    stage: int
    reads: dict[str, set[str]]  # kind -> set of properties read
    params: JSON


class MatchCache:
    """What each stage ruleset fired for each set of facts, least recently used forgotten first.

    Owned by whoever remembers (a Decider's `Memory`), and shared by every engine it compiles or
    is handed to: engines whose stage compiles to the same rules with the same parameter values
    (the four models' common stages, a reform's untouched stages) share entries, keyed by value
    (the stage's signature, the facts). Entries are firings before `_apply`; each use gets fresh
    copies. Safe to share between threads (one lock around the LRU's bookkeeping)."""

    def __init__(self, size: int = 4096):  # about 40 MB; 1,024 entries made compare 3% slower
        self.size = size
        self._entries: LRUCache[tuple[str, bytes], list[Firing]] = LRUCache(maxsize=size)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[str, bytes]) -> list[Firing] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
            return found

    def put(self, key: tuple[str, bytes], firings: list[Firing]) -> None:
        with self._lock:
            self._entries[key] = firings

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _json_text(value: JSON) -> str:
    """A fact as the library reads it; a Decimal (a float too small for plain `repr`, see
    `_scalar`) is written in plain decimals."""
    try:
        return orjson.dumps(value, default=_plain_decimal).decode()
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits, a lone surrogate
        text = json.dumps(value, ensure_ascii=False, default=lambda d: f"\ue000{d:f}\ue000")
        return re.sub('"\ue000([^\ue000]*)\ue000"', r"\1", text)


def _plain_decimal(value: object) -> orjson.Fragment:
    if isinstance(value, decimal.Decimal):
        return orjson.Fragment(f"{value:f}")
    raise TypeError(type(value).__name__)


# What the library's C core answers to an asserted fact (durable_rules 2.0.28, rules.h).
_NOT_HANDLED, _OBSERVED, _DEFERRED = 1, 2, 3


class _Ruleset:
    """One compiled ruleset in the library's C core, used the way durable_rules' own `Host` uses
    it (durable/engine.py: `Ruleset.assert_fact`, `do_actions`, `_flush_actions`) minus what an
    action that only records its match does not need: the session state is never changed, so
    it is not written back (`update_state`) before the next action starts."""

    def __init__(self, name: str, definition: JSON):
        text = json.dumps(definition, ensure_ascii=False)
        self._handle = durable_rules_engine.create_ruleset(name, text)

    def assert_fact(self, fact: JSON) -> list[tuple[str, dict[str, JSON]]]:
        """The rules the fact fired, in the library's order: (rule name, alias -> fact)."""
        code, state = durable_rules_engine.assert_fact(self._handle, _json_text(fact))
        if code in (_NOT_HANDLED, _OBSERVED):  # no rule matched, or the same fact again
            return []
        if code == _DEFERRED:
            state = 0  # as the Host does
        fired: list[tuple[str, dict[str, JSON]]] = []
        started = durable_rules_engine.start_action_for_state(self._handle, state)
        message = started[1] if started else None
        while message:
            fired.extend(orjson.loads(message).items())
            message = durable_rules_engine.complete_and_start_action(self._handle, state)
        return fired

    def delete_session(self, sid: str) -> None:
        durable_rules_engine.delete_state(self._handle, sid)


class Engine:
    """The rules in force on one date (one ParamSet), compiled once, evaluated many times."""

    def __init__(
        self,
        rules: list[Rule],
        params: ParamSet,
        name: str = "aturan",
        cache: MatchCache | None = None,
    ):
        self.params = params
        self.cache = cache
        self.compiled = [
            c for c in (_compile_conditions(r, params) for r in rules) if c is not None
        ]
        _assign_stages(self.compiled)
        self._shown = [
            {kind: sorted(props) for kind, props in c.reads.items()} for c in self.compiled
        ]
        self.stages = sorted({c.stage for c in self.compiled})
        self._reads = {s: _stage_reads(self.compiled, s) for s in self.stages}
        self._gates = {s: _item_gates(self.compiled, s) for s in self.stages}
        self._plans = {
            s: {kind: _plan(props) for kind, props in reads.items()}
            for s, reads in self._reads.items()
        }
        for stage, reads in self._reads.items():
            for kind, props in reads.items():
                if len(props) + len(RESERVED_PROPERTIES) > MAX_FACT_PROPERTIES:
                    raise RulebookError(
                        f"tahap {stage}: aturan membaca {len(props)} sifat fakta '{kind}', "
                        f"melebihi batas {MAX_FACT_PROPERTIES - len(RESERVED_PROPERTIES)}; "
                        "pecah aturannya"
                    )
        self._opened, self._sid = False, ""
        self._in_use = threading.Lock()  # one evaluation at a time drives the ruleset
        self._signatures = self._stage_signatures()
        self._joins = {s: _join_reads(self.compiled, s) for s in self.stages}
        # the participant properties some rule reads: only those need keeping up to date
        self._read = {
            prop.partition(CONTAINS)[0]
            for c in self.compiled
            for prop in c.reads.get("participant", ())
        }
        definition = self._ruleset_json()
        definition[_PRIMER] = {"all": [{"m": {"kind": _PRIMER}}]}
        self._library = _Ruleset(name, definition)
        self._prime()

    def _prime(self) -> None:
        """The library crashes the process when it deletes a session of a ruleset that has never
        handled a fact; one handled fact, at once deleted, sets the ruleset up."""
        self._library.assert_fact({"sid": _PRIMER, "kind": _PRIMER})
        self._library.delete_session(_PRIMER)

    def _ruleset_json(self) -> JSON:
        return {
            f"r{index}": {
                "all": [{kind: _durable_conditions(c, kind)} for kind in c.reads],
                "pri": -c.rule.priority,
            }
            for index, c in enumerate(self.compiled)
        }

    def _stage_signatures(self) -> dict[int, str]:
        """Per stage, a digest of everything its firings depend on besides the facts: each rule
        as written, its compiled conditions and the values of the parameters it reads."""
        rules = self._ruleset_json()
        signatures = {}
        for stage in self.stages:
            own = [
                [
                    dataclasses.asdict(c.rule),
                    rules[f"r{index}"],
                    c.params,
                    {pid: self.params.get(pid) for pid in _refs(c.rule.then, "param")},
                ]
                for index, c in enumerate(self.compiled)
                if c.stage == stage
            ]
            text = json.dumps(own, sort_keys=True, default=str).encode()
            signatures[stage] = hashlib.sha256(text).hexdigest()
        return signatures

    def evaluate(
        self, participant: JSON, items: dict[str, list[JSON]] | None = None
    ) -> list[Firing]:
        """Run every stage for one participant; returns the firings in trace order."""
        if not self.stages:  # no rule in force: no session to open (nor to delete)
            return []
        items = items or {}
        known = dict(participant)
        firings: list[Firing] = []
        with self._in_use:
            sid = self._sid = str(next(_SESSIONS))
            self._opened = False
            try:
                for stage in self.stages:
                    facts = self._stage_facts(stage, known, items)
                    stage_firings = self._stage_firings(stage, facts)
                    if stage_firings:
                        _apply(stage_firings, known, self._read)
                        firings.extend(sorted(stage_firings, key=lambda f: -f.rule.priority))
            finally:
                if self._opened:  # every stage remembered: the library never saw this sid
                    self._library.delete_session(sid)
        return firings

    def _stage_firings(self, stage: int, facts: list[JSON]) -> list[Firing]:
        """The stage's firings, fact by fact: asserting the participant fires the rules reading
        only the participant, asserting an item fires the rules joining it. Each fact's firings
        are remembered, an item's under the few participant properties its rules read (so the
        same subject under the same conditions is asked once across participants); only the
        facts not remembered are asserted, after the participant they join."""
        if not self.cache:
            return [firing for firings in self._run(facts) for firing in firings]
        keys = self._keys(stage, facts)
        found = [self.cache.get(key) for key in keys]
        if len(keys) < len(facts):  # one key for the whole stage
            if found[0] is None:
                whole = [firing for firings in self._run(facts) for firing in firings]
                self.cache.put(keys[0], whole)
                found = [whole]
        elif any(firings is None for firings in found):
            missing = [i for i, firings in enumerate(found) if i and firings is None]
            asserted = self._run([facts[0]] + [facts[i] for i in missing])
            for i, firings in zip([0, *missing], asserted):
                if found[i] is None:
                    found[i] = firings
                    self.cache.put(keys[i], firings)
        return [firing.fresh() for firings in found for firing in firings or ()]

    def _run(self, facts: list[JSON]) -> list[list[Firing]]:
        """Assert the facts into the library, in order; the firings each one caused."""
        self._opened = True
        return [
            [self._firing(int(rule[1:]), matched) for rule, matched in self._assert(fact)]
            for fact in facts
        ]

    def _keys(self, stage: int, facts: list[JSON]) -> list[tuple[str, bytes]]:
        """One key per fact; or one for the whole stage when an item's firings could depend on
        another item (a rule joining two kinds of item, or one item asserted twice)."""
        signature, joins = self._signatures[stage], self._joins[stage]
        items = facts[1:]
        if joins is None or len({_facts_key([item]) for item in items}) < len(items):
            return [(signature, _facts_key(facts))]
        participant = facts[0]
        keys = [(signature, _facts_key([participant]))]
        for item in items:
            seen = {prop: participant.get(prop) for prop in joins[item["kind"]]}
            keys.append((signature, _facts_key([seen, item])))
        return keys

    def _assert(self, fact: JSON) -> list[tuple[str, dict[str, JSON]]]:
        """One fact at a time, so each fact's firings are known apart (to be remembered apart)."""
        return self._library.assert_fact(dict(fact, sid=self._sid))

    def _stage_facts(self, stage: int, known: JSON, items: dict[str, list[JSON]]) -> list[JSON]:
        """What the stage asserts, without the session id (added when a fact is asserted)."""
        plans = self._plans[stage]
        facts = [_fact("participant", stage, known, plans.get("participant", ((), ())))]
        for kind, plan in plans.items():
            if kind != "participant" and _gate_open(self._gates[stage].get(kind), known):
                facts.extend(_fact(kind, stage, item, plan) for item in items.get(kind, ()))
        return facts

    def _firing(self, index: int, matched: dict[str, JSON]) -> Firing:
        compiled = self.compiled[index]
        shown = self._shown[index]
        facts = {alias: {k: fact.get(k) for k in shown[alias]} for alias, fact in matched.items()}
        then = compiled.rule.then
        conclusions = {
            k: _resolve(v, matched, self.params) for k, v in then.items() if k != "append"
        }
        appended = {
            k: _resolve(v, matched, self.params) for k, v in (then.get("append") or {}).items()
        }
        return Firing(compiled.rule, compiled.stage, facts, conclusions, appended, compiled.params)

    def definition_json(self) -> str:
        """The compiled durable_rules ruleset, for inspection and for the raw benchmark."""
        return json.dumps(self._ruleset_json(), default=str)


# `{contains: x}` on a list fact (a subject's competencies) is asserted as a yes/no property of
# its own, `<list>__has__<x>`: the library's own array operators are not used.
CONTAINS = "__has__"


def _is_contains(test: object) -> bool:
    return isinstance(test, dict) and set(test) == {"contains"}


def _contains_property(prop: str, needle: object) -> str:
    return f"{prop}{CONTAINS}{needle}"


# What a stage asserts of one kind of fact: its plain properties, and its `contains` properties
# as (property, list, needle).
Plan = tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]


def _plan(props: Iterable[str]) -> Plan:
    split = [(prop, *prop.partition(CONTAINS)) for prop in sorted(props)]
    plain = tuple(prop for prop, _, has, _ in split if not has)
    contains = tuple((prop, base, needle) for prop, base, has, needle in split if has)
    return plain, contains


def _fact(kind: str, stage: int, values: JSON, plan: Plan) -> JSON:
    fact: JSON = {"kind": kind, "stage": stage}
    plain, contains = plan
    for prop in plain:
        value = values.get(prop)
        if value is not None:
            fact[prop] = _scalar(prop, value) if isinstance(value, float) else value
    for prop, base, needle in contains:
        items = values.get(base)
        fact[prop] = isinstance(items, list) and any(str(item) == needle for item in items)
    return fact


def _facts_key(facts: list[JSON]) -> bytes:
    """The facts of one stage (without their session id): what the stage's firings depend on."""
    return orjson.dumps(
        facts,
        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
        default=str,
    )


def _scalar(prop: str, value: object) -> object:
    """The library's JSON parser rejects exponent notation (1e-05), and after that rejection the
    session is left corrupt and a later call can crash the process. A float is therefore handed
    over whole, in plain decimals when its shortest form has an exponent: never rounded, so a JPM
    of 79.99996 stays below a cut-off of 80."""
    if isinstance(value, float):
        if not abs(value) < 1e15:
            raise RulebookError(
                f"nilai fakta '{prop}' = {value!r} di luar rentang yang dapat diproses mesin aturan"
            )
        text = repr(value)
        if "e" in text:
            return decimal.Decimal(text)
        return value + 0.0
    return value


def _apply(firings: list[Firing], known: JSON, read: set[str]) -> None:
    """Lower priority first, so a higher-priority rule (an exception, in Catala's sense) has the
    last word. Appended lists are kept in `known` only when a rule reads them."""
    setter: dict[str, Firing] = {}
    appended: dict[str, list[Any]] = {}
    for firing in sorted(firings, key=lambda f: f.rule.priority):
        for prop, value in firing.conclusions.items():
            if prop in setter and setter[prop] is not firing:
                setter[prop].overridden.append(prop)
            setter[prop] = firing
            known[prop] = value
        for name, items in firing.appended.items():
            if name in read:
                appended.setdefault(name, list(known.get(name) or [])).extend(
                    dict(i, rule=firing.rule.id) if isinstance(i, dict) else i
                    for i in (items if isinstance(items, list) else [items])
                )
    known.update(appended)


def _compile_conditions(rule: Rule, params: ParamSet) -> _Compiled | None:
    used: JSON = {}
    for pid, expected in (rule.when.get("params") or {}).items():
        used[pid] = _param(params, pid, rule)
        allowed = expected["in"] if isinstance(expected, dict) and "in" in expected else [expected]
        if used[pid] not in allowed:
            return None
    reads: dict[str, set[str]] = {}
    for kind, conditions in rule.when.items():
        if kind == "params":
            continue
        reads[kind] = set()
        for prop, test in (conditions or {}).items():
            reads[kind].add(
                _contains_property(prop, test["contains"]) if _is_contains(test) else prop
            )
            for value in test.values() if isinstance(test, dict) else [test]:
                if isinstance(value, dict) and "fact" in value:
                    reads[kind].add(value["fact"])
                if isinstance(value, dict) and "param" in value:
                    used[value["param"]] = _param(params, value["param"], rule)
    for ref in _refs(rule.then, "fact"):
        alias, _, prop = ref.rpartition(".")
        reads.setdefault(alias or "participant", set()).add(prop)
    if not reads:
        raise RulebookError(
            f"aturan '{rule.id}' tidak punya syarat atas fakta", file=rule.file, line=rule.line
        )
    return _Compiled(rule, 0, reads, used)


def _refs(value: object, kind: str) -> list[str]:
    """Every `{fact: ...}` (kind "fact") or `{param: ...}` (kind "param") named in a conclusion."""
    if isinstance(value, dict) and kind in value:
        return [value[kind]]
    if isinstance(value, dict):
        return [ref for v in value.values() for ref in _refs(v, kind)]
    if isinstance(value, list):
        return [ref for v in value for ref in _refs(v, kind)]
    return []


def _param(params: ParamSet, pid: str, rule: Rule) -> Any:
    try:
        return params[pid]
    except KeyError:
        raise RulebookError(
            f"aturan '{rule.id}' memakai parameter '{pid}' yang tidak punya nilai pada "
            f"{params.date.isoformat()}",
            file=rule.file,
            line=rule.line,
        ) from None


def _assign_stages(compiled: list[_Compiled]) -> None:
    producers: dict[str, list[_Compiled]] = {}
    for c in compiled:
        for prop in c.rule.then:
            producers.setdefault(prop, []).append(c)
        for name in c.rule.then.get("append") or {}:
            producers.setdefault(name, []).append(c)
    for c in compiled:
        c.stage = 1
    for _ in range(len(compiled) + 1):
        changed = False
        for c in compiled:
            deps = [
                p.stage
                for prop in c.reads.get("participant", ())
                for p in producers.get(prop.partition(CONTAINS)[0], [])  # a list's `contains`
                if p is not c
            ]
            stage = 1 + max(deps, default=0)
            if stage != c.stage:
                c.stage, changed = stage, True
        if not changed:
            return
    raise RulebookError(
        "aturan saling bergantung melingkar: "
        + ", ".join(c.rule.id for c in compiled if c.stage > len(compiled))
    )


def _item_gates(compiled: list[_Compiled], stage: int) -> dict[str, list[JSON]]:
    """Per item kind, the participant equalities each rule joining that kind requires.

    Item facts (subjects, competencies) are many; when the participant fact already fails a
    required equality of every rule that joins them, no such rule can fire, so they are not
    asserted."""
    gates: dict[str, list[JSON]] = {}
    ungated: set[str] = set()
    for c in (c for c in compiled if c.stage == stage):
        equalities = {
            prop: test
            for prop, test in (c.rule.when.get("participant") or {}).items()
            if not isinstance(test, (dict, list))
        }
        for kind in c.reads:
            if kind != "participant":
                gates.setdefault(kind, []).append(equalities)
                if not equalities:
                    ungated.add(kind)
    return {kind: gate for kind, gate in gates.items() if kind not in ungated}


def _gate_open(gate: list[JSON] | None, known: JSON) -> bool:
    if gate is None:
        return True
    return any(
        all(known.get(prop) == value for prop, value in equalities.items()) for equalities in gate
    )


def _join_reads(compiled: list[_Compiled], stage: int) -> dict[str, tuple[str, ...]] | None:
    """Per item kind, the participant properties the stage's rules joining that kind read; None
    when a rule of the stage joins two kinds of item (an item's firings then depend on others)."""
    joins: dict[str, set[str]] = {}
    for c in (c for c in compiled if c.stage == stage):
        kinds = [kind for kind in c.reads if kind != "participant"]
        if len(kinds) > 1:
            return None
        for kind in kinds:
            joins.setdefault(kind, set()).update(c.reads.get("participant", ()))
    return {kind: tuple(sorted(props)) for kind, props in joins.items()}


def _stage_reads(compiled: list[_Compiled], stage: int) -> dict[str, set[str]]:
    reads: dict[str, set[str]] = {}
    for c in compiled:
        if c.stage == stage:
            for kind, props in c.reads.items():
                reads.setdefault(kind, set()).update(props)
    return reads


def _durable_conditions(compiled: _Compiled, kind: str) -> JSON:
    tests: list[JSON] = [{"kind": kind}, {"stage": compiled.stage}]
    for prop, test in (compiled.rule.when.get(kind) or {}).items():
        tests.extend(_tests(prop, test, compiled.params))
    return {"$and": tests}


def _tests(prop: str, test: Any, params: JSON) -> list[JSON]:
    if _is_contains(test):
        return [{_contains_property(prop, test["contains"]): True}]
    if not isinstance(test, dict) or set(test) & {"param", "fact"}:
        return [{prop: _operand(test, params)}]
    out = []
    for op, raw in test.items():
        value = _operand(raw, params)
        if op == "eq":
            out.append({prop: value})
        elif op == "ne":
            out.append({"$neq": {prop: value}})
        elif op in ("lt", "lte", "gt", "gte"):
            out.append({f"${op}": {prop: value}})
        elif op == "in":
            out.append({"$or": [{prop: v} for v in value]})
        elif op == "not_in":
            out.append({"$and": [{"$neq": {prop: v}} for v in value]})
        elif op == "present":
            out.append({("$ex" if value else "$nex"): {prop: 1}})
    return out


def _operand(raw: object, params: JSON) -> Any:
    if isinstance(raw, dict) and "param" in raw:
        return params[raw["param"]]
    if isinstance(raw, dict) and "fact" in raw:
        return {"$m": raw["fact"]}
    return raw


def _resolve(value: object, matched: dict[str, JSON], params: ParamSet) -> Any:
    """A conclusion's value: a literal, {param: id}, {fact: prop} or {fact: kind.prop}, or a
    mapping of those."""
    if isinstance(value, dict) and "param" in value:
        return params[value["param"]]
    if isinstance(value, dict) and "fact" in value:
        alias, _, prop = value["fact"].rpartition(".")
        return matched.get(alias or "participant", {}).get(prop)
    if isinstance(value, dict):
        return {k: _resolve(v, matched, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, matched, params) for v in value]
    return value
