"""Decision records and operators for the issuing commands, and `aturan replay`."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from aturan.cases import Case, case_from_data, clean, forbidden_char
from aturan.cli.app import main
from aturan.cli.options import (
    CONFIG,
    REGISTRY,
    config_file,
    decider,
    open_registry,
    project_root,
    user_errors,
)
from aturan.decide import Decision
from aturan.decide.cohort_rules import place_in_group
from aturan.documents.record import (
    PART_SHOWN,
    causes,
    full_version,
    json_differences,
    make_record,
    parse_record,
    record_text,
    reform_entry,
    shown_value,
    version_differences,
    version_parts,
)
from aturan.errors import AturanError, InputError
from aturan.files import load_yaml

OPERATOR = click.option(
    "--operator",
    help="Nama operator yang dicatat di registri; bawaan: `operator:` di konfigurasi, "
    "atau nama pengguna sistem.",
)
OPERATOR_MAX = 100


def operator_name(given: str | None, config_path: Path | None) -> str:
    """Who issues or revokes: --operator, else `operator:` in the configuration, else the OS
    user name."""
    config = config_file(config_path)
    name = given
    if name is None and config.is_file():
        name = (load_yaml(config, AturanError) or {}).get("operator")
    if name is None:
        name = _os_user()
    if not isinstance(name, str) or not name.strip() or len(name) > OPERATOR_MAX:
        raise AturanError(
            f"nama operator harus teks, tidak kosong, paling banyak {OPERATOR_MAX} karakter",
            field="--operator",
        )
    bad = forbidden_char(name)
    if bad:
        raise AturanError(
            f"nama operator berisi karakter {bad} yang tidak diizinkan", field="--operator"
        )
    return name.strip()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "tidak-diketahui"


def recorder(
    runner, as_of: dt.date, options: dict, reform_path: Path | None, config_path: Path | None
) -> Callable[[Case, Decision], tuple[str, str]]:
    """What `issue` stores for each document: (version, decision record text)."""
    parts = version_parts(project_root(), config_file(config_path))
    reform = reform_entry(reform_path)
    law = runner.params_on(as_of)
    resolved = {k: law[k] for k in ("integration.model", "integration.assessment_option")}

    def record(case: Case, decision: Decision) -> tuple[str, str]:
        made = make_record(
            case_data=case.data,
            decision_json=json.loads(json.dumps(decision.to_json(), ensure_ascii=False)),
            as_of=as_of,
            options=options,
            resolved=resolved,
            reform=reform,
            parts=parts,
        )
        return full_version(parts), record_text(made)

    return record


def load_record(store, number: str) -> dict:
    stored = store.decision_record(number)
    if stored is None:
        known = store.get(number) is not None
        raise AturanError(
            f"dokumen {clean(number)} tidak memiliki catatan keputusan (diterbitkan sebelum "
            "catatan keputusan ada)"
            if known
            else f"nomor dokumen '{clean(number)}' tidak terdaftar"
        )
    if store.authentic_record(number) is None:
        raise AturanError(
            f"catatan keputusan dokumen {clean(number)} tidak terautentikasi oleh kunci registri "
            "(diubah tanpa otorisasi, atau registri dibuka dengan kunci lain); jalankan "
            "`aturan registry audit`"
        )
    return parse_record(stored["record"], number)


def redecide(record: dict, number: str) -> dict:
    """The decision made again from the record: same case, as-of, options, reform, group."""
    with tempfile.TemporaryDirectory() as folder:
        reform_path = None
        if record.get("reform"):
            reform_path = Path(folder) / Path(str(record["reform"]["name"])).name
            reform_path.write_text(record["reform"]["content"], encoding="utf-8")
        options = record.get("options") or {}
        runner = decider(options.get("model"), options.get("assessment"), reform_path)
    as_of = dt.date.fromisoformat(record["as_of"])
    try:
        decision = runner.decide(case_from_data(record["case"], f"catatan {number}"), as_of)
    except InputError as exc:
        raise AturanError(f"kasus dalam catatan tidak dapat diputuskan lagi: {exc}") from None
    cohort = record.get("cohort")
    if cohort and cohort.get("group"):
        law = runner.params_on(as_of)
        decision = place_in_group(
            decision,
            cohort["group"],
            int(cohort["size"]),
            runner.rulebook.citation,
            str(law["coaching.same_gap_definition"]),
        )
    return json.loads(json.dumps(decision.to_json(), ensure_ascii=False))


@main.command()
@click.argument("number")
@REGISTRY
@CONFIG
@user_errors
def replay(number, registry_path, config_path):
    """Putuskan ulang dokumen bernomor dari catatan keputusannya. Lebih dulu baris registrinya
    dicocokkan dengan entri log audit terakhirnya. `identik` hanya bila baris itu utuh dan
    keputusannya sama; selain itu setiap isian yang berbeda (nilai lama → baru) beserta
    parameter atau aturan penyebabnya (keluar 1). Versi yang tidak sama (aturan, regulasi, kode,
    templat, konfigurasi) disebutkan."""
    store, _ = open_registry(registry_path, config_path)
    row_problem = store.row_against_log(number) if store.get(number) is not None else None
    if row_problem:
        click.echo(clean(f"BERBEDA: baris registri dokumen {number}: {row_problem}"))
    record = load_record(store, number)
    again = redecide(record, number)
    _echo_versions(record, config_path)
    differences = json_differences(record["decision"], again)
    if not differences and not row_problem:
        click.echo(f"identik: keputusan untuk {clean(number)} sama dengan yang tercatat.")
        return
    if not differences:
        click.echo(
            f"Keputusan yang diputuskan ulang sama dengan catatan, tetapi baris registri "
            f"{clean(number)} tidak sama dengan yang diautentikasi: bukan identik."
        )
        sys.exit(1)
    click.echo(f"BERBEDA: {len(differences)} isian keputusan untuk {clean(number)} berubah:")
    for path, old, new in differences:
        click.echo(clean(f"  {path}: {shown_value(old)} → {shown_value(new)}"))
    found = causes(record["decision"], again)
    click.echo(
        "Penyebab menurut jejak keputusan:"
        if found
        else "Penyebab: tidak tampak pada "
        "parameter atau aturan yang berlaku (lihat versi yang berbeda di atas)."
    )
    for line in found:
        click.echo(clean(f"  {line}"))
    sys.exit(1)


def _echo_versions(record: dict, config_path) -> None:
    recorded_parts = (record.get("version") or {}).get("parts") or {}
    changed_parts = version_differences(
        recorded_parts, version_parts(project_root(), config_file(config_path))
    )
    if changed_parts:
        click.echo(
            "Versi berbeda dari saat terbit: "
            + ", ".join(PART_SHOWN[part] for part in changed_parts)
            + f" (versi tercatat {(record.get('version') or {}).get('id')})"
        )
    else:
        click.echo(f"Versi sama dengan saat terbit ({record['version']['id']}).")
