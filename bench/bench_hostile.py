"""How long a small hostile file takes to be refused, and how much memory it costs.

The refusals are structural (aliases refused before expansion, depth checked while parsing,
expanded size counted on the node graph), so the time does not grow with what the file would
expand to. Each file is under 2 KB; each is refused through the real CLI in a fresh process
(so the time includes Python start-up and imports, about 0.5 s of it).

Usage: python bench/bench_hostile.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
GOLDEN_BOMB = "- &t0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"- &t{i} [{', '.join(['*t' + str(i - 1)] * 10)}]\n" for i in range(1, 7)
)
FILES = {
    "alias bomb, case (decide)": ("kasus.yaml", BOMB, ["decide"]),
    "alias bomb, cohort (batch)": ("kohort.yaml", GOLDEN_BOMB, ["batch", "--out", "{tmp}/o"]),
    "alias bomb, golden (test)": ("golden.yaml", GOLDEN_BOMB, ["test"]),
    "YAML nested 1,000 deep (decide)": ("deep.yaml", "nip: " + "[" * 1000 + "]" * 1000, ["decide"]),
    "JSON nested 1,000 deep (decide)": (
        "deep.json",
        '{"nip": ' + "[" * 1000 + "]" * 1000 + "}",
        ["decide"],
    ),
}


def main() -> None:
    env = {**os.environ, "ATURAN_ROOT": str(ROOT), "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import aturan.cli"], env=env, check=True)
        print(f"{'python start-up + imports':36} {time.perf_counter() - start:6.2f} s")
        for label, (name, text, command) in FILES.items():
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            args = [a.replace("{tmp}", tmp) for a in command[1:]]
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "aturan.cli", command[0], str(path), *args],
                env=env,
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"{label:36} {elapsed:6.2f} s  {len(text.encode()):5} bytes  exit "
                f"{done.returncode}  peak child RSS so far {peak:5.0f} MB  "
                f"{done.stderr.strip()[:70]}"
            )


if __name__ == "__main__":
    main()
