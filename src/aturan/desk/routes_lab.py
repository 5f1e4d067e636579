"""The drafter's lab (issue 27): every parameter in force with its clause quoted and its range,
a form that writes a reform of parameters (downloaded as YAML, or an uploaded one opened in it),
and rule reforms uploaded and checked as `aturan rules check --reform` checks them. Only accounts
with the drafter role see these pages; nothing here issues, revokes or writes to the registry."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from aturan.app import rulebook
from aturan.desk.accounts import Account
from aturan.desk.auth import requires
from aturan.desk.core import desk_of, message, render
from aturan.desk.lab_form import (
    CLAUSE_STATUSES,
    Draft,
    check,
    draft_from_data,
    draft_from_form,
    is_list,
    kept_text,
    new_change,
    reform_data,
    reform_yaml,
    value_text,
)
from aturan.drafting import check_reform, rules_reference
from aturan.errors import RulebookError
from aturan.files import load_yaml
from aturan.law import (
    Parameter,
    Rulebook,
    apply_reform,
    status_words,
    value_schema,
    whole_sentences,
)
from aturan.vocabulary import VALUE_STATUS_WORDS

router = APIRouter()
NAV = [("Parameter", "/lab", "drafter"), ("Reformasi aturan", "/lab/aturan", "drafter")]
Drafter = Annotated[Account, Depends(requires("drafter"))]
MAX_UPLOAD = 1_000_000  # bytes: a reform is a page of YAML
DOMAINS = {
    "core": "Inti: asesmen, JPM, SKJ",
    "models": "Model pelatihan",
    "curriculum": "Kurikulum",
    "lifecycle-choices": "Siklus: pilihan tafsir",
    "history": "Riwayat",
    "cost": "Biaya",
}
TYPE_WORDS = {
    "integer": "bilangan bulat",
    "number": "bilangan",
    "boolean": "ya/tidak",
    "string": "teks",
    "object": "tabel",
    "array": "daftar",
}


@dataclass(frozen=True)
class Quote:
    citation: str
    text: str
    status: str


@dataclass(frozen=True)
class ParamView:
    """A parameter as the lab lists it."""

    id: str
    title: str
    value: str
    long: bool
    start: str
    status: str
    date_note: str
    quotes: list[Quote]
    bounds: list[str]
    question: str


def _view(book: Rulebook, param: Parameter, day: dt.date) -> ParamView:
    current = param.at(day)
    shown = value_text(current.value) if current else "(belum berlaku)"
    return ParamView(
        id=param.id,
        title=param.title,
        value=shown,
        long="\n" in shown or len(shown) > 80,
        start=current.start.isoformat() if current else "-",
        status=VALUE_STATUS_WORDS.get(current.status, current.status) if current else "-",
        date_note=current.date_note if current else "",
        quotes=[_quote(book, cid) for cid in (current.reference if current else ())],
        bounds=_bounds(book, param),
        question=param.question,
    )


def _quote(book: Rulebook, clause_id: str) -> Quote:
    """The clause as explanations quote it: its citation, whole sentences of its text, and its
    status in the domain's words."""
    clause = book.corpus.clause(clause_id)
    if clause is None:
        return Quote(clause_id, "", "")
    instrument = book.corpus.instruments.get(clause.instrument)
    status = status_words(clause, instrument.status if instrument else "")
    return Quote(clause.citation, whole_sentences(clause.text), status)


def _bounds(book: Rulebook, param: Parameter) -> list[str]:
    """The declared (or inferred) range and choices of a value, and the constraints it is in."""
    schema = value_schema(param)
    kind = schema.get("type")
    out = [f"jenis: {TYPE_WORDS.get(str(kind), kind or 'bebas')}"]
    if "minimum" in schema or "maximum" in schema:
        out.append(f"rentang: {schema.get('minimum', '-')} sampai {schema.get('maximum', '-')}")
    if "enum" in schema:
        out.append("pilihan: " + ", ".join(map(str, schema["enum"])))
    if kind == "object" and schema.get("required"):
        out.append("kunci: " + ", ".join(map(str, schema["required"])))
    for rule in book.constraints:
        if param.id in (rule.greater, rule.than):
            out.append(
                f"batasan: {rule.greater} harus lebih besar dari {rule.than} ({rule.message})"
            )
    return out


