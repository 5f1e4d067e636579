"""`aturan serve`: the public verification page and JSON API, on uvicorn."""

from __future__ import annotations

from pathlib import Path

import click

from aturan.cli.app import main
from aturan.cli.options import CONFIG, REGISTRY, check_day, open_registry, user_errors
from aturan.documents import verification_url
from aturan.errors import AturanError


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengarkan.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--max-upload-mb",
    type=click.FloatRange(0.1, 100),
    default=10,
    show_default=True,
    help="Batas ukuran berkas unggahan (MB).",
)
@click.option(
    "--rate-limit",
    default="30/minute",
    show_default=True,
    help="Batas permintaan per alamat klien, mis. 30/minute.",
)
@click.option(
    "--print-url",
    "number",
    help="Cetak alamat halaman verifikasi untuk nomor dokumen ini, lalu keluar.",
)
@REGISTRY
@CONFIG
@user_errors
def serve(
    host: str,
    port: int,
    max_upload_mb: float,
    rate_limit: str,
    number: str | None,
    registry_path: Path | str,
    config_path: Path | None,
) -> None:
    """Halaman verifikasi publik dan API JSON (decide, explain, verify); hanya membaca registri."""
    if number:
        click.echo(_url_of(number, registry_path, config_path))
        return
    import uvicorn

    from aturan.web import create_app

    on = check_day()
    app = create_app(
        registry_path,
        config_path,
        max_upload_mb=max_upload_mb,
        rate_limit=_rate(rate_limit),
        clock=(lambda: on) if on else None,
    )
    click.echo(f"Halaman verifikasi: http://{host}:{port}/verifikasi (Ctrl+C untuk berhenti)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _url_of(number: str, registry_path: Path | str, config_path: Path | None) -> str:
    store, settings = open_registry(registry_path, config_path)
    row = store.get(number)
    if row is None:
        raise AturanError(f"nomor dokumen '{number}' tidak terdaftar", field="--print-url")
    return verification_url(settings.verification_base_url, number, row["content_hash"])


def _rate(text: str) -> str:
    from limits import parse_many

    try:
        parse_many(text)
    except ValueError:
        raise AturanError(
            f"batas permintaan {text!r} tidak dikenali; contoh: 30/minute, 100/hour",
            field="--rate-limit",
        ) from None
    return text
