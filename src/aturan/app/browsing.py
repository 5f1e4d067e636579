"""The registry as the desk browses it: one page of documents found by number, NIP or name and
filtered by type, state and dates, within an institution's scope; and the month's listing for
the monthly report. Filtered, counted and cut in the registry's SQL (`Registry.search`), so a
page costs about the same with 20,000 documents as with 20."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from aturan.app.deciding import rulebook
from aturan.app.listing import Filters, Listing, _day, document_type, registry_listing
from aturan.cases import clean
from aturan.documents import Search, document_titles, numbering_codes, open_registry
from aturan.errors import InputError

PER_PAGE = 25
# The states an operator filters by, as the desk shows them, and the registry's own words.
BROWSE_STATES = {
    "berlaku": "in_force",
    "kedaluwarsa": "expired",
    "dicabut": "revoked",
    "terbit": "issued",
}
TEXT_MAX = 100
_MONTH = re.compile(r"\d{4}-\d{1,2}")


@dataclass(frozen=True)
class Browse:
    """What the operator asked for, as the search form writes it."""

    text: str = ""  # part of a number, a NIP or a name
    doc_type: str | None = None  # its code (STTP), title or key
    status: str | None = None  # berlaku / kedaluwarsa / dicabut / terbit
    date_from: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY
    date_to: str | None = None
    month: str | None = None  # YYYY-MM: the document's date in that month
    page: int = 1


@dataclass(frozen=True)
class BrowseRow:
    number: str
    doc_type: str
    title: str
    nip: str
    name: str
    doc_date: str
    state: str  # berlaku / kedaluwarsa / dicabut, as the registry row says on the day
    institution: str


@dataclass(frozen=True)
class BrowsePage:
    rows: list[BrowseRow]
    total: int  # documents matching, on every page
    page: int
    pages: int
    per_page: int


def browse_registry(
    registry: Path | str | None,
    config: Path | None,
    browse: Browse,
    institution: str | None,
    on: dt.date,
    per_page: int = PER_PAGE,
) -> BrowsePage:
    """One page of the documents matching `browse`, newest first, of `institution` only (None:
    every institution's). A filter the registry cannot mean is refused, naming the field."""
    titles, codes = type_names()
    store, settings = open_registry(registry, config)
    try:
        search = _search(browse, codes | settings.codes, titles, institution, on)
        page = max(browse.page, 1)
        rows, total = store.search(search, per_page, (page - 1) * per_page)
        pages = max((total + per_page - 1) // per_page, 1)
        if page > pages:
            page = pages
            rows, total = store.search(search, per_page, (page - 1) * per_page)
    finally:
        store.close()
    return BrowsePage([_row(r, titles, on) for r in rows], total, page, pages, per_page)


@lru_cache(maxsize=1)
def type_names() -> tuple[dict[str, str], dict[str, str]]:
    """The project's document types: each one's title, and its numbering code before an
    institution's own (`numbering.codes`). Read once per process: a server reads changed rules
    when it restarts. Not to be changed by the caller."""
    book = rulebook()
    return document_titles(book), numbering_codes(book, {})


def _search(
    browse: Browse,
    codes: dict[str, str],
    titles: dict[str, str],
    institution: str | None,
    on: dt.date,
) -> Search:
    text = browse.text.strip()
    if len(text) > TEXT_MAX:
        raise InputError(f"teks pencarian paling banyak {TEXT_MAX} karakter", field="cari")
    status = (browse.status or "").strip().casefold() or None
    if status is not None and status not in BROWSE_STATES:
        raise InputError(
            f"status '{clean(status)}' tidak dikenal; pilih salah satu: {', '.join(BROWSE_STATES)}",
            field="status",
        )
    date_from = _day(browse.date_from, "dari", last=False)
    date_to = _day(browse.date_to, "sampai", last=True)
    if browse.month:
        first, last = _month(browse.month)
        date_from = max(date_from or first, first)
        date_to = min(date_to or last, last)
    return Search(
        text=text or None,
        doc_type=document_type(browse.doc_type, codes, titles),
        state=BROWSE_STATES[status] if status else None,
        date_from=date_from,
        date_to=date_to,
        institution=institution,
        on=on.isoformat(),
    )


def _month(written: str) -> tuple[str, str]:
    """A month (YYYY-MM) as its first and last day."""
    if not _MONTH.fullmatch(written.strip()):
        raise InputError(f"'{clean(written)}' bukan bulan (YYYY-MM)", field="bulan")
    return str(_day(written, "bulan", last=False)), str(_day(written, "bulan", last=True))


def row_state(row: dict[str, Any], on: dt.date) -> str:
    """The state a registry row gives on the day: dicabut, kedaluwarsa (past its last day in
    force) or berlaku. Only the verification says whether the row can be trusted."""
    if row["status"] == "revoked":
        return "dicabut"
    until = row.get("valid_until")
    return "kedaluwarsa" if until and str(until) < on.isoformat() else "berlaku"


def _row(row: dict[str, Any], titles: dict[str, str], on: dt.date) -> BrowseRow:
    return BrowseRow(
        number=row["number"],
        doc_type=row["doc_type"],
        title=titles.get(row["doc_type"], row["doc_type"]),
        nip=clean(row["nip"]),
        name=clean(row["name"]),
        doc_date=row["doc_date"],
        state=row_state(row, on),
        institution=row["institution"],
    )


def monthly_listing(
    registry: Path | str | None, config: Path | None, month: str, institution: str | None
) -> Listing:
    """Every document dated in `month` (YYYY-MM) of `institution` (None: all), with its totals
    per type and status: what the monthly report writes (`write_listing`)."""
    _month(month)
    return registry_listing(
        registry, config, Filters(date_from=month, date_to=month, institution=institution)
    )
