"""Issuing from a spreadsheet (operator): upload a cohort (XLSX or CSV, the template the command
line reads), see every row before anything is numbered (refused rows with their reasons in place,
the documents each accepted row gets), choose the as-of and issue dates, then issue as a job."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from aturan import app
from aturan.cases import DATE_MAX, DATE_MIN, in_range
from aturan.desk import jobs
from aturan.desk.accounts import Account
from aturan.desk.auth import requires
from aturan.desk.core import desk_of, render
from aturan.errors import AturanError

router = APIRouter()
NAV = [("Terbitkan", "/terbitkan", "operator")]
Operator = Annotated[Account, Depends(requires("operator"))]

SUFFIXES = (".xlsx", ".csv")
MAX_UPLOAD = 20 * 1024 * 1024  # bytes: a cohort of thousands of rows is far smaller
UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
OWNER_FILE = "pemilik.json"


@router.get("/terbitkan")
def upload_page(request: Request, account: Operator) -> Response:
    today = desk_of(request).clock().isoformat()
    return render(request, "terbitkan.html", {"as_of": today, "issue_date": today, "error": None})


@router.post("/terbitkan")
def upload(
    request: Request,
    account: Operator,
    berkas: UploadFile,
    tanggal_keputusan: Annotated[str, Form()] = "",
    tanggal_terbit: Annotated[str, Form()] = "",
) -> Response:
    """Keep the uploaded cohort in the desk's folder, then show its preview."""
    as_of, issue_date = _dates(request, tanggal_keputusan, tanggal_terbit)
    name = Path(berkas.filename or "").name
    if Path(name).suffix.lower() not in SUFFIXES:
        raise AturanError(
            "unggah kohort berupa XLSX atau CSV (templat `aturan kohort-template`)",
            file=name or "-",
        )
    upload_id = uuid.uuid4().hex
    folder = jobs.settings(desk_of(request)).files / "unggahan" / upload_id
    folder.mkdir(parents=True)
    _save(berkas, folder / _safe_name(name))
    owner = {"institution": account.institution, "account": account.username, "name": name}
    (folder / OWNER_FILE).write_text(json.dumps(owner), encoding="utf-8")
    return RedirectResponse(
        f"/terbitkan/{upload_id}?tanggal_keputusan={as_of}&tanggal_terbit={issue_date}",
        status_code=303,
    )


@router.get("/terbitkan/{upload_id}")
def preview(
    request: Request,
    upload_id: str,
    account: Operator,
    tanggal_keputusan: str = "",
    tanggal_terbit: str = "",
) -> Response:
    """Every row as issuing would treat it on these dates; nothing is numbered."""
    desk = desk_of(request)
    source, name = _upload(request, upload_id, account)
    as_of, issue_date = _dates(request, tanggal_keputusan, tanggal_terbit)
    try:
        shown = app.preview_issue(source, as_of, issue_date, desk.registry, desk.config)
    except AturanError as exc:
        if exc.file == str(source):  # the operator's file by its own name, not the server's path
            exc.file = name
        raise
    context = {
        "upload_id": upload_id,
        "name": name,
        "as_of": as_of.isoformat(),
        "issue_date": issue_date.isoformat(),
        "preview": shown,
    }
    return render(request, "pratinjau.html", context)


@router.post("/terbitkan/{upload_id}")
def start_issue(
    request: Request,
    upload_id: str,
    account: Operator,
    tanggal_keputusan: Annotated[str, Form()] = "",
    tanggal_terbit: Annotated[str, Form()] = "",
) -> Response:
    """Queue the issue run as a job (signed PDFs, this desk's registry, the account as operator)
    and show its page."""
    desk = desk_of(request)
    source, name = _upload(request, upload_id, account)
    as_of, issue_date = _dates(request, tanggal_keputusan, tanggal_terbit)
    files = jobs.settings(desk).files
    job_id = app.new_job_id()
    params = {
        "source": str(source.relative_to(files)),
        "name": name,  # as the operator named it: messages say this name
        "out": f"tugas/{job_id}",
        "as_of": as_of.isoformat(),
        "issue_date": issue_date.isoformat(),
        "pdf": True,
    }
    store = jobs.store(desk)
    store.submit(app.ISSUE, account.institution, account.username, params, job_id=job_id)
    return RedirectResponse(f"/tugas/{job_id}", status_code=303)


def _dates(request: Request, as_of: str, issue_date: str) -> tuple[dt.date, dt.date]:
    """The as-of and issue dates, checked as the command line checks --as-of and --issue-date;
    an empty one is today."""
    today = desk_of(request).clock()
    return (
        _day(as_of, today, "tanggal keputusan (--as-of)"),
        _day(issue_date, today, "tanggal terbit (--issue-date)"),
    )


def _day(text: str, today: dt.date, field: str) -> dt.date:
    if not text.strip():
        return today
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise AturanError(f"'{text}' bukan tanggal ISO (YYYY-MM-DD)", field=field) from None
    if not in_range(day):
        raise AturanError(
            f"'{text}' di luar rentang tanggal yang masuk akal "
            f"({DATE_MIN.isoformat()} s.d. {DATE_MAX.isoformat()})",
            field=field,
        )
    return day


def _safe_name(name: str) -> str:
    """The uploaded file's name as kept: letters, digits, dots, hyphens; its suffix kept."""
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", Path(name).stem).strip("-")[:60] or "kohort"
    return stem + Path(name).suffix.lower()


def _save(upload: UploadFile, path: Path) -> None:
    written = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1024 * 1024):
            written += len(chunk)
            if written > MAX_UPLOAD:
                out.close()
                shutil.rmtree(path.parent, ignore_errors=True)
                raise AturanError(
                    f"berkas lebih besar dari {MAX_UPLOAD // (1024 * 1024)} MB",
                    file=upload.filename or "-",
                )
            out.write(chunk)


def _upload(request: Request, upload_id: str, account: Account) -> tuple[Path, str]:
    """The uploaded cohort and its original name; another institution's upload, or none, is
    not found (404), the same answer either way."""
    folder = jobs.settings(desk_of(request)).files / "unggahan" / upload_id
    owner_file = folder / OWNER_FILE
    if not UPLOAD_ID.fullmatch(upload_id) or not owner_file.is_file():
        raise _not_found()
    owner = json.loads(owner_file.read_text(encoding="utf-8"))
    if owner["institution"] != account.institution:
        raise _not_found()
    found = [p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES]
    if len(found) != 1:
        raise _not_found()
    return found[0], str(owner["name"])


def _not_found() -> Exception:
    return HTTPException(404)
