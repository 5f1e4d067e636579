#!/usr/bin/env python3
"""Screenshots of the drafter's lab in the desk (issue 27) for docs/walkthrough-drafter.md, as
docs/img/desk/lab-*.png.

Usage:  .venv/bin/python docs/render_lab_images.py     (also run by `make docs-img`)

Makes a scratch registry with the DEMO accounts (`aturan users demo`, among them demo-perumus, a
drafter), starts `aturan desk` on a free port, and with Debian's chromium (playwright) takes the
walkthrough's steps: the validity parameter in the list, the form changing it to 2 years with its
draft clause, and a rule reform refused at its line. Needs the demo keys (`aturan keys init`) and
chromium (`make setup-web`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_desk_images import CHROMIUM, ROOT, cli, free_port, wait  # noqa: E402

OUT = ROOT / "docs" / "img" / "desk"
CITATION = (
    "Rancangan Peraturan LAN tentang Pelatihan Kepemimpinan Terintegrasi, Pasal 12 ayat (2) (draf)"
)
TEXT = (
    "Laporan hasil penilaian kompetensi dapat digunakan dalam pelatihan paling lama 2 (dua) tahun "
    "sejak tanggal penilaian."
)
WRONG_RULE = """name: Klaster A hanya untuk JPM 90 ke atas
new_clauses:
  - id: rancangan-perlan:pasal-10
    citation: Rancangan Peraturan LAN tentang Pelatihan Kepemimpinan Terintegrasi, Pasal 10 (draf)
    text: Peserta berkategori MS atau Optimal dengan JPM di bawah 90 persen mengikuti klaster B.
rules:
  - id: klaster.a-jpm-di-bawah-90
    title: Peserta MS/Optimal dengan JPM di bawah 90 mengikuti desain pelatihan klaster B
    cites: [rancangan-perlan:pasal-10]
    priority: 20
    when:
      params: {integration.model: cluster, cluster.basis: category}
      participant: {design_status: ditetapkan, category: {in: [MS, Optimal]}, jpm: {lt: 90}}
    then: {cluster: B}
"""


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aturan-lab-") as scratch:
        registry = str(Path(scratch) / "reg.sqlite")
        cli("users", "add", "admin-awal", "--nama", "Admin", "--peran", "admin",
            "--kata-sandi-stdin", "--registri-baru", "--registry", registry,
            text="contoh-kata-sandi\n")  # fmt: skip
        printed = cli("users", "demo", "--registry", registry)
        password = printed.split("kata sandi DEMO: ")[1].split()[0]
        rule_file = Path(scratch) / "klaster-jpm.yaml"
        rule_file.write_text(WRONG_RULE, encoding="utf-8")
        port = free_port()
        command = [sys.executable, "-m", "aturan.cli", "desk", "--port", str(port)]
        server = subprocess.Popen(
            [*command, "--registry", registry],
            env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
                )
                page = browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
                _take_the_steps(page, base, password, rule_file)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


def _take_the_steps(page: Any, base: str, password: str, rule_file: Path) -> None:
    page.goto(f"{base}/masuk")
    page.fill("#nama_pengguna", "demo-perumus")
    page.fill("#kata_sandi", password)
    with page.expect_navigation():
        page.click("form[action='/masuk'] button")
    page.goto(f"{base}/lab#p-assessment.validity_years")
    _shot(page.locator("#p-assessment\\.validity_years"), "lab-parameter.png")
    page.goto(f"{base}/lab/reformasi?ubah=assessment.validity_years")
    page.fill("#nama", "Masa berlaku hasil asesmen 2 tahun")
    page.fill("#p0_dari", "2027-01-01")
    page.fill("#p0_nilai", "2")
    page.fill("#p0_klausul", "rancangan-perlan:pasal-12-ayat-2")
    page.fill("#p0_kutipan", CITATION)
    page.fill("#p0_teks", TEXT)
    with page.expect_navigation():
        page.click("#periksa")
    _shot(page, "lab-formulir.png")
    page.goto(f"{base}/lab/aturan")
    page.set_input_files("#berkas", str(rule_file))
    with page.expect_navigation():
        page.click("form[action='/lab/aturan'] button")
    _shot(page, "lab-aturan.png")


def _shot(target: Any, name: str) -> None:
    options: dict[str, Any] = {"path": str(OUT / name)}
    if hasattr(target, "goto"):
        options["full_page"] = True
    target.screenshot(**options)
    print(f"docs/img/desk/{name}")


if __name__ == "__main__":
    sys.exit(main())
