"""Cohort input: many participant cases in one CSV, XLSX, YAML or JSON file, read row by row.

`read_cohort(path)` yields one `CohortRow` per participant. A row that does not
make a valid case carries an `InputError` naming the file, the row and the
column (CSV/XLSX) or field (YAML/JSON), and reading goes on with the next row.
Problems with the file as a whole (unknown extension, missing file, bad header,
not UTF-8, not a list of cases) raise `InputError` instead.

CSV and XLSX are read row by row and never held in memory; YAML and JSON lists
are loaded whole. The only state kept across rows is the NIPs already seen
(for the duplicate check). The column layout is documented in docs/cohort-format.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import logging
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zlib import error as zlib_error

from aturan.cases.case import Case, case_from_data
from aturan.cases.columns import (
    HEADER_ALIASES,
    canonical_column,
    canonical_value,
    header_suggestion,
    value_problem,
)
from aturan.cases.nip import parse_nip
from aturan.errors import InputError
from aturan.files import LineDict, check_zip, load_json, load_yaml
from aturan.vocabulary import COMPETENCIES

LEVEL_COLUMNS = tuple(COMPETENCIES)
POST_LEVEL_COLUMNS = tuple(f"post_{key}" for key in COMPETENCIES)

CORE_COLUMNS = (
    "nip",
    "name",
    "position_tier",
    "position_title",
    "agency",
    "role",
    "projected_tier",
    "program",
    "training_start",
    "training_end",
    "batch",
    "assessment_date",
    "assessment_purpose",
    "assessment_institution",
    "assessment_jpm",
    *LEVEL_COLUMNS,
)
CERTIFICATE_COLUMNS = (
    "certificate_type",
    "certificate_date",
    "certificate_tier",
    "certificate_program",
)
LIFECYCLE_COLUMNS = (
    "final_evaluation_date",
    "final_evaluation_result",
    "post_assessment_date",
    *POST_LEVEL_COLUMNS,
    "post_jpm",
)
# Optional: the training's organiser, printed on its documents ("diselenggarakan oleh ...").
TRAINING_COLUMNS = ("training_institution",)
COLUMNS = CORE_COLUMNS + TRAINING_COLUMNS + CERTIFICATE_COLUMNS + LIFECYCLE_COLUMNS
"""Every column of a participant's data, in the order `write_cohort` writes them."""
# Written by `aturan sample` (value "ya") on every row it makes up: what tells `compare`, `diff`
# and `batch` that a cohort is synthetic, row by row, so a cut or merged file still says so. Not in
# the template: an operator's cohort never needs it.
MARKER_COLUMNS = ("synthetic",)
SYNTHETIC_WORDS = ("ya", "true", "1", "yes")

# An optional group present in the header must bring the columns that make it usable.
_HEADER_GROUPS = (
    (set(CERTIFICATE_COLUMNS), ("certificate_type", "certificate_date")),
    ({"final_evaluation_date", "final_evaluation_result"}, ("final_evaluation_date",)),
    (
        {"post_assessment_date", *POST_LEVEL_COLUMNS, "post_jpm"},
        ("post_assessment_date", *POST_LEVEL_COLUMNS),
    ),
)

SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml", ".json")
# The template's data sheet: an XLSX cohort is read from the sheet of this name (any case),
# wherever it sits, else from its first sheet.
DATA_SHEET = "Kohort"
# Notices about a file that is read anyway (extra columns ignored): the CLI shows them on stderr.
notices = logging.getLogger("aturan.notice")


@dataclass
class CohortRow:
    row: int  # 1-based row (CSV/XLSX, header = 1), line (YAML) or position in the list (JSON)
    case: Case | None
    error: InputError | None
    # with read_cohort(..., defer=True): a table row read, its NIP checked, the rest still to check
    unchecked: UncheckedRow | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class UncheckedRow:
    """A table row whose cells are read but not yet turned into a case and validated: the work
    worker processes do, so the process reading the file only reads."""

    source: str
    row: int
    nip: str
    cells: dict[str, object]
    written: dict[str, str]  # canonical column -> the header as written

    def check(self) -> CohortRow:
        try:
            raw, events = _case_dict(self.nip, self.cells)
        except _CellError as exc:
            return _whose(_cell_failure(self.source, self.row, exc, self.written), self.cells)
        return _whose(_validated(self.source, self.row, raw, events, self.written), self.cells)


