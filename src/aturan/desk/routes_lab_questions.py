"""Saved questions (drafter, issue 27 item 4): a finished run's results page saves its question
under a name (unique per institution) and a short description; `/lab/pertanyaan` lists the
institution's questions, each reopening its results page; two of them are compared side by side
(per-cause summary, compare table per model, and the difference between the two reforms), each
figure with what it rests on; one of them is exported as a memo (DOCX, the document layer's
memo_kebijakan.docx). Another institution's question is not found, by any URL."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from aturan import app
from aturan.desk.accounts import Account
from aturan.desk.auth import requires
from aturan.desk.core import desk_of, render
from aturan.desk.routes_lab_runs import load_run, results_page, run_folder
from aturan.errors import AturanError
from aturan.vocabulary import MODEL_SHORT

router = APIRouter()
NAV = [("Pertanyaan tersimpan", "/lab/pertanyaan", "drafter")]
Drafter = Annotated[Account, Depends(requires("drafter"))]
QUESTION_ID = re.compile(r"[0-9a-f]{32}")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _store(request: Request) -> app.QuestionStore:
    return app.QuestionStore(desk_of(request).database())


@router.post("/lab/hasil/{run_id}/simpan")
def save(
    request: Request,
    run_id: str,
    account: Drafter,
    nama: Annotated[str, Form()] = "",
    uraian: Annotated[str, Form()] = "",
) -> Response:
    """Save the finished run's question; a refused name shows at its field on the results page."""
    run = load_run(request, run_id, account)
    if not run["jobs"] or any(job.state != app.DONE for job in run["jobs"].values()):
        raise HTTPException(404)
    version = next(iter(run["jobs"].values())).result.get("rules_version", "")
    try:
        question = _store(request).save(
            account.institution, account.username, run_id, nama, uraian, version
        )
    except AturanError as exc:
        values = {"nama": nama, "uraian": uraian}
        more = {"save": {"given": values, "error": exc.message, "field": exc.field}}
        return results_page(request, run, more, 400)
    return RedirectResponse(f"/lab/pertanyaan#q-{question.question_id}", status_code=303)


@router.get("/lab/pertanyaan")
def question_list(request: Request, account: Drafter) -> Response:
    rows = [_row(request, q, account) for q in _store(request).listed(account.institution)]
    return render(request, "lab-pertanyaan.html", {"rows": rows, "error": None})


def _row(request: Request, question: app.Question, account: Account) -> dict[str, Any]:
    try:
        params = load_run(request, question.run, account)["params"]
    except HTTPException:
        params = {}  # the run's files are gone: the question still shows, without them
    models = params.get("models") or []
    return {
        "q": question,
        "reform": params.get("reform_name", "-"),
        "cohort": params.get("cohort_name", "-"),
        "as_of": params.get("as_of", "-"),
        "models": ", ".join(MODEL_SHORT.get(m, m) for m in models) or "-",
    }


def _question(request: Request, question_id: str, account: Account) -> app.Question:
    """The question when it is the account's institution's; else 404, the same whether it is
    another's or does not exist."""
    found = None
    if QUESTION_ID.fullmatch(question_id):
        found = _store(request).get(question_id, account.institution)
    if found is None:
        raise HTTPException(404)
    return found


@router.get("/lab/pertanyaan/banding")
def compare(
    request: Request, account: Drafter, pilih: Annotated[list[str] | None, Query()] = None
) -> Response:
    """Two saved questions side by side."""
    chosen = list(dict.fromkeys(pilih or []))
    if len(chosen) != 2:
        rows = [_row(request, q, account) for q in _store(request).listed(account.institution)]
        error = "pilih tepat dua pertanyaan untuk dibandingkan"
        return render(request, "lab-pertanyaan.html", {"rows": rows, "error": error}, 400)
    sides = [_side(request, _question(request, qid, account), account) for qid in chosen]
    context = {"sides": sides, "tables": _compared(sides[0], sides[1]), "models": MODEL_SHORT}
    return render(request, "lab-pertanyaan-banding.html", context)


def _side(request: Request, question: app.Question, account: Account) -> dict[str, Any]:
    run = load_run(request, question.run, account)
    diff, compare = run["jobs"].get(app.LAB_DIFF), run["jobs"].get(app.LAB_COMPARE)
    params = run["params"]
    return {
        "q": question,
        "run": run,
        "cohort": app.cohort_text(run_folder(request, question.run), params),
        "as_of": params["as_of"],
        "models": ", ".join(MODEL_SHORT.get(m, m) for m in params.get("models") or []),
        "diff": diff.result if diff and diff.result else None,
        "compare": compare.result if compare and compare.result else None,
    }


def _compared(first: dict[str, Any], second: dict[str, Any]) -> list[dict[str, Any]]:
    """Per model both had compared: each measure under the law in force and under each reform,
    and the second reform minus the first (when both are numbers)."""
    a, b = (side["compare"]["tables"] if side["compare"] else {} for side in (first, second))
    out = []
    for model in [m for m in a if m in b]:
        rows = []
        for row_a, row_b in zip(a[model], b[model], strict=False):
            if row_a[0] != row_b[0]:
                continue
            rows.append([row_a[0], row_a[1], row_a[2], row_b[1], row_b[2], _minus(row_b, row_a)])
        out.append({"model": model, "rows": rows})
    return out


def _minus(row_b: list[Any], row_a: list[Any]) -> Any:
    later, earlier = row_b[2], row_a[2]
    numbers = (int, float)
    if isinstance(later, numbers) and isinstance(earlier, numbers):
        return round(later - earlier, 2)
    return "sama" if later == earlier else "-"


@router.get("/lab/pertanyaan/{question_id}")
def reopen(request: Request, question_id: str, account: Drafter) -> Response:
    question = _question(request, question_id, account)
    return RedirectResponse(f"/lab/hasil/{question.run}", status_code=303)


@router.get("/lab/pertanyaan/{question_id}/memo.docx")
def memo(request: Request, question_id: str, account: Drafter) -> Response:
    """The question's memo (DOCX), made by the document layer from the run's recorded figures."""
    question = _question(request, question_id, account)
    run = load_run(request, question.run, account)
    params, folder = run["params"], run_folder(request, question.run)
    book = app.rulebook()
    reformed = app.check_reform(folder / params["reform"], params["reform_name"], book)
    diff, compare = run["jobs"].get(app.LAB_DIFF), run["jobs"].get(app.LAB_COMPARE)
    context = app.memo_context(
        question,
        params,
        (diff.result if diff else None, compare.result if compare else None),
        (book, reformed),
        app.cohort_text(folder, params),
    )
    content = app.memo_docx(context, question.saved_on)
    slug = re.sub(r"[^a-z0-9]+", "-", question.name.lower()).strip("-")[:60] or "pertanyaan"
    headers = {"content-disposition": f'attachment; filename="memo-{slug}.docx"'}
    return Response(content, media_type=DOCX, headers=headers)
