"""The registry's listing as an office reports from it (`aturan registry list`): the filters as an
operator writes them (the code printed in the number, the type's Indonesian title, a month), the
revocation beside each row, totals per type and status, and the listing written as a workbook,
CSV or JSON."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aturan.app.deciding import rulebook
from aturan.cases import clean, in_range
from aturan.documents import document_titles, numbering_codes, open_registry
from aturan.errors import AturanError, InputError
from aturan.files import atomic_path, safe_record

# The registry stores its states as identifiers; operators read them in Indonesian.
STATUS_SHOWN = {"issued": "terbit", "revoked": "dicabut"}

# Each row's fields, in order, with the header an operator reads (table, CSV, workbook).
COLUMNS = {
    "number": "Nomor",
    "doc_type": "Jenis",
    "nip": "NIP",
    "name": "Nama",
    "doc_date": "Tanggal",
    "status": "Status",
    "institution": "Institusi",
    "operator": "Operator",
    "revoked_at": "Dicabut pada",
    "revoked_reason": "Alasan pencabutan",
    "revoked_by": "Dicabut oleh",
    "replaces": "Menggantikan",
    "replaced_by": "Diganti oleh",
}
LIST_COLUMNS = COLUMNS
TOTAL_HEADERS = ("Jenis", "Terbit", "Dicabut", "Jumlah")
TEXT_COLUMNS = ("number", "nip")  # kept as text in a workbook: an 18-digit NIP is not a number


@dataclass
class Filters:
    """What the operator asked for, as written; `registry_listing` reads it."""

    doc_type: str | None = None
    nip: str | None = None
    name: str | None = None
    date_from: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY
    date_to: str | None = None
    status: str | None = None  # terbit / dicabut
    institution: str | None = None


@dataclass
class Listing:
    rows: list[dict[str, str]]  # by COLUMNS key; the type as its key, the status in Indonesian
    titles: dict[str, str]  # type -> its title
    totals: list[tuple[str, int, int, int]] = field(default_factory=list)  # title, issued, revoked

    def shown(self, row: dict[str, str]) -> list[str]:
        """A row's cells as an operator reads them: the type as its title, the revocation's time
        to the minute."""
        cells = {**row, "doc_type": self.titles.get(row["doc_type"], row["doc_type"])}
        cells["revoked_at"] = row["revoked_at"][:16].replace("T", " ")
        return [cells[k] for k in COLUMNS]


def registry_listing(registry: Path | str | None, config: Path | None, filters: Filters) -> Listing:
    """The documents matching every filter, and their totals per type and status. A type or a
    date the registry cannot mean is refused, naming what is accepted."""
    book = rulebook()
    store, settings = open_registry(registry, config)
    titles = document_titles(book)
    doc_type = document_type(filters.doc_type, numbering_codes(book, settings.codes), titles)
    found = store.list(
        doc_type,
        nip=filters.nip,
        name=filters.name,
        date_from=_day(filters.date_from, "--from", last=False),
        date_to=_day(filters.date_to, "--to", last=True),
        status={v: k for k, v in STATUS_SHOWN.items()}.get(filters.status or ""),
        institution=filters.institution,
    )
    rows = [_row(found_row) for found_row in found]
    return Listing(rows, titles, _totals(rows, titles))


def _row(found: dict[str, Any]) -> dict[str, str]:
    """Text from the registry is shown without control or bidi characters."""
    row = {k: clean(found.get(k) or "") for k in COLUMNS}
    row["status"] = STATUS_SHOWN.get(found["status"], row["status"])
    return row


def _totals(rows: list[dict[str, str]], titles: dict[str, str]) -> list[tuple[str, int, int, int]]:
    counts = Counter((row["doc_type"], row["status"]) for row in rows)
    kinds = [kind for kind in titles if any(k == kind for k, _ in counts)]
    kinds += sorted({k for k, _ in counts} - set(kinds))
    totals = []
    for kind in kinds:
        issued, revoked = counts[(kind, "terbit")], counts[(kind, "dicabut")]
        totals.append((titles.get(kind, kind), issued, revoked, issued + revoked))
    issued = sum(t[1] for t in totals)
    revoked = sum(t[2] for t in totals)
    return totals + [("Jumlah", issued, revoked, issued + revoked)]


def _words(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip()).casefold()


def document_type(written: str | None, codes: dict[str, str], titles: dict[str, str]) -> str | None:
    """The type an operator names by its code (STTP, as in the number), its title or its key."""
    if not written:
        return None
    names: dict[str, str] = {}
    for key, title in titles.items():
        names.update({_words(key): key, _words(title): key})
        names[_words(codes.get(key, key))] = key
    kind = names.get(_words(written))
    if kind is None:
        valid = "; ".join(f"{codes.get(k, k)} ({title})" for k, title in titles.items())
        raise InputError(
            f"jenis dokumen '{clean(written)}' tidak dikenal; isi kode atau nama salah satu "
            f"jenis: {valid}",
            field="--type",
        )
    return kind


_PERIOD = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def _day(written: str | None, option: str, last: bool) -> str | None:
    """A day (YYYY-MM-DD), a month (YYYY-MM) or a year (YYYY) as the first day of the period for
    --from, its last day for --to: `--to 2027-03` is the whole of March."""
    if not written:
        return None
    match = _PERIOD.fullmatch(written.strip())
    try:
        if match is None:
            raise ValueError
        year, month, day = (int(part) if part else None for part in match.groups())
        month = month or (12 if last else 1)
        day = day or (calendar.monthrange(year, month)[1] if last else 1)  # type: ignore[arg-type]
        date = dt.date(year, month, day)  # type: ignore[arg-type]
    except ValueError:
        raise InputError(
            f"'{clean(written)}' bukan tanggal (YYYY-MM-DD), bulan (YYYY-MM) atau tahun (YYYY)",
            field=option,
        ) from None
    if not in_range(date):
        raise InputError(
            f"'{clean(written)}' di luar rentang tanggal yang masuk akal", field=option
        )
    return date.isoformat()


def listing_csv(listing: Listing) -> str:
    """The rows as CSV with Indonesian headers, every cell made inert for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS.values())
    writer.writerows(
        safe_record(dict(zip(COLUMNS, listing.shown(row)))).values() for row in listing.rows
    )
    return out.getvalue()


