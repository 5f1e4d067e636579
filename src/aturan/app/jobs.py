"""Jobs: long work (issuing a cohort as signed PDFs) run outside the request that asked for it,
kept in the registry's own database (migration 0010, table `desk_jobs`), so a restarted desk, or
another desk process on the same database, sees every job and its progress.

A job is queued, then taken by one worker (`JobStore.claim`: an immediate transaction on SQLite,
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several processes share one queue and each job is
taken once), then runs, telling its progress by stage, and ends done (with its result files) or
failed (with its message, in Indonesian). A worker beats while it runs; a job whose worker died (a
process of this machine that is gone) or whose heartbeat went stale is marked interrupted
(`JobStore.recover`), and can be run again (`JobStore.rerun`): issuing is idempotent, so the rerun
takes the numbers the interrupted run took and only the missing ones after them."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from aturan.documents import open_registry
from aturan.errors import AturanError

LOG = logging.getLogger(__name__)

# job states
QUEUED, RUNNING, DONE, FAILED, INTERRUPTED = "queued", "running", "done", "failed", "interrupted"
STATE_LABELS = {
    QUEUED: "menunggu",
    RUNNING: "berjalan",
    DONE: "selesai",
    FAILED: "gagal",
    INTERRUPTED: "terputus",
}
ENDED = (DONE, FAILED, INTERRUPTED)
HEARTBEAT = 1.0  # seconds between a running job's heartbeats (and progress writes)
STALE_SECONDS = 30.0  # seconds without a heartbeat after which a running job counts as interrupted
INTERRUPTED_MESSAGE = (
    "tugas terputus: proses pekerja berhenti sebelum tugas selesai (meja kerja dimulai ulang atau "
    "prosesnya dimatikan); jalankan ulang: nomor yang sudah diambil dipakai lagi, tanpa nomor ganda"
)
BUG_MESSAGE = (
    "tugas gagal karena kesalahan program (bukan karena data Anda); catatan teknis ada di log "
    "meja kerja; laporkan kepada pengelola"
)


class Database(Protocol):
    """What the store needs of a registry connection (`Registry.db`)."""

    dialect: str

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any: ...


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Job:
    """One job as stored: what it does (`kind`, `params`), for whom, its state, the stage it is in
    and each stage's (done, total), its result (counts, files) or error, and its worker."""

    job_id: str
    kind: str
    institution: str
    account: str
    params: dict[str, Any]
    state: str
    stage: str | None = None
    progress: dict[str, tuple[int, int]] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None
    worker: str | None = None
    heartbeat_at: str | None = None
    created_at: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    rerun_of: str | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def ended(self) -> bool:
        return self.state in ENDED


