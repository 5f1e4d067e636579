"""How documents write things in Indonesian: dates, numbers spelt out, quotes in whole sentences,
the addressee's title, program and stage names. Dates and numbers go through Babel's `id`
locale, words through num2words."""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from num2words import num2words

from aturan.law import whole_sentences
from aturan.vocabulary import STAGES

__all__ = [
    "POSITION_NAMES",
    "PROGRAM_NAMES",
    "STAGES",
    "addressee_title",
    "date_text",
    "decimal_text",
    "number_text",
    "rupiah",
    "whole_sentences",
]

LOCALE = "id"


# The program names documents print: spelt out alike for all four (PKN I/II as PKA and PKP).
PROGRAM_NAMES = {
    "pkn_1": "Pelatihan Kepemimpinan Nasional Tingkat I",
    "pkn_2": "Pelatihan Kepemimpinan Nasional Tingkat II",
    "pka": "Pelatihan Kepemimpinan Administrator",
    "pkp": "Pelatihan Kepemimpinan Pengawas",
}

# The position a certificate names: "KOMPETEN untuk jabatan <this>".
POSITION_NAMES = {
    "jpt_utama": "Pimpinan Tinggi Utama",
    "jpt_madya": "Pimpinan Tinggi Madya",
    "jpt_pratama": "Pimpinan Tinggi Pratama",
    "administrator": "Administrator",
    "pengawas": "Pengawas",
}


def date_text(value) -> str:
    """A date as Indonesian write it (27 November 2026); "-" when there is none."""
    if not value:
        return "-"
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return format_date(date, "d MMMM y", locale=LOCALE)


def number_text(value: int) -> str:
    """A number as letters write it: 60 (enam puluh)."""
    return f"{format_decimal(value, locale=LOCALE)} ({num2words(int(value), lang=LOCALE)})"


def decimal_text(value: float) -> str:
    return format_decimal(value, locale=LOCALE)


def rupiah(value: float) -> str:
    return format_currency(value, "IDR", locale=LOCALE)


def addressee_title(agency: str, titles: list[dict], default: str) -> str:
    """The title of the agency's Pejabat Pembina Kepegawaian, from the configured map: the first
    entry whose word occurs in the agency's name as a whole word gives its title, followed by the
    name after that word up to the next configured word ("Pemerintah Kabupaten Sleman" -> "Bupati
    Sleman", "Kantor Wilayah Kementerian Agama Provinsi Jawa Barat" -> "Menteri Agama"); an
    entry with an empty title, or none found, gives the default, with {agency}."""
    words = [str(entry.get("word", "")) for entry in titles if entry.get("word")]
    for entry in titles:
        word = str(entry.get("word", ""))
        found = re.search(rf"\b{re.escape(word)}\b\s+(.+)$", agency) if word else None
        if found and not entry.get("title"):
            break
        if found:
            rest = found.group(1)
            for other in words:
                rest = re.split(rf"\s+\b{re.escape(other)}\b", rest)[0]
            return f"{entry['title']} {rest.strip()}"
    return default.replace("{agency}", agency)
