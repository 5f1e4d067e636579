"""One desk worker process for the job tests: `python desk_worker.py REGISTRY FILES [CONFIG]
[drain]` runs the jobs queued in REGISTRY's database with the configuration CONFIG (default: the
project's): issue jobs (their files under FILES) and the tests' `probe` jobs, each of which
appends its id to FILES/probe-<pid>.txt, so a test sees which process ran which job, and how
often. With `drain` it stops once no job is queued; otherwise it runs until killed."""

import os
import sys
import threading
import time
from pathlib import Path

from aturan import app


def main(registry: str, files: Path, config: Path | None, drain: bool) -> None:
    def probe(job, progress):
        progress("probe", 0, 1)
        with open(files / f"probe-{os.getpid()}.txt", "a", encoding="utf-8") as out:
            out.write(job.job_id + "\n")
        time.sleep(float(job.params.get("sleep", 0.01)))
        progress("probe", 1, 1)
        return {"pid": os.getpid()}

    handlers = {app.ISSUE: app.issue_handler(files, registry, lambda _: config), "probe": probe}
    runner = app.JobRunner(lambda: app.open_jobs(registry, config), handlers, heartbeat=0.2)
    print("siap", flush=True)
    if drain:
        while runner.run_next() is not None:
            pass
        return
    runner.loop(threading.Event(), poll=0.1)


if __name__ == "__main__":
    rest = [a for a in sys.argv[3:] if a != "drain"]
    main(sys.argv[1], Path(sys.argv[2]), Path(rest[0]) if rest else None, "drain" in sys.argv[3:])
