#!/usr/bin/env python3
"""Screenshots of the desk (`aturan desk`) for the README and the operator guide, as
docs/img/meja-*.png.

Usage:  .venv/bin/python docs/render_desk_images.py

Makes a scratch registry with the DEMO accounts (`aturan users demo`) and two more of the demo
institution, starts `aturan desk` on a free port, and photographs each page of PAGES with Debian's
chromium (playwright), signed in as the page's account. Needs the demo keys (`aturan keys init`)
and chromium (`make setup-web`). Another area adds its pages to PAGES."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from desk_shots import ROOT, aturan, chromium, desk, sign_in

# (file under docs/img, account signed in as or None, path)
PAGES = [
    ("meja-masuk.png", None, "/masuk"),
    ("meja-akun.png", "demo-admin", "/akun"),
]
OTHERS = [("rina", "operator", "Rina Kusumawati"), ("agus", "auditor", "Agus Pratama")]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="aturan-meja-") as scratch:
        registry = str(Path(scratch) / "reg.sqlite")
        for username, role, name in OTHERS:
            add = ["users", "add", username, "--nama", name, "--peran", role]
            aturan(*add, "--kata-sandi-stdin", "--registri-baru", "--registry", registry,
                   stdin="contoh-kata-sandi\n")  # fmt: skip
        printed = aturan("users", "demo", "--registry", registry)
        password = printed.split("kata sandi DEMO: ")[1].split()[0]
        with desk("--registry", registry) as base, chromium() as browser:
            for file, account, path in PAGES:
                page = browser.new_context(viewport={"width": 1000, "height": 700}).new_page()
                if account:
                    sign_in(page, base, account, password)
                page.goto(f"{base}{path}")
                page.screenshot(path=str(ROOT / "docs" / "img" / file), full_page=True)
                print(f"docs/img/{file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
