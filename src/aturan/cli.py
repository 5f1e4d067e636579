"""The `aturan` command line: small commands over the library, no logic of their own."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from functools import wraps
from pathlib import Path

import click

from .cases import case_from_data, load_case
from .cohort import read_cohort
from .cohort_rules import assign_coaching_groups
from .documents import Settings
from .issuing import Issuer, verify as verify_file
from .registry import Registry, now_iso
from .yamlio import load_yaml
from .check import check_rulebook, check_templates
from .decision import Decider
from .errors import AturanError
from .explain import explain as explain_text
from .golden import golden_files, run_golden
from .interpretations import interpretations as list_interpretations
from .rulebook import load_rulebook


def project_root() -> Path:
    """ATURAN_ROOT, else the nearest folder upwards holding rules/ and regulations/, else the source checkout."""
    if os.environ.get("ATURAN_ROOT"):
        return Path(os.environ["ATURAN_ROOT"])
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "rules").is_dir() and (folder / "regulations").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


def user_errors(func):
    """Errors a user can cause become one message and exit status 2, never a traceback."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except AturanError as exc:
            click.echo(f"galat: {exc}", err=True)
            sys.exit(2)
    return wrapper


def parse_date(ctx, param, value):
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan tanggal ISO (YYYY-MM-DD)") from None


AS_OF = click.option("--as-of", callback=parse_date, help="Tanggal keputusan (YYYY-MM-DD); bawaan: hari ini.")
MODEL = click.option("--model", type=click.Choice(["flexible", "cluster", "a-la-carte", "generic"]),
                     help="Model integrasi (Alternatif I-IV); bawaan: parameter integration.model.")
ASSESSMENT = click.option("--assessment", type=click.Choice(["integrated", "separate"]),
                          help="Opsi penilaian kompetensi pasca pelatihan; bawaan: parameter integration.assessment_option.")


def decider(model: str | None = None, assessment: str | None = None) -> Decider:
    return Decider(load_rulebook(project_root()), model=model, assessment=assessment)


@click.group()
@click.version_option(package_name="aturan")
def main():
    """aturan: integrasi hasil penilaian kompetensi dengan pelatihan kepemimpinan ASN, sebagai aturan."""


@main.group()
def rules():
    """Memeriksa aturan, parameter, dan korpus regulasi."""


@rules.command("check")
@user_errors
def rules_check():
    """Periksa rules/ dan regulations/: skema, id ganda, kutipan, referensi parameter."""
    root = project_root()
    findings = check_rulebook(load_rulebook(root)) + check_templates(root / "templates" / "docx")
    for finding in findings:
        click.echo(str(finding), err=finding.level == "error")
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{errors} galat, {warnings} peringatan.")
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path))
@AS_OF
@MODEL
@ASSESSMENT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@user_errors
def decide(case_file, as_of, model, assessment, fmt):
    """Putuskan satu kasus peserta (YAML atau JSON)."""
    runner = decider(model, assessment)
    decision = runner.decide(load_case(case_file), as_of)
    if fmt == "json":
        click.echo(json.dumps(decision, ensure_ascii=False, indent=2))
    else:
        click.echo(explain_text(decision, runner.rulebook, "id"))


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path))
@AS_OF
@MODEL
@ASSESSMENT
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", help="Bahasa penjelasan.")
@user_errors
def explain(case_file, as_of, model, assessment, lang):
    """Jelaskan keputusan langkah demi langkah, mengutip pasalnya."""
    runner = decider(model, assessment)
    click.echo(explain_text(runner.decide(load_case(case_file), as_of), runner.rulebook, lang))


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Tampilkan juga uji yang lulus.")
@user_errors
def golden_test(paths, verbose):
    """Jalankan kasus golden (bawaan: golden/), seperti `openfisca test`."""
    runner = decider()
    files = golden_files(list(paths) or [project_root() / "golden"])
    passed = failed = 0
    for path in files:
        for result in run_golden(runner, path):
            if result.passed:
                passed += 1
                if verbose:
                    click.echo(f"LULUS  {result.file}:{result.line} {result.name}")
            else:
                failed += 1
                click.echo(f"GAGAL  {result.file}:{result.line} {result.name}")
                for failure in result.failures:
                    click.echo(f"         {failure}")
    click.echo(f"{passed} lulus, {failed} gagal, dari {len(files)} berkas.")
    sys.exit(1 if failed else 0)


@main.command()
@AS_OF
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@user_errors
def interpretations(as_of, fmt):
    """Daftar semua pilihan tafsir (parameter interpretatif): pertanyaan, nilai kini, dasar, alternatif."""
    items = list_interpretations(load_rulebook(project_root()), as_of)
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    for number, item in enumerate(items, 1):
        click.echo(f"{number}. {item['id']}: {item['title']}")
        click.echo(f"   Pertanyaan: {item['question']}")
        click.echo(f"   Nilai per {as_of.isoformat()}: {_short(item['value'])} (sejak {item['since']}, {item['status']})")
        click.echo(f"   Dasar: {'; '.join(item['citations'])}")
        for alternative in item["alternatives"]:
            click.echo(f"   - alternatif: {alternative}")
        click.echo(f"   Berkas: {item['file']}")
        click.echo("")


def _short(value, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + " ..."


REGISTRY = click.option("--registry", "registry_path", type=click.Path(path_type=Path),
                        default=lambda: os.environ.get("ATURAN_REGISTRY", "aturan-registry.sqlite"),
                        show_default="aturan-registry.sqlite, atau $ATURAN_REGISTRY", help="Berkas SQLite registri dokumen.")
CONFIG = click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
                      help="Konfigurasi institusi (bawaan: config/institution.yaml).")


