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
    tables = app.compare_tables(sides[0]["compare"], sides[1]["compare"])
    memo_address = f"/lab/pertanyaan/banding/memo.docx?pilih={chosen[0]}&pilih={chosen[1]}"
    context = {"sides": sides, "tables": tables, "models": MODEL_SHORT, "memo": memo_address}
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


@router.get("/lab/pertanyaan/banding/memo.docx")
def comparison_memo(
    request: Request, account: Drafter, pilih: Annotated[list[str] | None, Query()] = None
) -> Response:
    """The memo of two saved questions, with their compare per model."""
    chosen = list(dict.fromkeys(pilih or []))
    if len(chosen) != 2:
        raise HTTPException(404)
    questions = [_question(request, qid, account) for qid in chosen]
    sides = (
        _memo_context(request, questions[0], account),
        _memo_context(request, questions[1], account),
    )
    runs = [load_run(request, q.run, account)["jobs"].get(app.LAB_COMPARE) for q in questions]
    results = [job.result if job else None for job in runs]
    tables = app.compare_tables(results[0], results[1])
    today = desk_of(request).clock()
    content = app.comparison_memo_docx(sides, tables, account.username, today)
    return _docx(content, f"memo-banding-{_slug(questions[0].name)}-{_slug(questions[1].name)}")


@router.get("/lab/pertanyaan/{question_id}")
def reopen(request: Request, question_id: str, account: Drafter) -> Response:
    question = _question(request, question_id, account)
    return RedirectResponse(f"/lab/hasil/{question.run}", status_code=303)


@router.get("/lab/pertanyaan/{question_id}/memo.docx")
def memo(request: Request, question_id: str, account: Drafter) -> Response:
    """The question's memo (DOCX), made by the document layer from the run's recorded figures."""
    question = _question(request, question_id, account)
    context = _memo_context(request, question, account)
    return _docx(app.memo_docx(context, question.saved_on), f"memo-{_slug(question.name)}")


def _memo_context(request: Request, question: app.Question, account: Account) -> dict[str, Any]:
    run = load_run(request, question.run, account)
    params, folder = run["params"], run_folder(request, question.run)
    book = app.rulebook()
    reformed = app.check_reform(folder / params["reform"], params["reform_name"], book)
    diff, compare = run["jobs"].get(app.LAB_DIFF), run["jobs"].get(app.LAB_COMPARE)
    return app.memo_context(
        question,
        params,
        (diff.result if diff else None, compare.result if compare else None),
        (book, reformed),
        app.cohort_text(folder, params),
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "pertanyaan"


def _docx(content: bytes, stem: str) -> Response:
    headers = {"content-disposition": f'attachment; filename="{stem}.docx"'}
    return Response(content, media_type=DOCX, headers=headers)
