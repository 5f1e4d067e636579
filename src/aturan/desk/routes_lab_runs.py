"""Running a policy question (drafter, issue 27 item 3): choose a cohort (an upload, or a sample
with its years and size), a reform (an upload, or one of the project's examples), the models and
the as-of date; the diff and the compare run as jobs with progress; their results are read in
the browser: the per-cause summary with a drill-down to participants and fields, each
participant's two explanations side by side, the compare table per model, charts (plotly, served
by the desk itself) and downloads (CSV, XLSX). Another institution's run is not found, by any
URL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import uuid
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from aturan import app
from aturan.desk import jobs
from aturan.desk.accounts import Account
from aturan.desk.auth import requires
from aturan.desk.core import desk_of, message, render
from aturan.desk.lab_charts import charts
from aturan.errors import AturanError
from aturan.files import atomic_path
from aturan.lab import Change
from aturan.vocabulary import MODEL_SHORT, MODELS

router = APIRouter()
NAV = [("Jalankan pertanyaan", "/lab/jalankan", "drafter")]
Drafter = Annotated[Account, Depends(requires("drafter"))]

RUN_ID = re.compile(r"[0-9a-f]{32}")
RUN_FILE = "jalankan.json"
MAX_UPLOAD = 20 * 1024 * 1024  # bytes
SAMPLE_MAX = 100_000
YEAR_MIN, YEAR_MAX = 2024, 2099  # as `aturan sample --tahun`
WHAT = {"keduanya": (app.LAB_DIFF, app.LAB_COMPARE), "diff": (app.LAB_DIFF,)}
WHAT |= {"banding": (app.LAB_COMPARE,)}
STAGES = {"diff": "Diff: peserta diputuskan", "compare": "Perbandingan: peserta diputuskan"}
# key: (label, file in the run's folder or None when made on request, name sent)
DOWNLOADS = {
    "perubahan-csv": ("Perubahan per peserta (CSV)", app.CHANGES_CSV, "perubahan.csv"),
    "perbandingan-csv": ("Perbandingan per model (CSV)", app.COMPARE_CSV, "perbandingan.csv"),
    "perbandingan-png": ("Grafik perbandingan (PNG)", app.COMPARE_PNG, "perbandingan.png"),
    "xlsx": ("Semua hasil (XLSX)", None, "hasil-lab.xlsx"),
}
STATIC = {"plotly.min.js": ("plotly", "package_data/plotly.min.js")}
STATIC |= {"grafik.js": ("aturan.desk", "static/grafik.js")}


@router.get("/lab/jalankan")
def run_form(request: Request, account: Drafter) -> Response:
    return _form(request, account, {}, None)


def _form(
    request: Request, account: Account, values: dict[str, Any], error: str | None, status: int = 200
) -> Response:
    today = desk_of(request).clock()
    defaults = {
        "ukuran": "2000",
        "benih": "1",
        "tahun": str(today.year),
        "tanggal_keputusan": today.isoformat(),
        "model": "",
        "model_banding": list(MODELS),
        "reformasi_contoh": "",
        "kohort_dari": "sampel",
        "yang_dijalankan": "keduanya",
    }
    context = {
        "values": defaults | values,
        "reforms": [p.name for p in app.bundled_reforms()],
        "models": MODEL_SHORT,
        "error": error,
        "runs": _runs(request, account),
    }
    return render(request, "lab-jalankan.html", context, status)


def _runs(request: Request, account: Account) -> list[dict[str, Any]]:
    """The institution's latest runs, newest first: one line per run, its jobs' states."""
    found: dict[str, dict[str, Any]] = {}
    for job in jobs.store(desk_of(request)).recent(account.institution, limit=100):
        if job.kind in app.LAB_KINDS:
            run = found.setdefault(job.params["run"], {"id": job.params["run"], "job": job})
            run[job.kind] = job.state_label
    return list(found.values())


@router.post("/lab/jalankan")
def start_run(
    request: Request,
    account: Drafter,
    kohort_dari: Annotated[str, Form()] = "sampel",
    kohort: UploadFile | None = None,
    ukuran: Annotated[str, Form()] = "2000",
    benih: Annotated[str, Form()] = "1",
    tahun: Annotated[str, Form()] = "",
    reformasi: UploadFile | None = None,
    reformasi_contoh: Annotated[str, Form()] = "",
    tanggal_keputusan: Annotated[str, Form()] = "",
    model: Annotated[str, Form()] = "",
    model_banding: Annotated[list[str] | None, Form()] = None,
    yang_dijalankan: Annotated[str, Form()] = "keduanya",
) -> Response:
    """Check the question (cohort, reform, dates, models), keep its files in a new run folder,
    and queue its jobs; the run's page follows them."""
    values = {
        "kohort_dari": kohort_dari,
        "ukuran": ukuran,
        "benih": benih,
        "tahun": tahun,
        "reformasi_contoh": reformasi_contoh,
        "tanggal_keputusan": tanggal_keputusan,
        "model": model,
        "model_banding": model_banding or [],
        "yang_dijalankan": yang_dijalankan,
    }
    run_id = uuid.uuid4().hex
    folder = jobs.settings(desk_of(request)).files / "lab" / run_id
    try:
        params = _question(request, folder, values, kohort, reformasi)
    except AturanError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _form(request, account, values, str(exc), 400)
    params |= {"run": run_id, "folder": f"lab/{run_id}"}
    kinds = {kind: app.new_job_id() for kind in WHAT.get(yang_dijalankan, WHAT["keduanya"])}
    owner = {"institution": account.institution, "account": account.username, "jobs": kinds}
    (folder / RUN_FILE).write_text(json.dumps(owner | {"params": params}), encoding="utf-8")
    store = jobs.store(desk_of(request))
    for kind, job_id in kinds.items():
        store.submit(kind, account.institution, account.username, params, job_id=job_id)
    return RedirectResponse(f"/lab/hasil/{run_id}", status_code=303)


