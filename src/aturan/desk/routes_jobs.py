"""The jobs of the account's institution (operator): their list, each job's page with its
progress by stage (the page refreshes itself while the job runs), its result and files to
download (the print bundle, a ZIP of the signed PDFs, `ditolak.csv`, the manifest), and a rerun
of an interrupted or failed job. Another institution's job is not found, by any URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from aturan import app
from aturan.desk import jobs
from aturan.desk.accounts import Account
from aturan.desk.auth import requires
from aturan.desk.core import desk_of, render

router = APIRouter(lifespan=jobs.lifespan)  # the desk's worker threads live with the app
NAV = [("Tugas", "/tugas", "operator")]
Operator = Annotated[Account, Depends(requires("operator"))]

STAGES = {
    "docx": "Membuat DOCX (peserta)",
    "pdf": "Mengonversi ke PDF (LibreOffice)",
    "sign": "Menandatangani PDF",
}
# what each result file is, as the page offers it: (key, label, file name sent)
DOWNLOADS = (
    ("bundle", "Bundel cetak dokumen baru (PDF)", "bundel-cetak.pdf"),
    ("zip", "PDF bertanda tangan (ZIP)", app.PDF_ZIP),
    ("rejected", "Baris dan dokumen yang ditolak (ditolak.csv)", "ditolak.csv"),
    ("manifest", "Manifes (manifest.csv)", "manifest.csv"),
)


@router.get("/tugas")
def job_list(request: Request, account: Operator) -> Response:
    desk = desk_of(request)
    store = jobs.store(desk)
    store.recover(jobs.settings(desk).stale_seconds)
    shown = [job for job in store.recent(account.institution) if job.kind == app.ISSUE]
    return render(request, "tugas-daftar.html", {"jobs": shown})


@router.get("/tugas/{job_id}")
def job_page(request: Request, job_id: str, account: Operator) -> Response:
    job = _job(request, job_id, account)
    stages = [(STAGES.get(s, s), done, total) for s, (done, total) in job.progress.items()]
    offered = [
        (key, label) for key, label, _ in DOWNLOADS if key in (job.result or {}).get("files", {})
    ]
    context = {"job": job, "stages": stages, "downloads": offered, "refresh": not job.ended}
    return render(request, "tugas.html", context)


@router.get("/tugas/{job_id}/unduh/{key}")
def download(request: Request, job_id: str, key: str, account: Operator) -> Response:
    job = _job(request, job_id, account)
    files = (job.result or {}).get("files", {})
    names = {k: name for k, _, name in DOWNLOADS}
    if key not in files or key not in names:
        raise HTTPException(404)
    folder = jobs.settings(desk_of(request)).files
    path = app.job_file(folder, job, files[key])
    return FileResponse(path, filename=names[key])


@router.post("/tugas/{job_id}/ulang")
def rerun(request: Request, job_id: str, account: Operator) -> Response:
    job = _job(request, job_id, account)
    again = jobs.store(desk_of(request)).rerun(job, account.username)
    return RedirectResponse(f"/tugas/{again.job_id}", status_code=303)


def _job(request: Request, job_id: str, account: Account) -> app.Job:
    """The issue job when it is the account's institution's; any other answer is 404, the same
    whether the job is another's, another kind (the lab's) or does not exist."""
    desk = desk_of(request)
    store = jobs.store(desk)
    store.recover(jobs.settings(desk).stale_seconds)
    job = store.get(job_id, account.institution)
    if job is None or job.kind != app.ISSUE:
        raise HTTPException(404)
    return job
