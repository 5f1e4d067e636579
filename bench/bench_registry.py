"""Documents registered per second: SQLite and PostgreSQL, with 1 and with 4 processes.

Each process opens the registry, waits until all are ready, then issues its share through the
library's `Registry.issue` (number, row, authenticated audit entry, one transaction each); the rate
is all documents over the time from the common start to the last process's end. The processes of
the 4-process runs belong to 2 institutions. PostgreSQL is a throwaway cluster started here with
its durable defaults (fsync on every commit); SQLite runs in WAL with synchronous=NORMAL (a killed
process loses nothing committed; an operating system crash may lose the last transactions).

Usage: python bench/bench_registry.py [N]   (default 2000 documents per run)
"""

from __future__ import annotations

import json
import multiprocessing
import secrets
import sys
import tempfile
import time
from pathlib import Path

from aturan.documents import Registry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pg_cluster import cluster, new_database  # noqa: E402  (the tests' throwaway cluster)

FORMAT = "{seq:04d}/{code}/{institution}/{year}"
CODES = {"sttp": "STTP"}
INSTITUTIONS = ("LAN", "BPSDM-JABAR")


def worker(target, key, institution, name, count, ready, times) -> None:
    registry = Registry(target, FORMAT, CODES, **key, institution=institution)
    ready.wait()
    start = time.perf_counter()
    for i in range(count):
        registry.issue(
            doc_type="sttp",
            nip=f"{institution}-{name}-{i:06d}",
            name=f"Peserta {i}",
            event_key="pka:2026-06-30",
            decision_id=f"d{i}",
            rules_version="v1",
            content_hash=f"h{i}",
            year=2026,
            doc_date="2026-07-01",
            now="2026-07-01T08:00:00+00:00",
        )
    times.put((start, time.perf_counter()))


def run(target, processes: int, total: int) -> float:
    """Documents per second for `processes` processes issuing `total` documents together."""
    context = multiprocessing.get_context("spawn")
    key = {"key": secrets.token_bytes(32), "signing_key": secrets.token_bytes(32)}
    Registry(target, FORMAT, CODES, **key).close()  # made before the clock starts
    ready, times = context.Barrier(processes + 1), context.Queue()
    workers = [
        context.Process(
            target=worker,
            args=(target, key, INSTITUTIONS[i % 2], str(i), total // processes, ready, times),
        )
        for i in range(processes)
    ]
    for process in workers:
        process.start()
    ready.wait()
    spans = [times.get(timeout=600) for _ in workers]
    for process in workers:
        process.join()
    return processes * (total // processes) / (max(e for _, e in spans) - min(s for s, _ in spans))


def main(total: int) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for processes in (1, 4):
            target = Path(folder) / f"registri-{processes}.sqlite"
            results[f"sqlite, {processes} process(es)"] = run(target, processes, total)
    with cluster(durable=True) as admin:
        for processes in (1, 4):
            target = new_database(admin, f"bench{processes}")
            results[f"postgresql, {processes} process(es)"] = run(target, processes, total)
    return {name: round(rate, 1) for name, rate in results.items()}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=2))