def _job(row: dict[str, Any]) -> Job:
    progress = {stage: (int(d), int(t)) for stage, (d, t) in json.loads(row["progress"]).items()}
    return Job(
        job_id=row["id"],
        kind=row["kind"],
        institution=row["institution"],
        account=row["account"],
        params=json.loads(row["params"]),
        state=row["state"],
        stage=row["stage"],
        progress=progress,
        result=json.loads(row["result"]) if row["result"] else None,
        error=row["error"],
        worker=row["worker"],
        heartbeat_at=row["heartbeat_at"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        rerun_of=row["rerun_of"],
    )


class JobStore:
    """The jobs of one registry database. Each thread uses its own store (its own connection)."""

    def __init__(self, db: Database, close: Callable[[], None] | None = None):
        self.db = db
        self._close = close

    def close(self) -> None:
        if self._close is not None:
            self._close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE" if self.db.dialect == "sqlite" else "BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def submit(
        self,
        kind: str,
        institution: str,
        account: str,
        params: dict[str, Any],
        rerun_of: str | None = None,
        job_id: str | None = None,
    ) -> Job:
        """Queue a job (under `job_id`, else a new random id); it runs when a worker takes it."""
        job_id = job_id or new_job_id()
        self.db.execute(
            "INSERT INTO desk_jobs (id, kind, institution, account, params, state, created_at, "
            "rerun_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (job_id, kind, institution, account, json.dumps(params), QUEUED, now_iso(), rerun_of),
        )
        found = self.get(job_id)
        assert found is not None  # just written
        return found

    def get(self, job_id: str, institution: str | None = None) -> Job | None:
        """The job, or None when there is none or (given `institution`) it is another's."""
        row = self.db.execute("SELECT * FROM desk_jobs WHERE id=?", (job_id,)).fetchone()
        if row is None or (institution is not None and row["institution"] != institution):
            return None
        return _job(row)

    def recent(self, institution: str | None = None, limit: int = 50) -> list[Job]:
        """The latest jobs, newest first: of one institution, or (None) of all."""
        where, params = ("WHERE institution=? ", (institution,)) if institution else ("", ())
        rows = self.db.execute(
            f"SELECT * FROM desk_jobs {where}ORDER BY created_at DESC, id DESC LIMIT {int(limit)}",
            params,
        )
        return [_job(row) for row in rows]

    def claim(self, worker: str, kinds: Sequence[str] | None = None) -> Job | None:
        """Take the oldest queued job (of `kinds`, when given) for `worker`, or None. Taken once:
        SQLite's immediate transaction, PostgreSQL's row lock skipped by the other takers."""
        lock = " FOR UPDATE SKIP LOCKED" if self.db.dialect != "sqlite" else ""
        only = f" AND kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
        with self._transaction():
            row = self.db.execute(
                f"SELECT id FROM desk_jobs WHERE state=?{only} ORDER BY created_at, id LIMIT 1"
                + lock,
                (QUEUED, *(kinds or ())),
            ).fetchone()
            if row is None:
                return None
            at = now_iso()
            self.db.execute(
                "UPDATE desk_jobs SET state=?, worker=?, started_at=?, heartbeat_at=? WHERE id=?",
                (RUNNING, worker, at, at, row["id"]),
            )
        return self.get(row["id"])

    def beat(
        self, job_id: str, worker: str, stage: str | None, progress: dict[str, tuple[int, int]]
    ) -> bool:
        """The worker still holds the job: its heartbeat and progress. False when the job is no
        longer this worker's (marked interrupted meanwhile)."""
        cursor = self.db.execute(
            "UPDATE desk_jobs SET heartbeat_at=?, stage=?, progress=? "
            "WHERE id=? AND worker=? AND state=?",
            (now_iso(), stage, json.dumps(progress), job_id, worker, RUNNING),
        )
        return bool(cursor.rowcount)

    def finish(self, job_id: str, worker: str, result: dict[str, Any]) -> None:
        self._end(job_id, worker, DONE, json.dumps(result), None)

    def fail(self, job_id: str, worker: str, error: str) -> None:
        self._end(job_id, worker, FAILED, None, error)

    def _end(
        self, job_id: str, worker: str, state: str, result: str | None, error: str | None
    ) -> None:
        self.db.execute(
            "UPDATE desk_jobs SET state=?, result=?, error=?, finished_at=? "
            "WHERE id=? AND worker=? AND state=?",
            (state, result, error, now_iso(), job_id, worker, RUNNING),
        )

    def recover(
        self, stale: float = STALE_SECONDS, alive: Callable[[str], bool | None] | None = None
    ) -> list[str]:
        """Mark interrupted every running job whose worker is gone: `alive(worker)` says False (a
        process of this machine that no longer exists), or its heartbeat is older than `stale`
        seconds. The ids marked."""
        alive = alive or worker_alive
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=stale)).isoformat(
            timespec="microseconds"
        )
        running = self.db.execute(
            "SELECT id, worker, heartbeat_at FROM desk_jobs WHERE state=?", (RUNNING,)
        ).fetchall()
        marked = []
        for row in running:
            if alive(row["worker"] or "") is False or (row["heartbeat_at"] or "") < cutoff:
                cursor = self.db.execute(
                    "UPDATE desk_jobs SET state=?, error=?, finished_at=? "
                    "WHERE id=? AND state=? AND worker=?",
                    (
                        INTERRUPTED,
                        INTERRUPTED_MESSAGE,
                        now_iso(),
                        row["id"],
                        RUNNING,
                        row["worker"],
                    ),
                )
                if cursor.rowcount:
                    marked.append(row["id"])
        return marked

    def rerun(self, job: Job, account: str) -> Job:
        """Queue `job` again (interrupted or failed), with the same parameters and into the same
        folder: what the interrupted run issued keeps its numbers."""
        if job.state not in (INTERRUPTED, FAILED):
            raise AturanError(
                f"tugas {job.job_id} berstatus {job.state_label}; hanya tugas yang terputus atau "
                "gagal yang dijalankan ulang"
            )
        params = {**job.params, "rerun": True}
        return self.submit(job.kind, job.institution, account, params, rerun_of=job.job_id)


