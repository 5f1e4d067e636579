"""What operators touch every month (issue 24, items 5 and 9): the cohort template survives the
edits an office makes (its own columns, sheets reordered), its dropdowns speak Indonesian, and the
files and messages they read do too (keputusan.csv, click's own messages, no warning noise)."""

import csv
import subprocess
import sys

from conftest import ROOT
from openpyxl import load_workbook
from test_cohort_operators import HEADER, ROW

from aturan.cases import read_cohort

AS_OF = "2026-02-01"


def _template(aturan, tmp_path):
    path = tmp_path / "kohort.xlsx"
    assert aturan("kohort-template", "--out", path).exit_code == 0
    return path


def _fill(sheet, values: dict, row: int = 2) -> None:
    header = [c.value for c in sheet[1]]
    for name, value in values.items():
        sheet.cell(row=row, column=header.index(name) + 1, value=value)


def test_own_columns_and_moved_sheets_are_read_with_one_notice(aturan, tmp_path):
    """An office numbers its rows ("No."), adds remarks ("Keterangan") and puts the instructions
    first: the file still reads, and one notice names the columns left out."""
    path = _template(aturan, tmp_path)
    workbook = load_workbook(path)
    sheet = workbook["Kohort"]
    sheet.insert_cols(1)
    sheet.cell(row=1, column=1, value="No.")
    sheet.cell(row=1, column=sheet.max_column + 1, value="Keterangan")
    _fill(sheet, {"No.": 1, **dict(zip(HEADER, ROW)), "Keterangan": "pindahan 2025"})
    workbook.move_sheet("Petunjuk", offset=-1)
    workbook.save(path)
    assert load_workbook(path).sheetnames == ["Petunjuk", "Kohort"]

    result = aturan("batch", path, "--out", tmp_path / "hasil", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "diabaikan" in line]
    assert len(notices) == 1 and "'No.'" in notices[0] and "'Keterangan'" in notices[0]
    with open(tmp_path / "hasil" / "keputusan.csv", encoding="utf-8") as handle:
        assert [row["nip"] for row in csv.DictReader(handle)] == [ROW[0]]


def test_a_misspelt_column_is_still_refused_not_ignored(tmp_path):
    """Only columns unlike any cohort column are ignored: a typo of one would lose its data."""
    path = tmp_path / "kohort.csv"
    header = list(HEADER) + ["Tanggal Asesmenn"]
    path.write_text(",".join(header) + "\n" + ",".join(ROW) + ",\n", encoding="utf-8")
    try:
        list(read_cohort(path))
    except Exception as exc:  # noqa: BLE001
        assert "maksud Anda 'tanggal asesmen'?" in str(exc)
    else:
        raise AssertionError("a misspelt column was read without a word")


def test_dropdowns_show_indonesian_labels_and_both_spellings_read_back(aturan, tmp_path):
    path = _template(aturan, tmp_path)
    workbook = load_workbook(path)
    sheet = workbook["Kohort"]
    header = [c.value for c in sheet[1]]
    lists = {
        header[sheet[r.coord.split(":")[0]].column - 1]: rule.formula1
        for rule in sheet.data_validations.dataValidation
        if rule.type == "list"
        for r in rule.sqref.ranges
    }
    assert (
        lists["Jenis Sertifikat"]
        == '"Sertifikat Kompetensi Manajerial,STTP,Sertifikat Keikutsertaan"'
    )
    assert all("_" not in formula for formula in lists.values())
    evidence = {"Jenis Sertifikat": "Sertifikat Kompetensi Manajerial",
                "Tanggal Sertifikat": "2024-05-10"}  # fmt: skip
    _fill(sheet, {**dict(zip(HEADER, ROW)), **evidence})
    old = {**dict(zip(HEADER, ROW)), "NIP": "198503152010011002", "Jenis Sertifikat": "sttp",
           "Tanggal Sertifikat": "2024-05-10"}  # fmt: skip
    _fill(sheet, old, row=3)
    workbook.save(path)
    rows = list(read_cohort(path))
    assert [r.error for r in rows] == [None, None]
    kinds = [r.case.data["evidence"][0]["type"] for r in rows]
    assert kinds == ["sertifikat_kompetensi_manajerial", "sttp"]


