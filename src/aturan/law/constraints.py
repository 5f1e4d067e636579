"""What a parameter's value may be, and how related parameters must stand to each other.

A parameter may declare `schema:` (a JSON Schema fragment: type, range, enum); without one its type
is inferred from its first baseline value (a whole number stays whole, a yes/no stays yes/no, a
table keeps its keys, a list stays a list of text), and an interpretive text parameter takes the
codes of its alternatives as its choices. A parameter file may declare `constraints:` between
parameters, checked on every date any of them changes:

    constraints:
      - id: jpm.seleksi.urutan
        greater: jpm.selection.ms_min        # this one must be strictly greater ...
        than: jpm.selection.mms_min          # ... than this one, on every date
        message: batas MS harus di atas batas MMS
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

import jsonschema

from aturan.law.params import Parameter

TYPE_NAMES = {
    "integer": "bilangan bulat",
    "number": "bilangan",
    "boolean": "ya/tidak (true/false)",
    "string": "teks",
    "object": "tabel (mapping)",
    "array": "daftar",
}


@dataclass(frozen=True)
class Constraint:
    id: str
    greater: str
    than: str
    message: str
    file: str
    line: int


def value_schema(param: Parameter) -> dict[str, Any]:
    """The declared schema, or one inferred from the first baseline value."""
    if param.schema:
        return param.schema
    first = param.values[0].value if param.values else None
    schema = _inferred(first)
    choices = [str(a).split(":")[0].strip() for a in param.alternatives]
    if isinstance(first, str) and param.interpretive and str(first) in choices:
        schema["enum"] = [c for c in choices if c not in not_implemented(param)]
    return schema


NOT_IMPLEMENTED = "belum diimplementasikan"


def not_implemented(param: Parameter) -> set[str]:
    """The codes of alternatives documented for the drafters but not built (so marked)."""
    return {str(a).split(":")[0].strip() for a in param.alternatives if NOT_IMPLEMENTED in str(a)}


def _inferred(value: object) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        items = {"type": "string"} if all(isinstance(v, str) for v in value) else {}
        return {"type": "array", "items": items}
    if isinstance(value, dict):
        return {"type": "object"} | _table(value)
    return {}


def _table(value: dict[Any, Any]) -> dict[str, Any]:
    """A flat table of numbers or texts keeps its keys and their types; a nested one only its
    kind."""
    if not all(isinstance(v, (int, float, str)) for v in value.values()):
        return {}
    return {
        "properties": {str(k): _inferred(v) for k, v in value.items()},
        "required": [str(k) for k in value],
        "additionalProperties": False,
    }


def value_problems(param: Parameter, value: object) -> list[str]:
    """Indonesian messages for a value the parameter does not accept; empty when it does."""
    if isinstance(value, str) and value in not_implemented(param):
        return [
            f"pilihan {value!r} tercantum sebagai alternatif tetapi {NOT_IMPLEMENTED} oleh mesin"
        ]
    validator = jsonschema.Draft202012Validator(value_schema(param))
    return [_message(param, e) for e in validator.iter_errors(plain(value))]


def plain(value: object) -> object:
    """YAML data as JSON Schema sees it: string keys, dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _message(param: Parameter, error: jsonschema.ValidationError) -> str:
    where = "".join(f"[{k}]" for k in error.absolute_path)
    shown = f"nilai {brief(error.instance)}" + (f" pada {where}" if where else "")
    kind = error.validator
    if kind == "type":
        expected = error.validator_value
        names = [
            TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected])
        ]
        return f"{shown} harus berupa {' atau '.join(str(n) for n in names)}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        schema = error.schema if isinstance(error.schema, dict) else {}
        low, high = schema.get("minimum", "-"), schema.get("maximum", "-")
        return f"{shown} di luar rentang yang diizinkan ({low}..{high})"
    if kind == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return f"{shown} bukan pilihan yang dikenal; pilihan: {choices}"
    if kind == "required":
        return f"tabel tanpa kunci wajib: {error.message.split(' is a required')[0]}"
    if kind == "additionalProperties":
        return f"kunci tabel tidak dikenal: {error.message.split('(')[-1].rstrip(')')}"
    return f"{shown} tidak sesuai ketentuan parameter '{param.id}' ({kind})"


def key_problems(param: Parameter, value: object, parameters: dict[str, Parameter]) -> list[str]:
    """`x-items-of: <parameter>` in a schema: each item of the list must be a key of that
    parameter's table (the never-waivable subjects are subjects of the curriculum)."""
    source = param.schema.get("x-items-of")
    table = parameters.get(str(source)) if source else None
    if table is None or not isinstance(value, list):
        return []
    known = {str(k) for v in table.values if isinstance(v.value, dict) for k in v.value}
    unknown = [str(x) for x in value if str(x) not in known]
    if not unknown:
        return []
    hints = [difflib.get_close_matches(x, sorted(known), n=1) for x in unknown]
    shown = [f"{x} (maksud Anda {h[0]}?)" if h else x for x, h in zip(unknown, hints)]
    return [f"butir tidak dikenal di {source}: {', '.join(shown)}"]


def brief(value: object, limit: int = 80) -> str:
    """A value as a message shows it: its repr, cut after `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + " ..."


def constraint_problems(
    parameters: dict[str, Parameter], constraints: list[Constraint]
) -> list[tuple[Constraint, dt.date, str]]:
    """Each constraint broken on a date where one of its parameters takes a value."""
    out = []
    for rule in constraints:
        high, low = parameters.get(rule.greater), parameters.get(rule.than)
        if high is None or low is None:
            out.append(
                (rule, dt.date.min, f"batasan '{rule.id}' menyebut parameter yang tidak ada")
            )
            continue
        for day in sorted({v.start for v in high.values + low.values}):
            a, b = high.at(day), low.at(day)
            if a is None or b is None or not _numbers(a.value, b.value):
                continue
            if not a.value > b.value:  # type: ignore[operator]
                out.append((rule, day, _broken(rule, a.value, b.value, day)))
    return out


def _numbers(*values: object) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _broken(rule: Constraint, high: object, low: object, day: dt.date) -> str:
    return (
        f"{rule.message}: {rule.greater} = {high} tidak lebih besar dari {rule.than} = {low} "
        f"(berlaku sejak {day.isoformat()})"
    )
