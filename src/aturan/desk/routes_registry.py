"""The registry at a glance (issue 26, item 4): search and filter the documents of the account's
scope, one page per document (status today, verification link and QR, file, decision record),
revoking with a confirmation step, re-issuing with corrected data, and the monthly XLSX report.

Every write is an operator's, on its own institution's documents, and records the account as
the registry's operator. A re-issue runs inside the request (one document: a few seconds with
its PDF), not as a job."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.responses import HTMLResponse

from aturan import app
from aturan.desk.auth import Account, Forbidden, signed_in
from aturan.desk.core import desk_of, render
from aturan.desk.registry_view import (
    doc_link,
    document_sheet,
    documents_folder,
    file_of,
    may_act,
    registry_of,
    scope_of,
    visible_row,
)
from aturan.errors import AturanError

router = APIRouter()
NAV = [("Registri", "/dokumen", "operator"), ("Laporan bulanan", "/laporan", "operator")]
READERS = ("operator", "auditor")
FIELD_NAMES = {"name": "nama", "position.title": "jabatan", "position.agency": "instansi"}


def reader(account: Account = Depends(signed_in)) -> Account:  # noqa: B008
    """An operator or an auditor: the roles that read the registry."""
    if not set(READERS) & account.roles:
        raise Forbidden("Halaman ini hanya untuk akun berperan operator atau auditor.")
    return account


def operator(account: Account = Depends(signed_in)) -> Account:  # noqa: B008
    if "operator" not in account.roles:
        raise Forbidden("Hanya akun berperan operator yang dapat mencabut atau menerbitkan ulang.")
    return account


def _types(request: Request) -> list[tuple[str, str]]:
    """(code, title) of each document type, as the search form offers them."""
    titles, codes = app.type_names()
    codes = codes | registry_of(desk_of(request))[1].codes
    return [(codes[kind], title) for kind, title in titles.items()]


@router.get("/dokumen", response_class=HTMLResponse)
def search_page(
    request: Request,
    cari: str = "",
    jenis: str = "",
    status: str = "",
    dari: str = "",
    sampai: str = "",
    bulan: str = "",
    halaman: int = 1,
    account: Account = Depends(reader),  # noqa: B008
) -> Response:
    desk = desk_of(request)
    asked = dict(cari=cari, jenis=jenis, status=status, dari=dari, sampai=sampai, bulan=bulan)
    browse = app.Browse(
        text=cari,
        doc_type=jenis or None,
        status=status or None,
        date_from=dari or None,
        date_to=sampai or None,
        month=bulan or None,
        page=halaman,
    )
    error, page = None, None
    try:
        page = app.browse_registry(
            desk.registry, desk.config, browse, scope_of(desk, account), desk.clock()
        )
    except AturanError as exc:
        error = exc.message
    query = {k: v for k, v in asked.items() if v}
    context = {
        "asked": asked,
        "page": page,
        "error": error,
        "types": _types(request),
        "states": list(app.BROWSE_STATES),
        "scope": scope_of(desk, account),
        "page_link": lambda n: "/dokumen?" + urlencode({**query, "halaman": n}),
        "doc_link": doc_link,
    }
    return render(request, "dokumen-daftar.html", context, 400 if error else 200)


@router.get("/dokumen/lihat", response_class=HTMLResponse)
def document_page(
    request: Request,
    n: str = "",
    pesan: str = "",
    account: Account = Depends(reader),  # noqa: B008
) -> Response:
    return _document(request, account, n, notice=NOTICES.get(pesan))


def _document(
    request: Request,
    account: Account,
    number: str,
    notice: str | None = None,
    error: str | None = None,
) -> Response:
    sheet = document_sheet(desk_of(request), account, number)
    context = {
        "sheet": sheet,
        "can_act": may_act(account, sheet.row),
        "auditor": "auditor" in account.roles,
        "notice": notice,
        "error": error,
        "doc_link": doc_link,
    }
    return render(request, "dokumen.html", context, 400 if error else 200)


@router.get("/dokumen/penjelasan", response_class=HTMLResponse)
def explanation_page(
    request: Request,
    n: str = "",
    account: Account = Depends(reader),  # noqa: B008
) -> Response:
    """The recorded decision explained, each step quoting its clauses (`aturan explain`)."""
    desk = desk_of(request)
    sheet = document_sheet(desk, account, n)
    text = app.explanation(sheet.record, n) if sheet.record else None
    context = {"sheet": sheet, "text": text, "doc_link": doc_link}
    return render(request, "penjelasan.html", context)


NOTICES = {"dicabut": "Dokumen telah dicabut."}


def _own_document(request: Request, account: Account, number: str) -> dict[str, Any]:
    """The row of a document the operator may act on: 404 outside its scope, 403 when it is
    another institution's (an operator who is also an auditor of every institution)."""
    row = visible_row(desk_of(request), account, number)
    if not may_act(account, row):
        raise Forbidden(f"Dokumen ini milik institusi {row['institution']}; hanya institusi "
                        "penerbitnya yang dapat mencabut atau menerbitkannya ulang.")  # fmt: skip
    return row


