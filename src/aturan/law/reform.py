"""Reforms: small overrides of the rulebook, applied as data before compilation (the OpenFisca
idea).

A reform file (YAML), checked against schemas/reform.schema.json before anything is applied:

    name: Masa berlaku asesmen 2 tahun
    new_clauses:                      # the draft articles the changes cite
      - {id: rancangan:pasal-5, citation: Rancangan PerLAN ... Pasal 5, text: ...,
         read_at: draf, status: unconfirmed}
    parameters:
      - id: assessment.validity_years
        from: 2026-01-01
        value: 2                      # or {add: [...]} / {remove: [...]} for a list,
        reference: [rancangan:pasal-5] #    {patch: {...}} for a table
    disable_rules: [rule.id, ...]
    rules: [ ...new or replacing rules, same format as rules/ ... ]

Each value is then checked against its parameter's schema and the constraints between parameters
(constraints.py). `--param id=value` is a reform of one value, built in memory (apply_params).
A reform's changes can be taken one at a time (reform_causes, with_cause): diff's causes.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from aturan.errors import RulebookError
from aturan.files import line_of, load_yaml
from aturan.law.constraints import (
    brief,
    constraint_problems,
    key_problems,
    plain,
    value_problems,
)
from aturan.law.corpus import Clause
from aturan.law.facts import conflict_problems, rule_problems
from aturan.law.params import DatedValue
from aturan.law.rulebook import PHASES, Rulebook, _rule, parameter_from_yaml


def override_parameters(
    book: Rulebook, values: dict[str, Any], start: dt.date = dt.date.min, label: str = "override"
) -> Rulebook:
    """A copy of the rulebook where each parameter takes `value` from `start`, keeping its
    references."""
    changed = copy.copy(book)
    changed.parameters = dict(book.parameters)
    for pid, value in values.items():
        if pid not in book.parameters:
            raise RulebookError(f"parameter '{pid}' tidak dikenal", field=pid)
        param = copy.copy(book.parameters[pid])
        base = param.values[-1]
        param.values = [v for v in param.values if v.start < start] + [
            DatedValue(start, patched(base.value, value), base.reference, "reform", label)
        ]
        changed.parameters[pid] = param
    changed.version = f"{book.version}+{label}"
    return changed


def patched(current: object, change: object) -> object:
    """A reform's value against the value in force: `{patch: {...}}` changes only the named
    entries of a table (deep merge), `{add: [...]}` and `{remove: [...]}` change a list item by
    item; anything else replaces the value. Raises ValueError (in Indonesian) when the change does
    not fit the value: a patch on a list would silently replace it, so it is refused."""
    if not isinstance(change, dict) or not set(change) or not set(change) <= EDITS:
        return change
    if "patch" in change:
        if set(change) != {"patch"} or not isinstance(current, dict):
            raise ValueError(
                "{patch: ...} hanya untuk tabel (mapping); untuk daftar gunakan "
                "{add: [...]} atau {remove: [...]}"
            )
        return _merge(copy.deepcopy(current), change["patch"])
    if not isinstance(current, list):
        raise ValueError("{add: ...} dan {remove: ...} hanya untuk parameter berupa daftar")
    return _edit_list(list(current), change.get("add") or [], change.get("remove") or [])


EDITS = {"patch", "add", "remove"}


def _edit_list(items: list[Any], add: object, remove: object) -> list[Any]:
    if not isinstance(add, list) or not isinstance(remove, list):
        raise ValueError("{add: ...} dan {remove: ...} masing-masing harus berupa daftar")
    missing = [x for x in remove if x not in items]
    if missing:
        raise ValueError(f"tidak dapat menghapus {missing}: tidak ada dalam daftar")
    present = [x for x in add if x in items]
    if present:
        raise ValueError(f"tidak dapat menambah {present}: sudah ada dalam daftar")
    return [x for x in items if x not in remove] + add


def _merge(base: object, patch: object) -> object:
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return patch
    for key, value in patch.items():
        base[key] = _merge(base.get(key), value) if key in base else value
    return base


def apply_reform(book: Rulebook, path: Path) -> Rulebook:
    """The rulebook with the reform file applied; a bad reform raises RulebookError naming the
    file, the field and the line."""
    return reform_from_data(book, load_yaml(path, RulebookError), str(path), Path(path).stem)


def apply_params(book: Rulebook, pairs: list[str] | tuple[str, ...]) -> Rulebook:
    """`--param id=value` (value in YAML: 2, 85.5, true, "[a, b]", "{add: [x]}"): an alternative
    tried without a file, from 1900-01-01, checked exactly as a reform's values. Its reference is
    the --param itself ("diubah lewat --param: id = value"), never the clauses of the value it
    replaces: those do not ground the new value."""
    entries: list[dict[str, Any]] = []
    clauses: list[dict[str, Any]] = []
    for pair in pairs:
        pid, sep, text = pair.partition("=")
        pid = pid.strip()
        if not sep or not pid:
            raise RulebookError(f"'{pair}' bukan bentuk id=nilai", file="--param", field=pair)
        if pid not in book.parameters:
            raise RulebookError(f"parameter '{pid}' tidak dikenal", file="--param", field=pid)
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except (yaml.YAMLError, RecursionError):
            raise RulebookError(
                f"nilai {brief(text)} bukan YAML yang sah", file="--param", field=pid
            ) from None
        clause = {
            "id": f"--param:{pid}",
            "citation": f"diubah lewat --param: {pid} = {text.strip()}",
            "read_at": "--param",
            "status": "assumption",
        }
        clauses.append(clause)
        entries.append({"id": pid, "from": PARAM_FROM, "value": value, "reference": [clause["id"]]})
    if not entries:
        return book
    try:
        name = "--param " + " ".join(pairs)
        data = {"name": name, "new_clauses": clauses, "parameters": entries}
        return reform_from_data(book, data, "--param", "param")
    except RulebookError as exc:
        index = int(exc.field.split("[")[1].split("]")[0]) if exc.field and "[" in exc.field else 0
        exc.field = str(entries[min(index, len(entries) - 1)]["id"])
        raise


PARAM_FROM = dt.date(1900, 1, 1)


def reform_from_data(book: Rulebook, data: Any, source: str, label: str) -> Rulebook:
    if not isinstance(data, dict):
        raise RulebookError("reformasi harus berupa mapping YAML", file=source)
    _check_shape(data, source)
    changed = copy.copy(book)
    changed.corpus = copy.copy(book.corpus)
    changed.corpus.clauses = dict(book.corpus.clauses)
    changed.parameters = dict(book.parameters)
    changed.rules = list(book.rules)
    problems: list[RulebookError] = []
    for raw in data.get("new_clauses") or []:
        changed.corpus.clauses[raw["id"]] = Clause(
            raw["id"],
            raw["citation"],
            str(raw.get("text", "")),
            str(raw.get("read_at", "draf")),
            str(raw.get("status", "unconfirmed")),
            "reform",
            source,
            line_of(raw) or 0,
        )
    for index, raw in enumerate(data.get("parameters") or []):
        _override_parameter(changed, Path(source), raw, problems, index)
    for rule_id in data.get("disable_rules") or []:
        _disable(changed, Path(source), data, rule_id)
    added = []
    for raw in data.get("rules") or []:
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        replaced = book.rule(rule_id) if isinstance(rule_id, str) else None
        rule = _rule(Path(source), raw, problems, replaced.phase if replaced else "design")
        if rule:
            rule.origin = "reform"
            changed.rules = [r for r in changed.rules if r.id != rule.id] + [rule]
            added.append(rule)
    for rule in added:
        problems += rule_problems(rule, changed.parameters)
    if added and not problems:
        problems += conflict_problems(changed.rules, changed.parameters, new=added)
    problems += _unresolved(changed, Path(source), data)
    problems += _broken_constraints(changed, source, data)
    if problems:
        raise problems[0]
    changed.version = f"{book.version}+{label}"
    names = [book.reform_name, str(data.get("name") or label)]
    changed.reform_name = " + ".join(n for n in names if n)
    return changed


def _check_shape(data: dict[str, Any], source: str) -> None:
    """The reform file against schemas/reform.schema.json, before anything is applied: the first
    error (the shallowest) names its field and line."""
    errors = sorted(
        _reform_validator().iter_errors(plain(data)),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )
    if errors:
        error = errors[0]
        path = list(error.absolute_path) + _unexpected(error)[:1]
        raise RulebookError(
            _shape_message(error),
            file=source,
            field=_dotted(path) or None,
            line=_line_at(data, path),
        )


@lru_cache(maxsize=1)
def _reform_validator() -> jsonschema.Draft202012Validator:
    text = resources.files("aturan").joinpath("schemas/reform.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(
        json.loads(text), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _shape_message(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    if kind == "additionalProperties":
        unknown = _unexpected(error)
        known = sorted(error.schema.get("properties", {}))
        close = difflib.get_close_matches(unknown[0], known, n=1) if unknown else []
        hint = f"; maksud Anda '{close[0]}'?" if close else ""
        return f"isian tidak dikenal: {', '.join(unknown)}{hint} (yang dikenal: {', '.join(known)})"
    if kind == "required":
        return f"isian wajib tidak ada: {error.message.split(' is a required')[0]}"
    if kind == "type":
        names = {"array": "daftar", "object": "mapping", "string": "teks"}
        return f"harus berupa {names.get(str(error.validator_value), error.validator_value)}"
    if kind == "format":
        return f"{error.instance!r} bukan tanggal ISO (YYYY-MM-DD)"
    if kind == "enum":
        return f"nilai {error.instance!r} tidak dikenal; pilihan: {error.validator_value}"
    if kind == "pattern":
        return f"{error.instance!r} harus berbentuk instrumen:klausul"
    return f"nilai {error.instance!r} tidak sesuai skema reformasi ({kind})"


def _unexpected(error: jsonschema.ValidationError) -> list[str]:
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    known = error.schema.get("properties", {})
    return [str(k) for k in error.instance if k not in known]


def _dotted(path: list[Any]) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _line_at(data: object, path: list[Any]) -> int | None:
    node, line = data, line_of(data)
    for key in path:
        if isinstance(node, dict) and key in node:
            line = line_of(node, key) or line
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            line = line_of(node) or line
        else:
            break
    return line


def _broken_constraints(book: Rulebook, source: str, data: dict[str, Any]) -> list[RulebookError]:
    entries = {raw.get("id"): raw for raw in data.get("parameters") or [] if isinstance(raw, dict)}
    out = []
    for rule, _day, message in constraint_problems(book.parameters, book.constraints):
        raw = entries.get(rule.greater) or entries.get(rule.than)
        if raw is not None:
            out.append(
                RulebookError(
                    message, file=source, field=str(raw["id"]), line=line_of(raw, "value")
                )
            )
    return out


def _override_parameter(
    book: Rulebook, path: Path, raw: Any, problems: list[RulebookError], index: int = 0
) -> None:
    pid = raw["id"]
    file, field = str(path), f"parameters[{index}].value"
    if pid not in book.parameters:
        known = ", ".join(sorted(book.parameters))
        raise RulebookError(
            f"parameter '{pid}' tidak dikenal; yang dikenal: {known}",
            file=str(path),
            field=f"parameters[{index}].id",
            line=line_of(raw, "id"),
        )
    shaped = {
        "id": pid,
        "title": book.parameters[pid].title,
        "values": [
            {k: raw[k] for k in ("from", "value", "reference", "note") if k in raw}
            | {"status": "reform"}
        ],
    }
    new = parameter_from_yaml(path, shaped, problems)
    if not (new and new.values):
        return
    param = copy.copy(book.parameters[pid])
    start = new.values[0].start
    current = param.at(start) or param.values[0]
    try:
        value = patched(current.value, new.values[0].value)
    except ValueError as exc:
        message = f"parameter '{pid}': {exc}"
        raise RulebookError(message, file=file, field=field, line=line_of(raw, "value")) from None
    wrong = value_problems(param, value) + key_problems(param, value, book.parameters)
    if wrong:
        message = f"parameter '{pid}': {wrong[0]}"
        raise RulebookError(message, file=file, field=field, line=line_of(raw, "value"))
    replaced = [current] + [v for v in param.values if v.start >= start and v is not current]
    grounds = _grounds(replaced, new.values[0])
    change = raw.get("value")
    edit = isinstance(change, dict) and bool(change) and set(change) <= EDITS  # the rest stands
    param.values = [v for v in param.values if v.start < start] + [
        dataclasses.replace(
            new.values[0],
            value=value,
            replaces=() if edit else grounds,
            amends=grounds if edit else (),
        )
    ]
    book.parameters[pid] = param


def _grounds(replaced: list[DatedValue], new: DatedValue) -> tuple[str, ...]:
    """The clauses the replaced values rested on (and those they had amended or replaced in turn)
    that the new value does not cite."""
    old = [c for v in replaced for c in (*v.reference, *v.amends, *v.replaces)]
    return tuple(c for c in dict.fromkeys(old) if c not in new.reference)


def superseded_on(book: Rulebook, day: dt.date) -> dict[str, tuple[list[str], bool]]:
    """Each clause that a reform's value in force on `day` replaced or amended -> (the clauses
    that value cites, whether the old clause still stands beside them): what a step judged on that
    day quotes."""
    out: dict[str, tuple[list[str], bool]] = {}
    for param in book.parameters.values():
        value = param.at(day)
        if value is None:
            continue
        for old, stands in [(c, False) for c in value.replaces] + [(c, True) for c in value.amends]:
            found, kept = out.get(old, ([], True))
            found += [c for c in value.reference if c not in found]
            out[old] = (found, kept and stands)
    return out


def _disable(book: Rulebook, path: Path, data: dict[str, Any], rule_id: str) -> None:
    rule = book.rule(rule_id)
    if rule is None:
        raise RulebookError(
            f"aturan '{rule_id}' yang hendak dinonaktifkan tidak ada",
            file=str(path),
            line=line_of(data, "disable_rules"),
        )
    disabled = copy.copy(rule)
    disabled.enabled = False
    book.rules = [disabled if r.id == rule_id else r for r in book.rules]


def _unresolved(book: Rulebook, path: Path, data: dict[str, Any]) -> list[RulebookError]:
    problems = []
    for param in book.parameters.values():
        for value in param.values:
            for cid in value.reference:
                if book.corpus.clause(cid) is None:
                    problems.append(
                        RulebookError(
                            f"parameter '{param.id}' merujuk klausul '{cid}' yang tidak ada",
                            file=str(path),
                        )
                    )
    for rule in book.rules:
        for cid in rule.cites:
            if book.corpus.clause(cid) is None:
                problems.append(
                    RulebookError(
                        f"aturan '{rule.id}' mengutip klausul '{cid}' yang tidak ada",
                        file=str(path),
                        line=rule.line,
                    )
                )
    return problems


@dataclass(frozen=True)
class Cause:
    """One change a reform makes: a parameter's dated values, or a rule added, replaced or
    disabled. `diff` applies each alone to find which one a participant's change comes from."""

    kind: str  # "parameter" or "aturan"
    id: str
    label: str  # what a drafter reads


