"""Decision records: what an issued document was decided from, so an auditor can decide it again.

The version pins everything that can change an outcome, one content hash per part:

- rules: rules/**/*.yaml, regulations: regulations/**/*.yaml (together what `rules_version`
  hashes, which the decision itself carries and `decision_id` is made of);
- code: the Python files of the aturan package that is running (not the project folder's src/:
  the code that decided is the code that was imported);
- templates: the DOCX templates loaded (templates/docx/ of the rulebook in use, else the shipped
  ones; the build script beside them is not a template);
- config: the institution configuration file actually used.

The full version lives in the record and the registry, never in the decision JSON: golden cases
and explanation snapshots stay stable when only code or templates change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from aturan.documents.registry_key import canonical
from aturan.errors import AturanError
from aturan.project import templates_dir

VERSION_PARTS = ("rules", "regulations", "code", "templates", "config")
PART_SHOWN = {
    "rules": "aturan (rules/)",
    "regulations": "regulasi (regulations/)",
    "code": "kode program",
    "templates": "templat (templates/docx/)",
    "config": "konfigurasi institusi",
}
JSON = dict[str, Any]  # a decision record, or a decision, as JSON


def _tree_hash(files: Iterable[Path], base: Path) -> str:
    """Sorted relative paths and bytes: the same files with the same content give the same hash."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(base).as_posix()):
        if not path.is_file():
            continue
        digest.update(path.relative_to(base).as_posix().encode() + b"\x00")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def code_root() -> Path:
    """The running aturan package's folder (aturan/documents/record.py is in it)."""
    return Path(__file__).resolve().parents[1]


def version_parts(root: Path, config: Path, code: Path | None = None) -> dict[str, str]:
    """The content hash of each part that can change an outcome (see the module's text)."""
    root, code = Path(root), code or code_root()
    templates = templates_dir(root)
    config_hash = hashlib.sha256(config.read_bytes()).hexdigest()[:16] if config.is_file() else ""
    return {
        "rules": _tree_hash((root / "rules").rglob("*.yaml"), root),
        "regulations": _tree_hash((root / "regulations").rglob("*.yaml"), root),
        "code": _tree_hash(_code_files(code), code),
        "templates": _tree_hash(templates.glob("*.docx"), templates),
        "config": config_hash,
    }


def _code_files(code: Path) -> Iterable[Path]:
    """The package's Python code and the JSON Schemas it validates input with (both decide)."""
    for pattern in ("*.py", "*.json"):
        yield from (p for p in code.rglob(pattern) if "__pycache__" not in p.parts)


def full_version(parts: dict[str, str]) -> str:
    """One version for all parts."""
    return hashlib.sha256(canonical(parts).encode()).hexdigest()[:16]


def reform_entry(path: Path | None) -> dict[str, str] | None:
    """The reform's whole content (not only its name), so a replay applies the same reform."""
    if path is None:
        return None
    data = Path(path).read_bytes()
    return {
        "name": Path(path).name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "content": data.decode("utf-8"),
    }


def make_record(
    *,
    case_data: JSON,
    decision_json: JSON,
    as_of: dt.date,
    options: Mapping[str, object],
    resolved: Mapping[str, object],
    reform: dict[str, str] | None,
    parts: dict[str, str],
) -> JSON:
    """The record of one decision: the case as read, the choices it was decided under, the
    decision it gave (cohort rule included) and the version."""
    coaching = ((decision_json.get("design") or {}).get("coaching")) or {}
    return {
        "case": case_data,
        "as_of": as_of.isoformat(),
        "options": options,  # --model/--assessment as given (None: the parameter's value)
        "model": resolved.get("integration.model"),
        "assessment": resolved.get("integration.assessment_option"),
        "reform": reform,
        "overrides": {k: v for k, v in options.items() if v is not None},
        "cohort": {"group": coaching.get("group"), "size": coaching.get("group_size")}
        if coaching.get("group")
        else None,
        "decision": decision_json,
        "decision_id": decision_json["decision_id"],
        "rules_version": decision_json["rules_version"],
        "version": {"id": full_version(parts), "parts": parts},
    }


def record_text(record: JSON) -> str:
    return canonical(record)


def record_hash(version: str, text: str) -> str:
    """What the audit log authenticates of a record: its version column and its text."""
    return hashlib.sha256(version.encode() + b"\x00" + text.encode("utf-8")).hexdigest()


def parse_record(text: str, number: str) -> JSON:
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    if not isinstance(record, dict) or not {"case", "as_of", "decision", "version"} <= set(record):
        raise AturanError(f"catatan keputusan dokumen {number} rusak atau tidak berbentuk catatan")
    return record


def version_differences(recorded: Mapping[str, object], current: Mapping[str, object]) -> list[str]:
    """The parts whose hash differs between the record and now."""
    return [part for part in VERSION_PARTS if recorded.get(part) != current.get(part)]


