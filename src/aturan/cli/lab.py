"""The policy lab's commands: batch, compare, diff, trace-matrix, sample."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from aturan.cli.app import main
from aturan.cli.options import (
    AS_OF,
    ASSESSMENT,
    MODEL,
    PARAM,
    REFORM,
    WORKERS,
    clean_lines,
    progress_bar,
    project_root,
    reformed,
    report_failures,
    rulebook,
    user_errors,
)
from aturan.decide import Decider
from aturan.files import ensure_folder, write_text
from aturan.lab import COST_BASIS, cell, plain_label, run_batch, run_compare, run_diff, signed
from aturan.law import load_rulebook
from aturan.vocabulary import MODEL_SHORT


@main.command()
@click.argument("cohort", type=click.Path(path_type=Path))
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder keluaran."
)
@AS_OF
@MODEL
@ASSESSMENT
@REFORM
@PARAM
@WORKERS
@click.option(
    "--full-trace",
    is_flag=True,
    help="Jejak lengkap di keputusan.jsonl (pasal, fakta, parameter tiap langkah). Bawaan: jejak "
    "ringkas (rumus dan aturan yang berlaku, dengan kesimpulan aturan).",
)
@user_errors
def batch(
    cohort: Path,
    out_dir: Path,
    as_of: dt.date,
    model: str | None,
    assessment: str | None,
    reform_path: Path | None,
    param_pairs: tuple[str, ...],
    workers: int,
    full_trace: bool,
) -> None:
    """Putuskan satu kohort (CSV, XLSX, YAML/JSON): keputusan.jsonl, keputusan.csv,
    kelompok-coaching.csv. Jejak lengkap satu peserta: `aturan explain` atau --full-trace."""
    with progress_bar("Memutuskan") as progress:
        task = progress.add_task("", total=None)
        outcome = run_batch(
            cohort,
            out_dir,
            rulebook(reform_path, param_pairs),
            model,
            assessment,
            as_of,
            workers,
            lambda n: progress.advance(task, n),
            full_trace,
        )
    report_failures(outcome.failures)
    _print_table(("Ringkasan", "Jumlah"), outcome.rows)
    for line in outcome.footing:
        click.echo(line)
    click.echo("Keluaran: " + ", ".join(str(f) for f in outcome.files))
    sys.exit(2 if outcome.failures else 0)


def _print_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    width: int | None = None,
    differences: bool = False,
) -> None:
    """Numbers and rupiah in the id locale (Babel); a last column of differences gets its sign."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*header, title=title)
    for label, *values in rows:
        money = label.endswith(" (Rp)")
        shown = [cell(label, v) for v in values]
        if differences:
            shown[-1] = signed(values[-1], money)
        table.add_row(plain_label(label), *shown)
    Console(width=width).print(table)


@main.command()
@click.argument("cohort", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out/compare"),
    show_default=True,
)
@AS_OF
@ASSESSMENT
@REFORM
@PARAM
@WORKERS
@user_errors
def compare(
    cohort: Path,
    out_dir: Path,
    as_of: dt.date,
    assessment: str | None,
    reform_path: Path | None,
    param_pairs: tuple[str, ...],
    workers: int,
) -> None:
    """Empat model berdampingan pada peserta yang sama: tabel, CSV, dan grafik PNG. Dengan
    --reform atau --param: aturan berlaku dan reformasi berdampingan, dengan selisihnya."""
    book = rulebook()
    changed = reformed(book, reform_path, param_pairs) if reform_path or param_pairs else None
    with progress_bar("Membandingkan") as progress:
        task = progress.add_task("", total=None)
        outcome = run_compare(
            cohort,
            out_dir,
            book,
            assessment,
            as_of,
            workers,
            lambda n: progress.advance(task, n),
            changed,
        )
    click.echo(outcome.title)
    click.echo("\n".join(outcome.footing))
    if changed is None:
        _print_table(("Ukuran", *MODEL_SHORT.values()), outcome.rows, None, 150)
    for model, rows in outcome.tables.items():
        header = ("Ukuran", "Aturan berlaku", "Reformasi", "Selisih")
        _print_table(header, rows, MODEL_SHORT[model], 120, differences=True)
    click.echo(COST_BASIS)
    click.echo("\n".join(outcome.costs))
    for line in outcome.unchanged:
        click.echo(line)
    report_failures(outcome.failures)
    click.echo("Keluaran: " + ", ".join(str(f) for f in outcome.files))
    sys.exit(2 if outcome.failures else 0)


