"""The `aturan` command group, and `rules check`."""

from __future__ import annotations

import sys

import click

from aturan.cli.options import (
    project_root,
    user_errors,
)
from aturan.drafting import check_rulebook, check_templates
from aturan.law import load_rulebook


@click.group()
@click.version_option(package_name="aturan")
def main():
    """aturan: integrasi hasil penilaian kompetensi dengan pelatihan kepemimpinan ASN,
    sebagai aturan."""


@main.group()
def rules():
    """Memeriksa aturan, parameter, dan korpus regulasi."""


@rules.command("check")
@user_errors
def rules_check():
    """Periksa rules/ dan regulations/: skema, id ganda, kutipan, referensi parameter."""
    root = project_root()
    book = load_rulebook(root)
    findings = check_rulebook(book) + check_templates(root / "templates" / "docx", book)
    for finding in findings:
        click.echo(str(finding), err=finding.level == "error")
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{errors} galat, {warnings} peringatan.")
    sys.exit(1 if errors else 0)
