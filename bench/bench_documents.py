"""Documents per second, next to the raw libraries in the same run.

- DOCX: aturan's Issuer (numbering in SQLite, context, docxtpl render, deterministic zip,
  text hash) against raw docxtpl rendering the same templates with the same contexts;
- PDF: the Issuer's own PDF step, `Issuer.signed_pdfs` (LibreOffice kept alive, one per worker,
  as many workers as cores, run with jemalloc where installed; each PDF stamped with pypdf and
  signed with pyHanko as soon as it is converted), against raw `soffice --convert-to pdf` on the
  same files in one process at a time (in calls of at most 200 files: soffice silently drops files
  beyond ~247 per call), as installed and again with the allocator aturan gives its workers.
  Also two raw soffice side by side with that allocator, each on half the files: what two
  LibreOffice processes give on this machine without aturan's work. Signing uses a throwaway demo
  key made for the run. The four are run REPEATS times, interleaved, and each one's best run is
  kept.

Usage: python bench/bench_documents.py [N]   (default 500 documents)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from docxtpl import DocxTemplate

from aturan.cases import case_from_data
from aturan.decide import Decider
from aturan.documents import Registry, Settings, issuing, numbering_codes, pdf
from aturan.documents.signing import SigningConfig, init_keys, load_signer
from aturan.lab import generate
from aturan.law import load_rulebook

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 3
AS_OF, ISSUE_DATE = dt.date(2028, 12, 31), dt.date(2029, 1, 2)


def main(target: int) -> dict:
    decider = Decider(load_rulebook(ROOT))
    settings = Settings.load(ROOT / "config" / "institution.yaml")
    items, count = [], 0
    for raw in generate(target * 2, seed=5):
        case = case_from_data(raw)
        decision = decider.decide(case, AS_OF)
        if count + len(decision.documents) > target:
            continue
        items.append((case, decision))
        count += len(decision.documents)
        if count == target:
            break
    work = Path(tempfile.mkdtemp(prefix="aturan-bench-"))
    recorded = []
    original = issuing.render_docx

    def recording(template, context, out, qr, date):
        recorded.append((template, context))
        return original(template, context, out, qr, date)

    issuing.render_docx = recording
    key = secrets.token_bytes(32)  # a throwaway registry key: the bench's registry is scratch
    codes = numbering_codes(decider.rulebook, settings.codes)
    registry = Registry(
        work / "reg.sqlite",
        settings.number_format,
        codes,
        key=key,
        signing_key=secrets.token_bytes(32),
    )
    issuer = issuing.Issuer(
        decider.rulebook, settings, registry, ROOT / "templates" / "docx", work / "aturan"
    )
    start = time.perf_counter()
    report = issuer.issue(items, ISSUE_DATE, pdf=False)
    docx_seconds = time.perf_counter() - start
    issuing.render_docx = original

    raw_dir = work / "raw"
    raw_dir.mkdir()
    start = time.perf_counter()
    for index, (template, context) in enumerate(recorded):
        tpl = DocxTemplate(str(template))
        tpl.render(dict(context, qr=None), autoescape=True)
        tpl.save(str(raw_dir / f"{index:04d}.docx"))
    raw_docx_seconds = time.perf_counter() - start

    docx_files = [e["docx"] for e in report.all]
    issuer.signer = _throwaway_signer(work)
    issuer.signed_pdfs(report.all[:2])  # warm aturan's worker profiles (and pyHanko) the same way
    for profile in ("rawprofile", "rawprofile2"):  # warm the raw profiles
        _raw_soffice(docx_files[:1], work / "warm", work / profile, {})
    load_before = os.getloadavg()
    aturan_pdf, raw_pdf, raw_jemalloc, raw_pair = [], [], [], []
    for _ in range(REPEATS):  # interleaved, each side's best kept: noise only ever slows a run
        cpu, start = _cpu_seconds(), time.perf_counter()
        issuer.signed_pdfs(report.all)
        aturan_pdf.append((time.perf_counter() - start, _cpu_seconds() - cpu))
        raw_pdf.append(_raw_soffice(docx_files, work / "rawpdf", work / "rawprofile", {}))
        raw_jemalloc.append(
            _raw_soffice(docx_files, work / "rawpdf", work / "rawprofile", _jemalloc_preload())
        )
        raw_pair.append(_raw_soffice_pair(docx_files, work, _jemalloc_preload()))
    (pdf_seconds, pdf_cpu), (raw_pdf_seconds, raw_cpu) = min(aturan_pdf), min(raw_pdf)
    raw_jemalloc_seconds, raw_pair_seconds = min(raw_jemalloc)[0], min(raw_pair)
    raw_pdfs = len(list((work / "rawpdf").glob("*.pdf")))
    shutil.rmtree(work)

    n = len(docx_files)
    result = {
        "documents": n,
        "workers": os.cpu_count(),
        "aturan_docx_per_s": round(n / docx_seconds, 1),
        "raw_docxtpl_per_s": round(n / raw_docx_seconds, 1),
        "docx_ratio_of_raw": round(raw_docx_seconds / docx_seconds, 2),
        "aturan_pdf_per_s": round(n / pdf_seconds, 1),
        "raw_soffice_per_s": round(n / raw_pdf_seconds, 1),
        "pdf_speedup_vs_raw": round(raw_pdf_seconds / pdf_seconds, 2),
        "raw_soffice_jemalloc_per_s": round(n / raw_jemalloc_seconds, 1),
        "pdf_speedup_vs_raw_jemalloc": round(raw_jemalloc_seconds / pdf_seconds, 2),
        "pdf_runs_s": [round(t, 1) for t, _ in aturan_pdf],
        "raw_soffice_runs_s": [round(t, 1) for t, _ in raw_pdf],
        "raw_soffice_jemalloc_runs_s": [round(t, 1) for t, _ in raw_jemalloc],
        # two raw soffice side by side, each on half the files, with that allocator: what two
        # LibreOffice processes give on this machine's cores, without any of aturan's work
        "two_raw_soffice_jemalloc_per_s": round(n / raw_pair_seconds, 1),
        "two_raw_soffice_jemalloc_speedup_vs_raw_jemalloc": round(
            raw_jemalloc_seconds / raw_pair_seconds, 2
        ),
        "raw_soffice_pdfs_written": raw_pdfs,
        # CPU seconds per document (this process and the LibreOffice processes it waited for):
        # the work each side does, whatever else shares the machine
        "aturan_pdf_cpu_s_per_doc": round(pdf_cpu / n, 3),
        "raw_soffice_cpu_s_per_doc": round(raw_cpu / n, 3),
        "load_average_before_pdf": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))
    return result


def _raw_soffice(docx_files: list[Path], out: Path, profile: Path, preload: dict) -> tuple:
    """(seconds, CPU seconds) for one raw soffice converting the files, in calls of at most
    MAX_FILES_PER_CALL (it drops files beyond about 247 per call)."""
    out.mkdir(exist_ok=True)
    cpu, start = _cpu_seconds(), time.perf_counter()
    for first in range(0, len(docx_files), pdf.MAX_FILES_PER_CALL):
        subprocess.run(
            [
                pdf.soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, docx_files[first : first + pdf.MAX_FILES_PER_CALL]),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, **preload},
        )
    return time.perf_counter() - start, _cpu_seconds() - cpu


def _raw_soffice_pair(docx_files: list[Path], work: Path, preload: dict) -> float:
    """Seconds for two raw soffice processes side by side, each converting half the files."""
    halves = [(docx_files[0::2], "rawprofile"), (docx_files[1::2], "rawprofile2")]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [
            pool.submit(_raw_soffice, files, work / "rawpair", work / profile, preload)
            for files, profile in halves
        ]:
            future.result()
    return time.perf_counter() - start


def _jemalloc_preload() -> dict:
    """The raw soffice with the allocator aturan's LibreOffice workers use (pdf.office_environment),
    to show what keeping LibreOffice alive and working in parallel gives on its own."""
    preload = pdf.office_environment().get("LD_PRELOAD")
    return {"LD_PRELOAD": preload} if preload else {}


def _cpu_seconds() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _throwaway_signer(work: Path):
    """A demo signing key made for this run only, like the bench's throwaway registry key."""
    config = replace(
        SigningConfig.load(ROOT / "config" / "institution.yaml"),
        pkcs12=work / "keys" / "signer.p12",
        trust_roots=(work / "keys" / "root.pem",),
        registry_key=work / "keys" / "registry.key",
        registry_signing_key=work / "keys" / "registry-signing.key",
        passphrase_env="ATURAN_BENCH_NO_PASSPHRASE",
        demo=True,
    )
    init_keys(config)
    return load_signer(config)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
