"""The desk's jobs: where their files live, the worker threads that run them outside the
requests, and the store a request reads them from (`aturan.app`'s jobs, in the registry's own
database).

The folder (`desk_jobs.files` in the institution's configuration, relative to its folder; default
`desk-berkas` next to a SQLite registry, or next to the configuration for PostgreSQL) holds the
uploaded cohorts (`unggahan/<id>/`) and each job's documents (`tugas/<id>/`). Desk processes on
several machines sharing one PostgreSQL registry need that folder on storage they all mount at the
same path: any of them may run a job, and any of them serves its files."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from aturan import app
from aturan.desk.core import Desk
from aturan.errors import AturanError
from aturan.files import load_yaml
from aturan.project import config_file

LOG = logging.getLogger(__name__)
SECTION = "desk_jobs"
DEFAULT_FOLDER = "desk-berkas"


@dataclass(frozen=True)
class JobSettings:
    """The `desk_jobs:` section: the files folder, worker threads per desk process, and how
    long a running job may go without a heartbeat before it counts as interrupted."""

    files: Path
    workers: int = 1
    stale_seconds: float = app.STALE_SECONDS

    @classmethod
    def load(cls, config: Path | None, registry: Path | str) -> JobSettings:
        path = config_file(config)
        data = load_yaml(path, AturanError)
        section = data.get(SECTION) if isinstance(data, dict) else None
        section = {} if section is None else section
        if not isinstance(section, dict):
            raise AturanError("bagian ini harus berupa pemetaan", file=str(path), field=SECTION)
        unknown = sorted(set(section) - {"files", "workers", "stale_seconds"})
        if unknown:
            raise AturanError(
                f"isian tidak dikenal: {', '.join(map(str, unknown))}",
                file=str(path),
                field=SECTION,
            )
        return cls(
            _folder(section.get("files"), path, registry),
            int(_count(section.get("workers", 1), path, "workers", 0, whole=True)),
            float(
                _count(section.get("stale_seconds", app.STALE_SECONDS), path, "stale_seconds", 1)
            ),
        )


def _folder(value: object, config: Path, registry: Path | str) -> Path:
    if value is None:
        base = registry.parent if isinstance(registry, Path) else config.parent
        return base / DEFAULT_FOLDER
    if not isinstance(value, str) or not value.strip():
        raise AturanError("isi jalur folder", file=str(config), field=f"{SECTION}.files")
    return config.parent / value


def _count(value: object, config: Path, name: str, least: int, whole: bool = False) -> int | float:
    kinds = int if whole else int | float
    if isinstance(value, bool) or not isinstance(value, kinds) or value < least:
        raise AturanError(
            f"isi bilangan paling sedikit {least}", file=str(config), field=f"{SECTION}.{name}"
        )
    return value


_LOADED: dict[tuple[str, str], JobSettings] = {}


def settings(desk: Desk) -> JobSettings:
    """The desk's job settings, read once per configuration and registry."""
    key = (str(desk.config), str(desk.registry))
    if key not in _LOADED:
        _LOADED[key] = JobSettings.load(desk.config, desk.registry)
    return _LOADED[key]


def store(desk: Desk) -> app.JobStore:
    """The request's job store, on this thread's connection to the registry database."""
    return app.JobStore(desk.database())


def config_for(desk: Desk) -> Callable[[str], Path | None]:
    """The configuration an institution's job issues under: this desk's, for its own
    institution only."""

    def find(institution: str) -> Path | None:
        if institution != desk.institution:
            raise AturanError(
                f"meja kerja ini menerbitkan untuk institusi {desk.institution}, "
                f"bukan {institution}"
            )
        return desk.config

    return find


def runner(desk: Desk) -> app.JobRunner:
    jobs = settings(desk)
    handlers = {app.ISSUE: app.issue_handler(jobs.files, desk.registry, config_for(desk))}
    handlers |= app.lab_handlers(jobs.files)
    return app.JobRunner(lambda: app.open_jobs(desk.registry, desk.config), handlers)


class Workers:
    """The desk process's worker threads: started with the app, stopped with it. Before they
    start, jobs left running by a desk that died are marked interrupted."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Recover, then start the workers. A bad `desk_jobs:` section starts none: it is said
        once here, and on every page that needs it, while the other pages keep answering."""
        try:
            jobs = settings(self.desk)
        except AturanError as exc:
            LOG.error("galat: %s; tugas tidak dikerjakan", exc)
            return
        jobs.files.mkdir(parents=True, exist_ok=True)
        recovering = app.open_jobs(self.desk.registry, self.desk.config)
        try:
            for job_id in recovering.recover(jobs.stale_seconds):
                LOG.warning("tugas %s terputus (pekerjanya berhenti)", job_id)
        finally:
            recovering.close()
        for number in range(jobs.workers):
            worker = runner(self.desk)
            thread = threading.Thread(
                target=worker.loop,
                args=(self.stop,),
                kwargs={"stale": jobs.stale_seconds},
                name=f"pekerja-meja-{number + 1}",
                daemon=True,
            )
            thread.start()
            self.threads.append(thread)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)


@asynccontextmanager
async def lifespan(application: FastAPI) -> AsyncIterator[None]:
    """Included with the jobs' router: the desk's workers live as long as the app."""
    workers = Workers(application.state.desk)
    workers.start()
    try:
        yield
    finally:
        workers.close()