def _domains(book: Rulebook, day: dt.date) -> list[tuple[str, list[ParamView]]]:
    grouped: dict[str, list[ParamView]] = {}
    for param in book.parameters.values():
        grouped.setdefault(Path(param.file).stem, []).append(_view(book, param, day))
    order = [*DOMAINS, *sorted(set(grouped) - set(DOMAINS))]
    return [
        (DOMAINS.get(stem, stem), sorted(grouped[stem], key=lambda v: v.id))
        for stem in order
        if stem in grouped
    ]


@router.get("/lab")
def parameters_page(request: Request, drafter: Drafter) -> Response:
    book = rulebook()
    day = desk_of(request).clock()
    return render(request, "lab.html", {"domains": _domains(book, day), "day": day.isoformat()})


# The reform form


def _form_page(
    request: Request,
    book: Rulebook,
    draft: Draft,
    done: str | None = None,
    status: int = 200,
    changes: list[str] | None = None,
) -> Response:
    current = _current_values(book, draft, desk_of(request).clock())
    context = {
        "changes": changes or [],
        "draft": draft,
        "kept": kept_text(draft),
        "params": {pid: book.parameters[pid] for pid in sorted(book.parameters)},
        "current": current,
        "shown": {pid: _short(value) for pid, value in current.items()},
        "bounds": {
            c.pid: _bounds(book, book.parameters[c.pid])
            for c in draft.changes
            if c.pid in book.parameters
        },
        "lists": {c.pid for c in draft.changes if is_list(book, c.pid)},
        "statuses": CLAUSE_STATUSES,
        "done": done,
    }
    return render(request, "lab_reformasi.html", context, status)


def _short(value: object) -> str:
    if isinstance(value, dict):
        return f"(tabel, {len(value)} baris)"
    if isinstance(value, list):
        return f"(daftar, {len(value)} butir)"
    return value_text(value)


def _current_values(book: Rulebook, draft: Draft, day: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for change in draft.changes:
        param = book.parameters.get(change.pid)
        value = param.at(day) or param.values[-1] if param and param.values else None
        out[change.pid] = value.value if value else None
    return out


@router.get("/lab/reformasi")
def reform_form(request: Request, drafter: Drafter, ubah: str = "") -> Response:
    book = rulebook()
    draft = Draft()
    if ubah:
        if ubah not in book.parameters:
            return message(request, "TIDAK DITEMUKAN", f"Parameter {ubah} tidak dikenal.", 404)
        draft.changes.append(new_change(book, ubah, desk_of(request).clock()))
    return _form_page(request, book, draft)


@router.post("/lab/reformasi")
async def reform_post(request: Request, drafter: Drafter) -> Response:
    form = await request.form()
    action = str(form.get("aksi") or "periksa")
    book = rulebook()
    draft = draft_from_form(form, form.getlist)
    return await run_in_threadpool(_act, request, book, draft, action, str(form.get("baru") or ""))


def _act(request: Request, book: Rulebook, draft: Draft, action: str, added: str) -> Response:
    if action == "tambah" and added in book.parameters:
        draft.changes.append(new_change(book, added, desk_of(request).clock()))
        return _form_page(request, book, draft)
    if action.startswith("hapus-") and action[6:].isdigit():
        index = int(action[6:])
        draft.changes = [c for i, c in enumerate(draft.changes) if i != index]
        return _form_page(request, book, draft)
    if not draft.changes:
        draft.error = "Tambahkan paling sedikit satu perubahan parameter."
        return _form_page(request, book, draft, status=400)
    changes = _checked(book, draft)
    if changes is None:
        return _form_page(request, book, draft, status=400)
    if action == "unduh":
        return _download(reform_yaml(reform_data(book, draft)), draft.name)
    done = "Reformasi sah: diperiksa seperti rules check --reform."
    return _form_page(request, book, draft, done=done, changes=changes)


def _checked(book: Rulebook, draft: Draft) -> list[str] | None:
    """The reform's changes as a drafter reads them, when the library accepts it and
    `rules check --reform` finds no error in it; else None, the errors marked on the draft."""
    reformed = check(book, draft)
    if reformed is None:
        return None
    findings, changes = check_reform(book, reformed)
    errors = [f.message for f in findings if f.level == "error"]
    if errors:
        draft.error = "; ".join(errors)
        return None
    return changes + [f"PERINGATAN: {f.message}" for f in findings if f.level != "error"]


def _download(text: str, name: str) -> Response:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "reformasi"
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{slug}.yaml"'},
    )


