"""Decision records: who issues, what `issue` stores for each document, reading a record back,
and the replay that decides a document again from its record."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aturan.app.deciding import decider
from aturan.cases import Case, case_from_data, clean, forbidden_char
from aturan.decide import Decider, Decision, explain, place_in_group
from aturan.documents import (
    PART_SHOWN,
    Registry,
    causes,
    details,
    full_version,
    json_differences,
    make_record,
    open_registry,
    parse_record,
    record_text,
    reform_entry,
    summary,
    version_differences,
    version_parts,
)
from aturan.errors import AturanError, InputError
from aturan.files import load_yaml
from aturan.project import config_file, project_root

OPERATOR_MAX = 100

# (version, decision record text) of one decided case, as the registry stores it
Recorded = tuple[str, str]


def operator_name(given: str | None, config_path: Path | None) -> str:
    """Who issues or revokes: the name given, else `operator:` in the configuration, else the
    OS user name."""
    config = config_file(config_path)
    name: Any = given
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
    runner: Decider,
    as_of: dt.date,
    options: dict[str, Any],
    reform_path: Path | None,
    config_path: Path | None,
) -> Callable[[Case, Decision], Recorded]:
    """What `issue` stores for each decided case: (version, decision record text)."""
    parts = version_parts(project_root(), config_file(config_path))
    reform = reform_entry(reform_path)
    law = runner.params_on(as_of)
    resolved = {k: law[k] for k in ("integration.model", "integration.assessment_option")}

    def record(case: Case, decision: Decision) -> Recorded:
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


def load_record(store: Registry, number: str) -> dict[str, Any]:
    """The authenticated decision record of a document, parsed; a clear error otherwise."""
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


@dataclass(frozen=True)
class DocumentView:
    """`registry show`: the registry row, why it cannot be trusted (None: it can), and the
    decision record's lines (None: issued before decision records existed)."""

    row: dict[str, Any]
    problem: str | None
    record_lines: list[str] | None


def show_document(
    number: str, registry: Path | str, config: Path | None = None, detailed: bool = False
) -> DocumentView:
    store, _ = open_registry(registry, config)
    row = store.get(number)
    if row is None:
        raise AturanError(f"nomor dokumen '{clean(number)}' tidak terdaftar")
    problem = store.row_against_log(number)
    if store.decision_record(number) is None:
        return DocumentView(row, problem, None)
    record = load_record(store, number)
    return DocumentView(row, problem, summary(record) + (details(record) if detailed else []))


def redecide(record: dict[str, Any], number: str) -> dict[str, Any]:
    """The decision made again from the record: same case, as-of, options, reform, group."""
    decision, _ = _decided_again(record, number)
    again: dict[str, Any] = json.loads(json.dumps(decision.to_json(), ensure_ascii=False))
    return again


def _decided_again(record: dict[str, Any], number: str) -> tuple[Decision, Decider]:
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
    return decision, runner


def explanation(record: dict[str, Any], number: str) -> str | None:
    """The recorded decision explained in Indonesian, each step quoting its clauses (`aturan
    explain`). A decision record holds the decision as data, not the object `explain` reads, so it
    is decided again from the record; the account is given only when that decision is the one
    recorded (else None: the rules changed since, and the replay names how). Never a new
    decision shown as the recorded one."""
    decision, runner = _decided_again(record, number)
    again = json.loads(json.dumps(decision.to_json(), ensure_ascii=False))
    if json_differences(record["decision"], again):
        return None
    return explain(decision, runner.rulebook, "id")


@dataclass(frozen=True)
class Replay:
    """A document decided again from its record. `identical` only when the registry row is
    intact and the decision is the same."""

    number: str
    row_problem: str | None  # the row against its last audit log entry (None: intact)
    recorded_version: str | None
    changed_parts: list[str]  # version parts (rules, code, ...) not as when issued
    changed_parts_shown: list[str]  # the same, as users read them
    differences: list[tuple[str, object, object]] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences and not self.row_problem


def replay(
    number: str, registry: Path | str, config: Path | None = None, store: Registry | None = None
) -> Replay:
    """Decide a numbered document again from its decision record, after checking its registry
    row against its last audit log entry; name what differs and the versions that changed. A
    server passes the `store` it keeps open (its audit chain already checked)."""
    store = store or open_registry(registry, config)[0]
    row_problem = store.row_against_log(number) if store.get(number) is not None else None
    try:
        record = load_record(store, number)
    except AturanError as exc:
        if not row_problem:
            raise
        raise AturanError(
            f"BERBEDA: baris registri dokumen {clean(number)}: {row_problem}; {exc.message}"
        ) from None
    again = redecide(record, number)
    version = record.get("version") or {}
    changed = version_differences(
        version.get("parts") or {}, version_parts(project_root(), config_file(config))
    )
    differences = json_differences(record["decision"], again)
    return Replay(
        number=number,
        row_problem=row_problem,
        recorded_version=version.get("id"),
        changed_parts=changed,
        changed_parts_shown=[PART_SHOWN[part] for part in changed],
        differences=differences,
        causes=causes(record["decision"], again) if differences else [],
    )
