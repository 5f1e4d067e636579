"""What the registry pages (routes_registry) and the auditor's view (routes_audit) show, built
only on the library's faces: whose documents an account may see (its scope), one document's
sheet (holder, type, dates, validity, the public verification's status today, the verification
link and its QR, the recorded file, the decision record), and the recorded file itself.

A document outside the account's scope is answered exactly as a number the registry does not
know (404), so no URL tells one institution what another issued."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import segno
from fastapi import HTTPException
from markupsafe import Markup

from aturan import app
from aturan.cases import clean
from aturan.desk.auth import Account
from aturan.desk.core import Desk
from aturan.documents import (
    Registry,
    Settings,
    document_file_stem,
    fired_rules,
    open_registry,
    summary,
    verification_url,
)
from aturan.errors import AturanError
from aturan.files import load_yaml
from aturan.project import config_file
from aturan.web import Finding, Issuer, by_number

NOT_FOUND = "Dokumen dengan nomor ini tidak ada di registri yang dapat Anda lihat."
# `desk.auditor_scope`: an auditor reads the documents of its own institution, or of all.
SCOPES = ("institusi", "semua")
DOCUMENTS_FOLDER = "dokumen-meja"  # `desk.documents_folder` unless set; relative to the config


def desk_option(desk: Desk, name: str, default: str) -> str:
    """A text setting of the configuration's `desk:` section (read again when the file
    changes)."""
    config = config_file(desk.config)
    try:
        stamp = config.stat().st_mtime_ns
    except OSError:
        stamp = 0
    value = _desk_section(config, stamp).get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise AturanError("isian ini harus berupa teks", file=str(config), field=f"desk.{name}")
    return value.strip()


@lru_cache(maxsize=8)
def _desk_section(config: Path, stamp: int) -> dict[str, Any]:
    data = load_yaml(config, AturanError)
    section = data.get("desk") if isinstance(data, dict) else None
    return section if isinstance(section, dict) else {}


def auditor_scope(desk: Desk) -> str:
    scope = desk_option(desk, "auditor_scope", "institusi")
    if scope not in SCOPES:
        raise AturanError(
            f"isi {' atau '.join(SCOPES)}", file=str(config_file(desk.config)),
            field="desk.auditor_scope",
        )  # fmt: skip
    return scope


def documents_folder(desk: Desk) -> Path:
    """Where the desk keeps the documents it issues (`desk.documents_folder`)."""
    folder = Path(desk_option(desk, "documents_folder", DOCUMENTS_FOLDER))
    return folder if folder.is_absolute() else config_file(desk.config).parent / folder


def scope_of(desk: Desk, account: Account) -> str | None:
    """The institution whose documents `account` may see; None: every institution's (an
    auditor, when `desk.auditor_scope: semua`)."""
    if "auditor" in account.roles and auditor_scope(desk) == "semua":
        return None
    return account.institution


def in_scope(row: dict[str, Any] | None, scope: str | None) -> bool:
    return row is not None and (scope is None or row["institution"] == scope)


def may_act(account: Account, row: dict[str, Any]) -> bool:
    """Revoke and re-issue: an operator, on its own institution's documents only."""
    return "operator" in account.roles and row["institution"] == account.institution


def doc_link(number: str, path: str = "/dokumen/lihat") -> str:
    """A page about one document: its number in the query (numbers hold slashes)."""
    return f"{path}?{urlencode({'n': number})}"


def not_found() -> HTTPException:
    return HTTPException(status_code=404, detail=NOT_FOUND)


@dataclass
class Sheet:
    """One document as its page shows it."""

    row: dict[str, Any]
    title: str
    finding: Finding  # the public verification's answer today (SAH, KEDALUWARSA, DICABUT, ...)
    link: str  # the verification page's address, as the QR holds it
    qr: Markup  # the QR code as inline SVG
    has_file: bool  # the recorded signed PDF is in the desk's documents folder
    problem: str | None  # why the row cannot be trusted (None: it can)
    record_error: str | None = None  # why the decision record cannot be shown
    summary: list[str] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    case: dict[str, Any] = field(default_factory=dict)
    record: dict[str, Any] | None = None


_LOCAL = threading.local()


def registry_of(desk: Desk) -> tuple[Registry, Settings]:
    """This thread's connection to the desk's registry, kept open like the verification
    server's: the audit chain's check (its every entry) is made once per connection and again
    only after the registry changed, not on every page."""
    stores: dict[tuple[str, str], tuple[Registry, Settings]] = _LOCAL.__dict__.setdefault(
        "stores", {}
    )
    key = (str(desk.registry), str(desk.config))
    if key not in stores:
        stores[key] = open_registry(desk.registry, desk.config)
    return stores[key]


def document_sheet(desk: Desk, account: Account, number: str) -> Sheet:
    """The document `number` as `account` may see it, else 404."""
    store, settings = registry_of(desk)
    row = store.get(number)
    if not in_scope(row, scope_of(desk, account)):
        raise not_found()
    assert row is not None
    link = verification_url(settings.verification_base_url, number, row["content_hash"])
    sheet = Sheet(
        row={k: clean(v) if isinstance(v, str) else v for k, v in row.items()},
        title=str(app.type_names()[0].get(row["doc_type"], row["doc_type"])),
        finding=_finding(desk, store, row),
        link=link,
        qr=Markup(segno.make(link, error="m").svg_inline(scale=3)),
        has_file=recorded_file(desk, store, row) is not None,
        problem=store.row_against_log(number),
    )
    _add_record(sheet, store, number)
    return sheet


def _finding(desk: Desk, store: Registry, row: dict[str, Any]) -> Finding:
    """What the public page answers for this number and its own code today."""
    titles = app.type_names()[0]

    def issuers(code: str | None) -> Issuer | None:
        if code == desk.institution:
            return Issuer(code, desk.institution_name)
        return Issuer(code) if code else None

    return by_number(row["number"], row["content_hash"][:16], store, titles, desk.clock(), issuers)


def _add_record(sheet: Sheet, store: Registry, number: str) -> None:
    try:
        record = app.load_record(store, number)
    except AturanError as exc:
        sheet.record_error = exc.message
        return
    sheet.record = record
    sheet.summary = summary(record)
    sheet.rules = fired_rules(record)
    sheet.case = record.get("case") or {}


def recorded_file(desk: Desk, store: Registry, row: dict[str, Any]) -> Path | None:
    """The document's signed PDF in the desk's documents folder, only when its bytes are a PDF
    the registry recorded for the number (its fingerprint, now or before a re-issue)."""
    path = documents_folder(desk) / f"{document_file_stem(row['number'], row['name'])}.pdf"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    fingerprint = hashlib.sha256(data).hexdigest()
    return path if store.issued_fingerprint(row["number"], fingerprint) else None


def visible_row(desk: Desk, account: Account, number: str) -> dict[str, Any]:
    """The registry row of `number` when `account` may see it, else 404."""
    row = registry_of(desk)[0].get(number)
    if not in_scope(row, scope_of(desk, account)):
        raise not_found()
    assert row is not None
    return row


def file_of(desk: Desk, account: Account, number: str) -> Path:
    store = registry_of(desk)[0]
    row = store.get(number)
    if not in_scope(row, scope_of(desk, account)):
        raise not_found()
    assert row is not None
    path = recorded_file(desk, store, row)
    if path is None:
        raise HTTPException(status_code=404, detail="Berkas PDF dokumen ini tidak tersedia.")
    return path
