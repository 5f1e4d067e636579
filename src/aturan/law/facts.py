"""The facts a rule may read and conclude (schemas/facts.schema.json), and the checks of a rule
against them: every fact and conclusion name, operator, value and parameter in a rule, with its
line and a did-you-mean; and rules of equal priority whose conclusions conflict.

Values are checked against the fact's type and its enum. An enum is written in the fact schema or
taken from case.schema.json / decision.schema.json by `$ref` (one source for each list of codes);
`x-enum-keys-of: <parameter>` also allows the keys of that parameter's tables (the competency
groups a cluster may be named after). Date facts are compared with other date facts only
(`{fact: ...}`): a rule that starts on a date says so with `from:`.

Conflicts (`conflict_problems`): two rules conflict when they are in force together (same phase,
both enabled, overlapping from/until), have the same priority, conclude the same fact with values
written differently, one tests no fact or parameter the other does not test too (the same
conditions, or one rule a special case of the other: the usual mistake of an exception written
without a higher priority), and their conditions are not provably exclusive. Conditions are
exclusive when some fact (or `params:` entry) tested by both cannot pass both tests: different
literals, disjoint `in` lists, a literal against a `ne`/`not_in` naming it, present against absent,
or ranges that do not meet (`lt X` against `gte X` for the same number, parameter or fact; a
parameter by its values on each date they change; `x-not-after` orders two date facts). Pairs
whose exclusivity rests on anything else (a fact only one of them tests) are not reported: the
check never refuses the bundled rules for an exclusivity it cannot see. docs/rules-reference.md
says the same to drafters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from aturan.errors import RulebookError
from aturan.files import line_of
from aturan.law.constraints import brief, value_problems, value_schema
from aturan.law.names import suggest
from aturan.law.params import Parameter
from aturan.law.rulebook import FACT_KINDS, OPERATORS, Rule

JSON = dict[str, Any]
ORDERED = ("integer", "number", "date")
BOUNDS = {"lt", "lte", "gt", "gte"}


@dataclass(frozen=True)
class Fact:
    kind: str
    name: str
    type: str  # integer | number | boolean | string | date | array | object
    description: str
    enum: tuple[Any, ...] = ()
    enum_keys_of: str = ""
    items_enum: tuple[Any, ...] = ()
    concluded: bool = False
    not_after: str = ""  # a date fact this one is never later than

    def choices(self, parameters: dict[str, Parameter]) -> list[Any]:
        """The values the fact may take, or [] when any value of its type will do."""
        keys: list[Any] = []
        table = parameters.get(self.enum_keys_of) if self.enum_keys_of else None
        for value in table.values if table else []:
            if isinstance(value.value, dict):
                keys += [k for k in value.value if k not in keys and k not in self.enum]
        return [*self.enum, *keys]


def _schema(name: str) -> JSON:
    text = resources.files("aturan").joinpath(f"schemas/{name}").read_text("utf-8")
    data: JSON = json.loads(text)
    return data


def _resolve(node: JSON) -> JSON:
    """A property with its `$ref` (file#/pointer into another of our schemas) merged in."""
    ref = node.get("$ref")
    if not ref:
        return node
    file, _, pointer = str(ref).partition("#")
    target: Any = _schema(file)
    for part in pointer.strip("/").split("/"):
        target = target[part]
    return {**_resolve(target), **{k: v for k, v in node.items() if k != "$ref"}}


def _fact(kind: str, name: str, raw: JSON) -> Fact:
    node = _resolve(raw)
    kind_of = node.get("type", "string")
    if isinstance(kind_of, list):
        kind_of = next(t for t in kind_of if t != "null")
    if node.get("format") == "date":
        kind_of = "date"
    items = _resolve(node.get("items") or {})
    return Fact(
        kind,
        name,
        str(kind_of),
        str(node.get("description", "")),
        tuple(v for v in node.get("enum") or () if v is not None),
        str(node.get("x-enum-keys-of", "")),
        tuple(v for v in items.get("enum") or () if v is not None),
        bool(node.get("x-concluded", False)),
        str(node.get("x-not-after", "")),
    )


@lru_cache(maxsize=1)
def facts() -> dict[str, dict[str, Fact]]:
    """Per kind (participant, competency, subject), its facts by name."""
    kinds = _schema("facts.schema.json")["properties"]
    return {
        kind: {name: _fact(kind, name, raw) for name, raw in kinds[kind]["properties"].items()}
        for kind in FACT_KINDS
    }


@lru_cache(maxsize=1)
def append_lists() -> dict[str, str]:
    """The lists a rule may append to (`then: {append: {...}}`), with what each holds."""
    lists: dict[str, str] = _schema("facts.schema.json")["x-append-lists"]
    return lists


def rule_problems(rule: Rule, parameters: dict[str, Parameter]) -> list[RulebookError]:
    """Every unknown name, misplaced operator and value outside its fact's type or choices in one
    rule, each with the line it is on."""
    check = _RuleCheck(rule, parameters)
    check.conditions()
    check.conclusions()
    return check.problems


class _RuleCheck:
    def __init__(self, rule: Rule, parameters: dict[str, Parameter]):
        self.rule, self.parameters = rule, parameters
        self.problems: list[RulebookError] = []

    def add(self, message: str, node: object, key: object = None) -> None:
        line = line_of(node, key) if key is not None else line_of(node)
        self.problems.append(
            RulebookError(
                f"aturan '{self.rule.id}': {message}",
                file=self.rule.file,
                line=line or self.rule.line,
            )
        )

    def conditions(self) -> None:
        when = self.rule.when
        if not isinstance(when, dict):
            return  # reported by the rulebook's loader
        for kind, tests in when.items():
            if kind == "params":
                self.params(tests)
            elif kind in FACT_KINDS and isinstance(tests, dict):
                for name, test in tests.items():
                    self.condition(kind, str(name), test, tests)

    def params(self, tests: object) -> None:
        for pid, expected in (tests or {}).items() if isinstance(tests, dict) else ():
            param = self.parameter(str(pid), tests, pid)
            if param is None:
                continue
            values = (
                expected["in"] if isinstance(expected, dict) and "in" in expected else [expected]
            )
            for value in values if isinstance(values, list) else [values]:
                wrong = value_problems(param, value)
                if wrong:
                    hint = suggest(str(value), [str(c) for c in _choices(param)])
                    self.add(f"syarat parameter '{pid}': {wrong[0]}{hint}", tests, pid)

    def parameter(self, pid: str, node: object, key: object) -> Parameter | None:
        param = self.parameters.get(pid)
        if param is None:
            hint = suggest(pid, sorted(self.parameters))
            self.add(f"parameter '{pid}' tidak dikenal{hint}", node, key)
        return param

    def fact(self, kind: str, name: str, node: object, key: object) -> Fact | None:
        known = facts()[kind]
        found = known.get(name)
        if found is None:
            hint = suggest(name, sorted(known))
            self.add(f"fakta '{name}' tidak dikenal pada '{kind}'{hint}", node, key)
        return found

    def condition(self, kind: str, name: str, test: object, node: JSON) -> None:
        fact = self.fact(kind, name, node, name)
        if fact is None:
            return
        if not isinstance(test, dict) or set(test) & {"param", "fact"}:
            self.operand(fact, test, node, name)
            return
        for op, raw in test.items():
            if op not in OPERATORS:
                continue  # reported by the rulebook's loader
            if op in BOUNDS and fact.type not in ORDERED:
                self.add(
                    f"'{op}' pada '{name}': fakta ini tidak berurutan ({fact.type}); pakai "
                    "eq, ne, in atau not_in",
                    node,
                    name,
                )
            elif op in ("in", "not_in"):
                for value in raw if isinstance(raw, list) else [raw]:
                    self.operand(fact, value, node, name)
            elif op == "present" and not isinstance(raw, bool):
                self.add(f"'present' pada '{name}' harus true atau false", node, name)
            elif op == "contains":
                self.contains(fact, raw, node)
            elif op not in ("present", "contains"):
                self.operand(fact, raw, node, name)

    def contains(self, fact: Fact, needle: object, node: JSON) -> None:
        if fact.type != "array":
            self.add(f"'contains' pada '{fact.name}': fakta ini bukan daftar", node, fact.name)
        elif fact.items_enum and needle not in fact.items_enum:
            hint = suggest(str(needle), [str(c) for c in fact.items_enum])
            self.add(
                f"nilai {brief(needle)} tidak dikenal untuk butir '{fact.name}'{hint}",
                node,
                fact.name,
            )

    def operand(self, fact: Fact, raw: object, node: object, key: object) -> None:
        """A value a fact is compared with or concluded to: {param: id}, {fact: name}, or a
        literal of the fact's type and choices."""
        if isinstance(raw, dict) and "param" in raw:
            self.parameter(str(raw["param"]), node, key)
        elif isinstance(raw, dict) and "fact" in raw:
            kind, _, name = str(raw["fact"]).rpartition(".")
            if kind and kind not in FACT_KINDS:
                self.add(
                    f"jenis fakta '{kind}' tidak dikenal pada {{fact: {raw['fact']}}}", node, key
                )
            else:
                self.fact(kind or fact.kind, name, node, key)
        elif raw is not None:
            self.literal(fact, raw, node, key)

    def literal(self, fact: Fact, value: object, node: object, key: object) -> None:
        if fact.type == "date":
            self.add(
                f"'{fact.name}' adalah tanggal: bandingkan dengan fakta tanggal lain "
                "({fact: ...}); aturan yang berlaku sejak suatu tanggal memakai 'from:'",
                node,
                key,
            )
            return
        if not _of_type(value, fact.type):
            self.add(
                f"nilai {brief(value)} untuk '{fact.name}' harus berupa {TYPE_WORDS[fact.type]}",
                node,
                key,
            )
            return
        choices = fact.choices(self.parameters)
        if choices and value not in choices:
            hint = suggest(str(value), [str(c) for c in choices])
            shown = ", ".join(map(str, choices))
            self.add(
                f"nilai {brief(value)} tidak dikenal untuk '{fact.name}'{hint} (pilihan: {shown})",
                node,
                key,
            )

    def conclusions(self) -> None:
        then = self.rule.then
        if not isinstance(then, dict):
            return
        known = facts()["participant"]
        for name, value in then.items():
            if name == "append":
                self.appended(value, then)
                continue
            fact = known.get(str(name))
            if fact is None or not fact.concluded:
                concluded = sorted(n for n, f in known.items() if f.concluded)
                why = "diberikan oleh formula, bukan oleh aturan" if fact else "tidak dikenal"
                self.add(f"kesimpulan '{name}' {why}{suggest(str(name), concluded)}", then, name)
            else:
                self.operand(fact, value, then, name)

    def appended(self, value: object, then: JSON) -> None:
        if not isinstance(value, dict):
            return
        lists = sorted(append_lists())
        for name in value:
            if name not in lists:
                hint = suggest(str(name), lists)
                self.add(f"daftar '{name}' pada append tidak dikenal{hint}", value, name)
            for ref in _fact_refs(value[name]):
                kind, _, fact = ref.rpartition(".")
                if kind in FACT_KINDS or not kind:
                    self.fact(kind or "participant", fact, value, name)


TYPE_WORDS = {
    "integer": "bilangan bulat",
    "number": "bilangan",
    "boolean": "true atau false",
    "string": "teks",
    "array": "daftar",
    "object": "tabel",
    "date": "tanggal",
}


def _of_type(value: object, kind: str) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    return True


def _choices(param: Parameter) -> list[Any]:
    return list(value_schema(param).get("enum") or [])


def _fact_refs(value: object) -> list[str]:
    if isinstance(value, dict) and "fact" in value:
        return [str(value["fact"])]
    if isinstance(value, dict):
        return [ref for v in value.values() for ref in _fact_refs(v)]
    if isinstance(value, list):
        return [ref for v in value for ref in _fact_refs(v)]
    return []


def conflict_problems(
    rules: list[Rule], parameters: dict[str, Parameter], new: list[Rule] | None = None
) -> list[RulebookError]:
    """Pairs of rules in force together, of equal priority, concluding one fact differently under
    conditions that can both hold; with `new`, only pairs involving one of those rules. Each
    problem is reported at the later rule of the pair (a new rule, when one is)."""
    active = [r for r in rules if r.enabled]
    out = []
    for i, a in enumerate(active):
        for b in active[i + 1 :]:
            if new is not None and a not in new and b not in new:
                continue
            clash = _clash(a, b, parameters)
            if clash:
                later, earlier = (a, b) if new is not None and a in new and b not in new else (b, a)
                out.append(_conflict(later, earlier, clash))
    return out


def _conflict(later: Rule, earlier: Rule, fact: str) -> RulebookError:
    return RulebookError(
        f"aturan '{later.id}' dan '{earlier.id}' ({earlier.file}:{earlier.line}) berprioritas "
        f"sama ({later.priority}) dan dapat berlaku bersamaan, tetapi menyimpulkan '{fact}' "
        f"berbeda ({brief(later.then[fact])} dan {brief(earlier.then[fact])}); beri salah satu "
        "prioritas lebih tinggi, atau buat syaratnya saling meniadakan",
        file=later.file,
        line=later.line,
    )


def _clash(a: Rule, b: Rule, parameters: dict[str, Parameter]) -> str | None:
    """The first fact both rules conclude differently, when they can fire together."""
    if a.priority != b.priority or a.phase != b.phase or not _overlap(a, b):
        return None
    if not isinstance(a.then, dict) or not isinstance(b.then, dict):
        return None
    shared = [k for k in a.then if k != "append" and k in b.then and a.then[k] != b.then[k]]
    if not shared or not _nested(a.when, b.when) or _exclusive(a.when, b.when, parameters):
        return None
    return str(shared[0])


def _tested(when: object) -> set[tuple[str, str]]:
    if not isinstance(when, dict):
        return set()
    return {
        (str(kind), str(name))
        for kind, tests in when.items()
        if isinstance(tests, dict)
        for name in tests
    }


def _nested(a: object, b: object) -> bool:
    """One rule tests no fact or parameter the other does not test too."""
    tested_a, tested_b = _tested(a), _tested(b)
    return tested_a <= tested_b or tested_b <= tested_a


def _overlap(a: Rule, b: Rule) -> bool:
    starts = [r.start for r in (a, b) if r.start]
    ends = [r.end for r in (a, b) if r.end]
    return not (starts and ends and min(ends) <= max(starts))


def _exclusive(a: object, b: object, parameters: dict[str, Parameter]) -> bool:
    if not isinstance(a, dict) or not isinstance(b, dict):
        return False
    for kind in set(a) & set(b):
        tests_a, tests_b = a[kind], b[kind]
        if not isinstance(tests_a, dict) or not isinstance(tests_b, dict):
            continue
        for name in set(tests_a) & set(tests_b):
            pair = (_normal(tests_a[name]), _normal(tests_b[name]))
            if all(_disjoint(*_on(pair, law)) for law in _laws(pair, parameters)):
                return True
    return False


def _laws(pair: tuple[Test, Test], parameters: dict[str, Parameter]) -> list[dict[str, Any]]:
    """The values of the parameters the two tests name, on every date one of them changes."""
    named = {v[1] for test in pair for _, v in test if isinstance(v, tuple) and v[0] == "param"}
    found = [parameters[pid] for pid in sorted(named) if pid in parameters]
    days = sorted({v.start for param in found for v in param.values})
    laws: list[dict[str, Any]] = []
    for day in days:
        laws.append({p.id: value.value for p in found if (value := p.at(day)) is not None})
    return laws or [{}]


def _on(pair: tuple[Test, Test], law: dict[str, Any]) -> tuple[Test, Test]:
    """The tests with each parameter replaced by its number in this law."""

    def value(key: Any) -> Any:
        if isinstance(key, tuple) and key[0] == "param" and _number(law.get(key[1])):
            return law[key[1]]
        return key

    return (
        [(op, v if op in ("in", "not_in") else value(v)) for op, v in pair[0]],
        [(op, v if op in ("in", "not_in") else value(v)) for op, v in pair[1]],
    )


Test = list[tuple[str, Any]]


def _normal(test: object) -> Test:
    """A test as (operator, operand) pairs; operands as hashable keys."""
    if not isinstance(test, dict) or set(test) & {"param", "fact"}:
        return [("eq", _key(test))]
    out: Test = []
    for op, raw in test.items():
        if op in ("in", "not_in"):
            out.append((op, frozenset(_key(v) for v in (raw if isinstance(raw, list) else [raw]))))
        else:
            out.append((str(op), _key(raw)))
    return out


def _key(value: object) -> Any:
    if isinstance(value, dict) and "param" in value:
        return ("param", str(value["param"]))
    if isinstance(value, dict) and "fact" in value:
        return ("fact", str(value["fact"]))
    if isinstance(value, (dict, list)):
        return ("literal", json.dumps(value, sort_keys=True, default=str))
    return value


def _literal(key: Any) -> bool:
    return not isinstance(key, tuple)


def _disjoint(a: Test, b: Test) -> bool:
    return any(_never_both(p, q) or _never_both(q, p) for p in a for q in b)


def _never_both(p: tuple[str, Any], q: tuple[str, Any]) -> bool:
    (op_p, x), (op_q, y) = p, q
    if op_p == "present" and op_q == "present":
        return bool(x) != bool(y)
    if op_p == "present" and not x:
        return op_q in ("eq", "in", *BOUNDS, "contains")
    if op_p == "eq" and op_q == "eq":
        return _literal(x) and _literal(y) and x != y
    if op_p == "eq" and op_q == "in":
        return _literal(x) and all(_literal(v) for v in y) and x not in y
    if op_p == "in" and op_q == "in":
        return all(_literal(v) for v in x | y) and not x & y
    if op_p == "eq" and op_q == "ne":
        return bool(x == y)
    if op_p == "eq" and op_q == "not_in":
        return x in y
    if op_p == "in" and op_q == "not_in":
        return bool(x) and x <= y
    if op_p in ("lt", "lte") and op_q in ("gt", "gte"):
        return _apart(x, op_p == "lte", y, op_q == "gte")
    if op_p == "eq" and op_q in BOUNDS and _number(x) and _number(y):
        return not _holds(x, op_q, y)
    return False


def _apart(upper: Any, upper_inclusive: bool, lower: Any, lower_inclusive: bool) -> bool:
    """No value is below `upper` and above `lower`."""
    if upper == lower and not (_literal(upper) and not _number(upper)):
        return not (upper_inclusive and lower_inclusive)
    if _number(upper) and _number(lower):
        return bool(upper < lower)
    if isinstance(upper, tuple) and isinstance(lower, tuple) and upper[0] == lower[0] == "fact":
        return _before(upper[1], lower[1]) and not (upper_inclusive and lower_inclusive)
    return False


def _before(first: str, second: str) -> bool:
    """`first` is never later than `second` (x-not-after, followed)."""
    known = facts()["participant"]
    seen = set()
    while first in known and first not in seen:
        seen.add(first)
        first = known[first].not_after
        if first == second:
            return True
    return False


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _holds(value: Any, op: str, bound: Any) -> bool:
    return bool(
        {"lt": value < bound, "lte": value <= bound, "gt": value > bound, "gte": value >= bound}[op]
    )
