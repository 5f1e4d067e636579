"""`aturan registry list` as an office reports from it each month (issue 24, item 6): the type as
printed in the number or by its name, months, the revocation beside each document, totals per
type and status, and a real Excel workbook."""

import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import DESIGN_RUN, ROOT, Result, started_cases
from openpyxl import load_workbook

from aturan.cli import main

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
BUDI = "198503152010011001"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]


def run(*args):
    env = {"ATURAN_ROOT": str(ROOT)}
    return Result(CliRunner().invoke(main, [str(a) for a in args], env=env))


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The sample cohort issued as `make demo` does (15 documents), one STTP revoked."""
    folder = tmp_path_factory.mktemp("laporan")
    path, out = folder / "r.sqlite", folder / "dok"
    runs = [(started_cases(COHORT, folder), DESIGN_RUN), (COHORT, ISSUE)]
    for source, dates in runs:
        result = run("issue", source, "--out", out, "--registry", path, "--registri-baru", *dates)
        assert result.exit_code == 0, result.stderr
    sttp = listed(path, "--nip", BUDI, "--type", "sttp")[0]["number"]
    revoked = run("registry", "revoke", "--ya", sttp, "--reason", "nama salah ketik",
                  "--registry", path, "--operator", "Rina")  # fmt: skip
    assert revoked.exit_code == 0, revoked.stderr
    return path


def listed(path, *filters):
    result = run("registry", "list", "--registry", path, "--format", "json", *filters)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


@pytest.mark.parametrize("written", ["STTP", "sttp", "Surat Tanda Tamat Pelatihan", "stTP "])
def test_the_type_is_named_as_printed_in_the_number_or_by_its_title(registry, written):
    rows = listed(registry, "--type", written)
    assert len(rows) == 3 and all("/STTP/" in row["number"] for row in rows)


def test_an_unknown_type_is_refused_with_the_valid_list(registry):
    result = run("registry", "list", "--registry", registry, "--type", "STTPX")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "'STTPX' tidak dikenal" in result.stderr
    assert "STTP (Surat Tanda Tamat Pelatihan)" in result.stderr
    assert "SKM (Sertifikat Kompetensi Manajerial)" in result.stderr


def test_months_cover_the_whole_month(registry):
    assert len(listed(registry, "--from", "2027-01")) == 11
    assert len(listed(registry, "--from", "2027-01", "--to", "2027-01")) == 11
    assert len(listed(registry, "--to", "2026-02")) == 4  # the designs, dated 2 February 2026
    assert listed(registry, "--from", "2027-02") == []
    assert len(listed(registry, "--from", "2026", "--to", "2026")) == 4
    bad = run("registry", "list", "--registry", registry, "--from", "2027-13")
    assert bad.exit_code == 2 and "'2027-13' bukan tanggal" in bad.stderr and "--from" in bad.stderr


def test_the_table_shows_the_revocation_and_the_totals(registry):
    shown = run("registry", "list", "--registry", registry).output
    words = " ".join(cell.strip() for line in shown.splitlines() for cell in line.split("│"))
    for text in ("Dicabut", "Alasan", "pencabutan", "nama salah", "ketik", "Rina"):
        assert text in words
    assert "Jumlah per jenis dan status" in shown
    total = next(line for line in shown.splitlines() if "Jumlah " in line and "│" in line)
    assert [cell.strip() for cell in total.split("│")[1:-1]] == ["Jumlah", "14", "1", "15"]


def test_the_workbook_has_indonesian_headers_text_nips_and_totals(registry, tmp_path):
    path = tmp_path / "laporan.xlsx"
    result = run("registry", "list", "--registry", registry, "--out", path)
    assert result.exit_code == 0, result.stderr
    assert "15 dokumen (14 terbit, 1 dicabut) ditulis ke" in result.output
    workbook = load_workbook(path)  # a real workbook, not CSV text
    assert workbook.sheetnames == ["Dokumen", "Rekap"]
    sheet = workbook["Dokumen"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Nomor", "Jenis", "NIP", "Nama", "Tanggal", "Status"]
    assert {"Dicabut pada", "Alasan pencabutan", "Dicabut oleh"} <= set(header)
    rows = [dict(zip(header, (c for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 15
    for row in rows:
        assert isinstance(row["NIP"].value, str) and len(row["NIP"].value) == 18
        assert row["NIP"].number_format == "@" and row["NIP"].data_type == "s"
    revoked = [row for row in rows if row["Status"].value == "dicabut"]
    assert len(revoked) == 1 and revoked[0]["Jenis"].value == "Surat Tanda Tamat Pelatihan"
    assert revoked[0]["Alasan pencabutan"].value == "nama salah ketik"
    assert revoked[0]["Dicabut oleh"].value == "Rina"
    assert revoked[0]["Dicabut pada"].value.startswith("20")
    totals = [[c.value for c in row] for row in workbook["Rekap"].iter_rows()]
    assert totals[0] == ["Jenis", "Terbit", "Dicabut", "Jumlah"]
    assert ["Surat Tanda Tamat Pelatihan", 2, 1, 3] in totals
    assert totals[-1] == ["Jumlah", 14, 1, 15]


def test_a_csv_out_stays_csv_with_indonesian_headers(registry, tmp_path):
    path = tmp_path / "laporan.csv"
    assert run("registry", "list", "--registry", registry, "--out", path).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == 15 and rows[0]["NIP"].isdigit() and rows[0]["Nomor"]
