"""PDF through LibreOffice headless, one kept alive per worker; pypdf for metadata and bundles."""

from __future__ import annotations

import datetime as dt
import fcntl
import glob
import hashlib
import io
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

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
    """Convert DOCX files to PDF with one LibreOffice per worker, as many workers as cores.

    Each worker keeps its LibreOffice alive for all its files (through the UNO API, see
    uno_worker.py) or, where Python's `uno` is missing, runs soffice over batches of files.
    `finish(index, pdf)` (stamping, signing) runs in this thread on each PDF as soon as it is
    converted, while the workers convert the next ones.

    LibreOffice occasionally skips a file without an error; those are converted again (up to
    `attempts` rounds) before giving up with their names.

    LibreOffice writes into a private folder inside `out_dir`; the PDFs are renamed into
    `out_dir` once all are finished. So two runs converting into one folder never read or write
    each other's files, and a symlink planted at a PDF's name is replaced, never written
    through."""
    pdfs = [out_dir / (f.stem + ".pdf") for f in docx_files]
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".aturan-pdf-") as folder:
        scratch = Path(folder)
        pending, errors = list(enumerate(docx_files)), []
        for _ in range(attempts):
            errors = _convert_round(soffice(), pending, scratch, workers, finish)
            pending = [(i, f) for i, f in pending if not (scratch / pdfs[i].name).exists()]
            if not pending:
                for pdf in pdfs:
                    os.replace(scratch / pdf.name, pdf)
                return pdfs
    names = ", ".join(f.name for _, f in pending[:5])
    raise AturanError(
        f"LibreOffice gagal mengonversi {len(pending)} berkas: {names} {' '.join(errors)[:300]}"
    )


MAX_FILES_PER_CALL = 200  # soffice silently converts only the first ~247 files it is given
FILES_PER_CALL = 50  # without UNO: batches small enough to sign one while the next converts

Job = tuple[int, Path]  # (index in convert's list, DOCX file)


def _convert_round(
    binary: str,
    jobs: list[Job],
    out_dir: Path,
    workers: int | None,
    finish: Callable[[int, Path], None] | None,
) -> list[str]:
    """One round over `jobs`, shared by the workers: each takes the next file when it is free, so
    none is left idle while another still has a queue. `finish` runs here on each converted PDF.
    On an error in `finish`, the workers stop after their current file or batch."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    converted: queue.Queue[tuple[int, Path] | None] = queue.Queue()
    stop = threading.Event()
    with ExitStack() as stack:
        profiles = [stack.enter_context(_locked_profile()) for _ in range(workers)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [
                pool.submit(_worker, binary, profile, todo, out_dir, converted, stop)
                for profile in profiles
            ]
            try:
                _finish_each(converted, workers, finish)
            finally:
                stop.set()
            return [error for future in futures for error in future.result()]


def _finish_each(
    converted: queue.Queue[Job | None], workers: int, finish: Callable[[int, Path], None] | None
) -> None:
    """Run `finish` on each PDF the workers put on `converted`, until each worker says it is done
    (None)."""
    running = workers
    while running:
        item = converted.get()
        if item is None:
            running -= 1
        elif finish:
            finish(*item)


def _worker(
    binary: str,
    profile: Path,
    todo: queue.SimpleQueue[Job],
    out_dir: Path,
    converted: queue.Queue[Job | None],
    stop: threading.Event,
) -> list[str]:
    try:
        with _kept_office(binary, profile) as office:
            if office is not None:
                return _convert_each(office, todo, out_dir, converted, stop)
        return _convert_batches(binary, profile, todo, out_dir, converted, stop)
    finally:
        converted.put(None)


def _take(todo: queue.SimpleQueue[Job], count: int, stop: threading.Event) -> list[Job]:
    """Up to `count` jobs not yet taken by any worker (none once the round is stopped)."""
    taken: list[Job] = []
    while len(taken) < count and not stop.is_set():
        try:
            taken.append(todo.get_nowait())
        except queue.Empty:
            break
    return taken


def _convert_each(
    office: subprocess.Popen[str],
    todo: queue.SimpleQueue[Job],
    out_dir: Path,
    converted: queue.Queue[Job | None],
    stop: threading.Event,
) -> list[str]:
    """One file at a time through a kept LibreOffice (uno_worker.py's protocol). A file taken when
    LibreOffice stops or hangs is left for the next round."""
    errors: list[str] = []
    assert office.stdin is not None  # opened with stdin=PIPE
    while taken := _take(todo, 1, stop):
        index, docx = taken[0]
        pdf = out_dir / (docx.stem + ".pdf")
        try:
            office.stdin.write(json.dumps([str(docx), str(pdf)]) + "\n")
            office.stdin.flush()
            reply = _reply(office)
        except TimeoutError:  # (an OSError too) a document hangs LibreOffice: stop it, retry
            os.killpg(office.pid, signal.SIGKILL)
            return [*errors, f"LibreOffice tidak menjawab dalam {SECONDS_PER_DOCUMENT} detik"]
        except OSError:
            reply = ""
        if not reply:  # LibreOffice is gone: the files left are retried in the next round
            return [*errors, "LibreOffice berhenti di tengah konversi"]
        if reply == "ok" and pdf.exists():
            converted.put((index, pdf))
        elif reply != "ok":
            errors.append(reply)
    return errors


SECONDS_PER_DOCUMENT = 120  # far above the 0.1-0.2 s a document takes, even on a loaded machine


def _reply(office: subprocess.Popen[str]) -> str:
    """uno_worker.py's one-line answer, or TimeoutError after SECONDS_PER_DOCUMENT (one request at a
    time, so nothing is ever left in the pipe's buffer between answers)."""
    assert office.stdout is not None  # opened with stdout=PIPE
    ready, _, _ = select.select([office.stdout], [], [], SECONDS_PER_DOCUMENT)
    if not ready:
        raise TimeoutError
    return str(office.stdout.readline()).strip()


def _convert_batches(
    binary: str,
    profile: Path,
    todo: queue.SimpleQueue[Job],
    out_dir: Path,
    converted: queue.Queue[Job | None],
    stop: threading.Event,
) -> list[str]:
    """Without UNO: soffice over batches of files, a process each."""
    errors = []
    while batch := _take(todo, FILES_PER_CALL, stop):
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
                *(str(docx) for _, docx in batch),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=office_environment(),
        )
        if done.returncode:
            errors.append(done.stderr.decode(errors="replace"))
        for index, docx in batch:
            pdf = out_dir / (docx.stem + ".pdf")
            if pdf.exists():
                converted.put((index, pdf))
    return errors


