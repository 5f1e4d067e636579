"""PDF through LibreOffice headless, in parallel batches; pypdf for metadata and print bundles."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from .errors import AturanError

META_KEYS = ("/AturanNumber", "/AturanDecision", "/AturanRulesVersion", "/AturanContentHash")


def soffice() -> str:
    """The LibreOffice binary, or a clear error before anything is issued."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise AturanError("LibreOffice (soffice) tidak ditemukan, sehingga PDF tidak dapat dibuat. Pasang dengan "
                      "`sudo apt-get install libreoffice-writer-nogui` (atau `make setup-pdf`), atau terbitkan tanpa --pdf "
                      "(hanya DOCX). Belum ada nomor dokumen yang diambil.")


def convert(docx_files: list[Path], out_dir: Path, workers: int | None = None) -> list[Path]:
    """Convert DOCX files to PDF with one LibreOffice profile per worker, as many workers as cores."""
    binary = soffice()
    workers = max(1, min(workers or os.cpu_count() or 1, len(docx_files)))
    chunks = [docx_files[i::workers] for i in range(workers)]
    with tempfile.TemporaryDirectory(prefix="aturan-lo-") as profiles:
        processes = [subprocess.Popen([binary, f"-env:UserInstallation=file://{profiles}/w{i}", "--headless",
                                       "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, chunk)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                     for i, chunk in enumerate(chunks) if chunk]
        errors = [p.communicate()[1].decode(errors="replace") for p in processes if p.wait() != 0]
    pdfs = [out_dir / (f.stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if errors or missing:
        raise AturanError(f"LibreOffice gagal mengonversi {len(missing)} berkas: {', '.join(missing[:5])} {' '.join(errors)[:300]}")
    return pdfs


def stamp(pdf: Path, *, title: str, subject: str, number: str, decision_id: str, rules_version: str,
          content_hash: str, issue_date: dt.date) -> None:
    """Write the document's identity into the PDF and fix its dates, so reruns match."""
    writer = PdfWriter(clone_from=str(pdf))
    when = f"D:{issue_date:%Y%m%d}000000Z"
    writer.metadata = None
    writer.add_metadata({"/Title": title, "/Subject": subject, "/Producer": "aturan", "/Creator": "aturan",
                         "/CreationDate": when, "/ModDate": when, "/AturanNumber": number, "/AturanDecision": decision_id,
                         "/AturanRulesVersion": rules_version, "/AturanContentHash": content_hash})
    with open(pdf, "wb") as handle:
        writer.write(handle)


def metadata(pdf: Path) -> dict:
    meta = PdfReader(str(pdf)).metadata or {}
    return {key: str(meta.get(key, "")) for key in ("/Title", *META_KEYS)}


def text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)


def bundle(pdfs: list[Path], out: Path) -> None:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(str(pdf))
    writer.add_metadata({"/Title": f"Bundel cetak ({len(pdfs)} dokumen)", "/Producer": "aturan"})
    with open(out, "wb") as handle:
        writer.write(handle)