def _question(
    request: Request,
    folder: Path,
    values: dict[str, Any],
    cohort: UploadFile | None,
    reform: UploadFile | None,
) -> dict[str, Any]:
    """The run's parameters, every choice checked as the command line checks it; the uploads
    (and the chosen example reform) kept in `folder`."""
    folder.mkdir(parents=True)
    params: dict[str, Any] = {
        "as_of": _day(values["tanggal_keputusan"], desk_of(request).clock()).isoformat(),
        "model": _model(values["model"]),
        "models": [m for m in MODELS if m in values["model_banding"]] or list(MODELS),
    }
    params |= _reform(folder, reform, values["reformasi_contoh"])
    if values["kohort_dari"] == "unggah":
        name = _keep(cohort, folder, "kohort", app.COHORT_SUFFIXES, "kohort (CSV, XLSX, YAML)")
        params |= {"cohort": f"kohort{Path(name).suffix.lower()}", "cohort_name": name}
    else:
        size = _whole(values["ukuran"], "ukuran sampel (--size)", 1, SAMPLE_MAX)
        seed = _whole(values["benih"], "benih (--seed)", 0, 2**31)
        params |= {"sample": {"size": size, "seed": seed, "years": _years(values["tahun"])}}
        params["cohort_name"] = f"sampel {size} peserta (benih {seed})"
    return params


def _reform(folder: Path, upload: UploadFile | None, example: str) -> dict[str, str]:
    """The reform, kept in the run's folder under its own name (the rules' version names the
    reform by its file's stem, as `--reform` does) and checked now: its errors show on the form,
    naming the file as the drafter named it."""
    kept = folder / "reformasi"
    kept.mkdir()
    if upload is not None and upload.filename:
        name = _keep(upload, kept, "reformasi", (".yaml", ".yml"), "reformasi (YAML)")
        target = kept / name  # its own name (no folder: `_keep` kept only the name)
        (kept / f"reformasi{Path(name).suffix.lower()}").replace(target)
    else:
        bundled = {p.name: p for p in app.bundled_reforms()}
        if example not in bundled:
            raise AturanError("pilih salah satu contoh reformasi atau unggah berkas YAML")
        name, target = example, kept / example
        shutil.copyfile(bundled[example], target)
    app.check_reform(target, name)
    return {"reform": f"reformasi/{target.name}", "reform_name": name}


def _keep(
    upload: UploadFile | None, folder: Path, stem: str, suffixes: tuple[str, ...], what: str
) -> str:
    """Save an upload as `stem` + its suffix; its name as the drafter gave it."""
    name = Path(upload.filename or "").name if upload is not None else ""
    if upload is None or not name:
        raise AturanError(f"unggah berkas {what}")
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes:
        raise AturanError(f"unggah berkas {what}", file=name)
    written = 0
    with (folder / f"{stem}{suffix}").open("wb") as out:
        while chunk := upload.file.read(1024 * 1024):
            written += len(chunk)
            if written > MAX_UPLOAD:
                raise AturanError(f"berkas lebih besar dari {MAX_UPLOAD // 2**20} MB", file=name)
            out.write(chunk)
    return name


def _day(text: str, today: dt.date) -> dt.date:
    if not text.strip():
        return today
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise AturanError(
            f"'{text}' bukan tanggal ISO (YYYY-MM-DD)", field="tanggal keputusan (--as-of)"
        ) from None


