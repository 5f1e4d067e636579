"""The drafter's reform form (issue 27): the form's fields to a reform's data and back, the reform
YAML it gives, and the library's own errors (`reform_from_data`) placed at the change they concern.

A `Draft` is what the form shows: the reform's name, its changes (one parameter each, with the
draft clause it rests on) and whatever an uploaded reform carried that the form does not edit
(rules, disabled rules, further clauses), kept as they were.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aturan.errors import RulebookError
from aturan.files import load_yaml
from aturan.law import Rulebook, reform_from_data

CLAUSE_STATUSES = ("unconfirmed", "proposal", "assumption", "secondary")
READ_AT = "draf perumus"
FORM = "formulir"  # the reform's source, as the library's messages name it
_INDEX = re.compile(r"^(parameters|new_clauses)\[(\d+)\]\.?(.*)$")


@dataclass
class Change:
    """One parameter's new value from a date, and the draft clause it cites. A list parameter is
    changed by items added and removed (or, when `value` is given, replaced whole)."""

    pid: str
    start: str = ""
    value: str = ""  # YAML text of the new value
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    clause_id: str = ""
    citation: str = ""
    text: str = ""
    read_at: str = ""  # empty: the library's default ("draf")
    status: str = ""  # empty: the library's default (unconfirmed)
    note: str = ""
    other_refs: list[str] = field(default_factory=list)  # an upload's further references
    error: str = ""
    error_field: str = ""  # the input the error belongs to: value, from, clause, citation, id


@dataclass
class Draft:
    name: str = ""
    description: str = ""
    changes: list[Change] = field(default_factory=list)
    kept: dict[str, Any] = field(default_factory=dict)  # an upload's parts the form does not edit
    error: str = ""  # an error that belongs to no one change

    @property
    def has_errors(self) -> bool:
        return bool(self.error or any(c.error for c in self.changes))


def is_list(book: Rulebook, pid: str) -> bool:
    param = book.parameters.get(pid)
    return bool(param and param.values and isinstance(param.values[-1].value, list))


def value_text(value: object) -> str:
    """A value as the form's field holds it: YAML, on one line for scalars and short lists."""
    if isinstance(value, str | int | float | bool):
        return (
            yaml.safe_dump(value, allow_unicode=True, default_flow_style=True)
            .removesuffix("\n...\n")
            .strip()
        )
    return yaml.safe_dump(_plain(value), allow_unicode=True, sort_keys=False, width=100).strip()


# The form's fields


def draft_from_form(form: Mapping[str, Any], getlist: Any) -> Draft:
    """The draft the posted form describes (`getlist(name)` gives a field's every value)."""
    count = _int(form.get("jumlah"))
    changes = []
    for i in range(count):
        pid = _text(form.get(f"p{i}_id"))
        if not pid:
            continue
        changes.append(
            Change(
                pid=pid,
                start=_text(form.get(f"p{i}_dari")),
                value=_text(form.get(f"p{i}_nilai"), strip=False).strip(),
                add=_lines(form.get(f"p{i}_tambah")),
                remove=[_text(v) for v in getlist(f"p{i}_hapus") if _text(v)],
                clause_id=_text(form.get(f"p{i}_klausul")),
                citation=_text(form.get(f"p{i}_kutipan")),
                text=" ".join(_text(form.get(f"p{i}_teks")).split()),
                read_at=_text(form.get(f"p{i}_dibaca")),
                status=_text(form.get(f"p{i}_status")),
                note=_text(form.get(f"p{i}_catatan")),
                other_refs=_text(form.get(f"p{i}_rujukan_lain")).split(),
            )
        )
    kept = _kept(_text(form.get("lainnya"), strip=False))
    return Draft(
        name=_text(form.get("nama")),
        description=_text(form.get("keterangan")),
        changes=changes,
        kept=kept if isinstance(kept, dict) else {},
    )


def _kept(text: str) -> object:
    """The hidden field of what the form carries unedited, read as the CLI reads a reform file
    (the project's hardened loader; no aliases: the form never writes any)."""
    if not text.strip():
        return {}
    with tempfile.TemporaryDirectory(prefix="aturan-lab-") as folder:
        path = Path(folder) / "lainnya.yaml"
        path.write_text(text, encoding="utf-8")
        return _plain(load_yaml(path, RulebookError, allow_aliases=False))


