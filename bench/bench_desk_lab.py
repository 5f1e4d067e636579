"""A compare of N participants (default 20,000) as a desk job, while another client reads desk
pages (issue 27: other pages keep answering within p95 200 ms during the job), and the job's time
against `aturan compare` on the command line for the same cohort, reform and date.

- the cohort: `aturan sample` (the library's `generate`), N participants trained in 2027, written
  as one CSV; the reform: reforms/masa-berlaku-2-tahun.yaml; as of 2027-12-31; the four models;
- the command line: `python -m aturan.cli compare COHORT --reform ... --as-of ...`, timed from the
  process's start to its end (its default --workers: the cores);
- the desk: `aturan desk` (a real uvicorn server and its worker thread) on a new registry with one
  drafter account; a client signs in, uploads the same CSV and posts the question with "hanya
  perbandingan model"; it reads the run's page every 0.5 s until the job is done (the job's time:
  from the post to the first page that says so). This runs twice: alone (the job's time against
  the command line's), then while a second signed-in client requests desk pages in turn (home,
  the run form, the run's page, the sign-in page), one after the other with no pause, keeping
  each answer's time: their p50, p95 and max during the job are reported, and the job's time
  then (the pages take their share of the two cores).

Usage: python bench/bench_desk_lab.py [N]
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from aturan.lab import generate, write_cohort

ROOT = Path(__file__).resolve().parents[1]
REFORM = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
AS_OF = "2027-12-31"
PASSWORD = "sandi-bench-lab-meja"
ENV = dict(os.environ, ATURAN_ROOT=str(ROOT))
PAGES = ("/", "/lab/jalankan", "{run}", "/masuk")  # the sign-in page, signed in: shown again


def aturan(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "aturan.cli", *map(str, args)]
    return subprocess.Popen(command, env=ENV, **kwargs)  # type: ignore[call-overload, no-any-return]


def run_cli(cohort: Path, work: Path) -> float:
    begin = time.perf_counter()
    done = aturan(
        "compare", cohort, "--reform", REFORM, "--as-of", AS_OF, "--out", work / "cli",
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ).wait()  # fmt: skip
    if done != 0:
        raise SystemExit("aturan compare failed")
    return time.perf_counter() - begin


def new_registry(path: Path) -> Path:
    made = aturan(
        "users", "add", "rina", "--peran", "drafter", "--nama", "Rina Perumus",
        "--kata-sandi-stdin", "--registri-baru", "--registry", path,
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    made.communicate(PASSWORD.encode() + b"\n")
    if made.returncode != 0:
        raise SystemExit("aturan users add failed")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def signed_in(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    deadline = time.monotonic() + 60
    while True:
        try:
            page = client.get("/masuk").text
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise SystemExit("aturan desk did not start") from None
            time.sleep(0.2)
    login = {"nama_pengguna": "rina", "kata_sandi": PASSWORD, "csrf": csrf(page)}
    client.post("/masuk", data=login)
    return client, csrf(client.get("/").text)


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    if not found:
        raise SystemExit("no CSRF field on the desk's page")
    return found[1]


def reader(base: str, run: list[str], stop: threading.Event, times: list[float]) -> None:
    """Requests desk pages one after the other until `stop`, keeping each answer's time; a page
    that does not answer 200 ends the bench (`times` gets None)."""
    client, _ = signed_in(base)
    turn = 0
    while not stop.is_set():
        path = PAGES[turn % len(PAGES)].format(run=run[0] if run else "/")
        begin = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - begin)
        if answer.status_code != 200:
            print(f"{path} answered {answer.status_code}", file=sys.stderr)
            times.append(float("nan"))
            break
        turn += 1
    client.close()


def run_desk(cohort: Path, work: Path, read: bool) -> tuple[float, list[float]]:
    """(the job's seconds, the other client's page times: none unless `read`)."""
    registry = new_registry(work / f"meja-{read}.sqlite")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = aturan("desk", "--port", port, "--registry", registry, stdout=subprocess.DEVNULL)
    times: list[float] = []
    run: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=reader, args=(base, run, stop, times))
    try:
        client, token = signed_in(base)
        question = {
            "csrf": token,
            "kohort_dari": "unggah",
            "reformasi_contoh": REFORM.name,
            "tanggal_keputusan": AS_OF,
            "yang_dijalankan": "banding",
        }
        with cohort.open("rb") as handle:
            begin = time.perf_counter()
            started = client.post(
                "/lab/jalankan", data=question, files={"kohort": (cohort.name, handle)}
            )
            if started.status_code != 303:
                raise SystemExit(f"the question was refused: {started.text[:2000]}")
            run.append(started.headers["location"])
            if read:
                watcher.start()
            while 'id="status-banding" class="status-done"' not in (
                page := client.get(run[0]).text
            ):
                if "status-failed" in page or "status-interrupted" in page:
                    raise SystemExit("the desk's job did not end done")
                time.sleep(0.5)
            elapsed = time.perf_counter() - begin
        client.close()
    finally:
        stop.set()
        if watcher.is_alive():
            watcher.join(timeout=120)
        server.terminate()
        server.wait(timeout=30)
    return elapsed, times


def main(size: int) -> dict[str, object]:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="aturan-bench-lab-meja-") as scratch:
        work = Path(scratch)
        cohort = work / "kohort-2027.csv"
        write_cohort(generate(size, 3, (2027, 2027)), cohort)
        cli = run_cli(cohort, work)
        quiet, _ = run_desk(cohort, work, read=False)
        desk, times = run_desk(cohort, work, read=True)
    if not times or any(math.isnan(t) for t in times):
        raise SystemExit("a desk page did not answer 200 during the job")
    ms = sorted(t * 1000 for t in times)
    return {
        "participants": size,
        "cores": os.cpu_count(),
        "load_before": [round(x, 2) for x in load],
        "cli_compare_s": round(cli, 2),
        "desk_compare_job_s": round(quiet, 2),
        "ratio": round(quiet / cli, 3),
        "desk_compare_job_while_read_s": round(desk, 2),
        "pages_during_job": len(ms),
        "page_p50_ms": round(statistics.median(ms), 1),
        "page_p95_ms": round(ms[math.ceil(len(ms) * 0.95) - 1], 1),  # nearest rank
        "page_max_ms": round(ms[-1], 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000), indent=2))
