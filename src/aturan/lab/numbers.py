"""How the lab writes numbers, money and dates for an Indonesian reader (Babel, locale `id`):
1.234.567 and 4,35, never "3.000" beside "4.34"."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LOCALE = "id"
RUPIAH = " (Rp)"  # a measure whose label ends so is money


def number(value: object, digits: int = 2) -> str:
    """A count or a measure: thousands with '.', decimals with ','; anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_decimal(
        value, format="#,##0." + "#" * digits if digits else "#,##0", locale=LOCALE
    )


def rupiah(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_currency(
        round(value), "IDR", format="¤ #,##0", currency_digits=False, locale=LOCALE
    )


def signed(value: object, money: bool = False) -> str:
    """A difference, with its sign (+/−); zero is 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = rupiah(abs(value)) if money else number(abs(value))
    return text if value == 0 else ("+" if value > 0 else "−") + text


def cell(label: str, value: object) -> str:
    return rupiah(value) if label.endswith(RUPIAH) else number(value)


def plain_label(label: str) -> str:
    """The label as shown once its values carry 'Rp' themselves."""
    return label[: -len(RUPIAH)] if label.endswith(RUPIAH) else label


def day(value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale=LOCALE)
