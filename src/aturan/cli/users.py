"""`aturan users`: the desk's accounts (the first admin comes from here)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aturan.cli.app import main
from aturan.cli.desk import DESK_PORT
from aturan.cli.options import CONFIG, REGISTRY, user_errors
from aturan.errors import AturanError

if TYPE_CHECKING:
    from aturan.desk import Accounts

PASSWORD_STDIN = click.option(
    "--kata-sandi-stdin",
    "password_stdin",
    is_flag=True,
    help="Baca kata sandi dari baris pertama masukan standar (tanpa ini: ditanyakan tersembunyi).",
)
DEMO_ACCOUNTS = (
    ("demo-admin", "admin", "Admin Demo"),
    ("demo-operator", "operator", "Operator Demo"),
    ("demo-auditor", "auditor", "Auditor Demo"),
    ("demo-perumus", "drafter", "Perumus Demo"),
)


@main.group()
def users() -> None:
    """Akun meja kerja (`aturan desk`): tambah, daftar, nonaktifkan, ganti kata sandi."""


def _accounts(
    registry_path: Path | str | None, config_path: Path | None, create: bool = False
) -> Accounts:
    from aturan.desk import open_accounts

    return open_accounts(registry_path, config_path, create)


def _institution(code: str | None, config_path: Path | None) -> str:
    from aturan.documents import institution_card

    if code is None:
        return institution_card(config_path).code
    from aturan.desk import check_institution_code

    return check_institution_code(code)


def _password(from_stdin: bool) -> str:
    from aturan.desk import check_password

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi"
        )
    return check_password(password)


@users.command("add")
@click.argument("username", metavar="NAMA_PENGGUNA")
@click.option("--nama", "full_name", required=True, help="Nama lengkap pemilik akun.")
@click.option(
    "--peran",
    "roles",
    required=True,
    help="Satu atau lebih peran, dipisah koma: operator, auditor, admin, drafter (perumus).",
)
@click.option(
    "--institusi",
    "institution",
    help="Kode institusi akun (bawaan: institution.code di konfigurasi).",
)
@PASSWORD_STDIN
@click.option(
    "--registri-baru",
    "new_registry",
    is_flag=True,
    help="Buat registri baru bila belum ada di tempat yang disebut.",
)
@REGISTRY
@CONFIG
@user_errors
def add_user(
    username: str,
    full_name: str,
    roles: str,
    institution: str | None,
    password_stdin: bool,
    new_registry: bool,
    registry_path: Path | str | None,
    config_path: Path | None,
) -> None:
    """Tambah akun meja kerja."""
    from aturan.desk import check_full_name, check_roles, check_username

    check_username(username)
    chosen = check_roles(roles.split(","))
    check_full_name(full_name)
    code = _institution(institution, config_path)
    password = _password(password_stdin)
    accounts = _accounts(registry_path, config_path, new_registry)
    account = accounts.add(username, code, chosen, full_name, password)
    click.echo(
        f"Akun {account.username} ditambahkan: institusi {account.institution}, peran "
        f"{', '.join(sorted(account.roles))}."
    )


@users.command("list")
@click.option("--institusi", "institution", help="Hanya akun institusi ini.")
@REGISTRY
@CONFIG
@user_errors
def list_users(
    institution: str | None, registry_path: Path | str | None, config_path: Path | None
) -> None:
    """Daftar akun meja kerja."""
    rows = _accounts(registry_path, config_path).listing(institution)
    if not rows:
        click.echo("Belum ada akun.")
        return
    click.echo("nama_pengguna\tinstitusi\tperan\tstatus\tnama_lengkap\tdibuat")
    for row in rows:
        account = row.account
        status = "aktif" if row.active else "nonaktif"
        roles = ",".join(sorted(account.roles))
        click.echo(
            f"{account.username}\t{account.institution}\t{roles}\t{status}\t"
            f"{account.full_name}\t{row.created_at}"
        )


@users.command("disable")
@click.argument("username", metavar="NAMA_PENGGUNA")
@REGISTRY
@CONFIG
@user_errors
def disable_user(username: str, registry_path: Path | str | None, config_path: Path | None) -> None:
    """Nonaktifkan akun: tidak dapat masuk lagi, dan semua sesinya diakhiri."""
    _accounts(registry_path, config_path).disable(username)
    click.echo(f"Akun {username} dinonaktifkan; semua sesinya diakhiri.")


@users.command("reset-password")
@click.argument("username", metavar="NAMA_PENGGUNA")
@PASSWORD_STDIN
@REGISTRY
@CONFIG
@user_errors
def reset_password(
    username: str,
    password_stdin: bool,
    registry_path: Path | str | None,
    config_path: Path | None,
) -> None:
    """Ganti kata sandi akun (akun aktif kembali); semua sesinya diakhiri."""
    accounts = _accounts(registry_path, config_path)
    accounts.find(username)
    accounts.reset_password(username, _password(password_stdin))
    click.echo(f"Kata sandi akun {username} diganti; semua sesinya diakhiri.")


@users.command("demo")
@REGISTRY
@CONFIG
@user_errors
def demo_users(registry_path: Path | str | None, config_path: Path | None) -> None:
    """Akun DEMO (demo-admin, demo-operator, demo-auditor, demo-perumus) dengan kata sandi baru
    yang dicetak; dijalankan lagi, kata sandinya diganti. Hanya untuk mencoba, jangan dipakai di
    registri sungguhan."""
    accounts = _accounts(registry_path, config_path)
    code = _institution(None, config_path)
    password = "demo-" + secrets.token_urlsafe(9)
    for username, role, full_name in DEMO_ACCOUNTS:
        try:
            accounts.find(username)
        except AturanError:
            accounts.add(username, code, [role], full_name, password)
        else:
            accounts.reset_password(username, password)
    click.echo(f"AKUN DEMO (jangan dipakai untuk data sungguhan), institusi {code}:")
    for username, role, _ in DEMO_ACCOUNTS:
        click.echo(f"  {username:14} peran {role:9} kata sandi DEMO: {password}")
    where = f" --registry {registry_path}" if registry_path else ""
    click.echo(f"Jalankan meja kerja: aturan desk{where}")
    click.echo(f"lalu buka http://127.0.0.1:{DESK_PORT}/masuk")