def _text(value: object, strip: bool = True) -> str:
    text = value if isinstance(value, str) else ""
    return text.strip() if strip else text


def _int(value: object) -> int:
    text = _text(value)
    return min(int(text), 200) if text.isdigit() else 0


def _lines(value: object) -> list[str]:
    return [line.strip() for line in _text(value, strip=False).splitlines() if line.strip()]


def new_change(book: Rulebook, pid: str, on: dt.date) -> Change:
    """A change of `pid` as the form opens it: its value in force on `on` to edit (a list starts
    with nothing added or removed), from 1 January of the next year."""
    param = book.parameters[pid]
    current = param.at(on) or param.values[-1]
    start = dt.date(on.year + 1, 1, 1).isoformat()
    shown = "" if isinstance(current.value, list) else value_text(current.value)
    return Change(pid=pid, start=start, value=shown, read_at=READ_AT, status="unconfirmed")


# The reform's data


def reform_data(book: Rulebook, draft: Draft) -> dict[str, Any]:
    """The reform as a drafter would write it by hand (reforms/*.yaml); marks the form's own
    mistakes (a value that is not YAML, a change without its clause) on the draft."""
    data: dict[str, Any] = {"name": draft.name}
    if draft.description:
        data["description"] = draft.description
    if "note" in draft.kept:
        data["note"] = draft.kept["note"]
    clauses: dict[str, dict[str, Any]] = {}
    entries = []
    for change in draft.changes:
        if change.clause_id and change.clause_id not in clauses:
            clauses[change.clause_id] = _clause(change)
        entries.append(_entry(book, change))
    for raw in draft.kept.get("new_clauses") or []:
        if isinstance(raw, dict) and raw.get("id") not in clauses:
            clauses[str(raw.get("id"))] = raw
    if clauses:
        data["new_clauses"] = list(clauses.values())
    if entries:
        data["parameters"] = entries
    for key in ("disable_rules", "rules"):
        if draft.kept.get(key):
            data[key] = draft.kept[key]
    return data


def _clause(change: Change) -> dict[str, Any]:
    clause: dict[str, Any] = {"id": change.clause_id, "citation": change.citation}
    if change.text:
        clause["text"] = change.text
    if change.read_at:
        clause["read_at"] = change.read_at
    if change.status:
        clause["status"] = change.status  # the schema refuses one it does not know, at the field
    return clause


def _entry(book: Rulebook, change: Change) -> dict[str, Any]:
    start: object = change.start
    try:
        start = dt.date.fromisoformat(change.start)
    except ValueError:
        pass  # the library names the field: not an ISO date
    entry: dict[str, Any] = {"id": change.pid, "from": start, "value": _value(book, change)}
    references = [r for r in [change.clause_id, *change.other_refs] if r]
    if references:
        entry["reference"] = references
    if change.note:
        entry["note"] = change.note
    return entry


def _value(book: Rulebook, change: Change) -> object:
    if is_list(book, change.pid) and not change.value:
        edit: dict[str, list[str]] = {}
        if change.add:
            edit["add"] = change.add
        if change.remove:
            edit["remove"] = change.remove
        return edit
    try:
        return yaml.safe_load(change.value) if change.value else None
    except yaml.YAMLError:
        return change.value  # refused by the parameter's schema as text, at the field


def form_problems(book: Rulebook, draft: Draft) -> None:
    """What the form asks beyond the library: a name, and for each change a known parameter, a
    value, and the draft clause (id, citation, text) it rests on."""
    if not draft.name:
        draft.error = "Beri nama reformasi ini (isian Nama reformasi)."
    for change in draft.changes:
        listed = is_list(book, change.pid)
        if not change.value and not (listed and (change.add or change.remove)):
            _mark(
                change,
                "value",
                "isi nilai baru" + (" atau butir yang ditambah/dihapus" if listed else ""),
            )
        elif not change.clause_id:
            _mark(change, "clause", "isi id klausul rancangan (bentuk instrumen:klausul)")
        elif not change.citation:
            _mark(
                change,
                "citation",
                "isi kutipan pasal rancangan (mis. Rancangan PerLAN ..., Pasal 12)",
            )
        elif not change.text:
            _mark(change, "text", "isi teks pasal rancangan yang menjadi dasar nilai baru ini")


def _mark(change: Change, where: str, message: str) -> None:
    if not change.error:
        change.error, change.error_field = message, where


