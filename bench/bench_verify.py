"""The public verification service under load (issue 25): checks by number with 20,000 and with
200,000 documents, on SQLite and on PostgreSQL; PDF uploads with 4 clients; and checks by number
while a flood of decide requests fills the decide API's own workers.

For each backend and size, in the same run:
- the raw library: `by_number` on one open registry, one caller (the baseline);
- `aturan serve --workers W` (2 on SQLite, 1 on PostgreSQL: `workers_for`; a rate limit shared by
  the workers, set high enough never to refuse: its counter is still updated on every request),
  loaded by wrk (C, one thread, 32 keep-alive connections, random checked numbers) for DURATION
  seconds after a warm-up; ROUNDS runs per size, the sizes alternating, the median reported.
Registries are built through the library (`Registry.issue`, no PDFs; a PDF fingerprint recorded
for the numbers checked, so they answer SAH). SQLite files are kept in FOLDER for the next run;
PostgreSQL is a throwaway cluster (the tests' `pg_cluster`), filled each run.

Uploads: the sample cohort issued with signed PDFs (LibreOffice), then 4 client threads posting
them to /api/verify for DURATION seconds. The decide flood: `serve --api-putusan` with one decide
worker per server worker, wrk posting a sample case on as many connections as the decide API takes
at once (2 per server worker), while a second wrk measures checks by number.

Prints JSON per run, with the load average before it (read the numbers against it).

Usage: python bench/bench_verify.py [--folder DIR] [--duration 10] [--sizes 20000,200000]
       [--backends sqlite,postgresql] [--parts numbers,upload,flood]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from aturan.documents import open_registry
from aturan.web.lookup import by_number

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from pg_cluster import cluster, copy_to_postgres, new_database  # noqa: E402  (the tests')

CHECKED = 500  # numbers checked per registry (each with a PDF fingerprint recorded)
ROUNDS = 3  # HTTP runs per registry, the sizes alternating; the median is reported
LUA = """
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local post = os.getenv("BODY")
if post then
  wrk.method = "POST"
  wrk.body = io.open(post):read("*a")
  wrk.headers["Content-Type"] = "application/json"
end
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.2f, "failed": %d, "non_2xx": %d, '
    .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def build(target: str, size: int) -> list[tuple[str, str]]:
    """The registry of `size` documents at `target` (a file or URL; made once, reused), and
    CHECKED of its numbers with their verification codes."""
    store, _ = open_registry(target, None, create=True)
    have = len(store.list())
    started = time.perf_counter()
    for i in range(have, size):
        store.issue(
            doc_type="sttp",
            nip=f"1985{i:014d}",
            name=f"Peserta {i}",
            event_key="pka:2026-06-30",
            decision_id=f"d{i}",
            rules_version="v1",
            content_hash=secrets.token_hex(32),
            year=2026,
            doc_date="2026-07-01",
            now="2026-07-01T08:00:00+00:00",
            valid_until="2099-12-31",
        )
    if have < size:
        print(f"  {size - have} documents issued in {time.perf_counter() - started:.0f} s")
    rows = random.Random(size).sample(store.list(), CHECKED)
    for row in rows:
        if not row["pdf_fingerprint"]:
            store.record_fingerprints(row["number"], None, secrets.token_hex(32))
    store.close()
    return [(row["number"], row["content_hash"][:16]) for row in rows]


def percentiles(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100)
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


