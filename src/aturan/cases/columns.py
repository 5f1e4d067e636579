"""What operators may write in a cohort table: Indonesian column headers and values beside the
canonical ones, and "did you mean" suggestions for the rest (difflib)."""

from __future__ import annotations

import difflib
import re

from aturan.vocabulary import COMPETENCIES

# Header aliases, each normalised (lower case, spaces for underscores and hyphens): the name an
# operator writes -> the canonical column. The first alias of a column is its header in the XLSX
# template (`aturan kohort-template`).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "nip": ("NIP",),
    "name": ("Nama Lengkap", "Nama"),
    "position_tier": ("Jenjang Jabatan", "Jenjang", "Tingkat Jabatan"),
    "position_title": ("Jabatan", "Nama Jabatan"),
    "agency": ("Instansi", "Nama Instansi"),
    "role": ("Peran", "Status Peserta"),
    "projected_tier": ("Jenjang Jabatan Proyeksi", "Jenjang Proyeksi", "Jabatan Proyeksi"),
    "program": ("Program Pelatihan", "Program", "Jenis Pelatihan"),
    "training_start": ("Tanggal Mulai Pelatihan", "Tanggal Mulai", "Mulai Pelatihan"),
    "training_end": ("Tanggal Selesai Pelatihan", "Tanggal Selesai", "Selesai Pelatihan"),
    "batch": ("Angkatan",),
    "training_institution": (
        "Penyelenggara Pelatihan",
        "Penyelenggara",
        "Lembaga Penyelenggara",
    ),
    "assessment_date": ("Tanggal Asesmen",),
    "assessment_purpose": ("Tujuan Asesmen",),
    "assessment_institution": ("Lembaga Asesmen", "Penyelenggara Asesmen"),
    "assessment_jpm": ("JPM",),
    **{key: (names[0],) for key, names in COMPETENCIES.items()},
    "certificate_type": ("Jenis Sertifikat",),
    "certificate_date": ("Tanggal Sertifikat",),
    "certificate_tier": ("Jenjang Sertifikat",),
    "certificate_program": ("Program Sertifikat",),
    "final_evaluation_date": ("Tanggal Evaluasi Akhir",),
    "final_evaluation_result": ("Hasil Evaluasi Akhir",),
    "post_assessment_date": ("Tanggal Uji Kompetensi",),
    **{f"post_{key}": (f"Uji {names[0]}",) for key, names in COMPETENCIES.items()},
    "post_jpm": ("JPM Uji Kompetensi",),
}

# Values an operator may write (normalised) -> the vocabulary key, per column.
_TIERS = {
    "jpt utama": "jpt_utama",
    "pimpinan tinggi utama": "jpt_utama",
    "jpt madya": "jpt_madya",
    "pimpinan tinggi madya": "jpt_madya",
    "jpt pratama": "jpt_pratama",
    "pimpinan tinggi pratama": "jpt_pratama",
    "administrator": "administrator",
    "pengawas": "pengawas",
    "non manajerial": "non_manajerial",
    "nonmanajerial": "non_manajerial",
}
_PROGRAMS = {
    "pkn 1": "pkn_1",
    "pkn i": "pkn_1",
    "pkn tingkat i": "pkn_1",
    "pelatihan kepemimpinan nasional tingkat i": "pkn_1",
    "pkn 2": "pkn_2",
    "pkn ii": "pkn_2",
    "pkn tingkat ii": "pkn_2",
    "pelatihan kepemimpinan nasional tingkat ii": "pkn_2",
    "pka": "pka",
    "pelatihan kepemimpinan administrator": "pka",
    "pkp": "pkp",
    "pelatihan kepemimpinan pengawas": "pkp",
}
VALUES: dict[str, dict[str, str]] = {
    "role": {
        "incumbent": "incumbent",
        "petahana": "incumbent",
        "successor": "successor",
        "suksesor": "successor",
    },
    "position_tier": _TIERS,
    "projected_tier": _TIERS,
    "certificate_tier": _TIERS,
    "program": _PROGRAMS,
    "certificate_program": _PROGRAMS,
    "assessment_purpose": {"seleksi": "seleksi", "pemetaan": "pemetaan"},
    "final_evaluation_result": {"lulus": "lulus", "ditunda": "ditunda"},
    "certificate_type": {
        "sertifikat kompetensi manajerial": "sertifikat_kompetensi_manajerial",
        "sttp": "sttp",
        "surat tanda tamat pelatihan": "sttp",
        "sertifikat keikutsertaan": "sertifikat_keikutsertaan",
        "sertifikat keikutsertaan pelatihan": "sertifikat_keikutsertaan",
    },
}
# What the template's dropdowns offer: the Indonesian spelling of each value. The internal keys
# stay accepted (`canonical_value`), so files filled from older templates still read.
CHOICES: dict[str, tuple[str, ...]] = {
    "role": ("petahana", "suksesor"),
    "position_tier": (
        "JPT Utama",
        "JPT Madya",
        "JPT Pratama",
        "Administrator",
        "Pengawas",
        "Non Manajerial",
    ),
    "projected_tier": ("JPT Madya", "JPT Pratama", "Administrator", "Pengawas"),
    "certificate_tier": ("JPT Madya", "JPT Pratama", "Administrator", "Pengawas"),
    "program": ("PKN Tingkat I", "PKN Tingkat II", "PKA", "PKP"),
    "certificate_program": ("PKN Tingkat I", "PKN Tingkat II", "PKA", "PKP"),
    "assessment_purpose": ("seleksi", "pemetaan"),
    "final_evaluation_result": ("lulus", "ditunda"),
    "certificate_type": ("Sertifikat Kompetensi Manajerial", "STTP", "Sertifikat Keikutsertaan"),
}


def normalise(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", name.strip().lower())


def _header_names() -> dict[str, str]:
    names = {normalise(column): column for column in HEADER_ALIASES}
    for column, aliases in HEADER_ALIASES.items():
        names.update({normalise(alias): column for alias in aliases})
    return names


HEADER_NAMES = _header_names()


def canonical_column(header: str) -> str | None:
    """The canonical column a header names, or None."""
    return HEADER_NAMES.get(normalise(header))


def suggestion(written: str, known: list[str]) -> str:
    """ " (maksud Anda 'x'?)" for the closest known spelling, or ""."""
    close = difflib.get_close_matches(normalise(written), known, n=1, cutoff=0.75)
    return f" (maksud Anda '{close[0]}'?)" if close else ""


def header_suggestion(written: str) -> str:
    return suggestion(written, list(HEADER_NAMES))


def canonical_value(column: str, written: str) -> str | None:
    """The vocabulary key for a value written in `column` (a column without a value list keeps
    what was written, lower-cased); None when the value is not one of the column's."""
    table = VALUES.get(column)
    if table is None:
        return written.lower()
    return table.get(normalise(written)) or (written if written in table.values() else None)


def value_problem(column: str, written: str) -> str:
    table = VALUES[column]
    accepted = sorted(set(CHOICES.get(column, ())) | set(table.values()))
    return (
        f"nilai '{written}' tidak dikenal{suggestion(written, list(table))}; "
        f"isi salah satu dari: {', '.join(accepted)}"
    )