class CohortError(InputError):
    """A bad cohort row. Tabular files name the row and column; YAML/JSON the line, case number and
    field."""

    file: str

    def __init__(
        self,
        message: str,
        *,
        file: str,
        row: int,
        column: str | None = None,
        field: str | None = None,
        line: int | None = None,
        item: int | None = None,
    ):
        super().__init__(message, file=file, field=column or field, line=line, row=row)
        self.column = column
        self.item = item

    def location(self) -> str:
        if self.item is None:  # CSV / XLSX
            parts = [self.file, f"baris {self.row}"]
            if self.column:
                parts.append(f"kolom '{self.column}'")
            elif self.field:
                parts.append(f"isian '{self.field}'")
        else:  # YAML / JSON list
            parts = [
                f"{self.file}:{self.line}" if self.line else self.file,
                f"kasus ke-{self.item}",
            ]
            if self.field:
                parts.append(f"isian '{self.field}'")
        return ", ".join(parts)


def read_cohort(path: Path | str, defer: bool = False) -> Iterator[CohortRow]:
    """Yield one CohortRow per participant of a .csv, .xlsx, .yaml/.yml or .json cohort.

    The extension and the file's existence are checked at once; everything else
    is read lazily, row by row, as the iterator is consumed. With `defer`, a table row comes
    with its NIP checked (also for repeats) and the rest left `unchecked`, for a worker to check.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"jenis berkas kohort '{path.suffix or '(tanpa ekstensi)'}' tidak dikenal; "
            f"yang didukung: {', '.join(SUFFIXES)}",
            file=str(path),
        )
    if path.is_dir():
        raise InputError("ini sebuah folder, bukan berkas kohort", file=str(path))
    if not path.is_file():
        raise InputError("berkas tidak ditemukan", file=str(path))
    if suffix == ".csv":
        return _tabular(path, _csv_records(path), exact_width=True, defer=defer)
    if suffix == ".xlsx":
        return _tabular(path, _xlsx_records(path), exact_width=False, defer=defer)
    return _listed(path)


# --- tabular files -----------------------------------------------------------------------------


def _csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells); the first record is the header."""
    source = str(path)
    with path.open("rb") as handle:

        def lines() -> Iterator[str]:
            for number, data in enumerate(handle, 1):
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise InputError(
                        f"baris {number} bukan teks UTF-8; simpan berkas sebagai 'CSV UTF-8'",
                        file=source,
                        line=number,
                    ) from None
                yield text.removeprefix("\ufeff") if number == 1 else text

        text_lines = lines()
        first = next(text_lines, None)
        if first is None or not first.strip():
            raise InputError(
                "berkas kohort kosong: baris 1 harus berisi nama kolom", file=source, row=1
            )
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(itertools.chain([first], text_lines), delimiter=delimiter)
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(
                    f"CSV tidak valid: {exc}", file=source, line=reader.line_num
                ) from None
            yield start, record


class Uncomputed(str):
    """An XLSX formula cell saved without its computed value (e.g. written by a script, never opened
    in Excel)."""


def _xlsx_records(path: Path) -> Iterator[tuple[int, list[object]]]:
    """(row number, cell values) of the first sheet, read-only and streaming; row 1 is the header.

    A number shown as a percentage (number format with '%') is read as shown: 85.5%, stored
    as 0.855, is 85.5. A formula cell without a stored value becomes `Uncomputed` (its formula),
    refused later with its row and column, instead of being read as an empty cell."""
    import openpyxl

    check_zip(path, InputError)
    opened = []
    try:
        for data_only in (True, False) if _has_formulas(path) else (True,):
            try:
                opened.append(openpyxl.load_workbook(path, read_only=True, data_only=data_only))
            except (
                Exception
            ) as exc:  # openpyxl, zipfile and the XML parsers raise many types for a damaged file
                raise InputError(
                    f"bukan berkas Excel .xlsx yang dapat dibaca ({type(exc).__name__}: {exc})",
                    file=str(path),
                ) from None
        if not opened[0].worksheets:
            raise InputError("berkas Excel tidak memiliki lembar kerja", file=str(path))
        sheets = [_data_sheet(workbook) for workbook in opened]
        for sheet in sheets:
            sheet.reset_dimensions()  # do not trust the stored size; read what is there
        rows = (
            zip(*(sheet.iter_rows() for sheet in sheets))
            if len(sheets) == 2
            else ((cells, ()) for cells in sheets[0].iter_rows())
        )
        number = 0
        while True:
            number += 1
            try:
                pair = next(rows, None)
            except (
                Exception
            ) as exc:  # a damaged sheet: bad XML, impossible cell references or dates
                raise InputError(
                    f"baris {number} tidak dapat dibaca ({type(exc).__name__}: {exc})",
                    file=str(path),
                    row=number,
                ) from None
            if pair is None:
                return
            yield number, _xlsx_values(*pair)
    finally:
        for workbook in opened:
            workbook.close()


