"""Cohort input: every row becomes a valid case or an error naming its row and column; reading goes
on."""

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from aturan.cases import COLUMNS, CORE_COLUMNS, Case, CohortRow, case_from_data, read_cohort
from aturan.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
LEVELS = [
    "integritas",
    "kerja_sama",
    "komunikasi",
    "orientasi_hasil",
    "pelayanan_publik",
    "pengembangan_diri",
    "mengelola_perubahan",
    "pengambilan_keputusan",
]


def nip(serial: int) -> str:
    return f"19850315201001{1 + serial % 2}{serial:03d}"


def row(serial: int, **cells) -> dict:
    """A good participant row (column -> text); keyword arguments override cells."""
    base = {
        "nip": nip(serial),
        "name": f"Peserta Contoh {serial}",
        "position_tier": "administrator",
        "position_title": "Kepala Bagian Umum",
        "agency": "Pemerintah Kabupaten Contoh 3",
        "role": "incumbent",
        "program": "pka",
        "training_start": "2026-03-02",
        "training_end": "2026-06-30",
        "batch": "PKA Angkatan 7",
        "assessment_date": "2025-05-10",
        "assessment_purpose": "seleksi",
        "assessment_institution": "UPT Penilaian Kompetensi Contoh 1",
        "assessment_jpm": "88.5",
        **dict(zip(LEVELS, ["3", "3", "2", "3", "3", "2", "3", "3"])),
    }
    base.update(cells)
    return base


LIFECYCLE = {
    "final_evaluation_date": "2026-06-30",
    "final_evaluation_result": "lulus",
    "post_assessment_date": "2026-12-01",
    **{f"post_{key}": "4" for key in LEVELS},
    "post_jpm": "101",
}

# The cohort of the main test: row numbers as the user sees them (header = 1).
GOOD = {
    2: row(1),
    3: row(
        2,
        role="successor",
        position_tier="pengawas",
        projected_tier="administrator",
        assessment_date="",
        assessment_purpose="",
        assessment_institution="",
        assessment_jpm="",
        **{key: "" for key in LEVELS},
    ),
    5: row(
        3,
        certificate_type="sttp",
        certificate_date="2019-11-01",
        certificate_tier="pengawas",
        certificate_program="pkp",
        **LIFECYCLE,
    ),
    8: row(5, assessment_jpm="", assessment_purpose="pemetaan"),
}
TRUNCATED = 4  # the last 7 cells are missing
DUPLICATE = 6  # the NIP of row 2 again
BAD_LEVEL = 7  # integritas 6
EXPECTED_ERRORS = {TRUNCATED: "post_komunikasi", DUPLICATE: "nip", BAD_LEVEL: "integritas"}


def cohort_records() -> list[list]:
    rows = {
        **GOOD,
        TRUNCATED: row(4, **LIFECYCLE),
        DUPLICATE: row(1, name="Peserta Ganda"),
        BAD_LEVEL: row(6, integritas="6"),
    }
    records = [[rows[number].get(column, "") for column in COLUMNS] for number in sorted(rows)]
    records[TRUNCATED - 2] = records[TRUNCATED - 2][:-7]
    return [list(COLUMNS)] + records


