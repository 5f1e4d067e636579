#!/usr/bin/env python3
"""Screenshots of the registry pages and the auditor's view for the operator guide
(docs/panduan-operator.md, section "Register dan audit di meja kerja"), saved to docs/img/desk/.

Usage:  .venv/bin/python docs/render_desk_registry_images.py

Issues the sample cohort's designs as signed PDFs into a scratch registry and the desk's documents
folder, adds an operator and an auditor (`aturan users add`), starts `aturan desk` on a free port,
and walks through the pages in Debian's chromium (playwright, as tests/test_browser.py finds it):
the registry searched, a document's page, the revocation's confirmation, the re-issue form and its
result, the monthly report, the audit and a record with its replay. Needs LibreOffice, chromium and
the demo keys (`aturan keys init`)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml
from desk_shots import OUT, ROOT, aturan, chromium, desk, sign_in

PASSWORD = "contoh-sandi-meja-1"
SIZE = {"width": 1100, "height": 800}


def configuration(folder: Path) -> Path:
    """The project's configuration, its key paths made absolute, documents in `folder`."""
    data = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    for field in ("key_file", "signing_key_file"):
        data["registry"][field] = str((ROOT / "config" / data["registry"][field]).resolve())
    data["signing"]["pkcs12"] = str((ROOT / "config" / data["signing"]["pkcs12"]).resolve())
    data["signing"]["trust_roots"] = [
        str((ROOT / "config" / root).resolve()) for root in data["signing"]["trust_roots"]
    ]
    data["desk"]["documents_folder"] = str(folder / "dokumen")
    path = folder / "institution.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def prepare(folder: Path) -> tuple[str, ...]:
    config, registry = configuration(folder), folder / "registri.sqlite"
    where = ("--registry", str(registry), "--config", str(config))
    aturan("issue", ROOT / "samples" / "kohort-dokumen.yaml", "--as-of", "2026-02-01",
        "--issue-date", "2026-02-02", "--pdf", "--out", folder / "dokumen", "--registri-baru",
        "--operator", "ani", *where)  # fmt: skip
    for user, name, role in (
        ("ani", "Ani Operator", "operator"),
        ("audi", "Audi Auditor", "auditor"),
    ):
        aturan("users", "add", user, "--nama", name, "--peran", role, "--kata-sandi-stdin", *where,
            stdin=PASSWORD + "\n")  # fmt: skip
    return where


def shoot(page, name: str, full: bool = True) -> None:
    page.screenshot(path=str(OUT / name), full_page=full)
    print(f"docs/img/desk/{name}")


def operator_pages(page, base: str) -> None:
    sign_in(page, base, "ani", PASSWORD)
    page.goto(f"{base}/dokumen?cari=budi")
    shoot(page, "registri-cari.png")
    page.locator("table a").first.click()
    page.wait_for_load_state()
    shoot(page, "dokumen.png")
    page.fill("#alasan", "nama salah ketik")
    with page.expect_navigation():
        page.click("form[action='/dokumen/cabut'] button")
    shoot(page, "cabut-konfirmasi.png")
    with page.expect_navigation():
        page.click("#ya-cabut")
    with page.expect_navigation():
        page.click("#terbit-ulang")
    page.fill("#nama", "Budi Santoso Putra")
    page.fill("#tanggal_terbit", "2026-02-02")
    shoot(page, "terbit-ulang.png")
    with page.expect_navigation(timeout=180_000):
        page.click("#terbitkan")
    shoot(page, "terbit-ulang-hasil.png")
    page.goto(f"{base}/laporan?bulan=2026-02")
    shoot(page, "laporan-bulanan.png")


def auditor_pages(page, base: str) -> None:
    sign_in(page, base, "audi", PASSWORD)
    page.goto(f"{base}/audit")
    shoot(page, "audit.png")
    page.goto(f"{base}/dokumen?cari=sari")
    page.locator("table a").first.click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.get_by_role("link", name="Tinjauan auditor (putar ulang)").click()
    shoot(page, "audit-catatan.png", full=False)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aturan-meja-") as scratch:
        where = prepare(Path(scratch))
        with desk(*where) as base, chromium() as browser:
            for walk in (operator_pages, auditor_pages):
                context = browser.new_context(viewport=SIZE, java_script_enabled=False)
                walk(context.new_page(), base)
                context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
