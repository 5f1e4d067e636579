"""Jobs kept in the registry's database (issue 26, item 3): a queued issue job taken by a worker
tells its progress by stage and ends done with its files; a bad file ends it failed with its
message, a bug too, and the worker goes on with the next job; a job whose worker died shows as
interrupted; institutions see only their own jobs; and on PostgreSQL two worker processes share
one queue, each job taken exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from aturan import app
from aturan.documents import open_registry
from aturan.errors import AturanError

COHORT = ROOT / "samples" / "cohort-contoh.csv"
DATES = {"as_of": "2026-03-01", "issue_date": "2026-03-02"}


def new_registry(target) -> Path | str:
    store, _ = open_registry(target, create=True)
    store.close()
    return target


def issue_params(source: str = "kohort.csv", out: str = "tugas/1", **more) -> dict:
    return {"source": source, "out": out, "pdf": False, **DATES, **more}


@pytest.fixture
def desk(tmp_path):
    """A registry with the sample cohort uploaded in the desk's folder; its store and a runner."""
    registry = new_registry(tmp_path / "registri.sqlite")
    files = tmp_path / "berkas"
    files.mkdir()
    (files / "kohort.csv").write_bytes(COHORT.read_bytes())
    handlers = {app.ISSUE: app.issue_handler(files, registry, lambda _: None)}
    runner = app.JobRunner(lambda: app.open_jobs(registry), handlers, heartbeat=0.05)
    store = app.open_jobs(registry)
    yield {"registry": registry, "files": files, "runner": runner, "store": store}
    store.close()


def test_an_issue_job_runs_once_taken_tells_its_stages_and_keeps_its_files(desk):
    store = desk["store"]
    job = store.submit(app.ISSUE, "LAN", "ani", issue_params())
    assert job.state == app.QUEUED and job.state_label == "menunggu"
    ended = desk["runner"].run_next()
    assert ended.job_id == job.job_id and ended.state == app.DONE, ended.error
    assert ended.worker == desk["runner"].name and ended.finished_at
    assert ended.progress["docx"] == (17, 17) and ended.stage == "docx"
    result = ended.result
    assert (result["issued"], result["bad_rows"], result["complete"]) == (17, 3, False)
    out = desk["files"] / "tugas" / "1"
    assert (out / result["files"]["manifest"]).is_file()
    rejected = (out / result["files"]["rejected"]).read_text(encoding="utf-8")
    assert "NIP 197710251998031946 sudah muncul di baris 6" in rejected
    # the same numbers the command line gives, read back from the registry
    registry, _ = open_registry(desk["registry"])
    assert sorted(row["number"] for row in registry.list()) == result["numbers"]
    registry.close()
    assert desk["runner"].run_next() is None, "nothing left in the queue"


def test_a_bad_file_ends_the_job_failed_with_its_message(desk):
    job = desk["store"].submit(app.ISSUE, "LAN", "ani", issue_params(source="tidak-ada.csv"))
    ended = desk["runner"].run_next()
    assert ended.job_id == job.job_id and ended.state == app.FAILED
    assert "tidak-ada.csv" in ended.error and ended.result is None


def test_a_bug_in_a_job_ends_it_failed_and_the_worker_runs_the_next(desk, caplog):
    def broken(job, progress):
        raise ZeroDivisionError("bug")

    runner = app.JobRunner(
        lambda: app.open_jobs(desk["registry"]),
        {"rusak": broken, app.ISSUE: desk["runner"].handlers[app.ISSUE]},
    )
    first = desk["store"].submit("rusak", "LAN", "ani", {})
    second = desk["store"].submit(app.ISSUE, "LAN", "ani", issue_params())
    assert runner.run_next().job_id == first.job_id
    failed = desk["store"].get(first.job_id)
    assert failed.state == app.FAILED and "kesalahan program" in failed.error
    assert "bug" not in failed.error  # the traceback goes to the log, not to the operator
    assert runner.run_next().state == app.DONE
    assert desk["store"].get(second.job_id).state == app.DONE


def test_a_job_whose_worker_process_is_gone_shows_interrupted_and_can_run_again(desk):
    store = desk["store"]
    job = store.submit(app.ISSUE, "LAN", "ani", issue_params())
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    dead_worker = f"{os.uname().nodename}/{gone}/x"
    assert store.claim(dead_worker).state == app.RUNNING
    assert store.recover() == [job.job_id], "a dead process of this machine holds no job"
    interrupted = store.get(job.job_id)
    assert interrupted.state == app.INTERRUPTED and interrupted.state_label == "terputus"
    again = store.rerun(interrupted, "budi")
    assert (again.rerun_of, again.account, again.params["out"]) == (job.job_id, "budi", "tugas/1")
    assert desk["runner"].run_next().state == app.DONE


