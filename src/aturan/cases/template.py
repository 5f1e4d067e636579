"""The XLSX template operators fill in (`aturan kohort-template`): the cohort sheet with
Indonesian headers, dropdowns (data validation) for the enumerated columns, NIP as text, and an
instruction sheet in Bahasa Indonesia. What it writes, `read_cohort` reads."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from aturan.cases.cohort import (
    COLUMNS,
    CORE_COLUMNS,
    DATA_SHEET,
    LEVEL_COLUMNS,
    POST_LEVEL_COLUMNS,
)
from aturan.cases.columns import CHOICES, HEADER_ALIASES

ROWS = 1000  # rows prepared with formats and dropdowns
DATE_COLUMNS = {
    c for c in COLUMNS if c.endswith("_date") or c in ("training_start", "training_end")
}
REQUIRED = {"nip", "name", "position_tier", "role", "program"}
# Widths (characters) of the columns whose values are long: an 18-digit NIP, a full name with
# titles, a position and an agency; the others fit their header or a date.
WIDTHS = {
    "nip": 22,
    "name": 40,
    "position_title": 36,
    "agency": 40,
    "batch": 24,
    "training_institution": 36,
    "assessment_institution": 32,
}

NOTES = {
    "nip": "18 angka, sebagai teks (kolom ini sudah berformat teks). Jangan diisi sebagai angka.",
    "name": "Nama lengkap peserta.",
    "position_tier": "Jenjang jabatan yang diduduki (pilih dari daftar).",
    "position_title": "Nama jabatan, mis. Kepala Bagian Umum.",
    "agency": "Instansi, mis. Pemerintah Kabupaten Sleman (alamat surat: Bupati Sleman).",
    "role": "petahana (menduduki jabatan) atau suksesor (dipersiapkan untuk jabatan).",
    "projected_tier": "Wajib untuk suksesor: jenjang jabatan yang dipersiapkan.",
    "program": "PKN Tingkat I, PKN Tingkat II, PKA, atau PKP.",
    "training_start": "Tanggal mulai pelatihan (tanggal, mis. 2026-03-02).",
    "training_end": "Tanggal selesai pelatihan.",
    "batch": "Angkatan, mis. PKA Angkatan XII.",
    "training_institution": "Penyelenggara pelatihan; dicetak pada STTP dan surat. Bila kosong: "
    "institusi penerbit (config/institution.yaml).",
    "assessment_date": "Tanggal laporan asesmen sebelumnya; kosong bila belum ada.",
    "assessment_purpose": "seleksi atau pemetaan; wajib bila ada tanggal asesmen.",
    "assessment_institution": "Lembaga penyelenggara asesmen.",
    "assessment_jpm": "JPM dalam persen (0..150); boleh kosong (dihitung dari level).",
}


def write_template(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    _cohort_sheet(sheet)
    _instructions(workbook.create_sheet("Petunjuk"))
    workbook.save(path)
    return path


def header_of(column: str) -> str:
    return HEADER_ALIASES[column][0]


def _cohort_sheet(sheet: Worksheet) -> None:
    fill = PatternFill("solid", fgColor="D9E2F3")
    for index, column in enumerate(COLUMNS, 1):
        cell = sheet.cell(row=1, column=index, value=header_of(column))
        cell.font = Font(bold=True)
        cell.fill = fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(
            12, len(header_of(column)) + 2, WIDTHS.get(column, 0)
        )
        _format_column(sheet, letter, column)
        _validate(sheet, letter, column)
    sheet.freeze_panes = "C2"


def _format_column(sheet: Worksheet, letter: str, column: str) -> None:
    fmt = "@" if column == "nip" else ("yyyy-mm-dd" if column in DATE_COLUMNS else None)
    if fmt:
        for row in range(2, ROWS + 2):
            sheet[f"{letter}{row}"].number_format = fmt


def _validate(sheet: Worksheet, letter: str, column: str) -> None:
    cells = f"{letter}2:{letter}{ROWS + 1}"
    if column in CHOICES:
        rule = DataValidation(
            type="list", formula1='"' + ",".join(CHOICES[column]) + '"', allow_blank=True
        )
    elif column in LEVEL_COLUMNS or column in POST_LEVEL_COLUMNS:
        rule = DataValidation(type="whole", operator="between", formula1="1", formula2="5")
    elif column in ("assessment_jpm", "post_jpm"):
        rule = DataValidation(type="decimal", operator="between", formula1="0", formula2="150")
    else:
        return
    rule.error = f"Isian kolom '{header_of(column)}' tidak sesuai; lihat lembar Petunjuk."
    rule.errorTitle = "Isian tidak sesuai"
    rule.showErrorMessage = True
    sheet.add_data_validation(rule)
    rule.add(cells)


def _instructions(sheet: Worksheet) -> None:
    lines = [
        ("Petunjuk pengisian kohort peserta", "", ""),
        (
            f"Isi satu baris per peserta di lembar '{DATA_SHEET}', mulai baris 2. Jangan mengubah "
            "judul kolom. Kolom bertanda wajib harus diisi; kolom lain boleh kosong. Kolom "
            "tambahan Anda sendiri (mis. 'No.', 'Keterangan') boleh ditambahkan: kolom itu "
            "diabaikan. Urutan lembar boleh diubah; data dibaca dari lembar "
            f"'{DATA_SHEET}'.",
            "",
            "",
        ),
        (
            "Periksa berkas dengan: aturan batch FILE.xlsx --out HASIL; kesalahan disebut "
            "dengan baris dan kolomnya.",
            "",
            "",
        ),
        ("", "", ""),
        ("Kolom", "Wajib", "Isi"),
    ]
    for column in COLUMNS:
        note = NOTES.get(column, _default_note(column))
        needed = "wajib" if column in REQUIRED else ("di header" if column in CORE_COLUMNS else "")
        lines.append((header_of(column), needed, note))
    for row in lines:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 100


def _default_note(column: str) -> str:
    if column in LEVEL_COLUMNS:
        return "Level capaian asesmen sebelumnya, 1..5; kedelapan level wajib bila ada asesmen."
    if column in POST_LEVEL_COLUMNS:
        return "Level uji kompetensi pasca pelatihan, 1..5."
    if column in CHOICES:
        return "Pilih dari daftar: " + ", ".join(CHOICES[column]) + "."
    if column in DATE_COLUMNS:
        return "Tanggal (mis. 2026-10-15)."
    return "Teks."
