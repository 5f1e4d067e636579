"""A job killed mid-way (issue 26, item 3): an operator issues the sample cohort from the desk; the
worker process running the job is killed with SIGKILL during the PDF stage; the desk started
again shows the job interrupted, and its rerun, asked from the job's page and run by the desk's
own worker, ends with the same document numbers as one uninterrupted `aturan issue --pdf` of the
same cohort, and a bundle holding every document."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from conftest import ROOT
from desk_support import post
from fastapi.testclient import TestClient
from pypdf import PdfReader
from test_desk_issue import DATES, uploaded
from test_jobs import COHORT, end_tagged, start_worker

from aturan import app
from aturan.desk import create_desk_app

# the killed worker converts in a child process; the rerun in this one (the desk's worker thread)
pytestmark = pytest.mark.libreoffice


def wait_for_signed_pdfs(store, job_id, worker, at_least=3):
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job.progress.get("sign", (0, 0))[0] >= at_least:
            return job
        assert worker.poll() is None, worker.stderr.read()
        time.sleep(0.05)
    pytest.fail("the worker signed no PDF within 240 s")


def cli_numbers(tmp_path, config):
    """The numbers an uninterrupted `aturan issue --pdf` gives the cohort on a new registry."""
    out = tmp_path / "cli"
    subprocess.run(
        [sys.executable, "-m", "aturan.cli", "issue", str(COHORT), "--pdf", "--registri-baru",
         "--registry", str(tmp_path / "cli.sqlite"), "--out", str(out), "--config", str(config),
         "--as-of", DATES["tanggal_keputusan"], "--issue-date", DATES["tanggal_terbit"]],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)), capture_output=True, check=False,
    )  # fmt: skip
    with open(out / "manifest.csv", encoding="utf-8") as handle:
        return sorted(row["nomor"] for row in csv.DictReader(handle))


def test_a_worker_killed_mid_way_leaves_an_interrupted_job_whose_rerun_gives_the_same_numbers(
    desk_client, tmp_path
):
    client = desk_client("operator")
    started = post(client, uploaded(client).split("?")[0], DATES, follow_redirects=False)
    job_page = started.headers["location"]
    job_id = job_page.rsplit("/", 1)[1]
    files = client.registry.parent / "desk-berkas"
    tag = uuid.uuid4().hex
    worker = start_worker(client.registry, files, client.config, tag=tag)
    store = app.open_jobs(client.registry, client.config)
    running = wait_for_signed_pdfs(store, job_id, worker)
    assert running.state == app.RUNNING and running.progress["docx"] == (17, 17)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    time.sleep(1)  # what the worker's LibreOffice does without it, then it is ended too
    end_tagged(tag)

    with TestClient(create_desk_app(client.config, client.registry)) as restarted:
        restarted.cookies = client.cookies
        page = restarted.get(job_page).text
        assert 'class="status-interrupted">terputus' in page and "Jalankan ulang" in page
        rerun = post(restarted, f"{job_page}/ulang", follow_redirects=False)
        rerun_page = rerun.headers["location"]
        deadline = time.monotonic() + 240
        while "status-done" not in (page := restarted.get(rerun_page).text):
            assert "status-failed" not in page and time.monotonic() < deadline, page
            time.sleep(0.3)
    ended = store.get(rerun_page.rsplit("/", 1)[1])
    store.close()
    assert ended.rerun_of == job_id and ended.account == "operator-lan"
    result = ended.result
    assert result["numbers"] == cli_numbers(tmp_path, client.config)
    assert len(result["numbers"]) == 17 and result["issued"] < 17, "numbers taken again"
    out = files / running.params["out"]
    assert len(PdfReader(out / result["files"]["bundle"]).pages) >= 17, "every document printed"