def test_columns_fit_an_18_digit_nip_and_a_long_name(aturan, tmp_path):
    sheet = load_workbook(_template(aturan, tmp_path))["Kohort"]
    widths = {c.value: sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
    assert widths["NIP"] >= 20  # 18 digits and a margin
    assert widths["Nama Lengkap"] >= 36  # "Dr. Hj. Sri Wahyuningsih Kusumawardhani, S.E., M.Si."


def test_keputusan_csv_says_ya_and_tidak(aturan, tmp_path):
    path = tmp_path / "kohort.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(ROW) + "\n", encoding="utf-8")
    assert aturan("batch", path, "--out", tmp_path / "hasil", "--as-of", AS_OF).exit_code == 0
    with open(tmp_path / "hasil" / "keputusan.csv", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert row["in_scope"] == "Ya" and row["initial_assessment_required"] in ("Ya", "Tidak")
    assert "True" not in row.values() and "False" not in row.values()


def test_click_speaks_indonesian(aturan, tmp_path):
    missing = aturan("issue", tmp_path / "kohort.yaml")
    assert missing.exit_code == 2
    assert "galat: Opsi wajib belum diisi '--out'." in missing.stderr
    assert "issue --help' untuk bantuan." in missing.stderr and "Coba '" in missing.stderr
    assert "Penggunaan: " in missing.stderr and "issue [OPSI] SOURCE" in missing.stderr
    for english in ("Error:", "Missing option", "Try '", "Usage:", "[OPTIONS]"):
        assert english not in missing.stderr
    bad = aturan("registry", "list", "--status", "hilang")
    assert "Nilai tidak sah untuk '--status'" in bad.stderr
    assert "'hilang' bukan salah satu dari 'terbit', 'dicabut'." in bad.stderr
    shown = aturan("issue", "--help").output
    assert "Tampilkan pesan ini lalu keluar." in shown and "Opsi:" in shown
    assert "Show this message" not in shown
    unknown = aturan("registri")
    assert "Perintah 'registri' tidak ada." in unknown.stderr


def test_the_version_prints_no_warning():
    """No deprecation warning from a dependency on every command (a fresh interpreter, warnings
    shown as Python shows them by default to a user)."""
    result = subprocess.run(
        [sys.executable, "-W", "default", "-m", "aturan.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("aturan ")
    assert result.stderr == ""


def test_reading_a_pdf_prints_no_cryptography_warning(aturan, tmp_path):
    """`verify` on a PDF loads pyHanko, whose import of DSA keys made cryptography warn on every
    such command; a fresh interpreter, as an operator runs it."""
    from pypdf import PdfWriter

    case = ROOT / "samples" / "budi-petahana-administrator.yaml"
    registry = tmp_path / "r.sqlite"
    issued = aturan(
        "issue", case, "--out", tmp_path / "dok", "--registry", registry, "--registri-baru",
        "--as-of", AS_OF, "--issue-date", "2026-02-02",
    )  # fmt: skip
    assert issued.exit_code == 0, issued.stderr

    pdf = tmp_path / "kosong.pdf"
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(pdf)
    result = subprocess.run(
        [sys.executable, "-m", "aturan.cli", "verify", pdf, "--registry", registry],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "tidak bertanda tangan" in result.stdout, result.stderr
    assert "Warning" not in result.stderr, result.stderr


def test_a_message_names_columns_as_the_operator_wrote_them(tmp_path):
    """No internal key (`kolom 'training_start'`) in what an operator reads about a row."""
    row = list(ROW)
    row[HEADER.index("Tanggal Mulai Pelatihan")] = ""
    path = tmp_path / "kohort.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    error = list(read_cohort(path))[0].error
    assert "kolom 'Tanggal Mulai Pelatihan'" in str(error)
    assert "padahal kolom 'Tanggal Selesai Pelatihan' diisi" in error.message
    assert "training_" not in str(error)
