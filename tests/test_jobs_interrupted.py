"""A job killed mid-way (issue 26, item 3): the worker process issuing the sample cohort as
signed PDFs is killed with SIGKILL during the PDF stage; a restarted desk (a new store recovering
the queue) shows the job interrupted, and its rerun ends with the same document numbers as one
uninterrupted `aturan issue --pdf` of the same cohort, and a bundle holding every document."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from pypdf import PdfReader
from test_jobs import COHORT, DATES, issue_params, new_registry, start_worker

from aturan import app

# the killed worker converts in a child process; the rerun converts in this one
pytestmark = pytest.mark.libreoffice


def wait_for_pdfs(store, job_id, worker, at_least=3):
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job.progress.get("sign", (0, 0))[0] >= at_least:
            return job
        assert worker.poll() is None, worker.stderr.read()
        time.sleep(0.05)
    pytest.fail("the worker signed no PDF within 240 s")


def cli_numbers(tmp_path):
    """The numbers an uninterrupted `aturan issue --pdf` gives the cohort on a new registry."""
    out = tmp_path / "cli"
    subprocess.run(
        [sys.executable, "-m", "aturan.cli", "issue", str(COHORT), "--pdf", "--registri-baru",
         "--registry", str(tmp_path / "cli.sqlite"), "--out", str(out),
         "--as-of", DATES["as_of"], "--issue-date", DATES["issue_date"]],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)), capture_output=True, check=False,
    )  # fmt: skip
    with open(out / "manifest.csv", encoding="utf-8") as handle:
        return sorted(row["nomor"] for row in csv.DictReader(handle))


def test_a_worker_killed_mid_way_leaves_an_interrupted_job_whose_rerun_gives_the_same_numbers(
    tmp_path,
):
    registry = new_registry(tmp_path / "registri.sqlite")
    files = tmp_path / "berkas"
    files.mkdir()
    (files / "kohort.csv").write_bytes(COHORT.read_bytes())
    store = app.open_jobs(registry)
    job = store.submit(app.ISSUE, "LAN", "ani", issue_params(pdf=True))
    worker = start_worker(registry, files)
    running = wait_for_pdfs(store, job.job_id, worker)
    assert running.state == app.RUNNING and running.progress["docx"] == (17, 17)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    store.close()

    restarted = app.open_jobs(registry)  # the desk started again: it recovers the queue first
    assert restarted.recover() == [job.job_id]
    interrupted = restarted.get(job.job_id)
    assert interrupted.state == app.INTERRUPTED and "terputus" in interrupted.error
    assert interrupted.progress["sign"][0] >= 3, "the progress reached is kept"

    rerun = restarted.rerun(interrupted, "ani")
    handlers = {app.ISSUE: app.issue_handler(files, registry, lambda _: None)}
    ended = app.JobRunner(lambda: app.open_jobs(registry), handlers).run_next()
    assert ended.job_id == rerun.job_id and ended.state == app.DONE, ended.error
    result = ended.result
    assert result["numbers"] == cli_numbers(tmp_path) and len(result["numbers"]) == 17
    assert result["issued"] < 17, "the interrupted run's numbers were taken again, not anew"
    out = files / "tugas" / "1"
    assert len(PdfReader(out / result["files"]["bundle"]).pages) >= 17, "every document printed"
    restarted.close()
