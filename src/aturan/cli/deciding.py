"""Commands that decide and explain one participant, run the golden cases, and list the
interpretive choices."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from aturan.cases import (
    load_case,
)
from aturan.cli.app import main
from aturan.cli.options import (
    AS_OF,
    ASSESSMENT,
    MODEL,
    PARAM,
    REFORM,
    decider,
    interpretations_text,
    project_root,
    user_errors,
)
from aturan.decide import explain as explain_text
from aturan.drafting import golden_files, run_golden
from aturan.errors import InputError
from aturan.law import interpretations as list_interpretations
from aturan.law import load_rulebook


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path))
@AS_OF
@MODEL
@ASSESSMENT
@REFORM
@PARAM
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@user_errors
def decide(
    case_file: Path,
    as_of: dt.date,
    model: str | None,
    assessment: str | None,
    reform_path: Path | None,
    param_pairs: tuple[str, ...],
    fmt: str,
) -> None:
    """Putuskan satu kasus peserta (YAML atau JSON)."""
    runner = decider(model, assessment, reform_path, param_pairs)
    decision = runner.decide(load_case(case_file), as_of)
    if fmt == "json":
        click.echo(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(explain_text(decision, runner.rulebook, "id"))


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path))
@AS_OF
@MODEL
@ASSESSMENT
@REFORM
@PARAM
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", help="Bahasa penjelasan.")
@click.option(
    "--rinci", "detail", is_flag=True, help="Semua langkah, dengan fakta dan parameternya."
)
@user_errors
def explain(
    case_file: Path,
    as_of: dt.date,
    model: str | None,
    assessment: str | None,
    reform_path: Path | None,
    param_pairs: tuple[str, ...],
    lang: str,
    detail: bool,
) -> None:
    """Jelaskan keputusan: ringkasan dan langkah yang menentukan, masing-masing mengutip pasalnya
    dalam kalimat utuh (di bawah reformasi atau --param: pasal yang berlaku pada tanggal setiap
    langkah); --rinci untuk semua langkah."""
    runner = decider(model, assessment, reform_path, param_pairs)
    decision = runner.decide(load_case(case_file), as_of)
    click.echo(explain_text(decision, runner.rulebook, lang, detail))


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Tampilkan juga uji yang lulus.")
@user_errors
def golden_test(paths: tuple[Path, ...], verbose: bool) -> None:
    """Jalankan kasus golden (bawaan: golden/), seperti `openfisca test`."""
    runner = decider()
    files = golden_files(list(paths) or [project_root() / "golden"])
    if not files:
        raise InputError(
            "folder ini tidak berisi berkas golden (*.yaml)",
            file=", ".join(map(str, paths)) or None,
        )
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
def interpretations(as_of: dt.date, fmt: str) -> None:
    """Daftar semua pilihan tafsir (parameter interpretatif): pertanyaan, nilai kini, dasar,
    alternatif."""
    items = list_interpretations(load_rulebook(project_root()), as_of)
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(interpretations_text(items, as_of))