def _data_sheet(workbook: Any) -> Any:
    """The sheet named like the template's data sheet, wherever it sits; else the first."""
    named = [n for n in workbook.sheetnames if n.strip().casefold() == DATA_SHEET.casefold()]
    return workbook[named[0]] if named else workbook.worksheets[0]


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula: only then is the workbook read a second time for
    them."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as handle:
                        tail = b""
                        while chunk := handle.read(1 << 20):
                            if _FORMULA_TAG.search(tail + chunk):
                                return True
                            tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, zlib_error):
        return True  # let openpyxl name what is wrong
    return False


def _xlsx_values(cells: Iterable[Any], formula_cells: Iterable[Any]) -> list[object]:
    formulas = {getattr(c, "column", None): c.value for c in formula_cells}
    out = []
    for cell in cells:
        value = getattr(cell, "value", None)
        formula = formulas.get(getattr(cell, "column", None))
        if value is None and isinstance(formula, str) and formula.startswith("="):
            value = Uncomputed(formula)
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and "%" in (getattr(cell, "number_format", "") or "")
        ):
            value = round(value * 100, 10)
        out.append(value)
    return out


def _tabular(
    path: Path,
    records: Iterator[tuple[int, Sequence[object]]],
    exact_width: bool,
    defer: bool = False,
) -> Iterator[CohortRow]:
    source = str(path)
    first = next(records, None)
    if first is None:
        raise InputError(
            "berkas kohort kosong: baris 1 harus berisi nama kolom", file=source, row=1
        )
    header, written, ignored = _header(source, first[1])
    width = len(first[1])
    seen: dict[str, int] = {}
    for row, values in records:
        if all(_text(value) is None for value in values):
            continue  # blank line / empty row
        if exact_width and len(values) != width:
            missing = header[len(values)] if len(values) < len(header) else None
            more = f"; sel untuk kolom '{missing}' dan sesudahnya tidak ada" if missing else ""
            yield CohortRow(
                row,
                None,
                CohortError(
                    f"baris berisi {len(values)} sel, padahal header berisi {width} kolom{more}",
                    file=source,
                    row=row,
                    column=missing,
                ),
            )
            continue
        stray = next(
            (i for i in range(len(header), len(values)) if _text(values[i]) is not None), None
        )
        if stray is not None:
            yield CohortRow(
                row,
                None,
                CohortError(
                    f"sel ke-{stray + 1} berisi {_text(values[stray])!r}, padahal kolom itu tidak "
                    "bernama di header",
                    file=source,
                    row=row,
                ),
            )
            continue
        cells = {column: value for column, value in zip(header, values) if column not in ignored}
        yield _table_row(source, row, cells, seen, written, defer)


