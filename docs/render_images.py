#!/usr/bin/env python3
"""Render the first page of every document type to docs/img/<type>.png, as the README shows them.

Usage:  make docs-img   (or: .venv/bin/python docs/render_images.py)

Issues the sample cohort (samples/kohort-dokumen.yaml, which calls for all eight types) as signed
PDFs into a scratch folder with its own registry, then renders page 1 of the first document of
each type with pdftoppm (poppler-utils) at 55 dpi. Needs LibreOffice and the demo keys
(`aturan keys init`)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DPI = "55"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="aturan-img-") as scratch:
        out = Path(scratch)
        cohort = ROOT / "samples" / "kohort-dokumen.yaml"
        command = [
            sys.executable, "-m", "aturan.cli", "issue", str(cohort),
            "--out", str(out), "--registry", str(out / "reg.sqlite"), "--registri-baru", "--pdf",
            "--as-of", "2027-01-10", "--issue-date", "2027-01-11",
        ]  # fmt: skip
        subprocess.run(command, check=True, env=dict(os.environ, ATURAN_ROOT=str(ROOT)))
        with open(out / "manifest.csv", encoding="utf-8") as handle:
            first: dict[str, str] = {}
            for entry in csv.DictReader(handle):
                first.setdefault(entry["jenis"], entry["berkas_pdf"])
        for doc_type, pdf in sorted(first.items()):
            stem = out / doc_type
            subprocess.run(
                ["pdftoppm", "-png", "-r", DPI, "-f", "1", "-l", "1", "-singlefile",
                 str(out / pdf), str(stem)],
                check=True,
            )  # fmt: skip
            shutil.copyfile(f"{stem}.png", ROOT / "docs" / "img" / f"{doc_type}.png")
            print(f"docs/img/{doc_type}.png  <- {pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
