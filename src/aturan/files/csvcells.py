"""Cells a spreadsheet shows as text and never runs as a formula (CSV or formula injection).

The rule is OWASP's: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading apostrophe, which Excel and LibreOffice show as text and hide.
A number is data, not a formula: numbers (int, float), and text that is only a plain
number such as "-5", "+3" or "-1.5e3", are written as they are, so a negative difference
stays a number a spreadsheet can add up. Every CSV aturan writes goes through `safe_row`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """The value to write in a CSV cell: text that a spreadsheet would run as a formula gets a
    leading apostrophe; anything else (numbers, plain numbers as text) is left as it is."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """A CSV row, every cell through `safe_cell`."""
    return [safe_cell(v) for v in values]


def safe_record(row: Mapping[str, object]) -> dict[str, object]:
    """A `csv.DictWriter` row, every value through `safe_cell`."""
    return {key: safe_cell(value) for key, value in row.items()}
