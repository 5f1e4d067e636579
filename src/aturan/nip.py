"""NIP (Nomor Induk Pegawai): 18 digits, Perka BKN 22/2007.

Layout: birth date YYYYMMDD, CPNS appointment YYYYMM, gender digit (1 male,
2 female), serial NNN.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Nip:
    birth_date: dt.date
    appointed: tuple[int, int]
    gender: str
    serial: str


def parse_nip(text: str) -> Nip:
    """Parse a NIP; raises ValueError with an Indonesian explanation of what is wrong."""
    if not (isinstance(text, str) and len(text) == 18 and text.isdigit()):
        raise ValueError(f"NIP harus tepat 18 angka, bukan {text!r}")
    try:
        birth = dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValueError(f"tanggal lahir dalam NIP ({text[0:8]}) bukan tanggal yang mungkin") from None
    year, month = int(text[8:12]), int(text[12:14])
    if not 1 <= month <= 12:
        raise ValueError(f"bulan pengangkatan CPNS dalam NIP ({text[8:14]}) bukan bulan 01-12")
    if (year, month) <= (birth.year, birth.month):
        raise ValueError(f"pengangkatan CPNS ({text[8:14]}) tidak mungkin sebelum tanggal lahir ({text[0:8]})")
    if text[14] not in "12":
        raise ValueError(f"digit jenis kelamin dalam NIP harus 1 (laki-laki) atau 2 (perempuan), bukan {text[14]}")
    return Nip(birth, (year, month), "L" if text[14] == "1" else "P", text[15:18])