def _model(text: str) -> str | None:
    if not text:
        return None
    if text not in MODELS:
        raise AturanError(f"model tidak dikenal: {text}", field="model (--model)")
    return text


def _whole(text: str, field: str, least: int, most: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = least - 1
    if not least <= value <= most:
        raise AturanError(f"isi bilangan bulat {least} s.d. {most}", field=field)
    return value


def _years(text: str) -> list[int]:
    first, sep, last = text.strip().partition("-")
    try:
        years = [int(first), int(last) if sep else int(first)]
    except ValueError:
        years = [0, 0]
    if not YEAR_MIN <= years[0] <= years[1] <= YEAR_MAX:
        raise AturanError(
            f"'{text}': isi satu tahun (2027) atau rentang (2026-2028), antara {YEAR_MIN} dan "
            f"{YEAR_MAX}",
            field="tahun pelatihan (--tahun)",
        )
    return years


@router.get("/lab/hasil/{run_id}")
def results(request: Request, run_id: str, account: Drafter) -> Response:
    return results_page(request, load_run(request, run_id, account))


def results_page(
    request: Request, run: dict[str, Any], more: dict[str, Any] | None = None, status: int = 200
) -> Response:
    """The run's results page; `more`: the save form's values and error (routes_lab_questions)."""
    run_id = run["id"]
    diff, compare = run["jobs"].get(app.LAB_DIFF), run["jobs"].get(app.LAB_COMPARE)
    context = {
        "run": run,
        "diff": diff,
        "compare": compare,
        "summary": _summary(run_id, diff.result) if diff and diff.result else [],
        "charts": charts(compare.result) if compare and compare.result else [],
        "models": MODEL_SHORT,
        "stages": [
            (STAGES.get(stage, stage), done, total)
            for job in run["jobs"].values()
            for stage, (done, total) in job.progress.items()
        ],
        "downloads": _offered(run),
        "scripts": {name: static_url(name) for name in STATIC},
        "refresh": any(not job.ended for job in run["jobs"].values()),
        "savable": bool(run["jobs"]) and all(j.state == app.DONE for j in run["jobs"].values()),
        "save": {"given": {"nama": "", "uraian": ""}, "error": None, "field": None},
    }
    return render(request, "lab-hasil.html", context | (more or {}), status)


def _summary(run_id: str, result: dict[str, Any]) -> list[tuple[str, int, str | None]]:
    """The diff's summary rows as `aturan diff` prints them, each cause and field with the
    address of its participants."""
    rows: list[tuple[str, int, str | None]] = []
    for label, count in result["rows"][1:]:
        kind, _, text = label.partition(": ")
        if kind == "sebab":
            query = {"sebab": result["causes"].get(text, text)}
        else:
            query = {"isian": text.split(" (sebab")[0]}
        rows.append((label, count, _address(run_id, query)))
    return rows


def _address(run_id: str, query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return f"/lab/hasil/{run_id}/peserta?{urlencode(query)}"


def _offered(run: dict[str, Any]) -> list[tuple[str, str]]:
    files = set()
    for job in run["jobs"].values():
        files |= set((job.result or {}).get("files", {}).values())
    return [
        (key, label)
        for key, (label, name, _) in DOWNLOADS.items()
        if (name in files) or (name is None and files)
    ]


@router.post("/lab/hasil/{run_id}/ulang/{kind}")
def rerun(request: Request, run_id: str, kind: str, account: Drafter) -> Response:
    """Run an interrupted or failed job of the run again, on the same question and into the same
    folder (its files are written anew); the run's page follows the new job."""
    run = load_run(request, run_id, account)
    job = run["jobs"].get(kind)
    if job is None:
        raise HTTPException(404)
    try:
        again = jobs.store(desk_of(request)).rerun(job, account.username)
    except AturanError as exc:
        return message(request, "DITOLAK", str(exc), 400)
    run_file = run_folder(request, run_id) / RUN_FILE
    data = json.loads(run_file.read_text(encoding="utf-8"))
    data["jobs"][kind] = again.job_id
    with atomic_path(run_file) as tmp:
        tmp.write_text(json.dumps(data), encoding="utf-8")
    return RedirectResponse(f"/lab/hasil/{run_id}", status_code=303)


@router.get("/lab/hasil/{run_id}/peserta")
def participants(
    request: Request, run_id: str, account: Drafter, sebab: str = "", isian: str = ""
) -> Response:
    """The changed participants of one cause or one field, each with the fields it changes."""
    run = load_run(request, run_id, account)
    changes = [c for c in _changes(request, run) if not c.informational]
    if sebab:
        chosen = [c for c in changes if sebab in c.causes or (not c.causes and sebab == "-")]
    else:
        chosen = [c for c in changes if isian in app.field_names(c)]
    rows = [(c.nip, c.name, ", ".join(dict.fromkeys(app.field_names(c)))) for c in chosen]
    context = {"run": run, "rows": rows, "what": f"sebab {sebab}" if sebab else f"isian {isian}"}
    return render(request, "lab-peserta.html", context)


@router.get("/lab/hasil/{run_id}/peserta/{nip}")
def participant(request: Request, run_id: str, nip: str, account: Drafter) -> Response:
    """One participant: what the reform changes, and the two explanations side by side."""
    run = load_run(request, run_id, account)
    change = next((c for c in _changes(request, run) if c.nip == nip), None)
    params, folder = run["params"], run_folder(request, run_id)
    reform = app.check_reform(folder / params["reform"], params["reform_name"])
    as_of = dt.date.fromisoformat(params["as_of"])
    pair = app.explain_pair(app.ensure_cohort(folder, params), nip, reform, as_of, params["model"])
    if pair is None:
        raise HTTPException(404)
    context = {
        "run": run,
        "nip": nip,
        "change": change,
        "lines": app.change_lines(change) if change else [],
        "baseline": pair[0],
        "reformed": pair[1],
    }
    return render(request, "lab-peserta-satu.html", context)


@router.get("/lab/hasil/{run_id}/unduh/{key}")
def download(request: Request, run_id: str, key: str, account: Drafter) -> Response:
    run = load_run(request, run_id, account)
    if key not in dict(_offered(run)):
        raise HTTPException(404)
    _, name, sent = DOWNLOADS[key]
    folder = run_folder(request, run_id)
    if name is not None:
        return FileResponse(folder / name, filename=sent)
    diff, compare = run["jobs"].get(app.LAB_DIFF), run["jobs"].get(app.LAB_COMPARE)
    changes = _changes(request, run) if diff and diff.result else []
    content = app.lab_workbook(
        diff.result if diff else None, compare.result if compare else None, changes
    )
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    headers = {"content-disposition": f'attachment; filename="{sent}"'}
    return Response(content, media_type=kind, headers=headers)


@router.get("/lab/statis/{name}")
def static(name: str, v: str = "") -> Response:
    """The charts' scripts, from this desk (its CSP allows scripts from 'self' only). Under the
    address of their current version (`static_url`) a browser keeps them a day without asking
    again: plotly.min.js is 4.8 MB. Any other address is sent as every page is (no-store)."""
    if name not in STATIC:
        raise HTTPException(404)
    package, path = STATIC[name]
    found = resources.files(package).joinpath(path)
    headers = {"cache-control": CACHED} if v and v == _version(name) else None
    return FileResponse(str(found), media_type="text/javascript", headers=headers)


CACHED = "public, max-age=86400, immutable"


@cache
def _version(name: str) -> str:
    """plotly's own version for its script; the first 12 hex digits of SHA-256 for ours."""
    if name == "plotly.min.js":
        import plotly

        return str(plotly.__version__)
    package, path = STATIC[name]
    return hashlib.sha256(resources.files(package).joinpath(path).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"/lab/statis/{name}?v={_version(name)}"


def run_folder(request: Request, run_id: str) -> Path:
    return jobs.settings(desk_of(request)).files / "lab" / run_id


def load_run(request: Request, run_id: str, account: Account) -> dict[str, Any]:
    """The run when it is the account's institution's, with its jobs by kind; any other answer
    is 404, the same whether the run is another's or does not exist."""
    run_file = run_folder(request, run_id) / RUN_FILE
    if not RUN_ID.fullmatch(run_id) or not run_file.is_file():
        raise HTTPException(404)
    run: dict[str, Any] = json.loads(run_file.read_text(encoding="utf-8"))
    if run["institution"] != account.institution:
        raise HTTPException(404)
    desk = desk_of(request)
    store = jobs.store(desk)
    store.recover(jobs.settings(desk).stale_seconds)
    found = {kind: store.get(job_id, account.institution) for kind, job_id in run["jobs"].items()}
    run["jobs"] = {kind: job for kind, job in found.items() if job is not None}
    run["id"] = run_id
    return run


def _changes(request: Request, run: dict[str, Any]) -> list[Change]:
    diff = run["jobs"].get(app.LAB_DIFF)
    if diff is None or not diff.result:
        raise HTTPException(404)
    return app.read_changes(run_folder(request, run["id"]) / app.CHANGES_JSONL)