@contextmanager
def _kept_office(binary: str, profile: Path) -> Iterator[subprocess.Popen[str] | None]:
    """A LibreOffice kept alive for this worker (uno_worker.py, in its own process group), or
    None when no Python with `uno` is found or LibreOffice does not answer. Always stopped: at the
    end of its input it closes LibreOffice; if it does not, the whole group is killed."""
    python = _uno_python(os.environ.get("ATURAN_UNO_PYTHON"))
    if python is None:
        yield None
        return
    office = subprocess.Popen(
        [python, "-I", str(UNO_WORKER), binary, profile.as_uri(), f"aturan-{uuid.uuid4().hex}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        env=office_environment(),
    )
    try:
        assert office.stdout is not None  # opened with stdout=PIPE
        yield office if office.stdout.readline().strip() == "ready" else None
    finally:
        _stop(office)


UNO_WORKER = Path(__file__).with_name("uno_worker.py")


def _stop(office: subprocess.Popen[str]) -> None:
    assert office.stdin is not None and office.stdout is not None  # both PIPEs
    with suppress(OSError):
        office.stdin.close()
    try:
        office.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(office.pid, signal.SIGKILL)  # still unreaped, so the group is still ours
        office.wait()
    office.stdout.close()


@cache
def _uno_python(configured: str | None) -> str | None:
    """A Python that can import LibreOffice's `uno` (Debian's python3-uno is for /usr/bin/python3):
    ATURAN_UNO_PYTHON if set (empty: never use UNO), else /usr/bin/python3 or python3."""
    if configured is not None:
        candidates = [configured] if configured else []
    else:
        candidates = ["/usr/bin/python3", shutil.which("python3") or ""]
    for python in filter(None, candidates):
        with suppress(OSError, subprocess.TimeoutExpired):
            check = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=60)
            if check.returncode == 0:
                return python
    return None


def office_environment() -> dict[str, str]:
    """The environment LibreOffice runs in: this one, with jemalloc preloaded where it is
    installed (Debian's libjemalloc2, installed by `make setup-pdf`).

    A conversion spends about a fifth of LibreOffice's time in glibc's allocator; with jemalloc
    the same conversion takes about 20% less CPU, and writes the same bytes (a test compares).
    ATURAN_JEMALLOC names the library to preload instead; set it empty to use glibc's."""
    environment = dict(os.environ)
    library = _jemalloc(os.environ.get("ATURAN_JEMALLOC"))
    if library:
        preload = environment.get("LD_PRELOAD")
        environment["LD_PRELOAD"] = f"{library}:{preload}" if preload else library
    return environment


@cache
def _jemalloc(configured: str | None) -> str | None:
    if configured is not None:
        return configured or None
    found = sorted(glob.glob("/usr/lib/*/libjemalloc.so.2")) + glob.glob(
        "/usr/lib/libjemalloc.so.2"
    )
    return found[0] if found else None


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

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _profile(worker: int) -> Path:
    """One LibreOffice profile per worker, kept between runs: two instances never share one,
    and later batches skip the seconds a fresh profile costs."""
    base = (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aturan" / "libreoffice"
    )
    base.mkdir(parents=True, exist_ok=True)
    return base / f"worker-{worker}"


def stamp(pdf: Path, **identity: Any) -> None:  # `stamped`'s keyword arguments
    """`stamped` on a PDF file, in place."""
    data = stamped(pdf.read_bytes(), **identity)
    with atomic_open(pdf, "wb") as handle:
        handle.write(data)


def stamped(
    data: bytes,
    *,
    title: str,
    subject: str,
    number: str,
    decision_id: str,
    rules_version: str,
    content_hash: str,
    issue_date: dt.date,
) -> bytes:
    """The PDF with the document's identity written in and its dates and file identifier (which
    LibreOffice draws at random) fixed, so reruns give the same bytes."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    identifier = ByteStringObject(hashlib.sha256(f"{number}|{content_hash}".encode()).digest()[:16])
    if not hasattr(writer, "_ID"):  # pypdf has no public setter; fail loudly if it is renamed
        raise RuntimeError("pypdf's PdfWriter has no _ID any more: check the pypdf upgrade")
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
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
    writer.root_object.pop(NameObject("/AcroForm"), None)
    writer.add_metadata({"/Title": f"{BUNDLE_TITLE} ({len(pdfs)} dokumen)", "/Producer": "aturan"})
    with atomic_open(out, "wb") as handle:
        writer.write(handle)
