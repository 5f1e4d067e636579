"""Golden cases: YAML files of (case, as-of date, expected fields), run like `openfisca test`.

A golden file holds a list of tests:

    - name: Asesmen berumur 3 tahun kurang sehari masih berlaku
      as_of: 2026-05-09
      case: {nip: ..., ...}          # or  case_file: ../samples/budi.yaml
      expect:
        prior_assessment.valid: true
        category: MS
      fired: [asesmen.masih-berlaku] # rules that must appear in the trace

A history is replayed at several dates with `timeline:` instead of `as_of`/`expect`; each
point is one golden case ("name @ date"):

    - name: Budi, opsi terpisah, sampai kompeten
      case: {...}
      timeline:
        - {as_of: 2026-02-01, expect: {lifecycle.state: menunggu_pelatihan}}
        - {as_of: 2026-10-01, expect: {lifecycle.state: kompeten}, fired: [hasil.memenuhi-skj]}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from aturan.cases import Case, case_from_data, in_range, load_case, range_message
from aturan.decide import COACHING_GROUP_RULE, Decider, Decision, assign_coaching_groups
from aturan.errors import AturanError, InputError
from aturan.files import line_of, load_yaml
from aturan.law import apply_reform, noting_reads, override_parameters

# What the cohort rule reads (_run_cohort passes both to assign_coaching_groups).
COHORT_RULE_PARAMS = {"coaching.group_size_max", "coaching.same_gap_definition"}


@dataclass
class GoldenResult:
    file: str
    line: int
    name: str
    failures: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    # What the trace matrix reads: rule or formula id -> parameters its steps used in this case;
    # rules whose every step a higher-priority rule overrode; parameters the test sets
    # (`parameters:`, `model:`, `assessment:`); parameters read while deciding (any ParamSet read,
    # steps or not, e.g. design.profile_date).
    used: dict[str, set[str]] = field(default_factory=dict)
    overruled: set[str] = field(default_factory=set)
    sets: set[str] = field(default_factory=set)
    read: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return not self.failures


def golden_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        files += sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    return files


def load_golden(path: Path) -> list[dict[str, Any]]:
    tests = load_yaml(path, InputError)
    if not isinstance(tests, list):
        raise InputError("berkas golden harus berisi daftar uji (list)", file=str(path))
    for index, test in enumerate(tests):
        _check_shape(path, index, test)
    return tests


_KINDS: dict[str, type | tuple[type, ...]] = {
    "name": (str, int, float),
    "as_of": (str, dt.date),
    "case": dict,
    "case_file": str,
    "cohort": list,
    "expect": dict,
    "expect_groups": dict,
    "fired": list,
    "not_fired": list,
    "model": str,
    "assessment": str,
    "parameters": dict,
    "reform": str,
    "timeline": list,
}
_POINT_KEYS = ("as_of", "expect", "fired", "not_fired")


def _check_shape(path: Path, index: int, test: object) -> None:
    """Each test a mapping of known keys of the right kinds, with a plausible as_of, before any is
    run."""

    def refuse(message: str, key: str | None = None) -> NoReturn:
        raise InputError(
            message,
            file=str(path),
            field=f"[{index}]" + (f".{key}" if key else ""),
            line=line_of(test, key) if key else line_of(test),
        )

    if not isinstance(test, dict):
        refuse(
            "setiap uji golden harus berupa mapping (name, as_of, case/case_file/cohort, expect)"
        )
    for key, value in test.items():
        kind = _KINDS.get(key)
        if kind is None:
            refuse(f"isian uji tidak dikenal: {key!r}; yang dikenal: {', '.join(_KINDS)}", key)
        if not isinstance(value, kind):
            found = (
                "daftar"
                if isinstance(value, list)
                else "mapping"
                if isinstance(value, dict)
                else repr(value)[:40]
            )
            refuse(f"isian '{key}' tidak sesuai: {found}", key)
    sources = [key for key in ("case", "case_file", "cohort") if key in test]
    if len(sources) != 1:
        refuse("setiap uji memerlukan tepat satu dari case, case_file atau cohort")
    if "timeline" not in test:
        _check_point(test, refuse)
        return
    clash = [key for key in _POINT_KEYS if key in test]
    if clash or not test["timeline"]:
        refuse(
            f"uji dengan 'timeline' menaruh {', '.join(_POINT_KEYS)} di setiap titiknya", "timeline"
        )
    for point in test["timeline"]:
        unknown = (
            [key for key in point if key not in _POINT_KEYS] if isinstance(point, dict) else ["?"]
        )
        if unknown:
            refuse(
                f"titik timeline harus berupa mapping dengan isian {', '.join(_POINT_KEYS)}",
                "timeline",
            )
        _check_point(point, refuse)


def _check_point(test: dict[str, Any], refuse: Callable[..., NoReturn]) -> None:
    """The date and expectations of one test, or of one point of a timeline."""
    if "as_of" not in test:
        refuse("isian wajib tidak ada: as_of")
    try:
        as_of = (
            test["as_of"]
            if isinstance(test["as_of"], dt.date)
            else dt.date.fromisoformat(test["as_of"])
        )
    except (ValueError, TypeError):
        refuse(f"as_of {test['as_of']!r} bukan tanggal ISO (YYYY-MM-DD)", "as_of")
    if not in_range(as_of):
        refuse(range_message(as_of), "as_of")
    for key in ("fired", "not_fired"):
        if not isinstance(test.get(key) or [], list) or not all(
            isinstance(r, str) for r in test.get(key) or []
        ):
            refuse(f"'{key}' harus berupa daftar id aturan (teks)", key)
    if not isinstance(test.get("expect") or {}, dict) or not all(
        isinstance(k, str) for k in (test.get("expect") or {})
    ):
        refuse("kunci 'expect' harus berupa teks (mis. category, design.status)", "expect")


def run_golden(decider: Decider, path: Path) -> list[GoldenResult]:
    return [result for test in load_golden(path) for result in run_test(decider, path, test)]


def run_test(decider: Decider, path: Path, test: dict[str, Any]) -> list[GoldenResult]:
    """One test, or one result per point of its timeline."""
    if not isinstance(test, dict) or "timeline" not in test:
        return [run_one(decider, path, test)]
    base = {k: v for k, v in test.items() if k != "timeline"}
    return [
        run_one(
            decider,
            path,
            dict(base, **point, name=f"{test.get('name', '?')} @ {point.get('as_of')}"),
            line_of(point),
        )
        for point in test["timeline"] or []
    ]


def run_one(
    decider: Decider, path: Path, test: dict[str, Any], line: int | None = None
) -> GoldenResult:
    result = GoldenResult(str(path), line or line_of(test) or 0, str(test.get("name", "?")))
    test = dict(test, _dir=str(path.parent))
    if "cohort" in test:
        return _run_cohort(decider, path, test, result)
    try:
        case = (
            load_case(path.parent / test["case_file"])
            if "case_file" in test
            else case_from_data(test["case"], f"{path}")
        )
        as_of = (
            test["as_of"]
            if isinstance(test["as_of"], dt.date)
            else dt.date.fromisoformat(str(test["as_of"]))
        )
        with noting_reads() as notes:
            decision = decide_for_test(decider, case, as_of, test)
    except AturanError as exc:
        result.failures.append(f"galat masukan: {exc}")
        return result
    except KeyError as exc:
        result.failures.append(f"uji tanpa isian {exc}")
        return result
    result.fired = [step["rule"] for step in decision.trace]
    _record(result, test, decision.trace, notes)
    written = decision.to_json()  # expectations are paths in the decision's JSON
    for dotted, expected in (test.get("expect") or {}).items():
        failure = compare(lookup(written, dotted), expected)
        if failure:
            result.failures.append(f"{dotted}: {failure}")
    for rule_id in test.get("fired") or []:
        if rule_id not in result.fired:
            result.failures.append(
                f"aturan '{rule_id}' diharapkan berlaku, tetapi tidak ada di jejak"
            )
    for rule_id in test.get("not_fired") or []:
        if rule_id in result.fired:
            result.failures.append(
                f"aturan '{rule_id}' diharapkan tidak berlaku, tetapi ada di jejak"
            )
    return result


def _run_cohort(
    decider: Decider, path: Path, test: dict[str, Any], result: GoldenResult
) -> GoldenResult:
    """A cohort test: decide every case, apply the cohort-level rules, compare the coaching
    groups."""
    try:
        as_of = (
            test["as_of"]
            if isinstance(test["as_of"], dt.date)
            else dt.date.fromisoformat(str(test["as_of"]))
        )
        with noting_reads() as notes:
            decisions = [
                decide_for_test(decider, case_from_data(raw, str(path)), as_of, test)
                for raw in test["cohort"]
            ]
    except AturanError as exc:
        result.failures.append(f"galat masukan: {exc}")
        return result
    overrides, law = test.get("parameters") or {}, decider.params_on(as_of)
    size = overrides.get("coaching.group_size_max") or law["coaching.group_size_max"]
    definition = (
        overrides.get("coaching.same_gap_definition") or law["coaching.same_gap_definition"]
    )
    grouped, groups = assign_coaching_groups(
        decisions, int(size), decider.rulebook.citation, str(definition)
    )
    result.fired = sorted({step["rule"] for d in grouped for step in d.trace})
    _record(result, test, [step for d in grouped for step in d.trace], notes)
    if COACHING_GROUP_RULE["rule"] in result.fired:
        result.used[COACHING_GROUP_RULE["rule"]] = set(COHORT_RULE_PARAMS)
    failure = compare(groups, test.get("expect_groups") or {})
    if failure:
        result.failures.append(f"kelompok coaching: {failure}")
    return result


def _record(
    result: GoldenResult,
    test: dict[str, Any],
    steps: Iterable[dict[str, Any]],
    notes: dict[tuple[dt.date, str], Any],
) -> None:
    """What the trace matrix needs from one case: the parameters each step used, the rules that
    were overruled wherever they fired, the parameters set and read."""
    stood: set[str] = set()
    for step in steps:
        result.used.setdefault(step["rule"], set()).update(step.get("params") or {})
        (result.overruled if _overruled(step) else stood).add(step["rule"])
    result.overruled -= stood
    result.sets = set(test.get("parameters") or {})
    result.sets |= {
        pid
        for key, pid in (
            ("model", "integration.model"),
            ("assessment", "integration.assessment_option"),
        )
        if test.get(key)
    }
    result.read = {pid for _, pid in notes}


def _overruled(step: dict[str, Any]) -> bool:
    """A rule step whose every conclusion a higher-priority rule set instead (it appended
    nothing): the rule decided nothing in that step."""
    overridden = set(step.get("overridden") or ())
    return (
        bool(overridden)
        and overridden >= set(step.get("concludes") or {})
        and not step.get("appends")
    )


def decide_for_test(decider: Decider, case: Case, as_of: dt.date, test: dict[str, Any]) -> Decision:
    """A test may set `model:`, `assessment:` or `parameters:` (a drafter's alternative); each
    alternative is compiled once, kept by the decider it was made from (`Decider.variant`)."""
    if test.get("reform"):
        reform = Path(test["_dir"]) / test["reform"]
        decider = decider.variant(("reform", str(reform)), lambda book: apply_reform(book, reform))
    overrides = dict(test.get("parameters") or {})
    if test.get("model"):
        overrides["integration.model"] = test["model"]
    if test.get("assessment"):
        overrides["integration.assessment_option"] = test["assessment"]
    if overrides:
        decider = decider.variant(
            ("parameters", repr(sorted(overrides.items(), key=str))),
            lambda book: override_parameters(book, dict(overrides), label="golden"),
        )
    return decider.decide(case, as_of)


def lookup(node: Any, dotted: str) -> Any:
    """`a.b.0.c` walks mappings and list indexes; `a.b[].c` collects `c` from every item of list
    `b`."""
    head, sep, rest = dotted.partition("[].")
    for part in head.split("."):
        if isinstance(node, list):
            node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    if sep:
        return [lookup(item, rest) for item in (node if isinstance(node, list) else [])]
    return node


def compare(actual: object, expected: object) -> str | None:
    """Equality, or `{includes: [...]}`, `{excludes: [...]}`, `{length: n}` for lists."""
    if (
        isinstance(expected, dict)
        and set(expected) <= {"includes", "excludes", "length"}
        and expected
    ):
        actual_list = _normal(actual) or []
        actual_list = actual_list if isinstance(actual_list, list) else [actual_list]
        missing = [
            x for x in _listed(_normal(expected.get("includes", []))) if x not in actual_list
        ]
        present = [x for x in _listed(_normal(expected.get("excludes", []))) if x in actual_list]
        if missing:
            return f"diharapkan memuat {missing}, hasilnya {actual_list}"
        if present:
            return f"diharapkan tidak memuat {present}, hasilnya {actual_list}"
        if "length" in expected and len(actual_list) != expected["length"]:
            return (
                f"diharapkan {expected['length']} butir, hasilnya {len(actual_list)}: {actual_list}"
            )
        return None
    if _normal(actual) != _normal(expected):
        return f"diharapkan {expected!r}, hasilnya {actual!r}"
    return None


def _listed(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _normal(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value
