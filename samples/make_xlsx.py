"""Make samples/cohort-contoh.xlsx from samples/cohort-contoh.csv (run from anywhere).

The workbook holds the same rows as the CSV, typed the way a spreadsheet user
would have them: dates as date cells, levels and JPM as numbers, and the NIP
as a text cell (an 18-digit number does not survive in a spreadsheet, see
docs/cohort-format.md). The malformed row keeps its missing cells empty.

    .venv/bin/python samples/make_xlsx.py
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SOURCE, TARGET = HERE / "cohort-contoh.csv", HERE / "cohort-contoh.xlsx"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER = re.compile(r"\d+(\.\d+)?")


def typed(column: str, text: str):
    if text == "":
        return None
    if column.endswith("_date") or column in ("training_start", "training_end"):
        return dt.date.fromisoformat(text) if DATE.fullmatch(text) else text
    if column != "nip" and NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


def main() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "kohort"
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        sheet.append(header)
        for record in reader:
            sheet.append([typed(column, text) for column, text in zip(header, record)])
    nip_column = header.index("nip") + 1
    for (cell,) in sheet.iter_rows(min_col=nip_column, max_col=nip_column):
        cell.number_format = "@"  # text, so the NIP keeps all 18 digits
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    workbook.properties.creator = "aturan samples/make_xlsx.py"
    workbook.properties.created = dt.datetime(2026, 1, 1)
    workbook.save(TARGET)
    print(f"{TARGET.relative_to(HERE.parent)}: {sheet.max_row - 1} baris peserta")


if __name__ == "__main__":
    main()