def new_job_id() -> str:
    return uuid.uuid4().hex


def worker_name() -> str:
    """This thread's worker name: the machine, the process and a unique part."""
    return f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def worker_alive(worker: str) -> bool | None:
    """Whether a worker's process still exists: None when it runs on another machine (only its
    heartbeat tells)."""
    host, _, rest = worker.partition("/")
    pid = rest.partition("/")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# (stage, done, total), as issuing reports it
Progress = Callable[[str, int, int], None]
# runs one job's work, telling its progress; returns the result to store
Handler = Callable[[Job, Progress], dict[str, Any]]


class JobRunner:
    """One worker: takes queued jobs one at a time and runs each with the handler of its kind.
    While a job runs, a second thread writes its heartbeat and progress every `heartbeat` seconds.
    A user's error ends the job failed with its message; any other exception too (with a generic
    message, the traceback logged): a job never takes its worker, or the desk, down."""

    def __init__(
        self,
        open_store: Callable[[], JobStore],
        handlers: dict[str, Handler],
        heartbeat: float = HEARTBEAT,
    ):
        self.open_store = open_store
        self.handlers = handlers
        self.heartbeat = heartbeat
        self.name = worker_name()

    def run_next(self) -> Job | None:
        """Take and run one queued job; the job as it ended, or None when none was queued."""
        store = self.open_store()
        try:
            job = store.claim(self.name, list(self.handlers))
            if job is None:
                return None
            self._run(store, job)
            return store.get(job.job_id)
        finally:
            store.close()

    def _run(self, store: JobStore, job: Job) -> None:
        beat = _Beat(self.open_store, job.job_id, self.name, self.heartbeat)
        beat.start()
        try:
            result = self.handlers[job.kind](job, beat.heard)
        except AturanError as exc:
            beat.stop()
            store.fail(job.job_id, self.name, str(exc))
            return
        except Exception:
            beat.stop()
            LOG.exception("tugas %s gagal", job.job_id)
            store.fail(job.job_id, self.name, BUG_MESSAGE)
            return
        beat.stop()
        store.finish(job.job_id, self.name, result)

    def loop(self, stop: threading.Event, poll: float = 1.0, stale: float | None = None) -> None:
        """Run jobs until `stop` is set, waiting `poll` seconds when none is queued; with `stale`,
        also mark interrupted, every `stale` / 2 seconds, the jobs whose worker stopped beating
        (another machine's). A database that cannot be reached for a moment is retried, never
        the end of the worker."""
        recovered = time.monotonic()
        while not stop.is_set():
            try:
                if stale is not None and time.monotonic() - recovered > stale / 2:
                    recovered = time.monotonic()
                    self._recover(stale)
                ran = self.run_next()
            except Exception:
                LOG.exception("pekerja %s: antrean tidak dapat dibaca", self.name)
                ran = None
            if ran is None:
                stop.wait(poll)

    def _recover(self, stale: float) -> None:
        store = self.open_store()
        try:
            store.recover(stale)
        finally:
            store.close()


class _Beat:
    """The heartbeat of one running job, in its own thread with its own connection: the latest
    progress heard (from any thread) is written with each beat."""

    def __init__(
        self, open_store: Callable[[], JobStore], job_id: str, worker: str, every: float
    ) -> None:
        self.open_store, self.job_id, self.worker, self.every = open_store, job_id, worker, every
        self.lock = threading.Lock()
        self.stage: str | None = None
        self.progress: dict[str, tuple[int, int]] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"detak-{job_id[:8]}", daemon=True)

    def heard(self, stage: str, done: int, total: int) -> None:
        with self.lock:
            self.stage = stage
            self.progress[stage] = (done, total)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        store = self.open_store()
        try:
            while True:
                stopping = self.stopped.wait(self.every)
                with self.lock:
                    stage, progress = self.stage, dict(self.progress)
                try:
                    store.beat(self.job_id, self.worker, stage, progress)
                except Exception:
                    LOG.exception("detak tugas %s tidak tertulis", self.job_id)
                if stopping:
                    return
        finally:
            store.close()


def open_jobs(registry: Path | str | None, config: Path | None = None) -> JobStore:
    """The job store of the registry `registry` (or the configuration's), on its own connection:
    opening the registry migrates it, so its `desk_jobs` table is there."""
    store, _ = open_registry(registry, config)
    return JobStore(store.db, store.close)
