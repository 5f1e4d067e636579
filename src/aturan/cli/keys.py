"""`aturan keys init`: the demo signing key and the registry's keys; `aturan keys export-public`:
the registry's public key, for auditors."""

from __future__ import annotations

from pathlib import Path

import click

from aturan.cases import clean
from aturan.cli.app import main
from aturan.cli.options import CONFIG, config_file, signing_config, user_errors
from aturan.documents import (
    init_keys,
    load_signing_key,
    public_key_id,
    public_key_of,
    public_pem,
)
from aturan.errors import AturanError
from aturan.files import atomic_path, load_yaml


@main.group()
def keys() -> None:
    """Kunci penandatangan dokumen dan kunci registri (HMAC dan Ed25519)."""


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
def keys_init(force: bool, config_path: Path | None) -> None:
    """Buat kunci DEMO (sertifikat swatanda, BUKAN UNTUK PENGGUNAAN RESMI) dan kunci registri
    (kunci HMAC dan kunci penandatangan Ed25519), di lokasi yang ditetapkan konfigurasi. Berkas
    yang sudah ada dibiarkan, kecuali dengan --force."""
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


@keys.command("export-public")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    help="Tulis ke berkas ini (mis. registry.pub); bawaan: cetak ke layar.",
)
@CONFIG
@user_errors
def keys_export_public(out_path: Path | None, config_path: Path | None) -> None:
    """Ekspor kunci publik registri (PEM) untuk auditor: dengannya siapa pun memeriksa log audit
    (`aturan registry audit --public-key registry.pub`) tanpa dapat menulis entri yang sah."""
    config = config_file(config_path)
    public = public_key_of(load_signing_key(load_yaml(config, AturanError) or {}, config))
    text = public_pem(public)
    if out_path is None:
        click.echo(text, nl=False)
        return
    try:
        with atomic_path(out_path) as tmp:
            tmp.write_text(text, encoding="ascii")
    except OSError as exc:
        raise AturanError(
            f"kunci publik tidak dapat ditulis ({exc.strerror or exc})", file=str(out_path)
        ) from None
    click.echo(
        f"Kunci publik registri ditulis ke {clean(str(out_path))} (penanda {public_key_id(public)})"
    )