def test_a_running_job_whose_heartbeat_is_stale_shows_interrupted(desk):
    store = desk["store"]
    job = store.submit(app.ISSUE, "LAN", "ani", issue_params())
    store.claim("lain-mesin/123/x")  # another machine: only its heartbeat tells
    assert store.recover(stale=60) == []
    time.sleep(0.05)
    assert store.recover(stale=0.01) == [job.job_id]
    with pytest.raises(AturanError, match="hanya tugas yang terputus atau gagal"):
        store.rerun(store.submit(app.ISSUE, "LAN", "ani", issue_params()), "ani")


def test_an_institution_sees_only_its_own_jobs(desk):
    store = desk["store"]
    mine = store.submit(app.ISSUE, "LAN", "ani", issue_params())
    theirs = store.submit(app.ISSUE, "BPSDM-JABAR", "budi", issue_params())
    assert store.get(theirs.job_id, "LAN") is None
    assert store.get(mine.job_id, "LAN") == mine
    assert [j.job_id for j in store.recent("LAN")] == [mine.job_id]
    assert {j.job_id for j in store.recent()} == {mine.job_id, theirs.job_id}


def start_worker(registry, files, *mode, tag=""):
    """A desk worker process (desk_worker.py); `tag` marks its environment, which its LibreOffice
    inherits, so `end_tagged` finds them all."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "desk_worker.py"), str(registry), str(files)]
        + [str(m) for m in mode],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT), PYTHONPATH=str(ROOT / "src"), DESK_TAG=tag),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def end_tagged(tag: str) -> list[int]:
    """Kill what a killed worker left running (its LibreOffice lives in its own session): every
    process whose environment carries DESK_TAG=`tag`; their ids."""
    marker = f"DESK_TAG={tag}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "environ").read_bytes().split(b"\0"):
                os.kill(int(entry.name), 9)
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.postgres
def test_two_worker_processes_on_one_postgresql_take_each_job_exactly_once(new_database, tmp_path):
    registry = new_registry(new_database())
    store = app.open_jobs(registry)
    jobs = [store.submit("probe", "LAN", "ani", {"sleep": 0.02}).job_id for _ in range(60)]
    workers = [start_worker(registry, tmp_path, "drain") for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.stderr.read()
    taken = [line for f in tmp_path.glob("probe-*.txt") for line in f.read_text().split()]
    assert sorted(taken) == sorted(jobs), "each job taken exactly once"
    by_pid = {f.name: len(f.read_text().split()) for f in tmp_path.glob("probe-*.txt")}
    assert len(by_pid) == 2 and min(by_pid.values()) > 0, f"both took jobs: {by_pid}"
    ended = [store.get(job_id) for job_id in jobs]
    assert all(j.state == app.DONE and j.result["pid"] == int(j.worker.split("/")[1])
               for j in ended)  # fmt: skip
    store.close()


@pytest.mark.postgres
def test_on_postgresql_an_institution_s_role_reads_and_takes_only_its_own_jobs(
    new_database, registry_keys
):
    from registry_worker import CODES, FORMAT

    from aturan.documents import Registry

    admin = new_database()
    owner = Registry(admin, FORMAT, CODES, **registry_keys)
    urls = {}
    for code in ("LAN", "BPSDM-JABAR"):
        role = owner.add_institution(code, f"sandi-{code.lower()}")
        urls[code] = admin.replace("postgres:aturan-uji@", f"{role}:sandi-{code.lower()}@")
    owner.close()
    everyone = app.JobStore(Registry(admin, FORMAT, CODES, **registry_keys).db)
    theirs = everyone.submit("probe", "BPSDM-JABAR", "budi", {})
    lan = app.JobStore(Registry(urls["LAN"], FORMAT, CODES, **registry_keys,
                                institution="LAN").db)  # fmt: skip
    mine = lan.submit("probe", "LAN", "ani", {})
    assert [j.job_id for j in lan.recent()] == [mine.job_id], "only its own, even asking for all"
    assert lan.get(theirs.job_id) is None
    assert lan.claim("w").job_id == mine.job_id and lan.claim("w") is None
    with pytest.raises(Exception, match="row-level security"):
        lan.submit("probe", "BPSDM-JABAR", "ani", {})
    assert everyone.get(theirs.job_id).state == app.QUEUED, "untouched"
