"""Synthetic cohorts: clearly made-up participants for demos, tests and benchmarks.

`generate(size, seed, years)` yields case dicts that validate against the case schema.
Nothing here describes a real person: names are random pairs from short lists
of common Indonesian names, agencies are "... Contoh <n>", NIPs are made up.

Shape of a cohort (all approximate, drawn at random):
- programs in the proportions of alumni 2018-2021 (paper LAN 2023, Tabel 2):
  PKN I 514 : PKN II 5.983 : PKA 20.838 : PKP 38.874;
- 83% incumbents in the program's tier, 15% successors one tier below it
  (projected to the program's tier), 2% in a tier the program is not for;
- 70% with one assessment 1-5 years before 30 June of the training year (so some are
  older than the 3-year validity), 40% seleksi / 60% pemetaan, levels around the
  standard level of the program's tier, 30% with a reported JPM; 30% without assessment;
- training in 2026, or in the `years` asked for (`aturan sample --tahun 2027`, or a range
  `2026-2028`: batch 1 in the first year, batch 2 in the next, and so on): start Monday
  between February and September, 3-5 months; participants of one batch share its dates;
- 80% with a final evaluation at the end of training (92% lulus); half of those
  who pass get a post-training assessment 2-14 months later, mostly improved;
- 10% of PKN/PKA participants hold an STTP of the program below.

The generator is deterministic for (size, seed) and streams: its memory does not
grow with size (NIPs are unique by construction, not by remembering them).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn, cast

import yaml

from aturan.cases import COLUMNS, LEVEL_COLUMNS, MARKER_COLUMNS, POST_LEVEL_COLUMNS, Case
from aturan.errors import InputError
from aturan.vocabulary import PROGRAM_SHORT

AS_OF = dt.date(2026, 6, 30)

ALUMNI_2018_2021 = {
    "pkn_1": 514,
    "pkn_2": 5983,
    "pka": 20838,
    "pkp": 38874,
}  # Tabel 2, total 66.209
PROGRAM_TIER = {
    "pkn_1": "jpt_madya",
    "pkn_2": "jpt_pratama",
    "pka": "administrator",
    "pkp": "pengawas",
}
TIER_BELOW = {
    "jpt_madya": "jpt_pratama",
    "jpt_pratama": "administrator",
    "administrator": "pengawas",
    "pengawas": "non_manajerial",
}
PROGRAM_BELOW = {"pkn_1": "pkn_2", "pkn_2": "pka", "pka": "pkp"}
STANDARD_LEVEL = {
    "jpt_madya": 5,
    "jpt_pratama": 4,
    "administrator": 3,
    "pengawas": 2,
}  # skj.standard_level
BATCH_SIZE = 30

MALE_NAMES = [
    "Budi",
    "Agus",
    "Andi",
    "Joko",
    "Dedi",
    "Rudi",
    "Bambang",
    "Eko",
    "Arif",
    "Rizki",
    "Fajar",
    "Hadi",
    "Yusuf",
    "Irwan",
    "Dimas",
    "Bayu",
    "Teguh",
    "Wahyu",
    "Ahmad",
    "Imam",
]
FEMALE_NAMES = [
    "Sari",
    "Dewi",
    "Siti",
    "Rina",
    "Ani",
    "Fitri",
    "Indah",
    "Wulan",
    "Yuni",
    "Nur",
    "Ratna",
    "Lina",
    "Maya",
    "Putri",
    "Ayu",
    "Desi",
    "Eka",
    "Novi",
    "Rani",
    "Diah",
]
FAMILY_NAMES = [
    "Santoso",
    "Wijaya",
    "Pratama",
    "Saputra",
    "Hidayat",
    "Wulandari",
    "Kurniawan",
    "Rahmawati",
    "Nugroho",
    "Susanto",
    "Permana",
    "Hasibuan",
    "Nasution",
    "Harahap",
    "Siregar",
    "Lubis",
    "Sitompul",
    "Purba",
    "Manurung",
    "Putra",
    "Suryadi",
    "Rahman",
    "Syahputra",
    "Maulana",
    "Firmansyah",
    "Puspita",
    "Handayani",
    "Kusuma",
    "Anggraini",
    "Ramadhan",
    "Fauzi",
    "Sembiring",
    "Simatupang",
    "Prasetyo",
    "Hermawan",
    "Safitri",
    "Yulianti",
    "Pane",
    "Damanik",
    "Wibisono",
]

TITLES = {
    "jpt_madya": [
        "Sekretaris Jenderal",
        "Inspektur Jenderal",
        "Deputi Bidang Kebijakan",
        "Sekretaris Daerah",
    ],
    "jpt_pratama": [
        "Kepala Dinas Pendidikan",
        "Kepala Dinas Kesehatan",
        "Direktur Perencanaan",
        "Kepala Badan Kepegawaian Daerah",
        "Inspektur Daerah",
    ],
    "administrator": [
        "Kepala Bagian Umum",
        "Kepala Bidang Perencanaan",
        "Sekretaris Dinas",
        "Kepala Bagian Keuangan",
        "Camat",
    ],
    "pengawas": [
        "Kepala Subbagian Keuangan",
        "Kepala Seksi Pelayanan",
        "Kepala Subbidang Data",
        "Kepala Subbagian Umum",
        "Lurah",
    ],
    "non_manajerial": [
        "Analis Kebijakan Ahli Muda",
        "Pranata Komputer Ahli Pertama",
        "Analis Sumber Daya Manusia Aparatur Ahli Muda",
    ],
}
AGENCIES = {
    "jpt_madya": ["Kementerian Contoh {n}", "Badan Contoh {n}", "Pemerintah Provinsi Contoh {n}"],
    "other": [
        "Pemerintah Kabupaten Contoh {n}",
        "Pemerintah Kota Contoh {n}",
        "Pemerintah Provinsi Contoh {n}",
        "Kementerian Contoh {n}",
    ],
}
INSTITUTIONS = [
    "UPT Penilaian Kompetensi Contoh {n}",
    "Assessment Center Pemerintah Provinsi Contoh {n}",
]

_FIRST_BIRTH, _LAST_BIRTH = dt.date(1965, 1, 1), dt.date(1998, 12, 31)
_BIRTH_DAYS = (_LAST_BIRTH - _FIRST_BIRTH).days + 1
_NIP_SPACE = _BIRTH_DAYS * 999  # (birth date, serial 001-999) pairs
_LAST_APPOINTMENT = 2025 * 12 + 11  # December 2025, as months since year 0


YEARS = (2026, 2026)  # the training years when none are asked for


def generate(size: int, seed: int, years: tuple[int, int] = YEARS) -> Iterator[dict[str, Any]]:
    """Yield `size` synthetic case dicts, deterministic for (size, seed, years); trainings start
    in the years from years[0] to years[1]."""
    if not 0 <= size <= _NIP_SPACE:
        raise ValueError(f"size must be between 0 and {_NIP_SPACE}")
    rng = random.Random(seed)
    programs, weights = (
        list(ALUMNI_2018_2021),
        list(itertools.accumulate(ALUMNI_2018_2021.values())),
    )
    total = sum(ALUMNI_2018_2021.values())
    batches = {
        p: max(1, math.ceil(size * n / total / BATCH_SIZE)) for p, n in ALUMNI_2018_2021.items()
    }
    # NIPs: index -> (birth date, serial) through an affine bijection of the space, so unique
    # without memory.
    offset = rng.randrange(_NIP_SPACE)
    step = int(_NIP_SPACE * (0.6180339887 + rng.uniform(-0.05, 0.05)))
    while math.gcd(step, _NIP_SPACE) != 1:
        step += 1
    for index in range(size):
        program = rng.choices(programs, cum_weights=weights)[0]
        yield _participant(
            rng, seed, (offset + index * step) % _NIP_SPACE, program, batches[program], years
        )


def _participant(
    rng: random.Random, seed: int, nip_slot: int, program: str, batches: int, years: tuple[int, int]
) -> dict[str, Any]:
    nip, gender = _nip(rng, nip_slot)
    first = rng.choice(MALE_NAMES if gender == "1" else FEMALE_NAMES)
    name = f"{first} {rng.choice(FAMILY_NAMES)}"

    target = PROGRAM_TIER[program]
    draw = rng.random()
    if draw < 0.02:  # out of scope: a tier this program is not for
        role, tier = (
            "incumbent",
            rng.choice([t for t in TITLES if t not in (target, TIER_BELOW[target])]),
        )
    elif draw < 0.17:
        role, tier = "successor", TIER_BELOW[target]
    else:
        role, tier = "incumbent", target
    case: dict[str, Any] = {
        "nip": nip,
        "name": name,
        "position": _position(rng, tier),
        "role": role,
    }
    if role == "successor":
        case["projected_position"] = {"tier": target}
    case["program"] = program
    case["synthetic"] = True  # every output made from it says the cohort is made up

    batch = rng.randint(1, batches)
    start, end = _batch_dates(seed, program, batch, years)
    case["training"] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "batch": f"{PROGRAM_SHORT[program]} Angkatan {batch}",
    }

    standard = STANDARD_LEVEL[target]
    levels = None
    if rng.random() < 0.70:
        levels = _levels_around(rng, standard)
        assessment: dict[str, Any] = {
            "date": (
                dt.date(start.year, AS_OF.month, AS_OF.day)
                - dt.timedelta(days=rng.randint(365, 5 * 365))
            ).isoformat(),
            "purpose": "seleksi" if rng.random() < 0.40 else "pemetaan",
            "institution": rng.choice(INSTITUTIONS).format(n=rng.randint(1, 40)),
            "levels": levels,
        }
        if rng.random() < 0.30:
            assessment["jpm"] = _jpm(levels, standard)
        case["assessments"] = [assessment]

    if program in PROGRAM_BELOW and rng.random() < 0.10:
        below = PROGRAM_BELOW[program]
        case["evidence"] = [
            {
                "type": "sttp",
                "date": (start - dt.timedelta(days=rng.randint(2 * 365, 8 * 365))).isoformat(),
                "tier": PROGRAM_TIER[below],
                "program": below,
            }
        ]

    if rng.random() < 0.80:
        result = "lulus" if rng.random() < 0.92 else "ditunda"
        events = [{"type": "final_evaluation", "date": end.isoformat(), "result": result}]
        if result == "lulus" and rng.random() < 0.50:
            before = levels or _levels_around(rng, standard)
            after = {
                key: min(5, max(1, level + rng.choices((1, 0, -1), (55, 40, 5))[0]))
                for key, level in before.items()
            }
            post: dict[str, Any] = {
                "type": "post_assessment",
                "date": (end + dt.timedelta(days=rng.randint(61, 426))).isoformat(),
                "levels": after,
            }
            if rng.random() < 0.30:
                post["jpm"] = _jpm(after, standard)
            events.append(post)
        case["events"] = events
    return case


def _nip(rng: random.Random, slot: int) -> tuple[str, str]:
    birth = _FIRST_BIRTH + dt.timedelta(days=slot // 999)
    serial = slot % 999 + 1
    born = birth.year * 12 + birth.month - 1
    appointed = rng.randint(
        born + 20 * 12, min(born + 35 * 12, _LAST_APPOINTMENT)
    )  # CPNS at age 20-35
    gender = rng.choice("12")
    return (
        f"{birth:%Y%m%d}{appointed // 12:04d}{appointed % 12 + 1:02d}{gender}{serial:03d}",
        gender,
    )


def _position(rng: random.Random, tier: str) -> dict[str, str]:
    agencies = AGENCIES["jpt_madya" if tier == "jpt_madya" else "other"]
    return {
        "tier": tier,
        "title": rng.choice(TITLES[tier]),
        "agency": rng.choice(agencies).format(n=rng.randint(1, 60)),
    }


def _batch_dates(
    seed: int, program: str, batch: int, years: tuple[int, int] = YEARS
) -> tuple[dt.date, dt.date]:
    """One batch, one schedule: a Monday start from February to September of its year (the
    batches take the years in turn), 3-5 months long."""
    rng = random.Random(f"{seed}:{program}:{batch}")
    year = years[0] + (batch - 1) % (years[1] - years[0] + 1)  # the batches take turns
    first = _first_monday(dt.date(year, 2, 1))
    last = _first_monday(dt.date(year, 9, 24))  # the last Monday of September at the latest
    start = first + dt.timedelta(weeks=rng.randint(0, (last - first).days // 7))
    end = start + dt.timedelta(weeks=rng.randint(13, 21), days=4)  # a Friday
    return start, end


def _first_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=-day.weekday() % 7)


def _levels_around(rng: random.Random, standard: int) -> dict[str, int]:
    return {
        key: min(5, max(1, standard + rng.choices((1, 0, -1, -2), (10, 45, 30, 15))[0]))
        for key in LEVEL_COLUMNS
    }


def _jpm(levels: dict[str, int], standard: int) -> float:
    return round(min(150.0, 100.0 * sum(levels.values()) / (8 * standard)), 1)


# --- writing -----------------------------------------------------------------------------------


def write_cohort(cases: Iterable[dict[str, Any] | Case], path: Path | str) -> int:
    """Write cases to .csv (the cohort column layout), .yaml/.yml or .json; streams; returns the
    count."""
    path = Path(path)
    suffix = path.suffix.lower()
    count = 0
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS + MARKER_COLUMNS)
            for case in cases:
                writer.writerow(case_to_row(_data(case)))
                count += 1
    elif suffix in (".yaml", ".yml"):
        with path.open("w", encoding="utf-8") as handle:
            handle.write("# Kohort sintetis dari aturan.sample: bukan data orang sungguhan.\n")
            for case in cases:
                handle.write(
                    yaml.safe_dump([_data(case)], sort_keys=False, allow_unicode=True, width=120)
                )
                count += 1
            if not count:
                handle.write("[]\n")
    elif suffix == ".json":
        with path.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for case in cases:
                handle.write(
                    ("," if count else "") + "\n  " + json.dumps(_data(case), ensure_ascii=False)
                )
                count += 1
            handle.write("\n]\n")
    else:
        raise InputError(
            f"jenis berkas '{path.suffix}' tidak dikenal untuk menulis kohort; "
            "yang didukung: .csv, .yaml, .yml, .json",
            file=str(path),
        )
    return count


def _data(case: dict[str, Any] | Case) -> dict[str, Any]:
    return cast("dict[str, Any]", getattr(case, "data", case))


def case_to_row(case: dict[str, Any]) -> list[Any]:
    """One case as a row of the cohort table (COLUMNS order, then the synthetic marker); refuses
    what the table cannot hold."""
    nip = case.get("nip")

    def refuse(what: str) -> NoReturn:
        raise InputError(
            f"kasus NIP {nip}: {what} tidak dapat ditulis sebagai satu baris CSV; gunakan YAML",
            field=what,
        )

    cells: dict[str, Any] = {
        "nip": nip,
        "name": case.get("name"),
        "role": case.get("role"),
        "program": case.get("program"),
    }
    position = case.get("position") or {}
    cells.update(
        position_tier=position.get("tier"),
        position_title=position.get("title"),
        agency=position.get("agency"),
    )
    projected = case.get("projected_position")
    if projected:
        if set(projected) - {"tier"}:
            refuse("projected_position.title/agency")
        cells["projected_tier"] = projected.get("tier")
    training = case.get("training")
    if training:
        if "institution" in training:
            refuse("training.institution")
        cells.update(
            training_start=training.get("start"),
            training_end=training.get("end"),
            batch=training.get("batch"),
        )
    assessments = case.get("assessments") or []
    if len(assessments) > 1:
        refuse("assessments (lebih dari satu)")
    for assessment in assessments:
        if "method" in assessment:
            refuse("assessments[0].method")
        cells.update(
            assessment_date=assessment.get("date"),
            assessment_purpose=assessment.get("purpose"),
            assessment_institution=assessment.get("institution"),
            assessment_jpm=assessment.get("jpm"),
        )
        cells.update(zip(LEVEL_COLUMNS, (assessment["levels"].get(key) for key in LEVEL_COLUMNS)))
    evidence = case.get("evidence") or []
    if len(evidence) > 1:
        refuse("evidence (lebih dari satu)")
    for item in evidence:
        if "number" in item:
            refuse("evidence[0].number")
        cells.update(
            certificate_type=item.get("type"),
            certificate_date=item.get("date"),
            certificate_tier=item.get("tier"),
            certificate_program=item.get("program"),
        )
    kinds = [event.get("type") for event in case.get("events") or []]
    if kinds not in (
        [],
        ["final_evaluation"],
        ["post_assessment"],
        ["final_evaluation", "post_assessment"],
    ):
        refuse(f"events {kinds}")
    for event in case.get("events") or []:
        if event["type"] == "final_evaluation":
            if set(event) - {"type", "date", "result"}:
                refuse("events (evaluasi akhir dengan isian lain)")
            cells.update(
                final_evaluation_date=event.get("date"), final_evaluation_result=event.get("result")
            )
        else:
            if set(event) - {"type", "date", "levels", "jpm"}:
                refuse("events (asesmen pascapelatihan dengan isian lain)")
            cells.update(post_assessment_date=event.get("date"), post_jpm=event.get("jpm"))
            cells.update(
                zip(
                    POST_LEVEL_COLUMNS,
                    ((event.get("levels") or {}).get(key) for key in LEVEL_COLUMNS),
                )
            )
    cells["synthetic"] = "ya" if case.get("synthetic") else None
    return [
        "" if cells.get(column) is None else cells[column] for column in COLUMNS + MARKER_COLUMNS
    ]
