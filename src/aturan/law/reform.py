"""Reforms: small overrides of the rulebook, applied as data before compilation (the OpenFisca
idea).

A reform file (YAML):

    name: Masa berlaku asesmen 2 tahun
    cites: [...]                      # optional: clauses of the drafter's draft, listed in
                                      # `new_clauses`
    new_clauses:                      # the draft articles the changes cite
      - {id: rancangan:pasal-5, citation: Rancangan PerLAN ... Pasal 5, text: ...,
         read_at: draf, status: unconfirmed}
    parameters:
      - id: assessment.validity_years
        from: 2026-01-01
        value: 2
        reference: [rancangan:pasal-5]
    disable_rules: [rule.id, ...]
    rules: [ ...new or replacing rules, same format as rules/ ... ]
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from aturan.errors import RulebookError
from aturan.files import line_of, load_yaml
from aturan.law.corpus import Clause
from aturan.law.params import DatedValue
from aturan.law.rulebook import Rulebook, _rule, parameter_from_yaml


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
    """`{patch: {...}}` changes only the named entries of a table-valued parameter (deep merge)."""
    if not (isinstance(change, dict) and set(change) == {"patch"}):
        return change
    return _merge(copy.deepcopy(current), change["patch"])


def _merge(base: object, patch: object) -> object:
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return patch
    for key, value in patch.items():
        base[key] = _merge(base.get(key), value) if key in base else value
    return base


def apply_reform(book: Rulebook, path: Path) -> Rulebook:
    data = load_yaml(path, RulebookError)
    if not isinstance(data, dict):
        raise RulebookError("reformasi harus berupa mapping YAML", file=str(path))
    _check_shape(data, path)
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
            str(path),
            line_of(raw) or 0,
        )
    for raw in data.get("parameters") or []:
        _override_parameter(changed, path, raw, problems)
    for rule_id in data.get("disable_rules") or []:
        _disable(changed, path, data, rule_id)
    for raw in data.get("rules") or []:
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        replaced = book.rule(rule_id) if isinstance(rule_id, str) else None
        rule = _rule(path, raw, problems, replaced.phase if replaced else "design")
        if rule:
            rule.origin = "reform"
            changed.rules = [r for r in changed.rules if r.id != rule.id] + [rule]
    problems += _unresolved(changed, path, data)
    if problems:
        raise problems[0]
    changed.version = f"{book.version}+{Path(path).stem}"
    return changed


REFORM_KEYS = {
    "name": str,
    "description": str,
    "note": str,
    "new_clauses": list,
    "parameters": list,
    "disable_rules": list,
    "rules": list,
}


def _check_shape(data: dict[str, Any], path: Path) -> None:
    """Known top-level keys of the right kind, and clauses and parameters as mappings, before
    anything is applied."""
    for key, value in data.items():
        kind = REFORM_KEYS.get(key)
        if kind is None:
            raise RulebookError(
                f"isian reformasi tidak dikenal: {key!r}; yang dikenal: {', '.join(REFORM_KEYS)}",
                file=str(path),
                field=str(key),
                line=line_of(data, key),
            )
        if value is not None and not isinstance(value, kind):
            raise RulebookError(
                f"isian '{key}' harus berupa {'daftar' if kind is list else 'teks'}",
                file=str(path),
                field=str(key),
                line=line_of(data, key),
            )
    for section, needed in (
        ("new_clauses", ("id", "citation")),
        ("parameters", ("id",)),
        ("rules", ("id",)),
    ):
        for index, raw in enumerate(data.get(section) or []):
            if not isinstance(raw, dict) or any(not isinstance(raw.get(k), str) for k in needed):
                raise RulebookError(
                    f"setiap entri '{section}' harus berupa mapping dengan isian teks "
                    f"{', '.join(needed)}",
                    file=str(path),
                    field=f"{section}[{index}]",
                    line=line_of(raw) or line_of(data, section),
                )
    for index, rule_id in enumerate(data.get("disable_rules") or []):
        if not isinstance(rule_id, str):
            raise RulebookError(
                "setiap entri 'disable_rules' harus berupa id aturan (teks)",
                file=str(path),
                field=f"disable_rules[{index}]",
                line=line_of(data, "disable_rules"),
            )


def _override_parameter(
    book: Rulebook, path: Path, raw: Any, problems: list[RulebookError]
) -> None:
    pid = raw.get("id") if isinstance(raw, dict) else None
    if pid not in book.parameters:
        raise RulebookError(f"parameter '{pid}' tidak dikenal", file=str(path), line=line_of(raw))
    shaped = {
        "id": pid,
        "title": book.parameters[pid].title,
        "values": [
            {k: raw[k] for k in ("from", "value", "reference", "note") if k in raw}
            | {"status": "reform"}
        ],
    }
    new = parameter_from_yaml(path, shaped, problems)
    if new and new.values:
        param = copy.copy(book.parameters[pid])
        start = new.values[0].start
        current = param.at(start) or param.values[-1]
        new.values = [
            dataclasses.replace(v, value=patched(current.value, v.value)) for v in new.values
        ]
        param.values = [v for v in param.values if v.start < start] + new.values
        book.parameters[pid] = param


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
