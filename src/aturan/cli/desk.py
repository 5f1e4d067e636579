"""`aturan desk`: the signed-in desk for operators, auditors and admins, on uvicorn; separate from
the public `aturan serve` (its own port and exposure)."""

from __future__ import annotations

from pathlib import Path

import click

from aturan.cli.app import main
from aturan.cli.options import CONFIG, REGISTRY, check_day, user_errors

DESK_PORT = 8100


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengarkan.")
@click.option("--port", type=click.IntRange(1, 65535), default=DESK_PORT, show_default=True)
@REGISTRY
@CONFIG
@user_errors
def desk(host: str, port: int, registry_path: Path | str | None, config_path: Path | None) -> None:
    """Meja kerja: operator, auditor dan admin masuk dengan akunnya (dibuat dengan `aturan users
    add`) dan bekerja di peramban, masing-masing di dalam institusinya. Jangan dibuka ke publik:
    halaman verifikasi publik tetap `aturan serve`."""
    from aturan.desk import create_desk_app
    from aturan.web import run_server

    on = check_day()
    app = create_desk_app(config_path, registry_path, clock=(lambda: on) if on else None)
    click.echo(f"Meja kerja: http://{host}:{port}/masuk (Ctrl+C untuk berhenti)")
    run_server(app, host, port)
