"""`aturan serve`: the public verification page and JSON API, on uvicorn."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

from aturan.cli.app import main
from aturan.cli.options import CONFIG, REGISTRY, check_day, open_registry, user_errors
from aturan.documents import check_base_url, verification_url
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
    "--rate-limit-storage",
    default="memory://",
    show_default=True,
    help="Tempat hitungan batas permintaan: memory:// (satu proses), "
    "aturan+sqlite:///BERKAS (semua worker di satu mesin) atau "
    "aturan+postgresql://PENGGUNA:SANDI@HOST/BASISDATA (beberapa mesin).",
)
@click.option(
    "--api-putusan",
    is_flag=True,
    help="Aktifkan API keputusan (/api/decide, /api/explain); bawaan: mati di layanan publik.",
)
@click.option(
    "--pekerja-putusan",
    "decide_workers",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Jumlah proses khusus API keputusan (per proses pelayan), berprioritas lebih rendah "
    "daripada verifikasi.",
)
@click.option(
    "--batas-waktu-putusan",
    "decide_timeout",
    type=click.FloatRange(0.001, 600),
    default=10,
    show_default=True,
    help="Detik paling lama untuk satu permintaan API keputusan; lewat itu dihentikan (503).",
)
@click.option(
    "--batas-waktu-header",
    "header_timeout",
    type=click.FloatRange(0.5, 300),
    default=10,
    show_default=True,
    help="Detik bagi klien untuk mengirim seluruh header permintaan; lewat itu sambungan ditutup.",
)
@click.option(
    "--batas-waktu-badan",
    "body_timeout",
    type=click.FloatRange(0.5, 3600),
    default=60,
    show_default=True,
    help="Detik bagi klien untuk mengirim seluruh badan permintaan (unggahan).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Jumlah proses pelayan (uvicorn); dengan lebih dari satu, batas permintaan hanya "
    "dihitung bersama bila --rate-limit-storage bukan memory://.",
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
    rate_limit_storage: str,
    api_putusan: bool,
    decide_workers: int,
    decide_timeout: float,
    header_timeout: float,
    body_timeout: float,
    workers: int,
    number: str | None,
    registry_path: Path | str,
    config_path: Path | None,
) -> None:
    """Halaman verifikasi publik dan API JSON (verify; decide dan explain dengan --api-putusan);
    hanya membaca registri, tidak pernah memigrasinya."""
    if number:
        click.echo(_url_of(number, registry_path, config_path))
        return
    from aturan.web import create_app, run_server, usable_storage

    on = check_day()
    options: dict[str, Any] = {
        "max_upload_mb": max_upload_mb,
        "rate_limit": _rate(rate_limit),
        "rate_limit_storage": usable_storage(rate_limit_storage),
        "api_decide": api_putusan,
        "decide_workers": decide_workers,
        "decide_timeout": decide_timeout,
    }
    app = create_app(  # made here also with workers: a bad setting is one message, at once
        registry_path, config_path, clock=(lambda: on) if on else None, **options
    )
    warning = base_url_warning(config_path)
    if warning:
        click.echo(f"perhatian: {warning}", err=True)
    if workers > 1 and options["rate_limit_storage"] == "memory://":
        click.echo(
            f"perhatian: dengan --workers {workers} dan memory://, setiap proses menghitung batas "
            "permintaannya sendiri; pakai --rate-limit-storage aturan+sqlite:///BERKAS",
            err=True,
        )
    click.echo(f"Halaman verifikasi: http://{host}:{port}/verifikasi (Ctrl+C untuk berhenti)")
    if workers > 1:
        _serve_workers(
            registry_path,
            config_path,
            on,
            options,
            (host, port),
            workers,
            (header_timeout, body_timeout),
        )
        return
    run_server(app, host, port, header_timeout, body_timeout)


def _serve_workers(
    registry_path: Path | str,
    config_path: Path | None,
    on: dt.date | None,
    options: dict[str, Any],
    address: tuple[str, int],
    workers: int,
    timeouts: tuple[float, float],
) -> None:
    """uvicorn's worker processes, each making the app from the settings in the environment."""
    from aturan.web import FACTORY, SETTINGS_ENV, run_server, settings_for_workers

    day = {"day": on.isoformat()} if on else {}
    os.environ[SETTINGS_ENV] = settings_for_workers(registry_path, config_path, **options, **day)
    run_server(FACTORY, *address, *timeouts, workers=workers)


def _url_of(number: str, registry_path: Path | str, config_path: Path | None) -> str:
    store, settings = open_registry(registry_path, config_path)
    row = store.get(number)
    if row is None:
        raise AturanError(f"nomor dokumen '{number}' tidak terdaftar", field="--print-url")
    return verification_url(settings.verification_base_url, number, row["content_hash"])


def base_url_warning(config_path: Path | None) -> str | None:
    """The base URL's warning; the server starts even for a refused one (it prints nothing)."""
    try:
        return check_base_url(config_path)
    except AturanError as exc:
        return exc.message


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