@main.command()
@click.argument("cohort", type=click.Path(path_type=Path))
@click.option(
    "--reform",
    "reform_path",
    type=click.Path(path_type=Path),
    help="Berkas reformasi (YAML); atau --param, atau keduanya.",
)
@PARAM
@AS_OF
@MODEL
@ASSESSMENT
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    help="Tulis juga semua perubahan sebagai JSON lines.",
)
@WORKERS
@user_errors
def diff(
    cohort: Path,
    reform_path: Path | None,
    param_pairs: tuple[str, ...],
    as_of: dt.date,
    model: str | None,
    assessment: str | None,
    out_file: Path | None,
    workers: int,
) -> None:
    """Bandingkan aturan berlaku dengan reformasi: siapa berubah, apa, dan perubahan reformasi
    mana yang sendirian menghasilkannya."""
    if not reform_path and not param_pairs:
        raise click.UsageError("beri --reform BERKAS atau --param ID=NILAI")
    book = load_rulebook(project_root())
    outcome = run_diff(
        cohort,
        book,
        reformed(book, reform_path, param_pairs),
        model,
        assessment,
        as_of,
        workers,
        out_file,
        lambda text: click.echo(clean_lines(text)),
    )
    (_, changed), *counts = outcome.rows
    click.echo("\n" + "\n".join(outcome.footing))
    click.echo(f"\n{changed} peserta berubah. Ringkasan per sebab:")
    for label, count in counts:
        click.echo(f"  {label}: {count} peserta")
    if sum(n for label, n in counts if label.startswith("sebab: ")) > changed:
        click.echo("  (peserta yang berubah karena beberapa sebab dihitung pada setiap sebabnya)")
    if outcome.apart:
        click.echo(
            f"{outcome.apart} peserta bukan sasaran hanya berubah pada isian informatif "
            "(dicantumkan terpisah di atas; tidak dihitung berubah)."
        )
    for line in outcome.unchanged:
        click.echo(line)
    report_failures(outcome.failures)
    sys.exit(2 if outcome.failures else 0)


@main.command("trace-matrix")
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True
)
@user_errors
def trace_matrix(out_dir: Path) -> None:
    """Matriks ketertelusuran: setiap klausul, aturan yang mengutipnya, dan kasus golden yang
    menguji aturan itu."""
    from aturan.drafting import build_matrix, to_html, to_markdown

    book = load_rulebook(project_root())
    rows = build_matrix(book, Decider(book), project_root() / "golden")
    ensure_folder(out_dir)
    write_text(out_dir / "trace-matrix.md", to_markdown(rows))
    write_text(out_dir / "trace-matrix.html", to_html(rows, book.version))
    untested = sum(1 for r in rows if r["untested_rules"])
    uncited = sum(1 for r in rows if not r["rules"])
    reasoned = sum(1 for r in rows if not r["rules"] and r["reason"])
    click.echo(
        f"{len(rows)} klausul: {uncited} tanpa aturan ({reasoned} dengan alasan tertulis), "
        f"{untested} aturan tanpa kasus golden. "
        f"Keluaran: {out_dir / 'trace-matrix.md'}, {out_dir / 'trace-matrix.html'}"
    )


@main.command()
@click.option("--size", type=click.IntRange(1), default=100, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    required=True,
    help=".csv, .yaml atau .json",
)
@click.option(
    "--tahun",
    "years",
    callback=lambda ctx, param, value: _years(value),
    default="2026",
    show_default=True,
    help="Tahun pelatihan: satu tahun (2027) atau rentang (2026-2028).",
)
@user_errors
def sample(size: int, seed: int, out_file: Path, years: tuple[int, int]) -> None:
    """Buat kohort sintetis (bukan orang sungguhan) untuk demo, uji, dan benchmark."""
    from aturan.lab import generate, write_cohort

    ensure_folder(out_file.parent)  # a missing folder is made, as for --out elsewhere
    count = write_cohort(generate(size, seed, years), out_file)
    span = str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
    click.echo(f"{count} peserta sintetis ditulis ke {out_file}")
    click.echo(f"Tahun pelatihan: {span} (ubah dengan --tahun).")


YEAR_MIN, YEAR_MAX = 2024, 2099  # after the paper (December 2023), within the plausible dates


def _years(text: str) -> tuple[int, int]:
    first, sep, last = text.strip().partition("-")
    try:
        years = (int(first), int(last) if sep else int(first))
    except ValueError:
        raise click.BadParameter(
            f"'{text}' bukan tahun (2027) atau rentang tahun (2026-2028)", param_hint="--tahun"
        ) from None
    if not YEAR_MIN <= years[0] <= years[1] <= YEAR_MAX:
        raise click.BadParameter(
            f"'{text}': tahun harus antara {YEAR_MIN} dan {YEAR_MAX}, yang awal lebih dulu",
            param_hint="--tahun",
        )
    return years
