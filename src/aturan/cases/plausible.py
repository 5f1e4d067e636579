"""Plausibility checks on a case beyond what its JSON Schema can say. The limits are documented
in the README (section "Bad input") and the schema's descriptions.

- Dates lie between `DATE_MIN` and `DATE_MAX`. That holds every date a serving civil servant's
  record can carry (a NIP's birth year is checked against the same range), and keeps every date
  the rules compute from them (validity periods, deadlines, a few years on) far from the year
  9999 where Python's dates end: a date outside the range gets a range error, never an overflow.
- Numbers are finite (a YAML `.nan` or `.inf` is refused; JSON refuses them on reading).
- Text fields hold no control characters (U+0000-U+001F, U+007F-U+009F) and no bidirectional
  controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): a right-to-left override
  makes "Budi Santoso" print as something else on a certificate, in the registry and on a terminal.
- A name has at least one letter: blank names and names of only spaces or invisible characters
  (zero-width space, joiners, word joiner, BOM) are refused. Its length (at most 120 characters)
  is the schema's `maxLength`; every document prints a plausible name in full, so no document
  type has a limit of its own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
_DATE_KEYS = ("date", "start", "end")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def forbidden_char(text: str) -> str | None:
    """A description of the first control or bidi character in `text`, or None."""
    match = _FORBIDDEN.search(text)
    if not match:
        return None
    char = match.group()
    name = unicodedata.name(char, "karakter kendali")
    return f"U+{ord(char):04X} ({name})"


def clean(text: object) -> str:
    """Text safe to show on a terminal or in a document: control and bidi characters removed."""
    return _FORBIDDEN.sub("", str(text)) if text is not None else ""


def has_letter(text: str) -> bool:
    return any(unicodedata.category(char).startswith("L") for char in text)


def in_range(date: dt.date) -> bool:
    return DATE_MIN <= date <= DATE_MAX


def range_message(value: object) -> str:
    return (
        f"tanggal {value} di luar rentang yang masuk akal ({DATE_MIN.isoformat()} s.d. "
        f"{DATE_MAX.isoformat()})"
    )


def problems(
    data: object, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[Sequence[str | int], str]]:
    """Yield (field path, message) for every implausible value in loaded case data, in document
    order. A walk with a stack, not recursion: it runs on every case read."""
    stack = [(path, data)]
    while stack:
        here, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*here, key), value) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(
                ((*here, index), value) for index, value in reversed(list(enumerate(node)))
            )
        elif isinstance(node, str):
            problem = _text_problem(here, node)
            if problem:
                yield here, problem
        elif isinstance(node, float) and not math.isfinite(node):
            yield here, f"nilai {node} tidak diizinkan; angka harus terhingga"


def _text_problem(path: tuple[str | int, ...], text: str) -> str | None:
    bad = forbidden_char(text)
    if bad:
        return (
            f"berisi karakter {bad} yang tidak diizinkan (karakter kendali atau pengatur arah teks)"
        )
    if path and path[-1] in _DATE_KEYS and _ISO.fullmatch(text):
        try:
            date = dt.date.fromisoformat(text)
        except ValueError:
            return None  # the schema's format check names it
        return None if in_range(date) else range_message(text)
    if path == ("name",) and not has_letter(text):
        return "nama kosong atau hanya berisi spasi/karakter tak terlihat; isi nama peserta"
    return None
