"""Build durable-rules from its source release with the patches kept here, into a wheel folder.

    python patches/build_durable_rules.py requirements.lock WHEEL_FOLDER

The version and the SHA-256 of the source release are read from the lock file, so the source is
checked against the hash the lock recorded before any patch is applied. The wheel built from it
is installed by `make setup` before the lock (pip then finds durable-rules already installed at the
locked version). Its own hash is not in the lock: a compiled wheel's bytes depend on the compiler
and the build time, so the lock pins the source and this script the patch."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PATCHES = Path(__file__).resolve().parent
NAME = "durable-rules"


def locked(lock: Path) -> tuple[str, set[str]]:
    """(version, sha256 hashes) of durable-rules in the lock file."""
    text = lock.read_text(encoding="utf-8")
    found = re.search(rf"^{NAME}==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{{64}})+)", text, re.M)
    if not found:
        sys.exit(f"{lock}: no hashed {NAME}==VERSION entry")
    return found.group(1), set(re.findall(r"sha256:([0-9a-f]{64})", found.group(2)))


def build(lock: Path, wheels: Path) -> Path:
    version, hashes = locked(lock)
    patches = sorted(PATCHES.glob(f"{NAME}-{version}-*.patch"))
    wheels.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pip = [sys.executable, "-m", "pip", "--quiet"]
        subprocess.run(
            [*pip, "download", "--no-deps", "--no-binary", ":all:", "-d", work]
            + [f"{NAME}=={version}"],
            check=True,
        )
        (source,) = work.glob("*.tar.gz")
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if digest not in hashes:
            sys.exit(f"{source.name}: sha256 {digest} is not the one in {lock}")
        with tarfile.open(source) as archive:
            archive.extractall(work, filter="data")
        (tree,) = (p for p in work.iterdir() if p.is_dir())
        for patch in patches:
            subprocess.run(
                ["patch", "--forward", "--quiet", "-p1", "-d", tree, "-i", patch], check=True
            )
        for old in wheels.glob("durable_rules-*.whl"):
            old.unlink()
        subprocess.run([*pip, "wheel", "--no-deps", "-w", wheels, tree], check=True)
    (wheel,) = wheels.glob(f"durable_rules-{version}-*.whl")
    return wheel


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2])))
