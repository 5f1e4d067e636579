"""The decide and explain API's own workers (`serve --api-putusan`), apart from verification:

- separate processes, at a lower CPU priority (`nice`), so a flood of decide requests takes their
  cores' spare time and never the verification page's;
- a bounded queue: at most `waiting` requests wait for a worker; one more answers 503 at once;
- a time limit: a request not answered within `timeout` seconds answers 503, and its worker is
  killed and replaced (a decision cannot be interrupted from inside).

Each worker loads the rulebook and compiles its Deciders once, then answers one request at a time.
The pool starts its workers at its first request.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import queue
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from aturan.errors import AturanError, InputError

LOG = logging.getLogger("aturan.web")
NICENESS = 19  # the lowest priority: verification is served first when cores are short
READY_WAIT = 120.0  # seconds a new worker may take to load and compile the rules


class DecideUnavailable(AturanError):
    """The decide API cannot take this request now (busy, or out of time): HTTP 503."""


class DecidePool:
    """`workers` processes answering decide/explain requests, `waiting` requests queued at
    most, each answered within `timeout` seconds or cut."""

    def __init__(self, workers: int = 1, timeout: float = 10.0, waiting: int | None = None):
        self.size, self.timeout = workers, timeout
        self._slots = threading.BoundedSemaphore(workers + (waiting or 2 * workers))
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._start = threading.Lock()
        self._started = False

    def answer(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """The worker's answer to a "decide" or "explain" request body (JSON values)."""
        if not self._slots.acquire(blocking=False):
            raise DecideUnavailable(BUSY)
        try:
            worker = self._next_worker()
            return self._ask(worker, kind, body)
        finally:
            self._slots.release()

    def _next_worker(self) -> _Worker:
        with self._start:
            if not self._started:
                self._started = True
                for _ in range(self.size):
                    self._replace()
        try:
            return self._idle.get(timeout=READY_WAIT)
        except queue.Empty:
            raise DecideUnavailable(BUSY) from None

    def _ask(self, worker: _Worker, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            worker.conn.send((kind, body))
            if not worker.conn.poll(self.timeout):
                raise TimeoutError
            reply = worker.conn.recv()
        except (TimeoutError, OSError, EOFError):
            worker.stop()
            self._replace()
            raise DecideUnavailable(out_of_time(self.timeout)) from None
        self._idle.put(worker)
        return _unpacked(reply)

    def _replace(self) -> None:
        """Start a worker in the background; it joins the idle ones once it is ready."""
        threading.Thread(target=self._ready_worker, daemon=True).start()

    def _ready_worker(self) -> None:
        worker = _Worker()
        if worker.conn.poll(READY_WAIT) and worker.conn.recv() == ("ready",):
            self._idle.put(worker)
        else:
            LOG.error("a decide worker did not start")
            worker.stop()

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().stop()


BUSY = "Layanan keputusan sedang sibuk; coba lagi sebentar lagi."


def out_of_time(seconds: float) -> str:
    return f"Keputusan tidak selesai dalam {seconds:g} detik; permintaan dihentikan."


def _unpacked(reply: tuple[Any, ...]) -> dict[str, Any]:
    kind = reply[0]
    if kind == "ok":
        return dict(reply[1])
    if kind == "input":
        raise InputError(reply[1], field=reply[2])
    if kind == "user":
        raise AturanError(reply[1], field=reply[2])
    raise RuntimeError("a decide worker failed; see its log")


class _Worker:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, theirs = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_work, args=(theirs,), daemon=True, name="aturan-putusan"
        )
        self.process.start()
        theirs.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def _work(conn: Connection) -> None:
    """A worker process: load the rules, say ready, answer requests until the pipe closes."""
    os.nice(NICENESS)
    answering = _Answering()
    conn.send(("ready",))
    while True:
        try:
            kind, body = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", answering.answer(kind, body)))
        except InputError as exc:
            conn.send(("input", exc.message, exc.field))
        except AturanError as exc:
            conn.send(("user", exc.message, exc.field))
        except Exception:
            LOG.exception("decide request failed")
            conn.send(("error",))


class _Answering:
    """What a worker holds: the rulebook, and one Decider per (model, assessment) choice."""

    def __init__(self) -> None:
        from aturan.decide import Decider
        from aturan.law import load_rulebook
        from aturan.project import project_root

        self.rulebook = load_rulebook(project_root())
        self._make = Decider
        self.deciders: dict[tuple[str | None, str | None], Any] = {}
        self._decider(None, None)  # the default one compiled before the first request

    def _decider(self, model: str | None, assessment: str | None) -> Any:
        key = (model, assessment)
        if key not in self.deciders:
            self.deciders[key] = self._make(self.rulebook, model=model, assessment=assessment)
        return self.deciders[key]

    def answer(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        from aturan.cases import case_from_data, in_range, range_message
        from aturan.decide import explain

        as_of = dt.date.fromisoformat(body["as_of"])
        if not in_range(as_of):
            raise InputError(range_message(body["as_of"]), field="as_of")
        decider = self._decider(body.get("model"), body.get("assessment"))
        try:
            decision = decider.decide(case_from_data(body["case"], "case"), as_of)
        except InputError as exc:
            field = f"case.{exc.field}" if exc.field else "case"
            raise InputError(exc.message, field=field) from None
        if kind == "decide":
            return dict(decision.to_json())
        text = explain(decision, decider.rulebook, body.get("lang", "id"))
        return {"nip": decision.nip, "as_of": as_of.isoformat(), "lang": body["lang"], "text": text}