@router.post("/lab/reformasi/unggah")
async def reform_upload(request: Request, drafter: Drafter) -> Response:
    form = await request.form()
    upload = form.get("berkas")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return message(request, "PERMINTAAN DITOLAK", "Pilih berkas reformasi (YAML).", 400)
    content = await upload.read(MAX_UPLOAD + 1)
    return await run_in_threadpool(_open_upload, request, upload.filename, content)


def _open_upload(request: Request, filename: str, content: bytes) -> Response:
    book = rulebook()
    try:
        data = _load_upload(filename, content)
        draft = draft_from_data(book, data)
    except RulebookError as exc:
        return message(request, "PERMINTAAN DITOLAK", str(exc), 400)
    if not draft.changes:
        draft.error = "Berkas ini tidak mengubah parameter; periksa aturannya di Reformasi aturan."
        return _form_page(request, book, draft, status=400)
    changes = _checked(book, draft)
    if changes is None:
        return _form_page(request, book, draft, status=400)
    done = f"Berkas {filename} dibuka di formulir."
    return _form_page(request, book, draft, done=done, changes=changes)


def _load_upload(filename: str, content: bytes) -> Any:
    """The uploaded YAML, loaded as the CLI loads a reform file (line numbers, the same
    refusals), under its own name."""
    with tempfile.TemporaryDirectory(prefix="aturan-lab-") as folder:
        path = _saved(folder, filename, content)
        return load_yaml(path, RulebookError)


def _saved(folder: str, filename: str, content: bytes) -> Path:
    if len(content) > MAX_UPLOAD:
        raise RulebookError(f"berkas lebih dari {MAX_UPLOAD // 1000} kB", file=filename)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(filename).name).strip(".-") or "reformasi.yaml"
    path = Path(folder) / name
    path.write_bytes(content)
    return path


# Rule reforms


@dataclass
class SourceLine:
    number: int
    text: str
    errors: list[str]


@router.get("/lab/aturan")
def rule_reform_page(request: Request, drafter: Drafter) -> Response:
    return render(request, "lab_aturan.html", {"checked": None})


@router.post("/lab/aturan")
async def rule_reform_check(request: Request, drafter: Drafter) -> Response:
    form = await request.form()
    upload = form.get("berkas")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return message(request, "PERMINTAAN DITOLAK", "Pilih berkas reformasi (YAML).", 400)
    content = await upload.read(MAX_UPLOAD + 1)
    return await run_in_threadpool(_check_rules, request, upload.filename, content)


def _check_rules(request: Request, filename: str, content: bytes) -> Response:
    """The reform checked as `aturan rules check --reform` checks it: refused with its first error,
    or its changes and the findings it adds to the baseline's; each error at its line."""
    book = rulebook()
    errors: list[tuple[int | None, str]] = []
    changes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="aturan-lab-") as folder:
        try:
            path = _saved(folder, filename, content)
            findings, changes = check_reform(book, apply_reform(book, path))
            errors = [(f.line, f"{_label(f.level)}: {f.message}") for f in findings]
        except RulebookError as exc:
            errors = [
                (exc.line, f"GALAT: {exc.message}" + (f" ({exc.field})" if exc.field else ""))
            ]
    text = content.decode("utf-8", errors="replace") if len(content) <= MAX_UPLOAD else ""
    lines = [SourceLine(n, line, []) for n, line in enumerate(text.splitlines(), start=1)]
    loose = []
    for line, error in errors:
        if line and 0 < line <= len(lines):
            lines[line - 1].errors.append(error)
        else:
            loose.append(error)
    checked = {
        "filename": filename,
        "lines": lines,
        "loose": loose,
        "changes": changes,
        "errors": sum(e.startswith("GALAT") for _, e in errors),
    }
    status = 400 if checked["errors"] else 200
    return render(request, "lab_aturan.html", {"checked": checked}, status)


def _label(level: str) -> str:
    return "GALAT" if level == "error" else "PERINGATAN"


@router.get("/lab/referensi")
def reference_page(request: Request, drafter: Drafter) -> Response:
    return render(request, "lab_referensi.html", {"text": rules_reference(rulebook())})
