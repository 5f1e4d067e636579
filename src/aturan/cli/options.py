"""What the commands share: options, turning user errors into one message and exit status 2, and
showing progress; the rulebook, the decider and the registry come from aturan.app and the
packages' faces."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from aturan.app import decider as decider  # re-exported, as are the names below
from aturan.app import load_participants as load_participants
from aturan.app import reformed as reformed
from aturan.app import rulebook as rulebook
from aturan.cases import DATE_MAX, DATE_MIN, clean, in_range
from aturan.documents import open_registry as open_registry
from aturan.documents import registry_target
from aturan.documents import signing_config as signing_config
from aturan.errors import AturanError
from aturan.project import config_file as config_file
from aturan.project import project_root as project_root
from aturan.vocabulary import ASSESSMENT_OPTIONS, MODELS

if TYPE_CHECKING:
    from rich.progress import Progress

P = ParamSpec("P")
T = TypeVar("T")


def user_errors(func: Callable[P, T]) -> Callable[P, T]:
    """Errors a user can cause become one message and exit status 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return func(*args, **kwargs)
        except AturanError as exc:
            click.echo(f"galat: {clean_lines(str(exc))}", err=True)
            sys.exit(2)

    return wrapper


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan tanggal ISO (YYYY-MM-DD)") from None
    if not in_range(date):
        raise click.BadParameter(
            f"'{value}' di luar rentang tanggal yang masuk akal "
            f"({DATE_MIN.isoformat()} s.d. {DATE_MAX.isoformat()})"
        )
    return date


CLOCK_ENV = "ATURAN_CLOCK"


def check_day() -> dt.date | None:
    """The day `verify` and `serve` judge a document on, when the environment variable
    ATURAN_CLOCK sets it (YYYY-MM-DD): meant only for tests and demonstrations, and announced on
    standard error whenever it is used. None (unset): today."""
    value = os.environ.get(CLOCK_ENV, "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise AturanError(
            f"{CLOCK_ENV}={value!r} bukan tanggal ISO (YYYY-MM-DD)", field=CLOCK_ENV
        ) from None
    click.echo(
        f"PERHATIAN: tanggal pemeriksaan diatur oleh {CLOCK_ENV} menjadi {day.isoformat()} "
        "(hanya untuk pengujian), bukan hari ini.",
        err=True,
    )
    return day


AS_OF = click.option(
    "--as-of", callback=parse_date, help="Tanggal keputusan (YYYY-MM-DD); bawaan: hari ini."
)
MODEL = click.option(
    "--model",
    type=click.Choice(list(MODELS)),
    help="Model integrasi (Alternatif I-IV); bawaan: parameter integration.model.",
)
ASSESSMENT = click.option(
    "--assessment",
    type=click.Choice(list(ASSESSMENT_OPTIONS)),
    help="Opsi penilaian kompetensi pasca pelatihan; "
    "bawaan: parameter integration.assessment_option.",
)


REFORM = click.option(
    "--reform",
    "reform_path",
    type=click.Path(path_type=Path),
    help="Berkas reformasi (YAML) yang diterapkan pada aturan sebelum memutuskan.",
)


PARAM = click.option(
    "--param",
    "param_pairs",
    multiple=True,
    metavar="ID=NILAI",
    help="Coba nilai lain sebuah parameter tanpa berkas reformasi (nilai dalam YAML: 2, 85.5, "
    "true, '{add: [a]}'); dapat diulang; diperiksa seperti reformasi.",
)


REGISTRY = click.option(
    "--registry",
    "registry_path",
    default=lambda: os.environ.get("ATURAN_REGISTRY") or None,
    callback=lambda ctx, param, value: registry_target(value) if value else None,
    show_default="$ATURAN_REGISTRY, atau registry.database di konfigurasi",
    help="Registri dokumen: berkas SQLite, atau alamat PostgreSQL "
    "postgresql://pengguna@host/basisdata. Tidak pernah dibuat diam-diam: `issue` membuat "
    "registri baru hanya dengan --registri-baru.",
)
CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Konfigurasi institusi (bawaan: config/institution.yaml).",
)


def progress_bar(label: str) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    )


def report_failures(failures: Iterable[tuple[int | None, str]]) -> None:
    """Row by row, whichever process found the fault (reading, checking or deciding)."""
    for _row, message in sorted(failures, key=lambda failure: failure[0] or 0):
        click.echo(f"galat: {clean(message)}", err=True)


WORKERS = click.option(
    "--workers",
    type=click.IntRange(1),
    default=lambda: os.cpu_count() or 1,
    show_default="jumlah inti",
    help="Proses pekerja paralel.",
)


def clean_lines(text: str) -> str:
    return "\n".join(clean(line) for line in text.split("\n"))


def short(value: object, limit: int = 160) -> str:
    text = (
        json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    )
    return text if len(text) <= limit else text[:limit] + " ..."


def interpretations_text(items: list[dict[str, Any]], as_of: dt.date) -> str:
    """`aturan interpretations` as text: question, value in force, basis, alternatives, file."""
    lines = []
    for number, item in enumerate(items, 1):
        lines += [
            f"{number}. {item['id']}: {item['title']}",
            f"   Pertanyaan: {item['question']}",
            f"   Nilai per {as_of.isoformat()}: {short(item['value'])} (sejak {item['since']}, "
            f"{item['status']})",
            f"   Dasar: {'; '.join(item['citations'])}",
        ]
        if item.get("read_at"):
            lines.append(f"   Dibaca di: {'; '.join(item['read_at'])}")
        lines += [f"   - alternatif: {alternative}" for alternative in item["alternatives"]]
        lines += [f"   Berkas: {item['file']}", ""]
    return "\n".join(lines)
