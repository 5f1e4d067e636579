"""The `aturan` command line: small commands over the library, no logic of their own."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from functools import wraps
from pathlib import Path

import click

from .cases import load_case
from .check import check_rulebook
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
    findings = check_rulebook(load_rulebook(project_root()))
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
