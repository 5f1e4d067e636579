"""How documents write things in Indonesian: dates, numbers spelt out, quotes in whole sentences,
the addressee's title, program and stage names. Dates and numbers are aturan.formatting's
(Babel's `id` locale, words through num2words); program names are aturan.vocabulary's."""

from __future__ import annotations

import re
from collections.abc import Mapping

from aturan.formatting import date_text, number_text
from aturan.law import whole_sentences
from aturan.vocabulary import PROGRAMS, STAGES

__all__ = [
    "POSITION_NAMES",
    "PROGRAM_NAMES",
    "STAGES",
    "addressee_title",
    "date_text",
    "number_text",
    "whole_sentences",
]

# The program names documents print: spelt out alike for all four (PKN I/II as PKA and PKP).
PROGRAM_NAMES = {key: names[0] for key, names in PROGRAMS.items()}

# The position a certificate names: "KOMPETEN untuk jabatan <this>".
POSITION_NAMES = {
    "jpt_utama": "Pimpinan Tinggi Utama",
    "jpt_madya": "Pimpinan Tinggi Madya",
    "jpt_pratama": "Pimpinan Tinggi Pratama",
    "administrator": "Administrator",
    "pengawas": "Pengawas",
}


def addressee_title(agency: str, titles: list[Mapping[str, object]], default: str) -> str:
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