def open_registry(path: Path, config_path: Path | None = None) -> tuple[Registry, Settings]:
    settings = Settings.load(config_path or project_root() / "config" / "institution.yaml")
    return Registry(path, settings.number_format, settings.codes), settings


def load_participants(path: Path) -> tuple[list, list]:
    """A single case file, or a cohort (CSV, XLSX, YAML/JSON list): (cases, bad rows)."""
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        data = json.loads(path.read_text(encoding="utf-8")) if path.suffix.lower() == ".json" else load_yaml(path)
        if isinstance(data, dict) and "nip" in data:
            return [case_from_data(data, str(path))], []
    rows = list(read_cohort(path))
    return [r.case for r in rows if r.ok], [r.error for r in rows if not r.ok]


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder keluaran dokumen.")
@click.option("--pdf", is_flag=True, help="Juga buat PDF (LibreOffice) dan bundel cetak.")
@click.option("--issue-date", callback=parse_date, help="Tanggal dokumen (YYYY-MM-DD); bawaan: hari ini.")
@AS_OF
@MODEL
@ASSESSMENT
@REGISTRY
@CONFIG
@user_errors
def issue(source, out_dir, pdf, issue_date, as_of, model, assessment, registry_path, config_path):
    """Terbitkan dokumen untuk satu kasus atau satu kohort: bernomor, terdaftar, dapat diverifikasi."""
    from rich.progress import Progress
    runner = decider(model, assessment)
    cases, bad = load_participants(source)
    for error in bad:
        click.echo(f"galat: {error}", err=True)
    decisions = [(case, runner.decide(case, as_of)) for case in cases]
    size = runner.law_on(as_of)[1]["coaching.group_size_max"]
    assign_coaching_groups([d for _, d in decisions], int(size), _citation(runner))
    registry, settings = open_registry(registry_path, config_path)
    issuer = Issuer(runner.rulebook, settings, registry, project_root() / "templates" / "docx", out_dir)
    with Progress(transient=True) as progress:
        task = progress.add_task("Menerbitkan", total=len(decisions))
        report = issuer.issue(decisions, issue_date, pdf, progress=lambda: progress.advance(task))
    click.echo(f"{len(report.issued)} dokumen baru, {len(report.reissued)} sudah terdaftar (nomor yang sama), "
               f"{len(report.changed)} terdaftar dengan isi berbeda (tidak diubah), {len(bad)} baris ditolak.")
    for entry in report.changed:
        click.echo(f"perhatian: {entry['number']} ({entry['type']}, NIP {entry['nip']}) sudah terbit dengan isi lain; "
                   "cabut dulu bila perlu diterbitkan ulang.", err=True)
    if report.bundle:
        click.echo(f"Bundel cetak: {report.bundle}")
    sys.exit(1 if bad else 0)


def _citation(runner):
    def citation(clause_id):
        clause = runner.rulebook.corpus.clause(clause_id)
        return clause.citation if clause else clause_id
    return citation


@main.group()
def registry():
    """Registri dokumen: daftar, rincian, pencabutan, audit rantai log."""


@registry.command("list")
@click.option("--type", "doc_type", help="Hanya jenis dokumen ini.")
@REGISTRY
@CONFIG
@user_errors
def registry_list(doc_type, registry_path, config_path):
    """Daftar dokumen yang sudah diterbitkan."""
    from rich.console import Console
    from rich.table import Table
    store, _ = open_registry(registry_path, config_path)
    table = Table("Nomor", "Jenis", "NIP", "Nama", "Tanggal", "Status")
    for row in store.list(doc_type):
        table.add_row(row["number"], row["doc_type"], row["nip"], row["name"], row["doc_date"], row["status"])
    Console().print(table)


@registry.command("show")
@click.argument("number")
@REGISTRY
@CONFIG
@user_errors
def registry_show(number, registry_path, config_path):
    """Rincian satu dokumen."""
    store, _ = open_registry(registry_path, config_path)
    row = store.get(number)
    if row is None:
        raise AturanError(f"nomor dokumen '{number}' tidak terdaftar")
    click.echo(json.dumps(row, ensure_ascii=False, indent=2))


@registry.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, help="Alasan pencabutan (dicatat di log audit).")
@REGISTRY
@CONFIG
@user_errors
def registry_revoke(number, reason, registry_path, config_path):
    """Cabut dokumen, dengan alasan."""
    store, _ = open_registry(registry_path, config_path)
    store.revoke(number, reason, now_iso())
    click.echo(f"Dokumen {number} dicabut: {reason}")


@registry.command("audit")
@REGISTRY
@CONFIG
@user_errors
def registry_audit(registry_path, config_path):
    """Periksa rantai hash log audit dan kesinambungan penomoran."""
    store, _ = open_registry(registry_path, config_path)
    problems = store.audit() + store.gaps()
    for problem in problems:
        click.echo(f"GALAT: {problem}", err=True)
    click.echo("Log audit utuh dan penomoran tanpa celah." if not problems else f"{len(problems)} masalah.")
    sys.exit(1 if problems else 0)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True))
@REGISTRY
@CONFIG
@user_errors
def verify(file, registry_path, config_path):
    """Periksa keaslian dokumen PDF/DOCX terhadap registri."""
    store, _ = open_registry(registry_path, config_path)
    verdict = verify_file(file, store)
    click.echo(f"{verdict.status.upper()}: {verdict.message}" + (f" (nomor {verdict.number})" if verdict.number else ""))
    sys.exit(0 if verdict.status == "sah" else 1)


if __name__ == "__main__":
    main()
