"""The policy lab at national scale, next to raw durable_rules in the same run.

1. compare: 66,209 generated participants (the 2018-2021 alumni count of Tabel 2) through all
   four models, against raw durable_rules asserting the same number of events (66,209 x 4) into
   aturan's compiled ruleset, one fresh session each;
2. batch streaming of N participants (default 300,000): the peak resident memory of the
   `aturan batch` process, read from `/usr/bin/time -v` (or getrusage when it is absent);
3. diff with a one-parameter reform over the 66,209, against one batch of the same cohort;
4. the same batch run under that reform (`batch --reform`), against the batch under the law in
   force: what a drafter pays for trying a change.

Usage: python bench/bench_lab.py [N_COMPARE] [N_STREAM]   (N_STREAM 0 skips the streaming run)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from durable.engine import Host, MessageNotHandledException

from aturan.cases import read_cohort
from aturan.decide import Decider
from aturan.lab import MODELS, compare_parallel, generate, write_cohort
from aturan.law import load_rulebook

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2027, 6, 30)
ATURAN = [sys.executable, "-m", "aturan.cli"]


class BareHost(Host):
    def _run(self):
        pass


def main(n_compare: int, n_stream: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="aturan-lab-"))
    cohort = work / "kohort.csv"
    write_cohort(generate(n_compare, seed=2021), cohort)
    book = load_rulebook(ROOT)
    workers = os.cpu_count() or 1

    start = time.perf_counter()
    books = {"base": book}  # one rulebook: the law in force
    tallies, failures = compare_parallel(
        read_cohort(cohort, defer=True), books, MODELS, None, AS_OF, workers
    )
    compare_seconds = time.perf_counter() - start
    raw_seconds = _raw_events(book, n_compare * len(MODELS))

    reform = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
    batch = ATURAN + ["batch", str(cohort), "--out", str(work / "batch"), "--as-of", str(AS_OF)]
    batch_seconds = _timed(batch)
    reform_seconds = _timed(batch + ["--reform", str(reform)])
    diff_seconds = _timed(
        ATURAN
        + [
            "diff",
            str(cohort),
            "--reform",
            str(reform),
            "--as-of",
            str(AS_OF),
            "--out",
            str(work / "diff.jsonl"),
        ]
    )

    stream = work / "stream.csv"
    peak_mb = stream_seconds = 0.0
    if n_stream:
        write_cohort(generate(n_stream, seed=300), stream)
        peak_mb, stream_seconds = _peak_memory(
            ATURAN + ["batch", str(stream), "--out", str(work / "stream"), "--as-of", str(AS_OF)]
        )
    shutil.rmtree(work)
    result = {
        "compare_participants": n_compare,
        "workers": workers,
        "compare_seconds": round(compare_seconds, 1),
        "compare_decisions_per_s": round(n_compare * len(MODELS) / compare_seconds),
        "raw_durable_rules_events": n_compare * len(MODELS),
        "raw_durable_rules_seconds": round(raw_seconds, 1),
        "batch_seconds": round(batch_seconds, 1),
        "reform_batch_seconds": round(reform_seconds, 1),
        "reform_over_batch": round(reform_seconds / batch_seconds, 2),
        "diff_seconds": round(diff_seconds, 1),
        "diff_over_batch": round(diff_seconds / batch_seconds, 2),
        "stream_participants": n_stream,
        "stream_seconds": round(stream_seconds, 1),
        "stream_peak_rss_mb": peak_mb,
        "failures_in_compare": len(failures),
    }
    print(json.dumps(result))
    return result


def _raw_events(book, n: int) -> float:
    engine, params = Decider(book).law_on(AS_OF)
    definition = json.loads(engine.definition_json())
    for rule in definition.values():
        rule["run"] = lambda c: None
    host = BareHost()
    host.set_rulesets({"raw": definition})
    fact = {
        "kind": "participant",
        "stage": 1,
        "role": "incumbent",
        "holds_evidence": False,
        "has_assessment": True,
        "as_of": 20270630,
        "assessment_expires_on": 20280115,
        "program_tier": "administrator",
        "target_tier": "administrator",
        "standard_level": 3,
    }
    start = time.perf_counter()
    for index in range(n):
        sid = str(index)
        try:
            host.assert_fact("raw", dict(fact, sid=sid))
        except MessageNotHandledException:
            pass
        host.delete_state("raw", sid)
    return time.perf_counter() - start


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, env=dict(os.environ, ATURAN_ROOT=str(ROOT)), text=True
    )
    if done.returncode not in (0, 2):  # 2: some rows refused, the others decided
        raise SystemExit(f"{' '.join(command[3:5])} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def _peak_memory(command: list[str]) -> tuple[float, float]:
    """Peak memory (MB) of the command with its worker processes together: the largest sum, over
    samples every 0.2 s, of each process's proportional set size (PSS: pages shared between the
    parent and its forked workers counted once, not once per process)."""
    env = dict(os.environ, ATURAN_ROOT=str(ROOT))
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:  # a pipe left unread would stall a chatty command
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        peak = 0
        while process.poll() is None:
            peak = max(peak, sum(_pss_kb(pid) for pid in _tree(process.pid)))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        if process.returncode not in (0, 2):
            errors.seek(0)
            raise SystemExit(f"batch failed: {errors.read().decode()[-2000:]}")
    return round(peak / 1024, 1), seconds


def _tree(root: int) -> list[int]:
    """The process and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0  # the process ended between listing and reading
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [66209, 300000][len(args) :]))