def listing_json(listing: Listing) -> str:
    return json.dumps(listing.rows, ensure_ascii=False, indent=2) + "\n"


def write_listing(listing: Listing, path: Path, text: str | None = None) -> None:
    """The listing to `path`, atomically: a workbook for .xlsx, else the text given."""
    try:
        with atomic_path(path) as tmp:
            if path.suffix.lower() == ".xlsx":
                _workbook(listing).save(tmp)
            else:
                tmp.write_text(text or "", encoding="utf-8")
    except OSError as exc:
        raise AturanError(
            f"daftar tidak dapat ditulis ({exc.strerror or exc})", file=str(path)
        ) from None


def _workbook(listing: Listing) -> Any:
    """Sheet "Dokumen" (one row per document, number and NIP as text) and sheet "Rekap" (totals
    per type and status)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dokumen"
    sheet.append(list(COLUMNS.values()))
    for number, row in enumerate(listing.rows, 2):
        for index, (key, value) in enumerate(zip(COLUMNS, listing.shown(row)), 1):
            cell = sheet.cell(row=number, column=index, value=value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if key in TEXT_COLUMNS:
                cell.number_format = "@"
    widths = {"number": 24, "doc_type": 36, "nip": 22, "name": 32, "revoked_reason": 36}
    for index, key in enumerate(COLUMNS, 1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(key, 16)
    sheet.freeze_panes = "A2"
    totals = workbook.create_sheet("Rekap")
    totals.append(list(TOTAL_HEADERS))
    for line in listing.totals:
        totals.append(list(line))
    for cell in totals[1]:
        cell.font = Font(bold=True)
    totals.column_dimensions["A"].width = 40
    return workbook