def library(target: str, checks: list[tuple[str, str]], requests: int = 4000) -> dict:
    """The baseline: the library's check by number on one open registry, one caller."""
    store, _ = open_registry(target, None)
    store.read_only()
    picks = random.Random(1).choices(checks, k=requests)
    times = []
    started = time.perf_counter()
    for number, code in picks:
        begin = time.perf_counter()
        finding = by_number(number, code, store)
        times.append(time.perf_counter() - begin)
        assert finding.status == "sah", finding
    elapsed = time.perf_counter() - started
    store.close()
    return {"requests_per_s": round(requests / elapsed), **percentiles(times)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def workers_for(target: str) -> int:
    """$BENCH_WORKERS, else 2 on SQLite (a check is all CPU in the worker) and 1 on PostgreSQL
    (its server process takes the other core: a second worker measured slower)."""
    return int(os.environ.get("BENCH_WORKERS") or (1 if target.startswith("postgresql") else 2))


@contextmanager
def serving(target: str, folder: Path, *extra: str):
    """`aturan serve --workers W` on the registry (W: `workers_for`), its rate limit shared
    through a file."""
    port = free_port()
    counter = folder / f"batas-{uuid.uuid4().hex[:8]}.sqlite"
    command = [sys.executable, "-m", "aturan.cli", "serve", "--registry", target]
    command += [
        "--port",
        str(port),
        "--workers",
        str(workers_for(target)),
        "--rate-limit",
        "100000000/minute",
    ]
    command += ["--rate-limit-storage", f"aturan+sqlite:///{counter}", *extra]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("aturan serve did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        counter.unlink(missing_ok=True)


def wrk(port: int, paths: Path, seconds: float, connections: int = 32, body: Path | None = None):
    """wrk's numbers for GETs (or POSTs of `body`) of random `paths`, as a started process."""
    script = paths.with_suffix(".lua")
    script.write_text(LUA)
    env = {**os.environ, "PATHS": str(paths)}
    if body:
        env["BODY"] = str(body)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{round(seconds)}s", "-s", str(script)]
    return subprocess.Popen(
        command + [f"http://127.0.0.1:{port}"], env=env, stdout=subprocess.PIPE, text=True
    )


def wrk_result(process: subprocess.Popen) -> dict:
    out, _ = process.communicate(timeout=600)
    lines = [line for line in out.splitlines() if line.startswith('{"requests"')]
    if not lines:
        raise RuntimeError(f"wrk said: {out}")
    result = json.loads(lines[-1])
    result["requests_per_s"] = round(result["requests"] / result["seconds"])
    return result


def check_paths(checks: list[tuple[str, str]], folder: Path) -> Path:
    paths = folder / f"paths-{uuid.uuid4().hex[:8]}.txt"
    lines = ["/api/verify?" + urlencode({"n": n, "c": c}) for n, c in checks]
    paths.write_text("\n".join(lines) + "\n")
    return paths


def first_answers_sah(port: int, paths: Path) -> None:
    for path in paths.read_text().split()[:20]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        answer = json.loads(connection.getresponse().read())
        connection.close()
        assert answer["status"] == "sah", answer


def numbers(target: str, checks, folder: Path, duration: float) -> dict:
    paths = check_paths(checks, folder)
    with serving(target, folder) as port:
        first_answers_sah(port, paths)
        wrk_result(wrk(port, paths, 3))  # warm every worker
        return wrk_result(wrk(port, paths, duration))


def flood(target: str, checks, folder: Path, duration: float) -> dict:
    """Checks by number measured while decide requests fill the decide API's own worker."""
    paths = check_paths(checks, folder)
    case = json.loads(
        json.dumps(
            __import__("yaml").safe_load(
                (ROOT / "samples" / "budi-petahana-administrator.yaml").read_text()
            ),
            default=str,
        )
    )
    body = folder / "putusan.json"
    body.write_text(json.dumps({"case": case, "as_of": "2026-02-01"}))
    decide_paths = folder / "putusan-paths.txt"
    decide_paths.write_text("/api/decide\n")
    with serving(target, folder, "--api-putusan", "--pekerja-putusan", "1") as port:
        first_answers_sah(port, paths)
        wrk_result(wrk(port, paths, 3))
        # two decide requests at once per server worker (its one decide worker busy, one
        # waiting), so the decide workers never rest; more would only be refused at once (503),
        # which the rate limit bounds per address
        capacity = 2 * workers_for(target)
        flooding = wrk(port, decide_paths, duration + 4, connections=capacity, body=body)
        time.sleep(2)
        measured = wrk_result(wrk(port, paths, duration))
        decide = wrk_result(flooding)
    return {"verify": measured, "decide_flood": decide}


def upload(folder: Path, duration: float) -> dict:
    """PDF uploads of the sample cohort's signed documents, 4 clients at once."""
    work = folder / "unggah"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    registry = work / "registri.sqlite"
    aturan = [sys.executable, "-m", "aturan.cli"]
    subprocess.run(aturan + ["keys", "init"], check=True, capture_output=True)
    for as_of, day, pdf in (
        ("2026-02-01", "2026-02-02", []),
        ("2027-01-10", "2027-01-11", ["--pdf"]),
    ):
        issued = subprocess.run(  # as `make demo`: the designs in time, then the rest as PDF
            aturan
            + ["issue", str(ROOT / "samples" / "kohort-dokumen.yaml"), "--as-of", as_of]
            + ["--issue-date", day, "--out", str(work / "dokumen"), *pdf]
            + ["--registry", str(registry)]
            + ([] if registry.exists() else ["--registri-baru"]),
            capture_output=True,
            text=True,
        )
        if issued.returncode != 0:
            raise RuntimeError(f"aturan issue failed: {issued.stderr}")
    pdfs = [
        p.read_bytes() for p in sorted((work / "dokumen").rglob("*.pdf")) if "bundel" not in p.name
    ]
    times: list[float] = []
    with serving(str(registry), folder) as port:
        stop = time.monotonic() + duration

        def client(seed: int) -> None:
            pick = random.Random(seed)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            while time.monotonic() < stop:
                data = pick.choice(pdfs)
                boundary = uuid.uuid4().hex
                form = (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="berkas"; '
                        f'filename="d.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
                    ).encode()
                    + data
                    + f"\r\n--{boundary}--\r\n".encode()
                )
                begin = time.perf_counter()
                connection.request(
                    "POST",
                    "/api/verify",
                    body=form,
                    headers={"content-type": f"multipart/form-data; boundary={boundary}"},
                )
                answer = json.loads(connection.getresponse().read())
                times.append(time.perf_counter() - begin)
                assert answer["status"] == "sah", answer

        threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    return {
        "pdfs": len(pdfs),
        "requests_per_s": round(len(times) / elapsed, 1),
        **percentiles(times),
    }


def keys_for(folder: Path) -> None:
    keys = folder / "keys.json"  # the registries' keys, kept with them
    if not keys.exists():
        keys.write_text(json.dumps({"key": secrets.token_hex(32), "sign": secrets.token_hex(32)}))
    known = json.loads(keys.read_text())
    os.environ["ATURAN_REGISTRY_KEY"] = known["key"]
    os.environ["ATURAN_REGISTRY_SIGNING_KEY"] = known["sign"]


def run_backend(backend: str, target_of, args: argparse.Namespace, results: dict) -> None:
    """Each size's library baseline, then its checks over HTTP in ROUNDS rounds that alternate
    the sizes (so a passing disturbance of the machine falls on both), the median run of each
    size reported with every run's rate; then the decide flood on the smaller registry."""
    sizes = [int(s) for s in args.sizes.split(",")]
    checks = {size: build(target_of(size), size) for size in sizes}
    for size in sizes:
        results[(backend, size)] = {
            "load_before": round(os.getloadavg()[0], 2),
            "library": library(target_of(size), checks[size]),
            "runs": [],
        }
    for _ in range(ROUNDS):
        for size in sizes:
            run = numbers(target_of(size), checks[size], args.folder, args.duration)
            results[(backend, size)]["runs"].append(run)
    for size in sizes:
        result = results[(backend, size)]
        runs = result.pop("runs")
        median = sorted(runs, key=lambda run: run["requests_per_s"])[len(runs) // 2]
        each = [(r["requests_per_s"], r["p95_ms"]) for r in runs]  # in the order they ran
        result["http"] = {**median, "runs_rate_p95": each}
        if "flood" in args.parts and size == min(sizes):
            result["during_decide_flood"] = flood(
                target_of(size), checks[size], args.folder, args.duration
            )
        print(f"{backend}, {size} documents", json.dumps(result, indent=2), flush=True)
    rates = [results[(backend, size)]["http"]["requests_per_s"] for size in sizes]
    if len(rates) == 2:
        print(
            f"{backend}: ratio of the median rates (smaller / larger registry): "
            f"{rates[0] / rates[1]:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=ROOT / "bench" / ".registries")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--parts", default="numbers,upload,flood")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (Debian: apt-get install wrk; `make bench` installs it)")
    args.folder.mkdir(parents=True, exist_ok=True)
    keys_for(args.folder)
    results: dict = {}
    backends = args.backends.split(",")
    if "numbers" in args.parts and "sqlite" in backends:
        run_backend(
            "sqlite", lambda size: str(args.folder / f"registri-{size}.sqlite"), args, results
        )
    if "numbers" in args.parts and "postgresql" in backends:
        with cluster() as admin:
            databases = {}

            def target_of(size: int) -> str:
                if size not in databases:
                    source = str(args.folder / f"registri-{size}.sqlite")
                    build(source, size)
                    databases[size] = new_database(admin, f"r{size}")
                    started = time.perf_counter()
                    copy_to_postgres(source, databases[size])
                    print(f"  copied into PostgreSQL in {time.perf_counter() - started:.0f} s")
                return databases[size]

            run_backend("postgresql", target_of, args, results)
    if "upload" in args.parts:
        with tempfile.TemporaryDirectory() as scratch:
            print("uploads:", json.dumps(upload(Path(scratch), args.duration), indent=2))
    print(
        f"wrk: 1 thread, 32 connections, {args.duration:g} s per run; "
        "serve --workers: 2 on SQLite, 1 on PostgreSQL"
    )


if __name__ == "__main__":
    main()
