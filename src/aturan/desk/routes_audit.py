"""The auditor's view (issue 26, item 5), read-only: the registry's audit status and its signed
chain head to keep outside the registry (`aturan registry audit` and `registry head`), and any
document's recorded case, the rules that fired with their clauses, and its replay (`aturan
replay`), within the auditor's scope (`desk.auditor_scope`: its institution, or every one).

No route here writes: every one is a GET, and the desk refuses an auditor's POST elsewhere."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.responses import HTMLResponse

from aturan import app
from aturan.desk.auth import Account, requires
from aturan.desk.core import desk_of, render
from aturan.desk.registry_view import doc_link, document_sheet, registry_of, scope_of
from aturan.errors import AturanError

router = APIRouter()
NAV = [("Audit", "/audit", "auditor"), ("Registri", "/dokumen", "auditor")]
auditor = requires("auditor")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, account: Account = Depends(auditor)) -> Response:  # noqa: B008
    """The whole registry's audit (its log is one chain). An auditor of one institution sees the
    verdict and the counts; the lines, which name other institutions' documents, only an auditor
    of every institution."""
    desk = desk_of(request)
    status = app.audit_registry(desk.registry, desk.config)
    scope = scope_of(desk, account)
    context = {"status": status, "scope": scope, "lines": scope is None}
    return render(request, "audit.html", context)


@router.get("/audit/kepala")
def head_download(request: Request, account: Account = Depends(auditor)) -> Response:  # noqa: B008
    """The chain head signed now, as `aturan registry head` writes it: kept outside the registry,
    it lets a later audit detect a log cut back. Refused while the registry is not intact."""
    desk = desk_of(request)
    head = app.export_head(desk.registry, desk.config)
    name = f"kepala-rantai-{str(head['at'])[:10]}.json"
    return Response(
        json.dumps(head, indent=2) + "\n",
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/audit/dokumen", response_class=HTMLResponse)
def record_page(
    request: Request,
    n: str = "",
    account: Account = Depends(auditor),  # noqa: B008
) -> Response:
    """A document's recorded case, its fired rules with their clauses, and its replay."""
    desk = desk_of(request)
    sheet = document_sheet(desk, account, n)
    replayed, replay_error = None, None
    if sheet.record is not None:
        try:
            replayed = app.replay(n, desk.registry, desk.config, registry_of(desk)[0])
        except AturanError as exc:
            replay_error = exc.message
    case = json.dumps(sheet.case, ensure_ascii=False, indent=2, sort_keys=True)
    context = {"sheet": sheet, "case": case, "replay": replayed, "replay_error": replay_error,
               "doc_link": doc_link}  # fmt: skip
    return render(request, "audit-dokumen.html", context)