def reform_causes(book: Rulebook, reformed: Rulebook) -> list[Cause]:
    """Every change between the baseline and the reformed rulebook, parameters first."""
    out = [
        Cause("parameter", pid, f"parameter {pid}")
        for pid, param in sorted(reformed.parameters.items())
        if book.parameters.get(pid) is None or book.parameters[pid].values != param.values
    ]
    before = {rule.id: rule for rule in book.rules}
    for rule in reformed.rules:
        old = before.get(rule.id)
        if old is None:
            out.append(Cause("aturan", rule.id, f"aturan baru {rule.id}"))
        elif not rule.enabled and old.enabled:
            out.append(Cause("aturan", rule.id, f"aturan {rule.id} dinonaktifkan"))
        elif rule is not old:
            out.append(Cause("aturan", rule.id, f"aturan {rule.id} diganti"))
    return out


# A stretch of dates: from `start` (inclusive) until `end` (exclusive; None: no end).
Period = tuple[dt.date, dt.date | None]


def cause_periods(book: Rulebook, reformed: Rulebook, cause: Cause) -> list[Period]:
    """The dates on which this change makes the law differ from the baseline."""
    if cause.kind == "parameter":
        return _parameter_periods(book, reformed, cause.id)
    old, new = book.rule(cause.id), reformed.rule(cause.id)
    rules = [r for r in (old, new) if r is not None and r.enabled]
    return merged([(r.start or dt.date.min, r.end) for r in rules])


