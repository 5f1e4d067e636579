"""How aturan writes dates, numbers and money for an Indonesian reader, once for documents, the
lab's tables and the pages: Babel's `id` locale (27 November 2026, 1.234.567 and 4,35, Rp 1.250),
words through num2words (60 (enam puluh))."""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from num2words import num2words

LOCALE = "id"
_BABEL = Locale.parse(LOCALE)  # parsed once: Babel parses a locale name again on every call


def date_text(value: object) -> str:
    """A date as Indonesian write it (27 November 2026); "-" when there is none."""
    if not value:
        return "-"
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return str(format_date(date, "d MMMM y", locale=_BABEL))


WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
"""Western Indonesian Time: documents are dated and signed in it (no summer time)."""


def day_in_wib(instant: str) -> dt.date:
    """The calendar day, in WIB, of a moment the registry records in UTC (ISO 8601)."""
    return dt.datetime.fromisoformat(instant).astimezone(WIB).date()


def number(value: object, digits: int = 2) -> str:
    """A count or a measure: thousands with '.', decimals with ','; anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return str(format_decimal(value, format=pattern, locale=_BABEL))


def number_text(value: int) -> str:
    """A number as letters write it: 60 (enam puluh)."""
    return f"{format_decimal(value, locale=_BABEL)} ({num2words(int(value), lang=LOCALE)})"


def rupiah(value: object) -> str:
    """Whole rupiah: Rp 1.250.000; anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return str(
        format_currency(round(value), "IDR", format="¤ #,##0", currency_digits=False, locale=_BABEL)
    )
