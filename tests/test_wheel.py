"""The built wheel carries its rulebook: installed into a fresh venv, `aturan` decides and issues
from a folder outside the checkout, with no ATURAN_ROOT, under the same version as the checkout.

The venv borrows the installed dependencies of the running environment through a .pth line (a
plain path: the editable install's own .pth there is not processed, so `aturan` comes from the
wheel alone); the wheel itself is installed with pip."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

from aturan.documents.record import full_version, version_parts

pytestmark = pytest.mark.slow

CASE = "budi-petahana-administrator.yaml"


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's python, its aturan command, an environment without the checkout)."""
    base = tmp_path_factory.mktemp("roda")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", ".", "-w", base], cwd=ROOT)
    venv = base / "venv"
    run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    ours = sysconfig.get_paths()
    (Path(site.strip()) / "deps.pth").write_text(
        f"{ours['purelib']}\n{ours['platlib']}\n", encoding="utf-8"
    )
    (wheel,) = base.glob("aturan-*.whl")
    run([python, "-m", "pip", "install", "--no-deps", "-q", wheel])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATURAN_", "PYTHON"))}
    return python, venv / "bin" / "aturan", env


def test_the_wheel_decides_and_issues_outside_the_checkout(installed, rulebook, tmp_path):
    python, aturan, env = installed
    work = tmp_path / "kerja"
    work.mkdir()
    shutil.copy(ROOT / "samples" / CASE, work / CASE)
    where = "import aturan.project as p; print(p.__file__); print(p.project_root())"
    for line in run([python, "-c", where], cwd=work, env=env).splitlines():
        assert not line.startswith(str(ROOT)) and line.startswith(str(aturan.parents[1])), line

    decided = run([aturan, "decide", CASE, "--as-of", "2026-02-01"], cwd=work, env=env)
    assert "Keputusan untuk Budi Santoso" in decided
    assert f"Versi aturan: {rulebook.version}" in decided

    shown = run([aturan, "--version"], cwd=work, env=env)
    parts = version_parts(ROOT, ROOT / "config" / "institution.yaml")
    assert f"Versi isi (catatan keputusan): {full_version(parts)}" in shown

    keys = {"ATURAN_REGISTRY_KEY": "ab" * 32, "ATURAN_REGISTRY_SIGNING_KEY": "cd" * 32}
    issue = [
        aturan,
        "issue",
        "--registri-baru",
        CASE,
        "--as-of",
        "2026-02-01",
        "--issue-date",
        "2026-02-02",
    ]
    run([*issue, "--out", "dok", "--registry", "r.sqlite"], cwd=work, env=env | keys)
    assert (work / "dok" / "0001-DSN-PKASN-2026-Budi-Santoso.docx").stat().st_size > 10_000
