"""PDF through LibreOffice headless, in parallel batches; pypdf for metadata and print bundles."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject

from aturan.errors import AturanError
from aturan.files import atomic_open


def soffice() -> str:
    """The LibreOffice binary, or a clear error before anything is issued."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise AturanError(
        "LibreOffice (soffice) tidak ditemukan, sehingga PDF tidak dapat dibuat. Pasang dengan "
        "`sudo apt-get install libreoffice-writer-nogui` (atau `make setup-pdf`), atau terbitkan "
        "tanpa --pdf (hanya DOCX). Belum ada nomor dokumen yang diambil."
    )


def convert(
    docx_files: list[Path],
    out_dir: Path,
    workers: int | None = None,
    attempts: int = 3,
    finish: Callable[[int, Path], None] | None = None,
) -> list[Path]:
    """Convert DOCX files to PDF with one LibreOffice profile per worker, as many workers as cores.

    LibreOffice occasionally skips a file of a long batch without an error; those are
    converted again (up to `attempts` rounds) before giving up with their names.

    LibreOffice writes into a private folder inside `out_dir`; each PDF is then renamed into
    `out_dir`. So two runs converting into one folder never read or write each other's files,
    and a symlink planted at a PDF's name is replaced, never written through. `finish(index,
    pdf)` (stamping, signing) runs on each PDF in the private folder, before it is renamed."""
    pdfs = [out_dir / (f.stem + ".pdf") for f in docx_files]
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".aturan-pdf-") as scratch:
        scratch = Path(scratch)
        pending, errors = list(docx_files), []
        for _ in range(attempts):
            errors = _run_workers(soffice(), pending, scratch, workers)
            pending = [f for f in pending if not (scratch / (f.stem + ".pdf")).exists()]
            if not pending:
                for index, pdf in enumerate(pdfs):
                    if finish:
                        finish(index, scratch / pdf.name)
                    os.replace(scratch / pdf.name, pdf)
                return pdfs
    names = ", ".join(f.name for f in pending[:5])
    raise AturanError(
        f"LibreOffice gagal mengonversi {len(pending)} berkas: {names} {' '.join(errors)[:300]}"
    )


MAX_FILES_PER_CALL = 200  # soffice silently converts only the first ~247 files it is given


def _run_workers(binary: str, files: list[Path], out_dir: Path, workers: int | None) -> list[str]:
    workers = max(1, min(workers or os.cpu_count() or 1, len(files)))
    chunks = [files[i::workers] for i in range(workers)]
    with ExitStack() as stack:
        profiles = [stack.enter_context(_locked_profile()) for _ in chunks]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = pool.map(
                lambda job: _worker(binary, job[0], job[1], out_dir), zip(profiles, chunks)
            )
            return [error for errors in results for error in errors]


class _locked_profile:
    """A LibreOffice profile no other process (or thread) is using, held by an exclusive lock:
    two instances sharing a profile hand files to each other or fail. Profiles are kept
    between runs; a run takes the first free one."""

    def __enter__(self) -> Path:
        index = 0
        while True:
            path = _profile(index)
            handle = open(path.with_suffix(".lock"), "a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                index += 1
                continue
            self.handle = handle
            return path

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _worker(binary: str, profile: Path, files: list[Path], out_dir: Path) -> list[str]:
    errors = []
    for start in range(0, len(files), MAX_FILES_PER_CALL):
        batch = files[start : start + MAX_FILES_PER_CALL]
        done = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, batch),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if done.returncode:
            errors.append(done.stderr.decode(errors="replace"))
    return errors


def _profile(worker: int) -> Path:
    """One LibreOffice profile per worker, kept between runs: two instances never share one,
    and later batches skip the seconds a fresh profile costs."""
    base = (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aturan" / "libreoffice"
    )
    base.mkdir(parents=True, exist_ok=True)
    return base / f"worker-{worker}"


def stamp(
    pdf: Path,
    *,
    title: str,
    subject: str,
    number: str,
    decision_id: str,
    rules_version: str,
    content_hash: str,
    issue_date: dt.date,
) -> None:
    """Write the document's identity into the PDF and fix its dates and file identifier (which
    LibreOffice draws at random), so reruns give the same bytes."""
    writer = PdfWriter(clone_from=str(pdf))
    identifier = ByteStringObject(hashlib.sha256(f"{number}|{content_hash}".encode()).digest()[:16])
    writer._ID = ArrayObject([identifier, identifier])
    when = f"D:{issue_date:%Y%m%d}000000Z"
    writer.metadata = None
    writer.add_metadata(
        {
            "/Title": title,
            "/Subject": subject,
            "/Producer": "aturan",
            "/Creator": "aturan",
            "/CreationDate": when,
            "/ModDate": when,
            "/AturanNumber": number,
            "/AturanDecision": decision_id,
            "/AturanRulesVersion": rules_version,
            "/AturanContentHash": content_hash,
        }
    )
    with atomic_open(pdf, "wb") as handle:
        writer.write(handle)


def fingerprint(data: bytes) -> str:
    """The registry's fingerprint of an issued PDF: the SHA-256 of the whole signed file. Signing
    is deterministic (see documents/signing.py), so a rerun writes the same bytes and earlier
    copies keep matching."""
    return hashlib.sha256(data).hexdigest()


BUNDLE_TITLE = "Bundel cetak"


def bundle(pdfs: list[Path], out: Path) -> None:
    """One PDF to print. The signatures' appearances are printed, but the bundle carries no
    signature field: it is not a signed document, and verify says so."""
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(str(pdf))
    writer._root_object.pop(NameObject("/AcroForm"), None)
    writer.add_metadata({"/Title": f"{BUNDLE_TITLE} ({len(pdfs)} dokumen)", "/Producer": "aturan"})
    with atomic_open(out, "wb") as handle:
        writer.write(handle)