def write_csv(path: Path, records, delimiter=",", encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(records)
    return path


def write_xlsx(path: Path, records) -> Path:
    """The same cells as a spreadsheet user would type them: dates, numbers, NIP as text."""
    workbook = Workbook()
    sheet = workbook.active
    for number, record in enumerate(records):
        cells = []
        for column, text in zip(records[0], record):
            value = text or None
            if number and value and column.endswith(("_date", "_start", "_end")):
                value = dt.datetime.fromisoformat(value)
            elif (
                number
                and value
                and (column in LEVELS or column.startswith("post_") or column.endswith("jpm"))
            ):
                value = float(value) if "." in value else int(value)
            cells.append(value)
        sheet.append(cells)
    workbook.save(path)
    return path


def errors_of(rows: list[CohortRow]) -> dict[int, InputError]:
    return {item.row: item.error for item in rows if item.error}


def check_main_cohort(rows: list[CohortRow], path: Path) -> None:
    assert [item.row for item in rows] == [2, 3, 4, 5, 6, 7, 8]
    errors = errors_of(rows)
    assert {number: error.column for number, error in errors.items()} == EXPECTED_ERRORS
    for number, error in errors.items():
        assert isinstance(error, InputError) and error.row == number
        assert str(error).startswith(f"{path}, baris {number}, kolom '{EXPECTED_ERRORS[number]}': ")
    assert (
        "sudah muncul di baris 2" in errors[DUPLICATE].message
        and nip(1) in errors[DUPLICATE].message
    )
    assert errors[BAD_LEVEL].message == "nilai '6' di luar rentang 1..5"
    good = {item.row: item.case for item in rows if not item.error}
    assert set(good) == set(GOOD)
    for number, case in good.items():
        assert (
            isinstance(case, Case) and case.nip == GOOD[number]["nip"] and case.source == str(path)
        )
        case_from_data(case.data)  # valid against schema and semantics
        assert case.line(["program"]) == number  # later errors point at the row
    assert good[2].data["assessments"][0] == {
        "date": "2025-05-10",
        "purpose": "seleksi",
        "institution": "UPT Penilaian Kompetensi Contoh 1",
        "jpm": 88.5,
        "levels": dict(zip(LEVELS, [3, 3, 2, 3, 3, 2, 3, 3])),
    }
    assert "assessments" not in good[3].data and good[3].data["projected_position"] == {
        "tier": "administrator"
    }
    assert good[5].data["evidence"] == [
        {"type": "sttp", "date": "2019-11-01", "tier": "pengawas", "program": "pkp"}
    ]
    assert good[5].data["events"] == [
        {"type": "final_evaluation", "date": "2026-06-30", "result": "lulus"},
        {
            "type": "post_assessment",
            "date": "2026-12-01",
            "levels": {key: 4 for key in LEVELS},
            "jpm": 101,
        },
    ]
    assert "jpm" not in good[8].data["assessments"][0]


def test_csv_cohort_reports_three_bad_rows_and_keeps_going(tmp_path):
    path = write_csv(tmp_path / "kohort.csv", cohort_records())
    rows = list(read_cohort(path))
    check_main_cohort(rows, path)
    assert (
        "33 sel" in errors_of(rows)[TRUNCATED].message
        and "40 kolom" in errors_of(rows)[TRUNCATED].message
    )


def test_xlsx_cohort_gives_the_same_result(tmp_path):
    csv_rows = list(read_cohort(write_csv(tmp_path / "kohort.csv", cohort_records())))
    path = write_xlsx(tmp_path / "kohort.xlsx", cohort_records())
    rows = list(read_cohort(path))
    check_main_cohort(rows, path)
    assert [(item.row, item.case and item.case.data) for item in rows] == [
        (item.row, item.case and item.case.data) for item in csv_rows
    ]
    assert "kosong" in errors_of(rows)[TRUNCATED].message  # in a sheet the missing cells are empty


def test_semicolon_csv_with_bom_and_decimal_comma(tmp_path):
    records = [
        list(COLUMNS),
        [row(1, assessment_jpm="85,5").get(c, "") for c in COLUMNS],
        [row(2, integritas="4,0").get(c, "") for c in COLUMNS],
    ]
    path = write_csv(tmp_path / "kohort.csv", records, delimiter=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(read_cohort(path))
    assert [item.error for item in rows] == [None, None]
    assert rows[0].case.data["assessments"][0]["jpm"] == 85.5
    assert rows[1].case.data["assessments"][0]["levels"]["integritas"] == 4


def test_only_core_columns_blank_lines_and_nip_with_spaces(tmp_path):
    records = [
        list(CORE_COLUMNS),
        [row(1).get(c, "") for c in CORE_COLUMNS],
        [],
        [row(2, nip="19850315 201001 1 002").get(c, "") for c in CORE_COLUMNS],
    ]
    rows = list(read_cohort(write_csv(tmp_path / "kohort.csv", records)))
    assert [(item.row, item.error) for item in rows] == [(2, None), (4, None)]
    assert rows[1].case.nip == "198503152010011002"


BAD_CELLS = {
    "not_a_date": ({"training_start": "2 Maret 2026"}, "training_start", "bukan tanggal ISO"),
    "impossible_date": ({"assessment_date": "2025-02-30"}, "assessment_date", "bukan tanggal ISO"),
    "level_not_a_number": ({"komunikasi": "baik"}, "komunikasi", "bilangan bulat 1..5"),
    "level_missing": ({"pengambilan_keputusan": ""}, "pengambilan_keputusan", "kedelapan"),
    "levels_without_date": (
        {"assessment_date": ""},
        "assessment_date",
        "'assessment_purpose' diisi",
    ),
    "jpm_out_of_range": ({"assessment_jpm": "151"}, "assessment_jpm", "0..150"),
    "unknown_program": ({"program": "pkx"}, "program", "pkx"),
    "unknown_tier": ({"position_tier": "eselon_3"}, "position_tier", "eselon_3"),
    "end_before_start": ({"training_end": "2026-02-01"}, "training_end", "sebelum tanggal mulai"),
    "successor_without_projection": ({"role": "successor"}, "projected_tier", "suksesor"),
    "empty_name": ({"name": " "}, "name", "wajib"),
    "nip_gender": ({"nip": "198503152010013001"}, "nip", "jenis kelamin"),
    "nip_scientific": ({"nip": "1.98503E+17"}, "nip", "tersimpan sebagai angka (1.98503E+17)"),
    "certificate_without_date": (
        {"certificate_type": "sttp"},
        "certificate_date",
        "'certificate_type' diisi",
    ),
    "bad_certificate_type": (
        {"certificate_type": "ijazah", "certificate_date": "2020-01-01"},
        "certificate_type",
        "ijazah",
    ),
    "bad_final_result": (
        {"final_evaluation_date": "2026-06-30", "final_evaluation_result": "gagal"},
        "final_evaluation_result",
        "gagal",
    ),
    "post_level_out_of_range": ({**LIFECYCLE, "post_kerja_sama": "0"}, "post_kerja_sama", "1..5"),
    "post_jpm_out_of_range": ({**LIFECYCLE, "post_jpm": "200"}, "post_jpm", "0..150"),
}


@pytest.mark.parametrize("name", sorted(BAD_CELLS))
def test_bad_cell_names_row_and_column(tmp_path, name):
    cells, column, words = BAD_CELLS[name]
    records = [
        list(COLUMNS),
        [row(1).get(c, "") for c in COLUMNS],
        [row(2, **cells).get(c, "") for c in COLUMNS],
    ]
    rows = list(read_cohort(write_csv(tmp_path / "kohort.csv", records)))
    assert rows[0].error is None
    error = rows[1].error
    assert error is not None and rows[1].case is None
    assert (error.row, error.column) == (3, column), str(error)
    assert words in error.message


def test_nip_as_a_number_in_a_spreadsheet_is_refused(tmp_path):
    records = [
        list(COLUMNS),
        [row(1).get(c, "") for c in COLUMNS],
        [row(2).get(c, "") for c in COLUMNS],
    ]
    path = write_xlsx(tmp_path / "kohort.xlsx", records)
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.active["A3"] = int(nip(2))  # typed as a number, all 18 digits intact
    workbook.save(path)
    rows = list(read_cohort(path))
    assert rows[0].error is None
    assert rows[1].error.column == "nip"
    assert "NIP tersimpan sebagai angka (1.98503152010011E+17) dan kehilangan digit" in (
        rows[1].error.message
    )
    assert "format kolom NIP sebagai teks" in rows[1].error.message


def test_file_level_problems_raise(tmp_path):
    with pytest.raises(InputError, match="tidak dikenal"):
        read_cohort(tmp_path / "kohort.txt")  # refused at once, before iterating
    with pytest.raises(InputError, match="tidak ditemukan"):
        read_cohort(tmp_path / "tidak-ada.csv")
    header = list(COLUMNS[:-1]) + ["Tanggal Sertifikatt"]  # a misspelt column; others are ignored
    with pytest.raises(InputError, match="kolom tidak dikenal: 'Tanggal Sertifikatt'") as caught:
        list(read_cohort(write_csv(tmp_path / "a.csv", [header])))
    assert "post_jpm" not in str(caught.value)  # post_jpm is optional
    with pytest.raises(InputError, match="kolom wajib tidak ada: program"):
        list(read_cohort(write_csv(tmp_path / "b.csv", [[c for c in COLUMNS if c != "program"]])))
    with pytest.raises(InputError, match="post_integritas"):
        list(
            read_cohort(
                write_csv(tmp_path / "c.csv", [list(CORE_COLUMNS) + ["post_assessment_date"]])
            )
        )
    (tmp_path / "d.csv").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="kosong"):
        list(read_cohort(tmp_path / "d.csv"))
    (tmp_path / "e.xlsx").write_text("bukan excel", encoding="utf-8")
    with pytest.raises(InputError, match="Excel"):
        list(read_cohort(tmp_path / "e.xlsx"))


def test_csv_is_read_row_by_row(tmp_path):
    """Rows before a broken line come out before the reader ever reaches it."""
    path = write_csv(
        tmp_path / "kohort.csv",
        [list(COLUMNS)] + [[row(n).get(c, "") for c in COLUMNS] for n in (1, 2)],
    )
    with path.open("ab") as handle:
        handle.write(b"\xff\xfe bukan utf-8\n")
    rows = read_cohort(path)
    assert next(rows).row == 2 and next(rows).row == 3
    with pytest.raises(InputError, match="baris 4 bukan teks UTF-8"):
        next(rows)


YAML_COHORT = """# Kohort contoh
- nip: "198503152010011001"
  name: Peserta Satu
  position: {tier: administrator}
  role: incumbent
  program: pka
- nip: "198503152010012002"
  name: Peserta Dua
  position: {tier: pengawas}
  role: incumbent
  program: pkp
  assessments:
    - date: 2025-05-10
      purpose: pemetaan
      levels: {integritas: 6, kerja_sama: 3, komunikasi: 2, orientasi_hasil: 3, pelayanan_publik: 3,
               pengembangan_diri: 2, mengelola_perubahan: 3, pengambilan_keputusan: 3}
- nip: "198503152010011001"
  name: Peserta Satu Lagi
  position: {tier: administrator}
  role: incumbent
  program: pka
- nip: "198503152010012004"
  name: Peserta Empat
  position: {tier: pengawas}
  role: incumbent
  program: pkp
"""


def test_yaml_list_cohort(tmp_path):
    path = tmp_path / "kohort.yaml"
    path.write_text(YAML_COHORT, encoding="utf-8")
    rows = list(read_cohort(path))
    assert [item.row for item in rows] == [2, 7, 17, 22]  # the line where each case starts
    assert [item.error is None for item in rows] == [True, False, False, True]
    level, duplicate = rows[1].error, rows[2].error
    assert level.field == "assessments[0].levels.integritas" and level.line == 15
    assert str(level).startswith(f"{path}:15, kasus ke-2, isian 'assessments[0].levels.integritas'")
    assert duplicate.field == "nip" and "sudah muncul di baris 2" in duplicate.message
    assert rows[3].case.data["name"] == "Peserta Empat"


def test_json_mapping_with_cases(tmp_path):
    cases = [row_case(1), {**row_case(2), "program": "pkx"}, row_case(3)]
    path = tmp_path / "kohort.json"
    path.write_text(json.dumps({"cases": cases}, indent=1), encoding="utf-8")
    rows = list(read_cohort(path))
    assert [item.row for item in rows] == [1, 2, 3]
    assert [item.error is None for item in rows] == [True, False, True]
    assert rows[1].error.field == "program" and "kasus ke-2" in str(rows[1].error)
    path.write_text(json.dumps({"kasus": cases}), encoding="utf-8")
    with pytest.raises(InputError, match="'cases'"):
        list(read_cohort(path))


def row_case(serial: int) -> dict:
    return {
        "nip": nip(serial),
        "name": f"Peserta {serial}",
        "position": {"tier": "pengawas"},
        "role": "incumbent",
        "program": "pkp",
    }


def test_bundled_sample_cohort_has_exactly_its_three_marked_bad_rows():
    """docs/cohort-format.md names these rows; the CSV and the XLSX agree."""
    results = []
    for name in ("cohort-contoh.csv", "cohort-contoh.xlsx"):
        rows = list(read_cohort(ROOT / "samples" / name))
        assert len(rows) == 20
        assert {item.row: item.error.column for item in rows if item.error} == {
            9: "post_komunikasi",
            15: "nip",
            19: "komunikasi",
        }
        results.append([(item.row, item.case and item.case.data) for item in rows])
    assert results[0] == results[1]
