"""Re-issuing one document with corrected data (the desk's re-issue): the case its decision
record holds, the fields an operator may correct, and the run that revokes the document (when
still in force) and issues only what replaces it. Nothing is revoked before the corrected case
is read and decided: a correction that cannot be decided leaves the document as it was."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aturan.app.issuing import (
    IssueRequest,
    IssueResult,
    Progress,
    Revocation,
    _no_progress,
    issue,
    reissue,
)
from aturan.app.records import load_record
from aturan.cases import case_from_data, clean
from aturan.documents import Registry, open_registry
from aturan.errors import AturanError

# The recorded case's fields an operator may correct, by their path in the case, with the label
# the form shows. The NIP and the history are not among them: a different NIP is another person,
# and a different history another decision (issued from a cohort, not corrected here).
EDITABLE = {"name": "Nama", "position.title": "Jabatan", "position.agency": "Instansi"}


@dataclass(frozen=True)
class Correction:
    """A document as its re-issue starts from: its row's state and the recorded case."""

    number: str
    institution: str
    in_force: bool  # still issued: the re-issue revokes it first, with a reason
    replaced_by: str | None
    case: dict[str, Any]
    fields: dict[str, str]  # EDITABLE path -> the recorded value
    as_of: dt.date
    pdf: bool  # the document had a signed PDF: its replacement is signed too
    options: dict[str, Any]  # the recorded model and assessment option
    reform: dict[str, Any] | None  # the recorded reform (name, content), if any


def correction(
    number: str, registry: Path | str | None, config: Path | None, store: Registry | None = None
) -> Correction:
    """What the re-issue of `number` starts from: its authenticated decision record's case. A
    server passes the `store` it keeps open (its audit chain already checked)."""
    reader = store or open_registry(registry, config)[0]
    try:
        row = reader.get(number)
        if row is None:
            raise AturanError(f"nomor dokumen '{clean(number)}' tidak terdaftar")
        record = load_record(reader, number)
    finally:
        if store is None:
            reader.close()
    case = record["case"]
    return Correction(
        number=number,
        institution=row["institution"],
        in_force=row["status"] == "issued",
        replaced_by=row.get("replaced_by"),
        case=case,
        fields={path: str(_get(case, path) or "") for path in EDITABLE},
        as_of=dt.date.fromisoformat(record["as_of"]),
        pdf=bool(row.get("pdf_fingerprint")),
        options=record.get("options") or {},
        reform=record.get("reform"),
    )


def _get(case: dict[str, Any], path: str) -> Any:
    value: Any = case
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def corrected(case: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """The case with the edited fields replaced; a field not in EDITABLE is refused."""
    fixed = copy.deepcopy(case)
    for path, value in edits.items():
        if path not in EDITABLE:
            raise AturanError(f"isian '{clean(path)}' tidak dapat diperbaiki di sini", field=path)
        *parents, last = path.split(".")
        target = fixed
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value.strip()
    return fixed


def reissue_corrected(
    number: str,
    edits: dict[str, str],
    reason: str,
    issue_date: dt.date,
    out_dir: Path,
    registry: Path | str | None,
    config: Path | None = None,
    operator: str | None = None,
    progress: Progress = _no_progress,
) -> tuple[Revocation | None, IssueResult]:
    """Issue again what replaces `number`, from its recorded case with `edits`, decided as of the
    recorded day under the recorded options and reform, dated `issue_date`: a document still in
    force is revoked first with `reason` (the registry refuses another institution's); one
    already revoked and not yet replaced is replaced. Documents of the same case still in force
    keep their numbers and are not issued again (the registry's idempotence)."""
    start = correction(number, registry, config)
    if start.replaced_by:
        raise AturanError(
            f"dokumen {clean(number)} sudah diganti dengan dokumen nomor {start.replaced_by}"
        )
    case = corrected(start.case, edits)
    case_from_data(case, "data perbaikan")  # a correction that cannot be read revokes nothing
    with tempfile.TemporaryDirectory() as folder:
        request = IssueRequest(
            source=_written(Path(folder) / "perbaikan.yaml", case),
            out_dir=out_dir,
            as_of=start.as_of,
            issue_date=issue_date,
            registry=registry,
            pdf=start.pdf,
            model=start.options.get("model"),
            assessment=start.options.get("assessment"),
            reform=_reform_file(Path(folder), start.reform),
            config=config,
            operator=operator,
        )
        if start.in_force:
            return reissue(number, reason, request, progress)
        return None, issue(request, progress)


def _written(path: Path, case: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _reform_file(folder: Path, reform: dict[str, Any] | None) -> Path | None:
    if not reform:
        return None
    path = folder / Path(str(reform["name"])).name
    path.write_text(str(reform["content"]), encoding="utf-8")
    return path