def cause_phases(reformed: Rulebook, cause: Cause) -> set[str]:
    """The phases (design, lifecycle) whose steps this change can alter: a rule's own phase; for
    a parameter, the phases of the formulas declaring it and of the rules naming it (both, when
    none does)."""
    if cause.kind != "parameter":
        rule = reformed.rule(cause.id)
        return {rule.phase} if rule else set(PHASES)
    found: set[str] = set()
    for formula in reformed.formulas:
        if cause.id in formula.params:
            found |= set(PHASES) if formula.phase == "both" else {formula.phase}
    for rule in reformed.rules:
        if cause.id in _named_params(rule.when) | _named_params(rule.then):
            found.add(rule.phase)
    return found or set(PHASES)


def _named_params(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {str(node["param"])} if "param" in node else set()
        if isinstance(node.get("params"), dict):
            found |= {str(k) for k in node["params"]}
        return found.union(*(_named_params(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_named_params(v) for v in node))
    return set()


def _parameter_periods(book: Rulebook, reformed: Rulebook, pid: str) -> list[Period]:
    old, new = book.parameters.get(pid), reformed.parameters[pid]
    days = sorted({v.start for v in new.values} | ({v.start for v in old.values} if old else set()))
    out: list[Period] = []
    for index, day in enumerate(days):
        before, after = (old.at(day) if old else None), new.at(day)
        if (before.value if before else None) != (after.value if after else None):
            out.append((day, days[index + 1] if index + 1 < len(days) else None))
    return merged(out)


def merged(periods: list[Period]) -> list[Period]:
    """Overlapping or touching periods joined, in order."""
    out: list[Period] = []
    for start, end in sorted(periods, key=lambda p: p[0]):
        if out and (out[-1][1] is None or start <= out[-1][1]):
            last_end = out[-1][1]
            out[-1] = (out[-1][0], None if end is None or last_end is None else max(end, last_end))
        else:
            out.append((start, end))
    return out


def in_periods(day: dt.date, periods: list[Period]) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in periods)


def with_cause(book: Rulebook, reformed: Rulebook, cause: Cause) -> Rulebook:
    """The baseline with this one change of the reform (and the reform's draft clauses)."""
    alone = copy.copy(book)
    alone.corpus = reformed.corpus
    if cause.kind == "parameter":
        alone.parameters = dict(book.parameters) | {cause.id: reformed.parameters[cause.id]}
    else:
        rule = next(r for r in reformed.rules if r.id == cause.id)
        alone.rules = [r for r in book.rules if r.id != cause.id] + [rule]
    alone.version = f"{book.version}+{cause.kind}:{cause.id}"
    return alone


def describe_cause(book: Rulebook, reformed: Rulebook, cause: Cause) -> str:
    """A change as a drafter reads it: each new dated value against the value it replaces, with
    the clauses it cites; lists by the items added and removed."""
    if cause.kind != "parameter":
        return cause.label
    old = {v.start: v.value for v in book.parameters[cause.id].values}
    new = [v for v in reformed.parameters[cause.id].values if old.get(v.start) != v.value]
    return "; ".join(
        f"parameter {cause.id} {_since(v.start)}: "
        + _change_text(_value_on(book, cause.id, v.start), v.value)
        + _cited(reformed, v.reference)
        for v in new
    )


def _since(day: dt.date) -> str:
    return "untuk semua tanggal" if day <= PARAM_FROM else f"sejak {day.isoformat()}"


def _value_on(book: Rulebook, pid: str, day: dt.date) -> object:
    """The baseline value a new value replaces: the one in force on its date, or the earliest."""
    param = book.parameters[pid]
    value = param.at(day) or (param.values[0] if param.values else None)
    return value.value if value else None


def _change_text(old: object, new: object) -> str:
    if isinstance(old, list) and isinstance(new, list):
        added = [x for x in new if x not in old]
        removed = [x for x in old if x not in new]
        parts = [f"ditambah {', '.join(map(str, added))}"] if added else []
        parts += [f"dihapus {', '.join(map(str, removed))}"] if removed else []
        return "; ".join(parts) or "urutan berubah"
    return f"{_short(old)} -> {_short(new)}"


def _short(value: object, limit: int = 120) -> str:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        text = f"{len(value)} butir"
    elif isinstance(value, bool):
        text = "ya" if value else "tidak"
    else:
        text = str(dict(value) if isinstance(value, dict) else value)
    return text if len(text) <= limit else text[:limit] + " ..."


def _cited(book: Rulebook, reference: tuple[str, ...]) -> str:
    return f" ({'; '.join(book.citation(c) for c in reference)})" if reference else ""
