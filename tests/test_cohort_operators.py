"""Cohort files as an operator writes them (issue 13, item 6): Indonesian headers and values,
did-you-mean suggestions, the training institution and batch, NIPs that lost digits, and the
XLSX template with dropdowns and instructions."""

import csv

import pytest
from openpyxl import load_workbook

from aturan.cases import read_cohort

HEADER = [
    "NIP", "Nama Lengkap", "Jenjang Jabatan", "Jabatan", "Instansi", "Peran",
    "Jenjang Jabatan Proyeksi", "Program Pelatihan", "Tanggal Mulai Pelatihan",
    "Tanggal Selesai Pelatihan", "Angkatan", "Penyelenggara Pelatihan", "Tanggal Asesmen",
    "Tujuan Asesmen", "Lembaga Asesmen", "JPM", "Integritas", "Kerja Sama", "Komunikasi",
    "Orientasi pada Hasil", "Pelayanan Publik", "Pengembangan Diri dan Orang Lain",
    "Mengelola Perubahan", "Pengambilan Keputusan",
]  # fmt: skip
ROW = [
    "198503152010011001", "Budi Santoso", "Administrator", "Kepala Bagian Umum",
    "Pemerintah Kabupaten Sleman", "petahana", "", "PKA", "2026-03-02", "2026-06-30",
    "PKA Angkatan XII", "BPSDM Provinsi Jawa Barat", "2024-05-10", "seleksi", "UPT BKN", "",
    "3", "3", "2", "3", "3", "2", "3", "3",
]  # fmt: skip


def _csv(path, header, *rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_indonesian_headers_and_values_are_read(tmp_path):
    rows = list(read_cohort(_csv(tmp_path / "kohort.csv", HEADER, ROW)))
    assert rows[0].error is None, rows[0].error
    data = rows[0].case.data
    assert data["role"] == "incumbent" and data["position"]["tier"] == "administrator"
    assert data["program"] == "pka"
    assert data["training"]["institution"] == "BPSDM Provinsi Jawa Barat"
    assert data["training"]["batch"] == "PKA Angkatan XII"


def test_successor_is_written_suksesor(tmp_path):
    row = list(ROW)
    row[5], row[6], row[7] = "suksesor", "JPT Pratama", "PKN Tingkat II"
    rows = list(read_cohort(_csv(tmp_path / "kohort.csv", HEADER, row)))
    data = rows[0].case.data
    assert data["role"] == "successor" and data["projected_position"]["tier"] == "jpt_pratama"
    assert data["program"] == "pkn_2"


def test_a_misspelt_value_gets_a_suggestion_naming_the_column_as_written(tmp_path):
    row = list(ROW)
    row[2] = "adminstrator"
    error = list(read_cohort(_csv(tmp_path / "kohort.csv", HEADER, row)))[0].error
    assert error.column == "Jenjang Jabatan"
    assert "'adminstrator' tidak dikenal (maksud Anda 'administrator'?)" in error.message
    assert "baris 2" in str(error) and "kolom 'Jenjang Jabatan'" in str(error)


def test_a_misspelt_header_gets_a_suggestion(tmp_path):
    header = list(HEADER)
    header[4] = "Instnasi"
    with pytest.raises(Exception, match=r"'Instnasi' \(maksud Anda 'instansi'\?\)") as caught:
        list(read_cohort(_csv(tmp_path / "kohort.csv", header, ROW)))
    assert "baris 1" in str(caught.value)


def test_a_misspelt_value_is_one_message_and_exit_2(aturan, tmp_path):
    row = list(ROW)
    row[5] = "petahanna"
    path = _csv(tmp_path / "kohort.csv", HEADER, row)
    result = aturan("batch", path, "--out", tmp_path / "hasil", "--as-of", "2026-02-01")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "kolom 'Peran'" in result.stderr and "maksud Anda 'petahana'?" in result.stderr


def test_the_training_institution_reaches_the_letters(aturan, tmp_path):
    path = _csv(tmp_path / "kohort.csv", HEADER, ROW)
    out = tmp_path / "out"
    result = aturan(
        "issue", "--registri-baru", path, "--out", out, "--registry", out / "reg.sqlite",
        "--as-of", "2026-02-01", "--issue-date", "2026-02-02",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    import docx

    letter = docx.Document(str(next(out.glob("*DSN*.docx"))))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Yth. Bupati Sleman" in text
    assert "PKA Angkatan XII" in "\n".join(
        c.text for t in letter.tables for r in t.rows for c in r.cells
    )


def test_a_nip_saved_as_a_number_in_xlsx_is_reported_as_the_sheet_shows_it(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([1.98503152010011e17, *ROW[1:]])
    workbook.save(tmp_path / "kohort.xlsx")
    error = list(read_cohort(tmp_path / "kohort.xlsx"))[0].error
    assert error.column == "NIP"
    assert error.message.startswith(
        "NIP tersimpan sebagai angka (1.98503152010011E+17) dan kehilangan digit"
    )
    assert "format kolom NIP sebagai teks" in error.message
    assert "198503152010011008" not in error.message  # a number the operator never typed


def test_kohort_template_has_dropdowns_instructions_and_reads_back(aturan, tmp_path):
    path = tmp_path / "templat.xlsx"
    result = aturan("kohort-template", "--out", path)
    assert result.exit_code == 0, result.stderr
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Kohort", "Petunjuk"]
    sheet = workbook["Kohort"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["NIP", "Nama Lengkap", "Jenjang Jabatan"]
    lists = {
        header[cell.column - 1]: rule.formula1
        for rule in sheet.data_validations.dataValidation
        if rule.type == "list"
        for ranges in rule.sqref.ranges
        for cell in [sheet[ranges.coord.split(":")[0]]]
    }
    assert lists["Peran"] == '"petahana,suksesor"'
    assert "Administrator" in lists["Jenjang Jabatan"] and "PKA" in lists["Program Pelatihan"]
    assert sheet["A2"].number_format == "@"
    guide = " ".join(str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row)
    assert "Petunjuk pengisian" in guide and "wajib" in guide
    # filled in as an operator would, it reads back
    values = dict(zip(HEADER, ROW))
    for index, name in enumerate(header, 1):
        if name in values and values[name]:
            sheet.cell(row=2, column=index, value=values[name])
    workbook.save(path)
    rows = list(read_cohort(path))
    assert rows[0].error is None, rows[0].error
    assert rows[0].case.data["training"]["institution"] == "BPSDM Provinsi Jawa Barat"


def test_kohort_template_refuses_another_extension(aturan, tmp_path):
    result = aturan("kohort-template", "--out", tmp_path / "templat.csv")
    assert result.exit_code == 2 and ".xlsx" in result.stderr
    assert not (tmp_path / "templat.csv").exists()
