"""Issuing N signed PDFs through the desk against `aturan issue --pdf` on the same cohort, in the
same run (issue 26: the desk within 1.1x the command line).

- the cohort: generated participants (aturan.lab), kept while the documents their rows get on the
  dates below add up to exactly N (the desk's own preview counts them), written as one CSV;
- the command line: `python -m aturan.cli issue COHORT --pdf` on a new registry, timed from the
  process's start to its end (Python, the rulebook, deciding, numbering, DOCX, PDF, signing);
- the desk: `aturan desk` (a real uvicorn server and its worker thread) on a new registry with one
  operator account; a client signs in, uploads the CSV and opens its preview (timed apart), then
  posts the issue form and reads the job's page every 0.25 s until it says done: the time from the
  post to the first page that says so.

Each side runs REPEATS times, interleaved, each on a new registry; the best run of each is kept.
Uses the project's configuration and demo keys (`aturan keys init`) and LibreOffice.

Usage: python bench/bench_desk_issue.py [N]   (default 200 documents)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from aturan import app
from aturan.lab import generate, write_cohort

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 2
AS_OF, ISSUE_DATE = dt.date(2028, 12, 31), dt.date(2029, 1, 2)
PASSWORD = "sandi-bench-meja-kerja"
ENV = dict(os.environ, ATURAN_ROOT=str(ROOT))


def aturan(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "aturan.cli", *map(str, args)]
    return subprocess.Popen(command, env=ENV, **kwargs)  # type: ignore[call-overload, no-any-return]


def cohort(work: Path, target: int) -> Path:
    """A CSV whose rows get exactly `target` documents on the bench's dates, none refused."""
    candidates = work / "kandidat.csv"
    write_cohort(generate(target * 8, seed=5), candidates)
    scratch = new_registry(work / "pratinjau.sqlite")
    preview = app.preview_issue(candidates, AS_OF, ISSUE_DATE, scratch)
    rows, count = set(), 0
    for row in preview.rows:
        wanted = len(row.documents)
        new = all(d.outcome == "new" for d in row.documents)
        if row.rejection or not wanted or not new or count + wanted > target:
            continue
        rows.add(row.row)
        count += wanted
    if count != target:
        raise SystemExit(f"only {count} documents found for {target}")
    lines = candidates.read_text(encoding="utf-8").splitlines(keepends=True)
    path = work / "kohort.csv"
    path.write_text(lines[0] + "".join(lines[r - 1] for r in sorted(rows)), encoding="utf-8")
    return path


def new_registry(path: Path) -> Path:
    """A new registry with one operator account, `ani`, made as `aturan users add` makes it."""
    made = aturan(
        "users", "add", "ani", "--peran", "operator", "--nama", "Ani Operator",
        "--kata-sandi-stdin", "--registri-baru", "--registry", path,
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    made.communicate(PASSWORD.encode() + b"\n")
    if made.returncode != 0:
        raise SystemExit("aturan users add failed")
    return path


def run_cli(source: Path, work: Path) -> float:
    registry, out = work / "cli.sqlite", work / "cli-keluaran"
    begin = time.perf_counter()
    done = aturan(
        "issue", source, "--pdf", "--registri-baru", "--registry", registry, "--out", out,
        "--as-of", AS_OF, "--issue-date", ISSUE_DATE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ).wait()  # fmt: skip
    elapsed = time.perf_counter() - begin
    if done != 0:
        raise SystemExit("aturan issue --pdf failed")
    return elapsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    if not found:
        raise SystemExit("no CSRF field on the desk's page")
    return found[1]


def run_desk(source: Path, work: Path, target: int) -> tuple[float, float]:
    """(seconds from the issue form's post to the job done, seconds for upload and preview)."""
    registry = new_registry(work / "meja.sqlite")
    port = free_port()
    server = aturan("desk", "--port", port, "--registry", registry, stdout=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            wait_until_up(client)
            login = {"nama_pengguna": "ani", "kata_sandi": PASSWORD}
            client.post("/masuk", data={**login, "csrf": csrf(client.get("/masuk").text)})
            token = csrf(client.get("/").text)
            dates = {"tanggal_keputusan": str(AS_OF), "tanggal_terbit": str(ISSUE_DATE)}
            begin = time.perf_counter()
            with source.open("rb") as handle:
                files = {"berkas": (source.name, handle)}
                preview = client.post(
                    "/terbitkan", data={**dates, "csrf": token}, files=files, follow_redirects=True
                )
            previewed = time.perf_counter() - begin
            if preview.text.count("nomor baru") != target:
                raise SystemExit("the desk's preview does not show the cohort's documents")
            begin = time.perf_counter()
            started = client.post(preview.url.path, data={**dates, "csrf": token})
            job_page = started.headers["location"]
            while 'id="status" class="status-done"' not in (page := client.get(job_page).text):
                if "status-failed" in page or "status-interrupted" in page:
                    raise SystemExit("the desk's job did not end done")
                time.sleep(0.25)
            elapsed = time.perf_counter() - begin
            if f"{target} dokumen baru" not in page:
                raise SystemExit("the desk's job did not issue the cohort's documents")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return elapsed, previewed


def wait_until_up(client: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            client.get("/masuk")
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("aturan desk did not start")


def main(target: int) -> dict[str, object]:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="aturan-bench-meja-") as scratch:
        work = Path(scratch)
        source = cohort(work, target)
        cli, desk, previews = [], [], []
        for repeat in range(REPEATS):
            run = work / f"ulang-{repeat}"
            run.mkdir()
            cli.append(run_cli(source, run))
            took, previewed = run_desk(source, run, target)
            desk.append(took)
            previews.append(previewed)
    best_cli, best_desk = min(cli), min(desk)
    return {
        "documents": target,
        "load_before": [round(x, 2) for x in load],
        "cli_s": [round(t, 2) for t in cli],
        "desk_s": [round(t, 2) for t in desk],
        "desk_upload_and_preview_s": [round(t, 2) for t in previews],
        "best_cli_s": round(best_cli, 2),
        "best_desk_s": round(best_desk, 2),
        "ratio": round(best_desk / best_cli, 3),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200), indent=2))
