"""Checks by number per second on `aturan serve`, with 20,000 and with 200,000 documents (SQLite).

For each size: the registry is built through the library (`Registry.issue` in a loop, no PDFs; a
PDF fingerprint recorded for the numbers checked, so they answer SAH), kept in FOLDER for the next
run. Then, in the same run:
- the raw library: `by_number` on one open registry, one caller, REQUESTS checks (the baseline);
- `aturan serve` as a subprocess (rate limit out of the way; `--workers W` when given), driven by
  a Python load generator: CLIENTS concurrent keep-alive HTTP/1.1 connections (asyncio, no
  client library) sharing REQUESTS GETs of /api/verify?n=..&c=.. for random checked numbers.
Prints requests/s, p50, p95 and p99 (ms) and the ratio of the two sizes' rates, with the load
average before each run (the machine is shared: read the numbers against it).

Usage: python bench/bench_verify.py [--folder DIR] [--requests 4000] [--clients 32]
       [--workers 1] [--sizes 20000,200000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from aturan.documents import open_registry
from aturan.web.lookup import by_number

CHECKED = 500  # numbers checked per registry (each with a PDF fingerprint recorded)
ROOT = Path(__file__).resolve().parents[1]


def build(path: Path, size: int) -> list[tuple[str, str]]:
    """The registry of `size` documents at `path` (made once, reused), and CHECKED of its numbers
    with their verification codes."""
    store, _ = open_registry(path, None, create=True)
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


def library(path: Path, checks: list[tuple[str, str]], requests: int) -> dict[str, float]:
    """The baseline: the library's check by number on one open registry, one caller."""
    store, _ = open_registry(path, None)
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
    return {"requests_per_s": requests / elapsed, **percentiles(times)}


async def client(port: int, paths: list[str], times: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for path in paths:
        begin = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.lower().split(b"\r\n")
            if line.startswith(b"content-length:")
        )
        body = await reader.readexactly(length)
        times.append(time.perf_counter() - begin)
        if not head.startswith(b"HTTP/1.1 200") or b'"status":"sah"' not in body:
            raise RuntimeError(f"unexpected answer: {head[:40]!r} {body[:120]!r}")
    writer.close()


async def load(port: int, paths: list[str], clients: int) -> tuple[list[float], float]:
    times: list[float] = []
    shares = [paths[i::clients] for i in range(clients)]
    started = time.perf_counter()
    await asyncio.gather(*(client(port, share, times) for share in shares))
    return times, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(path: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "aturan.cli", "serve", "--registry", str(path)]
    command += ["--port", str(port), "--rate-limit", "10000000/minute"]
    if workers > 1:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("aturan serve did not start")


def over_http(path: Path, checks: list[tuple[str, str]], args: argparse.Namespace) -> dict:
    picks = random.Random(2).choices(checks, k=args.requests)
    paths = ["/api/verify?" + urlencode({"n": number, "c": code}) for number, code in picks]
    port = free_port()
    server = serve(path, port, args.workers)
    try:
        asyncio.run(load(port, paths[: args.clients * 5], args.clients))  # warm every thread
        times, elapsed = asyncio.run(load(port, paths, args.clients))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"requests_per_s": len(times) / elapsed, **percentiles(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=ROOT / "bench" / ".registries")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--sizes", default="20000,200000")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    keys = args.folder / "keys.json"  # the registries' keys, kept with them
    if not keys.exists():
        keys.write_text(json.dumps({"key": secrets.token_hex(32), "sign": secrets.token_hex(32)}))
    known = json.loads(keys.read_text())
    os.environ["ATURAN_REGISTRY_KEY"] = known["key"]
    os.environ["ATURAN_REGISTRY_SIGNING_KEY"] = known["sign"]
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        path = args.folder / f"registri-{size}.sqlite"
        print(f"registry of {size} documents: {path}", flush=True)
        checks = build(path, size)
        results[size] = {
            "load_before": os.getloadavg()[0],
            "library": library(path, checks, args.requests),
            "http": over_http(path, checks, args),
        }
        print(json.dumps(results[size], indent=2), flush=True)
    if len(results) == 2:
        small, large = (results[size]["http"]["requests_per_s"] for size in sorted(results))
        print(f"ratio of the rates (smaller registry / larger): {small / large:.2f}")
    settings = f"{args.clients} clients, {args.requests} requests, {args.workers} worker(s)"
    print(settings)


if __name__ == "__main__":
    main()
