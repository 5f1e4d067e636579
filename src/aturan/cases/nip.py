"""NIP (Nomor Induk Pegawai): 18 digits, Perka BKN 22/2007.

Layout: birth date YYYYMMDD, CPNS appointment YYYYMM, gender digit (1 male,
2 female), serial NNN.

Plausibility (documented in the README): only the ASCII digits 0-9 (Arabic-Indic, fullwidth and
other Unicode digits would make one person two NIPs); a birth date from 1900 on; an age at CPNS
appointment of AGE_MIN..AGE_MAX whole years (the minimum age for CPNS is 18; the highest
retirement age for administrators is 58); and, checked against the decision date
(`check_appointment`), an appointment that is not after that date.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

AGE_MIN, AGE_MAX = 18, 58


@dataclass(frozen=True)
class Nip:
    birth_date: dt.date
    appointed: tuple[int, int]
    gender: str
    serial: str


def parse_nip(text: object) -> Nip:
    """Parse a NIP; raises ValueError with an Indonesian explanation of what is wrong."""
    if not (isinstance(text, str) and len(text) == 18 and text.isascii() and text.isdigit()):
        raise ValueError(f"NIP harus tepat 18 angka 0-9 (ASCII), bukan {text!r}")
    return _parse_digits(text)


@functools.lru_cache(maxsize=4096)  # a participant's NIP is parsed once per model decided
def _parse_digits(text: str) -> Nip:
    try:
        birth = dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValueError(
            f"tanggal lahir dalam NIP ({text[0:8]}) bukan tanggal yang mungkin"
        ) from None
    year, month = int(text[8:12]), int(text[12:14])
    if not 1 <= month <= 12:
        raise ValueError(f"bulan pengangkatan CPNS dalam NIP ({text[8:14]}) bukan bulan 01-12")
    if (year, month) <= (birth.year, birth.month):
        raise ValueError(
            f"pengangkatan CPNS ({text[8:14]}) tidak mungkin sebelum tanggal lahir ({text[0:8]})"
        )
    if birth.year < 1900:
        raise ValueError(f"tanggal lahir dalam NIP ({text[0:8]}) sebelum tahun 1900")
    age = (year * 12 + month - (birth.year * 12 + birth.month)) // 12
    if not AGE_MIN <= age <= AGE_MAX:
        raise ValueError(
            f"usia saat pengangkatan CPNS menurut NIP ({age} tahun, lahir {text[0:8]}, diangkat "
            f"{text[8:14]}) di luar {AGE_MIN}..{AGE_MAX} tahun"
        )
    if text[14] not in "12":
        raise ValueError(
            "digit jenis kelamin dalam NIP harus 1 (laki-laki) atau 2 (perempuan), bukan "
            f"{text[14]}"
        )
    return Nip(birth, (year, month), "L" if text[14] == "1" else "P", text[15:18])


def check_appointment(nip: Nip, as_of: dt.date) -> str | None:
    """Why a CPNS appointment month after the decision date cannot be, or None."""
    if nip.appointed > (as_of.year, as_of.month):
        return (
            f"pengangkatan CPNS menurut NIP ({nip.appointed[0]:04d}{nip.appointed[1]:02d}) sesudah "
            f"tanggal keputusan {as_of.isoformat()}"
        )
    return None