@router.post("/dokumen/cabut", response_class=HTMLResponse)
def revoke_ask(
    request: Request,
    n: str = Form(""),
    alasan: str = Form(""),
    account: Account = Depends(operator),  # noqa: B008
) -> Response:
    """The confirmation step: the document and the reason, shown before anything is revoked."""
    row = _own_document(request, account, n)
    if not alasan.strip():
        return _document(request, account, n, error="Alasan pencabutan wajib diisi.")
    if row["status"] != "issued":
        raise AturanError(f"dokumen {n} sudah dicabut")
    titles = app.type_names()[0]
    context = {"row": row, "title": titles.get(row["doc_type"], row["doc_type"]),
               "reason": alasan.strip(), "doc_link": doc_link}  # fmt: skip
    return render(request, "cabut-konfirmasi.html", context)


@router.post("/dokumen/cabut/konfirmasi")
def revoke_confirmed(
    request: Request,
    n: str = Form(""),
    alasan: str = Form(""),
    account: Account = Depends(operator),  # noqa: B008
) -> Response:
    desk = desk_of(request)
    _own_document(request, account, n)
    app.revoke(n, alasan, desk.registry, desk.config, operator=account.username)
    return RedirectResponse(doc_link(n) + "&pesan=dicabut", status_code=303)


@router.get("/dokumen/terbit-ulang", response_class=HTMLResponse)
def reissue_form(
    request: Request,
    n: str = "",
    account: Account = Depends(operator),  # noqa: B008
) -> Response:
    desk = desk_of(request)
    _own_document(request, account, n)
    start = app.correction(n, desk.registry, desk.config, registry_of(desk)[0])
    return _reissue_page(request, start, start.fields, "", desk.clock().isoformat(), None)


def _reissue_page(
    request: Request,
    start: app.Correction,
    values: dict[str, str],
    reason: str,
    issue_date: str,
    error: str | None,
) -> Response:
    fields = [(FIELD_NAMES[path], label, values.get(path, "")) for path, label in
              app.EDITABLE.items()]  # fmt: skip
    context = {"start": start, "fields": fields, "reason": reason, "issue_date": issue_date,
               "error": error, "doc_link": doc_link}  # fmt: skip
    return render(request, "terbit-ulang.html", context, 400 if error else 200)


@router.post("/dokumen/terbit-ulang", response_class=HTMLResponse)
def reissue_run(
    request: Request,
    n: str = Form(""),
    nama: str = Form(""),
    jabatan: str = Form(""),
    instansi: str = Form(""),
    alasan: str = Form(""),
    tanggal_terbit: str = Form(""),
    account: Account = Depends(operator),  # noqa: B008
) -> Response:
    """Issue what replaces the document, from its recorded case with the corrections, in this
    request (one document, not a job)."""
    desk = desk_of(request)
    _own_document(request, account, n)
    start = app.correction(n, desk.registry, desk.config, registry_of(desk)[0])
    written = {"name": nama, "position.title": jabatan, "position.agency": instansi}
    edits = {path: value for path, value in written.items() if value != start.fields[path]}
    try:
        day = _day(tanggal_terbit)
        if start.in_force and not alasan.strip():
            raise AturanError("alasan pencabutan wajib diisi: dokumen ini masih berlaku")
        revocation, result = app.reissue_corrected(
            n, edits, alasan, day, documents_folder(desk), desk.registry, desk.config,
            operator=account.username,
        )  # fmt: skip
    except AturanError as exc:
        values = {**start.fields, **written}
        return _reissue_page(request, start, values, alasan, tanggal_terbit, str(exc))
    context = {"number": n, "revocation": revocation, "result": result, "doc_link": doc_link}
    return render(request, "terbit-ulang-hasil.html", context)


def _day(written: str) -> dt.date:
    try:
        return dt.date.fromisoformat(written.strip())
    except ValueError:
        raise AturanError(
            f"tanggal terbit '{written}' bukan tanggal (YYYY-MM-DD)", field="tanggal_terbit"
        ) from None


@router.get("/dokumen/berkas")
def document_file(
    request: Request,
    n: str = "",
    account: Account = Depends(reader),  # noqa: B008
) -> Response:
    """The document's signed PDF, when the desk holds the one the registry recorded."""
    path = file_of(desk_of(request), account, n)
    return FileResponse(path, media_type="application/pdf", filename=path.name)


@router.get("/laporan", response_class=HTMLResponse)
def report_page(
    request: Request,
    bulan: str = "",
    account: Account = Depends(reader),  # noqa: B008
) -> Response:
    desk = desk_of(request)
    month = bulan or desk.clock().strftime("%Y-%m")
    error, listing = None, None
    try:
        listing = app.monthly_listing(desk.registry, desk.config, month, scope_of(desk, account))
    except AturanError as exc:
        error = exc.message
    context = {"month": month, "listing": listing, "error": error,
               "download": "/laporan/unduh?" + urlencode({"bulan": month})}  # fmt: skip
    return render(request, "laporan.html", context, 400 if error else 200)


@router.get("/laporan/unduh")
def report_download(
    request: Request,
    bulan: str = "",
    account: Account = Depends(reader),  # noqa: B008
) -> Response:
    """The month's workbook: sheet Dokumen (one row per document) and sheet Rekap (counts per
    type and status), as `aturan registry list --out x.xlsx` writes it."""
    desk = desk_of(request)
    scope = scope_of(desk, account)
    listing = app.monthly_listing(desk.registry, desk.config, bulan, scope)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "laporan.xlsx"
        app.write_listing(listing, path)
        data = path.read_bytes()
    name = f"laporan-{scope or 'semua'}-{bulan.strip()}.xlsx"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