def json_differences(old: object, new: object, path: str = "") -> list[tuple[str, object, object]]:
    """(dotted path, recorded value, value now) of each field that differs between two decision
    JSONs; a list that changed length is one difference."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[tuple[str, object, object]] = []
        for key in sorted(set(old) | set(new), key=str):
            where = f"{path}.{key}" if path else str(key)
            out += json_differences(old.get(key), new.get(key), where)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for index, (a, b) in enumerate(zip(old, new)):
            out += json_differences(a, b, f"{path}[{index}]")
        return out
    return [] if old == new else [(path or "(seluruh keputusan)", old, new)]


def shown_value(value: object, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _params_read(decision: JSON) -> dict[str, tuple[object, set[str]]]:
    """Each parameter the decision's trace read: (its value, the rules that read it)."""
    found: dict[str, tuple[object, set[str]]] = {}
    for step in decision.get("trace") or []:
        for name, param in (step.get("params") or {}).items():
            value = param.get("value") if isinstance(param, dict) else param
            found.setdefault(name, (value, set()))[1].add(str(step.get("rule")))
    return found


def _rules_fired(decision: JSON) -> set[str]:
    return {str(s.get("rule")) for s in decision.get("trace") or [] if s.get("kind") == "rule"}


def causes(recorded: JSON, again: JSON) -> list[str]:
    """What the two decisions' traces say made them differ: each parameter read with another
    value (old -> new, and the rules that read it), and the rules that fired in only one."""
    lines = []
    old_params, new_params = _params_read(recorded), _params_read(again)
    for name in sorted(set(old_params) | set(new_params)):
        old, new = old_params.get(name), new_params.get(name)
        if old is not None and new is not None and old[0] == new[0]:
            continue
        rules = sorted((old[1] if old else set()) | (new[1] if new else set()))
        lines.append(
            f"parameter {name}: {shown_value(old[0]) if old else '(tidak dibaca)'} → "
            f"{shown_value(new[0]) if new else '(tidak dibaca)'} (dibaca aturan "
            f"{', '.join(rules)})"
        )
    old_rules, new_rules = _rules_fired(recorded), _rules_fired(again)
    lines += [
        f"aturan {rule}: berlaku saat terbit, kini tidak" for rule in sorted(old_rules - new_rules)
    ]
    lines += [
        f"aturan {rule}: kini berlaku, saat terbit tidak" for rule in sorted(new_rules - old_rules)
    ]
    return lines


def fired_rules(record: JSON) -> list[JSON]:
    """The rules that fired in the recorded decision, in order, each once: id, title, what it
    concluded and the clauses it cites."""
    seen: dict[str, JSON] = {}
    for step in (record.get("decision") or {}).get("trace") or []:
        if step.get("kind") != "rule":
            continue
        rule = str(step.get("rule"))
        entry = seen.setdefault(
            rule, {"rule": rule, "title": step.get("title"), "concludes": {}, "cites": []}
        )
        entry["concludes"].update(step.get("concludes") or {})
        for cite in step.get("cites") or []:
            text = cite.get("citation") or cite.get("id")
            if text not in entry["cites"]:
                entry["cites"].append(text)
    return list(seen.values())


def details(record: JSON) -> list[str]:
    """`registry show --rinci`: the recorded case, the rules that fired and their clauses."""
    case = json.dumps(record.get("case") or {}, ensure_ascii=False, indent=2, sort_keys=True)
    lines = ["Kasus yang tercatat (data masukan saat terbit):"]
    lines += [f"  {line}" for line in case.splitlines()]
    rules = fired_rules(record)
    lines.append(f"Aturan yang berlaku dalam keputusan ({len(rules)}):")
    for number, rule in enumerate(rules, 1):
        lines.append(f"  {number}. {rule['rule']}: {rule['title']}")
        if rule["concludes"]:
            concluded = ", ".join(
                f"{k} = {shown_value(v)}" for k, v in sorted(rule["concludes"].items())
            )
            lines.append(f"     Kesimpulan: {concluded}")
        lines.append(f"     Dasar: {'; '.join(rule['cites']) or '-'}")
    return lines


def summary(record: JSON) -> list[str]:
    """`registry show`: the record in a few lines."""
    case = record.get("case") or {}
    reform = record.get("reform")
    version = record.get("version") or {}
    lines = [
        f"Kasus: NIP {case.get('nip')} ({case.get('name')})",
        f"Tanggal keputusan (as-of): {record.get('as_of')}",
        f"Model: {record.get('model')}; opsi penilaian: {record.get('assessment')}",
        "Reformasi: "
        + (f"{reform['name']} (sha256 {reform['sha256'][:16]})" if reform else "tidak ada"),
        f"Kelompok coaching: {(record.get('cohort') or {}).get('group') or '-'}",
        f"decision_id: {record.get('decision_id')}; rules_version: {record.get('rules_version')}",
        f"Versi: {version.get('id')}",
    ]
    lines += [
        f"  {PART_SHOWN[part]}: {(version.get('parts') or {}).get(part)}" for part in VERSION_PARTS
    ]
    return lines
