"""How the lab shows numbers, money and dates: aturan.formatting's (Babel, locale `id`: 1.234.567
and 4,35, never "3.000" beside "4.34"), with a difference's sign and a money row's Rp."""

from __future__ import annotations

from aturan.formatting import date_text as day
from aturan.formatting import number, rupiah

__all__ = ["cell", "day", "number", "plain_label", "rupiah", "signed"]
RUPIAH = " (Rp)"  # a measure whose label ends so is money


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
