"""docs/walkthrough-drafter.md runs as written: every ```sh block through the real CLI in a scratch
folder, in order; its exit status is 0 unless the block says `# status keluar: N`, and every line
of the ```text block after it appears in its output (runs of spaces compared as one)."""

import os
import re
import stat
import subprocess
import sys

import pytest
from conftest import ROOT

DOC = ROOT / "docs" / "walkthrough-drafter.md"
BLOCK = re.compile(r"```(sh|text)\n(.*?)```", re.S)


def steps(text):
    """(commands, expected status, expected lines) per sh block, in order."""
    found, blocks = [], BLOCK.findall(text)
    for index, (kind, body) in enumerate(blocks):
        if kind != "sh":
            continue
        status = re.search(r"^# status keluar: (\d+)$", body, re.M)
        following = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
        expected = following[1].splitlines() if following[0] == "text" else []
        found.append((body, int(status.group(1)) if status else 0, [e for e in expected if e]))
    return found


def squeeze(text):
    return re.sub(r"[ \t]+", " ", text)


def test_the_walkthrough_has_every_step_a_drafter_takes():
    commands = " ".join(body for body, _, _ in steps(DOC.read_text(encoding="utf-8")))
    steps_taken = ("rules check --reform", "compare", "diff", "explain", "--param")
    for step in (*steps_taken, "rules reference", "--model cluster"):
        assert f"aturan {step}" in commands or step in commands


@pytest.mark.slow
def test_the_walkthrough_runs_as_written(tmp_path):
    shim = tmp_path / "bin" / "aturan"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m aturan.cli "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    work = tmp_path / "kerja"
    work.mkdir()
    env = dict(
        os.environ,
        PATH=f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
        ATURAN_ROOT=str(ROOT),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
        COLUMNS="200",
    )
    for body, status, expected in steps(DOC.read_text(encoding="utf-8")):
        shell = ["bash", "-e", "-c", body] if status == 0 else ["bash", "-c", body]
        run = subprocess.run(shell, cwd=work, env=env, capture_output=True, text=True, timeout=600)
        output = squeeze(run.stdout + run.stderr)
        assert run.returncode == status, f"{body}\n{run.stdout}\n{run.stderr}"
        assert "Traceback" not in output
        for line in expected:
            assert squeeze(line) in output, f"{body}\nmissing: {line}\n{run.stdout}\n{run.stderr}"