def check(book: Rulebook, draft: Draft) -> Rulebook | None:
    """The reform checked by the library (schema, value ranges and constraints, references); the
    first error is placed at its change (or on the draft). The reformed rulebook when clean."""
    form_problems(book, draft)
    if draft.has_errors:
        return None
    try:
        return reform_from_data(book, reform_data(book, draft), FORM, "formulir")
    except RulebookError as exc:
        place_error(draft, exc)
        return None


def place_error(draft: Draft, exc: RulebookError) -> None:
    field_name = exc.field or ""
    found = _INDEX.match(field_name)
    if found and found[1] == "parameters":
        index = int(found[2])
        if index < len(draft.changes):
            _mark(draft.changes[index], _where(found[3]), exc.message)
            return
    if found and found[1] == "new_clauses":
        ids = list(dict.fromkeys(c.clause_id for c in draft.changes if c.clause_id))
        index = int(found[2])
        for change in draft.changes:
            if index < len(ids) and change.clause_id == ids[index]:
                _mark(change, "citation" if found[3] == "citation" else "clause", exc.message)
                return
    for change in draft.changes:
        if field_name and change.pid == field_name:
            _mark(change, "value", exc.message)
            return
    draft.error = exc.message


def _where(rest: str) -> str:
    return {"from": "from", "id": "id", "reference": "clause"}.get(rest.split(".")[0], "value")


def reform_yaml(data: dict[str, Any]) -> str:
    """The reform file's text: the form's data in the order a drafter writes it."""
    header = "# Reformasi dari formulir parameter meja kerja (laboratorium perumus).\n"
    return header + yaml.safe_dump(
        _plain(data), sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )


def _plain(value: object) -> object:
    """Loaded YAML (line-aware mappings and lists) as plain dicts and lists, for safe_dump."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# An uploaded reform


def draft_from_data(book: Rulebook, data: object) -> Draft:
    """An uploaded reform as the form shows it; each parameter entry becomes a change with its
    first cited clause, the rest kept as it was."""
    if not isinstance(data, dict):
        raise RulebookError("reformasi harus berupa mapping YAML", file=FORM)
    data = _plain(data)
    assert isinstance(data, dict)
    clauses = {str(c.get("id")): c for c in data.get("new_clauses") or [] if isinstance(c, dict)}
    used: set[str] = set()
    changes = []
    for raw in data.get("parameters") or []:
        if isinstance(raw, dict):
            changes.append(_change_from(book, raw, clauses, used))
    kept = {k: data[k] for k in ("note", "disable_rules", "rules") if data.get(k)}
    rest = [c for cid, c in clauses.items() if cid not in used]
    if rest:
        kept["new_clauses"] = rest
    return Draft(
        name=str(data.get("name") or ""),
        description=str(data.get("description") or ""),
        changes=changes,
        kept=kept,
    )


def _change_from(
    book: Rulebook, raw: dict[str, Any], clauses: dict[str, Any], used: set[str]
) -> Change:
    refs = raw.get("reference") or []
    refs = [refs] if isinstance(refs, str) else [str(r) for r in refs]
    clause = clauses.get(refs[0], {}) if refs else {}
    if refs:
        used.add(refs[0])
    pid = str(raw.get("id") or "")
    value = raw.get("value")
    start = raw.get("from")
    change = Change(
        pid=pid,
        start=start.isoformat() if isinstance(start, dt.date) else str(start or ""),
        clause_id=refs[0] if refs else "",
        citation=str(clause.get("citation") or ""),
        text=str(clause.get("text") or ""),
        read_at=str(clause.get("read_at") or ""),
        status=str(clause.get("status") or ""),
        note=str(raw.get("note") or ""),
        other_refs=refs[1:],
    )
    if is_list(book, pid) and isinstance(value, dict) and set(value) <= {"add", "remove"}:
        change.add = [str(v) for v in value.get("add") or []]
        change.remove = [str(v) for v in value.get("remove") or []]
    else:
        change.value = value_text(value) if value is not None else ""
    return change


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def kept_text(draft: Draft) -> str:
    """What the form carries unedited, as the hidden field holds it."""
    if not draft.kept:
        return ""
    return yaml.dump(_plain(draft.kept), Dumper=_NoAliases, sort_keys=False, allow_unicode=True)
