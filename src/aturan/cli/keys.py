"""`aturan keys init`: the demo signing key and the registry's key."""

from __future__ import annotations

import click

from aturan.cli.app import main
from aturan.cli.options import CONFIG, signing_config, user_errors
from aturan.documents import init_keys


@main.group()
def keys():
    """Kunci penandatangan dan kunci registri."""


@keys.command("init")
@click.option(
    "--force",
    is_flag=True,
    help="Buat ulang walaupun berkas kunci sudah ada: PDF yang ditandatangani dengan kunci lama "
    "tidak lagi terverifikasi, dan registri yang diautentikasi dengan kunci lama tidak lagi lolos "
    "audit.",
)
@CONFIG
@user_errors
def keys_init(force, config_path):
    """Buat kunci DEMO (sertifikat swatanda, BUKAN UNTUK PENGGUNAAN RESMI) dan kunci registri, di
    lokasi yang ditetapkan konfigurasi. Berkas yang sudah ada dibiarkan, kecuali dengan --force."""
    config = signing_config(config_path)
    for path, created in init_keys(config, force=force):
        click.echo(f"{'dibuat' if created else 'sudah ada'}: {path}")
    if not config.demo:
        click.echo(
            "signing.demo bukan true: kunci penandatangan adalah milik institusi dan tidak dibuat "
            "di sini (hanya kunci registri)."
        )
        return
    click.echo(
        "Kunci DEMO: frasa sandinya diumumkan (aturan-demo), jadi tanda tangannya tidak "
        "membuktikan apa pun di luar uji coba. Untuk penggunaan resmi, pakai sertifikat "
        "institusi (README)."
    )
