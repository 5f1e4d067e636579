"""`aturan replay`, and the --operator option of the commands that issue or revoke."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aturan import app
from aturan.cases import clean
from aturan.cli.app import main
from aturan.cli.options import CONFIG, REGISTRY, user_errors
from aturan.documents import shown_value

OPERATOR = click.option(
    "--operator",
    help="Nama operator yang dicatat di registri; bawaan: `operator:` di konfigurasi, "
    "atau nama pengguna sistem.",
)


@main.command()
@click.argument("number")
@REGISTRY
@CONFIG
@user_errors
def replay(number: str, registry_path: Path | str, config_path: Path | None) -> None:
    """Putuskan ulang dokumen bernomor dari catatan keputusannya. Lebih dulu baris registrinya
    dicocokkan dengan entri log audit terakhirnya. `identik` hanya bila baris itu utuh dan
    keputusannya sama; selain itu setiap isian yang berbeda (nilai lama → baru) beserta
    parameter atau aturan penyebabnya (keluar 1). Versi yang tidak sama (aturan, regulasi, kode,
    templat, konfigurasi) disebutkan."""
    again = app.replay(number, registry_path, config_path)
    if again.row_problem:
        click.echo(clean(f"BERBEDA: baris registri dokumen {number}: {again.row_problem}"))
    _echo_versions(again)
    if again.identical:
        click.echo(f"identik: keputusan untuk {clean(number)} sama dengan yang tercatat.")
        return
    if not again.differences:
        click.echo(
            f"Keputusan yang diputuskan ulang sama dengan catatan, tetapi baris registri "
            f"{clean(number)} tidak sama dengan yang diautentikasi: bukan identik."
        )
        sys.exit(1)
    click.echo(f"BERBEDA: {len(again.differences)} isian keputusan untuk {clean(number)} berubah:")
    for path, old, new in again.differences:
        click.echo(clean(f"  {path}: {shown_value(old)} → {shown_value(new)}"))
    click.echo(
        "Penyebab menurut jejak keputusan:"
        if again.causes
        else "Penyebab: tidak tampak pada "
        "parameter atau aturan yang berlaku (lihat versi yang berbeda di atas)."
    )
    for line in again.causes:
        click.echo(clean(f"  {line}"))
    sys.exit(1)


def _echo_versions(again: app.Replay) -> None:
    if again.changed_parts:
        click.echo(
            "Versi berbeda dari saat terbit: "
            + ", ".join(again.changed_parts_shown)
            + f" (versi tercatat {again.recorded_version})"
        )
    else:
        click.echo(f"Versi sama dengan saat terbit ({again.recorded_version}).")