def _header(source: str, values: Sequence[object]) -> tuple[list[str], dict[str, str], set[str]]:
    """The canonical column of each header cell (Indonesian aliases accepted, any case and
    spacing), the header as written for each, so messages name the column the operator
    wrote, and the operator's own columns (e.g. "No.", "Keterangan"), ignored with one notice.
    An unknown name close to a known one is a misspelt column, refused with a suggestion."""
    names = [_text(value) or "" for value in values]
    while names and not names[-1]:
        names.pop()
    header = [canonical_column(name) or name.lower() if name else "" for name in names]
    written = {column: name for column, name in zip(header, names) if column}
    problems = []
    blank = [str(i + 1) for i, name in enumerate(header) if not name]
    if blank:
        problems.append(f"kolom ke-{', '.join(blank)} tidak bernama")
    unknown = [
        (name, column, header_suggestion(name))
        for name, column in zip(names, header)
        if column and column not in COLUMNS + MARKER_COLUMNS
    ]
    misspelt = [f"'{name}'{hint}" for name, _, hint in unknown if hint]
    if misspelt:
        problems.append(f"kolom tidak dikenal: {', '.join(misspelt)}")
    ignored = {column for _, column, hint in unknown if not hint}
    doubled = sorted(
        {name for name in header if name and name not in ignored and header.count(name) > 1}
    )
    if doubled:
        problems.append(f"kolom muncul lebih dari sekali: {', '.join(doubled)}")
    missing = [name for name in CORE_COLUMNS if name not in header]
    for group, needed in _HEADER_GROUPS:
        if group & set(header):
            missing += [name for name in needed if name not in header]
    if missing:
        problems.append(f"kolom wajib tidak ada: {', '.join(missing)}")
    if problems:
        raise InputError(
            "header (baris 1) tidak sesuai format kohort: "
            + "; ".join(problems)
            + " (lihat docs/cohort-format.md)",
            file=source,
            row=1,
        )
    if ignored:
        shown = ", ".join(f"'{name}'" for name, column, _ in unknown if column in ignored)
        notices.warning(
            f"{source}: kolom berikut bukan kolom kohort dan diabaikan: {shown}",
        )
    return header, written, ignored


class _CellError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _table_row(
    source: str,
    row: int,
    cells: dict[str, object],
    seen: dict[str, int],
    written: dict[str, str],
    defer: bool,
) -> CohortRow:
    try:
        _refuse_uncomputed(cells)
        nip = _nip(cells.get("nip"))
        if nip in seen:
            raise _CellError("nip", f"NIP {nip} sudah muncul di baris {seen[nip]}")
        seen[nip] = row
    except _CellError as exc:
        return _whose(_cell_failure(source, row, exc, written), cells)
    unchecked = UncheckedRow(source, row, nip, cells, written)
    return CohortRow(row, None, None, unchecked) if defer else unchecked.check()


def _whose(checked: CohortRow, cells: dict[str, Any]) -> CohortRow:
    """A refused row names whose row it is, as written (for the list of rejected rows)."""
    if checked.error is not None:
        checked.error.nip = str(cells.get("nip") or "").strip() or None
        checked.error.name = str(cells.get("name") or "").strip() or None
    return checked


def _cell_failure(source: str, row: int, exc: _CellError, written: dict[str, str]) -> CohortRow:
    column = written.get(exc.column, exc.column)
    message = _QUOTED_COLUMN.sub(lambda m: f"'{_shown(m.group(1), written)}'", exc.message)
    return CohortRow(row, None, CohortError(message, file=source, row=row, column=column))


_QUOTED_COLUMN = re.compile(r"'([a-z_]+)'")


def _shown(column: str, written: dict[str, str]) -> str:
    """A column as the operator's header names it (else its template header): messages never
    show the internal key of a column the operator wrote in Indonesian."""
    if column not in COLUMNS:
        return column
    return written.get(column) or HEADER_ALIASES[column][0]


def _validated(
    source: str, row: int, raw: dict[str, Any], events: list[str], written: dict[str, str]
) -> CohortRow:
    data = LineDict(raw)
    data.line, data.key_lines = row, {}  # so later errors about this case point at its row
    try:
        case = case_from_data(data, source)
    except InputError as exc:
        column = _column_of(exc.field, events)
        column = written.get(column, column) if column else None
        return CohortRow(
            row,
            None,
            CohortError(
                exc.message,
                file=source,
                row=row,
                column=column,
                field=None if column else exc.field,
            ),
        )
    return CohortRow(row, case, None)


def _refuse_uncomputed(cells: dict[str, object]) -> None:
    for column, value in cells.items():
        if isinstance(value, Uncomputed):
            raise _CellError(
                column,
                f"berisi rumus {str(value)[:60]!r} tanpa nilai tersimpan; buka dan simpan ulang "
                "berkas di program lembar kerja agar nilainya dihitung, atau isi nilainya langsung",
            )


