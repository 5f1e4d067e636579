"""The `aturan` command group, and `rules check`."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from aturan.cli import indonesian
from aturan.cli.options import (
    clean_lines,
    project_root,
    user_errors,
)
from aturan.drafting import check_rulebook, check_templates
from aturan.law import Rulebook, load_rulebook
from aturan.project import RULES_ENV, is_rulebook, templates_dir

indonesian.install()  # click's own messages (usage, help, missing options) in Indonesian


class _Notices(logging.Handler):
    """Notices the library gives about input it reads anyway (logger `aturan.notice`), on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"catatan: {clean_lines(record.getMessage())}", err=True)


def _show_notices() -> None:
    logger = logging.getLogger("aturan.notice")
    if not any(isinstance(handler, _Notices) for handler in logger.handlers):
        logger.addHandler(_Notices())
        logger.propagate = False


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """`aturan --version`: the package version, and the five content hashes a decision record's
    version is made of (the same `version_parts` as `issue` records and `replay` compares)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from aturan.documents import PART_SHOWN, VERSION_PARTS, full_version, version_parts
    from aturan.project import config_file

    parts = version_parts(project_root(), config_file(None))
    click.echo(f"aturan {version('aturan')}")
    click.echo(f"Versi isi (catatan keputusan): {full_version(parts)}")
    for part in VERSION_PARTS:
        click.echo(f"  {part}: {parts[part] or '(tidak ada)'}  {PART_SHOWN[part]}")
    ctx.exit()


def _use_rules(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """`aturan --rules DIR` (or ATURAN_RULES): the institution's own rulebook folder replaces the
    shipped one, for this command and everything it starts."""
    if value is None or ctx.resilient_parsing:
        return
    if not is_rulebook(value):
        raise click.BadParameter(
            f"folder {value} tidak berisi rules/ dan regulations/", ctx=ctx, param=param
        )
    os.environ[RULES_ENV] = str(value.resolve())


@click.group()
@click.option(
    "--rules",
    type=click.Path(path_type=Path),
    envvar=RULES_ENV,
    is_eager=True,
    expose_value=False,
    callback=_use_rules,
    help="Folder aturan institusi sendiri (berisi rules/ dan regulations/, boleh juga "
    "templates/docx/ dan config/institution.yaml) pengganti aturan bawaan paket; "
    f"juga lewat variabel lingkungan {RULES_ENV}.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Versi paket dan kelima bagian versi isi (aturan, regulasi, kode, templat, konfigurasi).",
)
def main() -> None:
    """aturan: integrasi hasil penilaian kompetensi dengan pelatihan kepemimpinan ASN,
    sebagai aturan."""
    _show_notices()


@main.group()
def rules() -> None:
    """Memeriksa aturan, parameter, dan korpus regulasi."""


@rules.command("check")
@click.option(
    "--reform",
    "reform_path",
    type=click.Path(path_type=Path),
    help="Periksa satu berkas reformasi saja (terhadap aturan berlaku).",
)
@user_errors
def rules_check(reform_path: Path | None) -> None:
    """Periksa rules/ dan regulations/: skema, id ganda, kutipan, referensi parameter, nilai dan
    batasan antarparameter; dengan --reform, satu berkas reformasi."""
    root = project_root()
    book = load_rulebook(root)
    if reform_path:
        _check_reform(book, reform_path)
    findings = check_rulebook(book) + check_templates(templates_dir(root), book)
    for finding in findings:
        click.echo(str(finding), err=finding.level == "error")
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{errors} galat, {warnings} peringatan.")
    sys.exit(1 if errors else 0)


def _check_reform(book: Rulebook, reform_path: Path) -> None:
    """A reform on its own: refused with one message (exit 2), or its changes listed and what it
    adds to the baseline's findings (exit 1 when that is an error)."""
    from aturan.drafting import check_reform
    from aturan.law import apply_reform

    findings, changes = check_reform(book, apply_reform(book, reform_path))
    click.echo(f"Reformasi {reform_path}: {len(changes)} perubahan.")
    for line in changes:
        click.echo(f"  - {line}")
    for finding in findings:
        click.echo(str(finding), err=finding.level == "error")
    errors = sum(f.level == "error" for f in findings)
    click.echo(f"{errors} galat, {len(findings) - errors} peringatan.")
    sys.exit(1 if errors else 0)


@rules.command("reference")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    help="Tulis ke berkas (mis. docs/rules-reference.md) alih-alih ke layar.",
)
@user_errors
def rules_reference_command(out_file: Path | None) -> None:
    """Referensi penulis aturan: fakta, nilai, operator dan parameter yang boleh dipakai sebuah
    aturan, dari skema fakta dan rules/ (docs/rules-reference.md)."""
    from aturan.drafting import rules_reference
    from aturan.files import write_text

    text = rules_reference(load_rulebook(project_root()))
    if out_file:
        write_text(out_file, text)
        click.echo(f"Referensi ditulis ke {out_file}")
    else:
        click.echo(text, nl=False)
