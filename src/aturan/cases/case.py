"""Participant cases: loading, schema validation, and the checks a schema cannot express."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import fastjsonschema
import jsonschema

from aturan.cases.nip import check_appointment, parse_nip
from aturan.cases.plausible import problems as plausibility_problems
from aturan.errors import InputError
from aturan.files import LineDict, load_data


@dataclass
class Case:
    """A participant's history as read and checked. Read-only once built: deciding remembers
    work per case object (decide/passes.py, the decision id), so a changed case is a new Case."""

    data: dict[str, Any]
    source: str = "<case>"
    raw: object = None  # the loaded YAML (with line numbers), for error locations

    @property
    def nip(self) -> str:
        return cast(str, self.data["nip"])

    def date(self, *path: Any) -> dt.date | None:
        node: Any = self.data
        for key in path:
            if node is None:
                return None
            node = node[key] if isinstance(node, list) else node.get(key)
        return dt.date.fromisoformat(node) if node else None

    def line(self, path: Sequence[object]) -> int | None:
        node, line = self.raw, None
        for key in path:
            if isinstance(node, LineDict):
                line = node.line_of(key) if key in node else line
                node = node.get(key)
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                node = node[key]
                line = getattr(node, "line", line)
            else:
                break
        return line


@lru_cache(maxsize=1)
def _case_schema() -> dict[str, Any]:
    schema = json.loads(
        resources.files("aturan").joinpath("schemas/case.schema.json").read_text(encoding="utf-8")
    )
    return cast("dict[str, Any]", _inline_refs(schema, schema["$defs"]))


@lru_cache(maxsize=1)
def case_validator() -> jsonschema.Draft202012Validator:
    """The reference validator: it names the first error's field for the message."""
    return jsonschema.Draft202012Validator(
        _case_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@lru_cache(maxsize=1)
def compiled_case_check() -> Callable[[object], object]:
    """The same schema compiled to Python (fastjsonschema): the fast path for valid cases.
    It only says yes or no; on no, `case_validator` finds and words the error. Dates are checked
    by jsonschema's own `date` format, so both agree on what a date is."""
    schema = {k: v for k, v in _case_schema().items() if k != "$schema"}
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return fastjsonschema.compile(
        schema,
        formats={"date": lambda value: checker.conforms(value, "date")},
        use_default=False,
    )


def schema_errors(data: object) -> list[jsonschema.ValidationError]:
    """The schema's errors for `data`, first the shallowest; [] when valid."""
    try:
        compiled_case_check()(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    return sorted(
        case_validator().iter_errors(data),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """Replace local `#/$defs/x` references by their schema: same validation, without the
    per-instance reference lookups that dominated the cost of deciding a case."""
    if isinstance(node, dict):
        if set(node) == {"$ref"} or ("$ref" in node and node["$ref"].startswith("#/$defs/")):
            target = _inline_refs(defs[node["$ref"].split("/")[-1]], defs)
            return {**target, **{k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def load_case(path: Path | str) -> Case:
    path = Path(path)
    return case_from_data(load_data(path, InputError, allow_aliases=False), str(path))


def case_from_data(raw: object, source: str = "<case>") -> Case:
    """Validate loaded data (YAML/JSON/cohort row) into a Case; raises InputError naming the
    field."""
    if not isinstance(raw, dict):
        raise InputError(
            "kasus harus berupa mapping (objek) dengan isian nip, name, position, role, program",
            file=source,
        )
    case = Case(_plain(raw), source, raw)
    errors = schema_errors(case.data)
    if errors:
        error = errors[0]
        path = list(error.absolute_path)
        raise InputError(
            _schema_message(error), file=source, field=_dotted(path) or None, line=case.line(path)
        )
    _check_plausible(case)
    _check_semantics(case)
    return case


def _plain(value: Any) -> Any:
    """Dates from YAML become ISO strings, so YAML and JSON cases validate the same way."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return (
            value.isoformat()
        )  # a time of day is not a date: the schema refuses it, as in CSV and XLSX
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


_PLAIN = {str, int, float, bool, type(None)}


def _dotted(path: Iterable[object]) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _schema_message(error: jsonschema.ValidationError) -> str:
    validator = error.validator
    if validator == "required":
        return f"isian wajib tidak ada: {error.message.split(' is a required')[0]}"
    if validator == "additionalProperties":
        return f"isian tidak dikenal: {error.message.split('(')[-1].rstrip(')')}"
    if validator == "enum":
        return (
            f"nilai {error.instance!r} tidak dikenal; yang diharapkan salah satu dari "
            f"{error.validator_value}"
        )
    if validator in ("minimum", "maximum"):
        return (
            f"nilai {error.instance!r} di luar rentang yang diharapkan "
            f"({error.schema.get('minimum')}..{error.schema.get('maximum')})"
        )
    if validator == "type":
        return f"nilai {error.instance!r} harus bertipe {error.validator_value}"
    if validator == "format":
        return f"nilai {error.instance!r} bukan tanggal ISO yang valid (YYYY-MM-DD)"
    if validator == "maxLength":
        limit = error.validator_value
        return f"teks {len(error.instance)} karakter melebihi batas {limit} karakter"
    if validator == "minLength":
        return "teks kosong; isi nilainya"
    return cast(str, error.message)


def _check_semantics(case: Case) -> None:
    try:
        parse_nip(case.nip)
    except ValueError as exc:
        raise InputError(str(exc), file=case.source, field="nip", line=case.line(["nip"])) from None
    start, end = case.date("training", "start"), case.date("training", "end")
    if start and end and end < start:
        raise InputError(
            f"tanggal akhir pelatihan ({end}) sebelum tanggal mulai ({start})",
            file=case.source,
            field="training.end",
            line=case.line(["training", "end"]),
        )
    _check_history(case)


EVENT_NAMES = {
    "final_evaluation": "evaluasi akhir",
    "remedial": "remedial",
    "post_assessment": "uji kompetensi",
}


def _check_history(case: Case) -> None:
    """Refuse a history that cannot have happened, naming the event (issue 8, item 9)."""
    start, end = case.date("training", "start"), case.date("training", "end")
    events = list(enumerate(case.data.get("events") or []))
    seen: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, event in sorted(events, key=lambda pair: pair[1]["date"]):
        kind, day = event["type"], dt.date.fromisoformat(event["date"])
        problem = _event_problem(kind, day, event, seen, start, end)
        if problem:
            _refuse_event(case, index, problem)
        seen.setdefault(kind, (index, event))
    _check_same_day(case, "events", [(i, e) for i, e in events if e.get("levels")])
    _check_same_day(case, "assessments", list(enumerate(case.data.get("assessments") or [])))


def _event_problem(
    kind: str,
    day: dt.date,
    event: dict[str, Any],
    seen: dict[str, tuple[int, dict[str, Any]]],
    start: dt.date | None,
    end: dt.date | None,
) -> str | None:
    name = EVENT_NAMES[kind]
    if kind in ("final_evaluation", "remedial") and kind in seen:
        return f"{name} kedua ({day}); {name} sudah tercatat pada {seen[kind][1]['date']}"
    if kind == "final_evaluation" and not (start and end):
        return (
            f"{name} ({day}) tanpa tanggal mulai dan akhir pelatihan (training.start, training.end)"
        )
    if kind != "remedial" and start and day < start:
        return f"{name} ({day}) sebelum pelatihan dimulai ({start})"
    if kind == "remedial":
        final = seen.get("final_evaluation")
        if final is None:
            return f"{name} ({day}) tanpa evaluasi akhir sebelumnya yang menunda kelulusan"
        if final[1]["result"] != "ditunda":
            return (
                f"{name} ({day}) padahal evaluasi akhir {final[1]['date']} menyatakan "
                f"{final[1]['result']}"
            )
        if event["date"] == final[1]["date"]:
            return (
                f"{name} ({day}) pada hari yang sama dengan penundaan kelulusan; remedial menyusul "
                "penundaan"
            )
    return None


def _check_same_day(case: Case, field: str, items: list[tuple[int, dict[str, Any]]]) -> None:
    """Two assessments on one day with different levels contradict each other."""
    by_day: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, item in items:
        other = by_day.get(item["date"])
        if other and other[1].get("levels") != item.get("levels"):
            path = [field, index, "levels"]
            raise InputError(
                f"dua penilaian kompetensi pada {item['date']} dengan level berbeda "
                f"({field}[{other[0]}] dan {field}[{index}])",
                file=case.source,
                field=_dotted(path),
                line=case.line(path),
            )
        by_day.setdefault(item["date"], (index, item))


def _refuse_event(case: Case, index: int, problem: str) -> None:
    path = ["events", index, "date"]
    raise InputError(
        f"riwayat tidak mungkin: {problem}",
        file=case.source,
        field=_dotted(path),
        line=case.line(path),
    )


def _check_plausible(case: Case) -> None:
    """Ranges the schema cannot state: dates, finite numbers, control/bidi characters, blank names
    (plausible.py)."""
    for path, message in plausibility_problems(case.data):
        path = list(path)
        raise InputError(
            message, file=case.source, field=_dotted(path) or None, line=case.line(path)
        )


def _check_appointment(case: Case, as_of: dt.date) -> None:
    """A NIP whose CPNS appointment is after the decision date cannot be right (nip.py)."""
    problem = check_appointment(parse_nip(case.nip), as_of)
    if problem:
        raise InputError(problem, file=case.source, field="nip", line=case.line(["nip"]))


def check_against_date(case: Case, as_of: dt.date) -> None:
    """An assessment cannot be dated after the date the decision is made for.

    (Lifecycle events after that date are not an error: they have not happened yet as of
    that date, and the formulas leave them out, so a cohort can be replayed at any date.)"""
    _check_appointment(case, as_of)
    for index, assessment in enumerate(case.data.get("assessments") or []):
        if dt.date.fromisoformat(assessment["date"]) > as_of:
            path = ["assessments", index, "date"]
            raise InputError(
                f"asesmen bertanggal {assessment['date']}, sesudah tanggal keputusan "
                f"{as_of.isoformat()}",
                file=case.source,
                field=_dotted(path),
                line=case.line(path),
            )