def _case_dict(nip: str, cells: dict[str, object]) -> tuple[dict[str, Any], list[str]]:
    """One table row as a case mapping (schema layout), and the event types in the order added."""

    def text(column: str) -> str | None:
        return _text(cells.get(column))

    def word(
        column: str,
    ) -> str | None:  # vocabulary keys: Indonesian spellings accepted, else a did-you-mean
        value = _text(cells.get(column))
        return _vocabulary(column, value) if value else None

    raw: dict[str, Any] = {"nip": nip, "name": _required(cells, "name")}
    position = {"tier": _vocabulary("position_tier", _required(cells, "position_tier"))}
    _put(position, "title", text("position_title"))
    _put(position, "agency", text("agency"))
    raw["position"] = position
    raw["role"] = _vocabulary("role", _required(cells, "role"))
    projected = word("projected_tier")
    if projected:
        raw["projected_position"] = {"tier": projected}
    elif raw["role"] == "successor":
        raise _CellError(
            "projected_tier",
            "kosong; wajib diisi untuk suksesor: jenjang jabatan yang dipersiapkan",
        )
    raw["program"] = _vocabulary("program", _required(cells, "program"))
    marker = text("synthetic")
    if marker:
        if marker.lower() not in SYNTHETIC_WORDS:
            raise _CellError(
                "synthetic", f"'{marker}' bukan penanda kohort sintetis; isi 'ya' atau kosongkan"
            )
        raw["synthetic"] = True

    start, end = _date(cells, "training_start"), _date(cells, "training_end")
    batch, institution = text("batch"), text("training_institution")
    if start or end or batch or institution:
        _needed(
            cells,
            ("training_start", "training_end"),
            ("training_start", "training_end", "batch", "training_institution"),
            "pelatihan memerlukan tanggal mulai dan selesai",
        )
        raw["training"] = {"start": start, "end": end}
        _put(raw["training"], "batch", batch)
        _put(raw["training"], "institution", institution)

    assessment_date = _date(cells, "assessment_date")
    _needed(
        cells,
        ("assessment_date",),
        ("assessment_purpose", "assessment_institution", "assessment_jpm", *LEVEL_COLUMNS),
        "tanpa 'assessment_date' baris ini tidak memiliki asesmen",
    )
    if assessment_date:
        _needed(
            cells,
            ("assessment_purpose",),
            ("assessment_date",),
            "asesmen memerlukan tujuan (seleksi/pemetaan)",
        )
        assessment: dict[str, Any] = {
            "date": assessment_date,
            "purpose": word("assessment_purpose"),
        }
        _put(assessment, "institution", text("assessment_institution"))
        assessment["levels"] = _levels(cells, LEVEL_COLUMNS, "assessment_date")
        _put(assessment, "jpm", _jpm(cells, "assessment_jpm"))
        raw["assessments"] = [assessment]

    certificate_date = _date(cells, "certificate_date")
    if any(text(column) for column in CERTIFICATE_COLUMNS):
        _needed(
            cells,
            ("certificate_type", "certificate_date"),
            CERTIFICATE_COLUMNS,
            "bukti sertifikat memerlukan jenis dan tanggal",
        )
        evidence = {"type": word("certificate_type"), "date": certificate_date}
        _put(evidence, "tier", word("certificate_tier"))
        _put(evidence, "program", word("certificate_program"))
        raw["evidence"] = [evidence]

    events, kinds = [], []
    final_date = _date(cells, "final_evaluation_date")
    _needed(
        cells,
        ("final_evaluation_date",),
        ("final_evaluation_result",),
        "evaluasi akhir memerlukan tanggal",
    )
    if final_date:
        event: dict[str, Any] = {"type": "final_evaluation", "date": final_date}
        _put(event, "result", word("final_evaluation_result"))
        events.append(event)
        kinds.append("final_evaluation")
    post_date = _date(cells, "post_assessment_date")
    _needed(
        cells,
        ("post_assessment_date",),
        (*POST_LEVEL_COLUMNS, "post_jpm"),
        "asesmen pascapelatihan memerlukan tanggal",
    )
    if post_date:
        event = {
            "type": "post_assessment",
            "date": post_date,
            "levels": _levels(cells, POST_LEVEL_COLUMNS, "post_assessment_date"),
        }
        _put(event, "jpm", _jpm(cells, "post_jpm"))
        events.append(event)
        kinds.append("post_assessment")
    if events:
        raw["events"] = events
    return raw, kinds


def _vocabulary(column: str, value: str) -> str:
    """The vocabulary key for a cell of an enumerated column, or the cell's error with a
    suggestion (`adminstrator` -> administrator)."""
    key = canonical_value(column, value)
    if key is None:
        raise _CellError(column, value_problem(column, value))
    return key


def _put(mapping: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        mapping[key] = value


def _required(cells: dict[str, object], column: str) -> str:
    value = _text(cells.get(column))
    if value is None:
        raise _CellError(column, "kosong; kolom ini wajib diisi")
    return value


def _needed(
    cells: dict[str, object], needed: Iterable[str], given: Iterable[str], why: str
) -> None:
    """If any of `given` is filled, every column in `needed` must be filled too."""
    filled = next((column for column in given if _text(cells.get(column)) is not None), None)
    if filled is None:
        return
    for column in needed:
        if _text(cells.get(column)) is None:
            raise _CellError(column, f"kosong, padahal kolom '{filled}' diisi; {why}")


def _levels(cells: dict[str, object], columns: tuple[str, ...], date_column: str) -> dict[str, int]:
    levels = {}
    for key, column in zip(COMPETENCIES, columns):
        level = _level(cells, column)
        if level is None:
            raise _CellError(
                column,
                f"kosong, padahal kolom '{date_column}' diisi; "
                "asesmen memerlukan kedelapan tingkat kompetensi (1..5)",
            )
        levels[key] = level
    return levels


# --- cell values -------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    """A cell as trimmed text; None for an empty cell. Whole floats (3.0) lose their '.0'."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    text = str(value).strip()
    return text or None


_NIP_SCIENTIFIC = re.compile(r"\d+([.,]\d+)?[eE]\+?\d+")
_NIP_AS_NUMBER = (
    "NIP tersimpan sebagai angka ({shown}) dan kehilangan digit: program lembar kerja hanya "
    "menyimpan 15 digit angka; format kolom NIP sebagai teks dan isi ulang NIP 18 angka"
)


def _as_spreadsheet_shows(value: int | float) -> str:
    """A number as the spreadsheet showed it to the operator: 15 significant digits, in
    scientific notation when long (1.98503152010011E+17), never a digit the operator never typed."""
    if isinstance(value, int) and abs(value) < 10**15:
        return str(value)
    return f"{float(value):.15G}"


def _nip(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _CellError("nip", _NIP_AS_NUMBER.format(shown=_as_spreadsheet_shows(value)))
    text = re.sub(r"\s+", "", _text(value) or "")
    if not text:
        raise _CellError("nip", "kosong; kolom ini wajib diisi (NIP 18 angka)")
    if _NIP_SCIENTIFIC.fullmatch(text):
        raise _CellError("nip", _NIP_AS_NUMBER.format(shown=text))
    try:
        parse_nip(text)
    except ValueError as exc:
        raise _CellError("nip", str(exc)) from None
    return text


_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?")


def _date(cells: dict[str, object], column: str) -> str | None:
    value = cells.get(column)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
    elif isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)  # a datetime with a time of day is refused below, as in CSV
    if text is None:
        return None
    match = _DATE.fullmatch(text)
    if match:
        try:
            return dt.date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            pass
    raise _CellError(column, f"nilai '{text}' bukan tanggal ISO yang valid (YYYY-MM-DD)")


_LEVEL = re.compile(r"(\d+)(?:[.,]0+)?")


def _level(cells: dict[str, object], column: str) -> int | None:
    value = cells.get(column)
    text = _text(value)
    if text is None:
        return None
    match = None if isinstance(value, bool) else _LEVEL.fullmatch(text)
    if not match:
        raise _CellError(
            column, f"nilai '{text}' bukan tingkat kompetensi; yang diharapkan bilangan bulat 1..5"
        )
    level = int(match.group(1))
    if not 1 <= level <= 5:
        raise _CellError(column, f"nilai '{text}' di luar rentang 1..5")
    return level


def _jpm(cells: dict[str, object], column: str) -> int | float | None:
    value = cells.get(column)
    text = _text(value)
    if text is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(text.rstrip("%").strip().replace(",", "."))
        except ValueError:
            raise _CellError(
                column, f"nilai '{text}' bukan angka JPM; yang diharapkan persen 0..150, mis. 85.5"
            ) from None
    if not (math.isfinite(number) and 0 <= number <= 150):
        raise _CellError(column, f"nilai '{text}' di luar rentang 0..150")
    return int(number) if number.is_integer() else number


# --- schema field -> column --------------------------------------------------------------------

_FIELD_COLUMNS = {
    "nip": "nip",
    "name": "name",
    "role": "role",
    "program": "program",
    "position": "position_tier",
    "position.tier": "position_tier",
    "position.title": "position_title",
    "position.agency": "agency",
    "projected_position": "projected_tier",
    "projected_position.tier": "projected_tier",
    "training": "training_start",
    "training.start": "training_start",
    "training.end": "training_end",
    "training.batch": "batch",
    "assessments": "assessment_date",
    "assessments[0]": "assessment_date",
    "assessments[0].date": "assessment_date",
    "assessments[0].purpose": "assessment_purpose",
    "assessments[0].institution": "assessment_institution",
    "assessments[0].jpm": "assessment_jpm",
    "assessments[0].levels": LEVEL_COLUMNS[0],
    "evidence": "certificate_type",
    "evidence[0]": "certificate_type",
    "evidence[0].type": "certificate_type",
    "evidence[0].date": "certificate_date",
    "evidence[0].tier": "certificate_tier",
    "evidence[0].program": "certificate_program",
}
_EVENT_FIELD = re.compile(r"events\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?")


def _column_of(field: str | None, events: Sequence[str | None]) -> str | None:
    """The table column a schema field path (e.g. 'assessments[0].levels.integritas') came from."""
    if not field:
        return None
    if field in _FIELD_COLUMNS:
        return _FIELD_COLUMNS[field]
    if field.startswith("assessments[0].levels."):
        return field.rsplit(".", 1)[1]
    match = _EVENT_FIELD.fullmatch(field)
    if match and int(match.group(1)) < len(events):
        kind, key, sub = events[int(match.group(1))], match.group(2), match.group(3)
        if kind == "final_evaluation":
            return "final_evaluation_result" if key == "result" else "final_evaluation_date"
        if key == "levels":
            return f"post_{sub}" if sub else POST_LEVEL_COLUMNS[0]
        return "post_jpm" if key == "jpm" else "post_assessment_date"
    return None


def row_error(exc: InputError, source: str, row: int, data: dict[str, Any]) -> CohortError:
    """An error found after reading (e.g. while deciding) about the case in `row`, named like a
    reading error."""
    suffix = Path(source).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        kinds = [event.get("type") for event in data.get("events") or [] if isinstance(event, dict)]
        column = _column_of(exc.field, kinds)
        return CohortError(
            exc.message, file=source, row=row, column=column, field=None if column else exc.field
        )
    if suffix == ".json":
        return CohortError(exc.message, file=source, row=row, field=exc.field, item=row)
    return CohortError(exc.message, file=source, row=row, field=exc.field)


# --- YAML / JSON lists -------------------------------------------------------------------------


def _listed(path: Path) -> Iterator[CohortRow]:
    source = str(path)
    is_json = path.suffix.lower() == ".json"
    if is_json:
        data = load_json(path, InputError)
    else:
        data = load_yaml(path, InputError, allow_aliases=False)
    if isinstance(data, dict) and set(data) == {"cases"}:
        data = data["cases"]
    if not isinstance(data, list):
        raise InputError(
            "berkas kohort harus berisi daftar kasus, atau mapping dengan satu kunci 'cases' "
            "berisi daftar kasus",
            file=source,
            line=getattr(data, "line", None),
        )
    seen: dict[str, int] = {}
    for index, item in enumerate(data, 1):
        row = (
            index
            if is_json
            else (getattr(item, "line", None) or getattr(data, "line", None) or index)
        )
        nip = item.get("nip") if isinstance(item, dict) else None
        try:
            parse_nip(nip)
        except ValueError:
            nip = None  # case_from_data names the problem below
        if nip is not None and nip in seen:
            line = item.line_of("nip") if isinstance(item, LineDict) else None
            where = f"pada kasus ke-{seen[nip]}" if is_json else f"di baris {seen[nip]}"
            yield CohortRow(
                row,
                None,
                CohortError(
                    f"NIP {nip} sudah muncul {where}",
                    file=source,
                    row=row,
                    field="nip",
                    line=line,
                    item=index,
                ),
            )
            continue
        if nip is not None:
            seen[nip] = row
        try:
            case = case_from_data(item, source)
        except InputError as exc:
            yield CohortRow(
                row,
                None,
                CohortError(
                    exc.message,
                    file=source,
                    row=row,
                    field=exc.field,
                    line=exc.line or (None if is_json else row),
                    item=index,
                ),
            )
            continue
        yield CohortRow(row, case, None)
