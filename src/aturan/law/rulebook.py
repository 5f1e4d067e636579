"""The rulebook: rules, formulas and parameters as data, loaded from `rules/`.

- a *rule* decides: conditions over facts (compiled to durable_rules) -> facts it concludes;
- a *formula* measures: a named computation (gaps, JPM, dates) implemented in
  `formulas.py`, declared here so it is cited and traced like a rule;
- a *parameter* is a dated value with its reference;
- a *document type* is what a rule may call for (`append: {documents: {type: ...}}`): its title,
  numbering code and how it is rendered; its template is `templates/docx/<type>.docx`.
Every rule and formula cites at least one clause of `regulations/`.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cachetools import LRUCache

from aturan.errors import RulebookError
from aturan.files import line_of, load_yaml
from aturan.law.constraints import Constraint
from aturan.law.corpus import Corpus, load_corpus
from aturan.law.document_dates import DateLimit, bounding_facts, date_limits
from aturan.law.names import suggest
from aturan.law.params import VALUE_STATUSES, DatedValue, Parameter

FACT_KINDS = ("participant", "competency", "subject")
# A history is judged step by step: the "design" phase on the date the design is set, the
# "lifecycle" phase on each event's date and on the decision date (see decision.py).
PHASES = ("design", "lifecycle")
OPERATORS = {"eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "present", "contains"}
# What may tell two documents of one type apart (see DocumentType.event).
EVENT_PARTS = ("attests", "until", "model", "recommendations")


@dataclass
class Rule:
    id: str
    title: str
    cites: list[str]
    when: dict[str, Any]
    then: dict[str, Any]
    priority: int
    file: str
    line: int
    title_en: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    enabled: bool = True
    origin: str = "baseline"
    phase: str = "design"

    def in_force(self, date: dt.date) -> bool:
        return (
            self.enabled
            and (self.start is None or self.start <= date)
            and (self.end is None or date < self.end)
        )


@dataclass
class Formula:
    id: str
    title: str
    cites: list[str]
    gives: list[str]
    params: list[str]
    file: str
    line: int
    title_en: str = ""
    phase: str = "design"  # design | lifecycle | both


@dataclass(frozen=True)
class DocumentType:
    """One entry of `document_types:` in rules/: everything about a type but its template."""

    name: str
    title: str
    code: str
    file: str
    line: int
    certificate: bool = False
    context: str | None = None
    event: tuple[str, ...] = ("attests",)
    # the intent's `until` ends the document's validity: verification answers KEDALUWARSA after it
    expires: bool = False
    # why each fact bounding its issue date does so (document_dates.py); why a call bounded by
    # none has no last date
    dated_before: dict[str, DateLimit] = field(default_factory=dict, hash=False)
    open_ended: DateLimit | None = None

    def limit(self, fact: str | None) -> DateLimit | None:
        """Why the issue date is bounded by `fact`; with None, why it is not bounded."""
        return self.dated_before.get(fact) if fact else self.open_ended


@dataclass
class Rulebook:
    root: Path
    corpus: Corpus
    rules: list[Rule]
    formulas: list[Formula]
    parameters: dict[str, Parameter]
    problems: list[RulebookError] = field(default_factory=list)
    version: str = ""
    # regulations/lampiran/*.yaml by file stem
    annexes: dict[str, Any] = field(default_factory=dict)
    # in the order a participant's history calls for them, which is the order decisions list them
    document_types: dict[str, DocumentType] = field(default_factory=dict)
    # between parameters, declared in rules/parameters/*.yaml (law/constraints.py)
    constraints: list[Constraint] = field(default_factory=list)
    reform_name: str = ""  # the reform applied (its `name`, or the --param pairs); "" for none

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def citation(self, clause_id: str) -> str:
        """How a clause is cited ("Perban BKN 26/2019 Pasal 29 ayat (4)"); its id when unknown.
        The one citation lookup: decisions, explanations, documents and the lab all use it."""
        clause = self.corpus.clause(clause_id)
        return clause.citation if clause else clause_id


# Rulebooks already loaded in this process, by folder (as given) and content hash
# (`rules_version`): loading parses some fifty YAML files, and a test suite or a desk loads the
# same rulebook many times.
_LOADED: LRUCache[tuple[Path, str, str], Rulebook] = LRUCache(maxsize=8)
_LOADED_LOCK = threading.Lock()


def load_rulebook(root: Path) -> Rulebook:
    """Load `regulations/` and `rules/` under root; problems are collected for `rules check`.
    The same files give the same rulebook: one loaded before from identical content is copied
    (each caller gets its own, which it may change) instead of parsed again."""
    root = Path(root)
    version = rules_version(root)
    key = (root.resolve(), str(root), version)
    with _LOADED_LOCK:
        loaded = _LOADED.get(key)
    if loaded is None:
        loaded = _parse_rulebook(root, version)
        with _LOADED_LOCK:
            _LOADED[key] = loaded
    return copy.deepcopy(loaded)


def _parse_rulebook(root: Path, version: str) -> Rulebook:
    corpus = load_corpus(root / "regulations")
    book = Rulebook(root, corpus, [], [], {}, list(corpus.problems))
    for path in sorted((root / "regulations" / "lampiran").glob("*.yaml")):
        try:
            book.annexes[path.stem] = load_yaml(path, RulebookError)
        except RulebookError as exc:
            book.problems.append(exc)
    for path in sorted((root / "rules").rglob("*.yaml")):
        try:
            data = load_yaml(path, RulebookError)
        except RulebookError as exc:
            book.problems.append(exc)
            continue
        if not isinstance(data, dict):
            book.problems.append(
                RulebookError("berkas aturan harus berupa mapping YAML", file=str(path))
            )
            continue
        phase = str(data.get("phase", "design"))
        for raw in _section(path, data, "rules", book.problems):
            _add(book, _rule(path, raw, book.problems, phase))
        for raw in _section(path, data, "formulas", book.problems):
            _add(book, _formula(path, raw, book.problems))
        for raw in _section(path, data, "parameters", book.problems):
            _add(book, parameter_from_yaml(path, raw, book.problems))
        for raw in _section(path, data, "document_types", book.problems):
            _add_document_type(book, _document_type(path, raw, book.problems))
        for raw in _section(path, data, "constraints", book.problems):
            _add_constraint(book, path, raw)
    _check_document_calls(book)
    book.version = version
    return book


def _section(
    path: Path, data: dict[str, Any], key: str, problems: list[RulebookError]
) -> list[Any]:
    """A rule file's section (`rules`, `parameters`, ...): a list, or empty when absent; anything
    else is a problem at its line, and the section is skipped."""
    section = data.get(key)
    if section is None:
        return []
    if isinstance(section, list):
        return section
    problems.append(
        RulebookError(
            f"bagian '{key}' harus berupa daftar (list YAML)",
            file=str(path),
            line=line_of(data, key),
        )
    )
    return []


def _add(book: Rulebook, item: Rule | Formula | Parameter | None) -> None:
    if item is None:
        return
    if isinstance(item, Parameter):
        if item.id in book.parameters:
            book.problems.append(
                RulebookError(f"id parameter '{item.id}' ganda", file=item.file, line=item.line)
            )
        book.parameters[item.id] = item
        return
    existing = book.rules + book.formulas
    clash = next((x for x in existing if x.id == item.id), None)
    if clash:
        book.problems.append(
            RulebookError(
                f"id '{item.id}' ganda (juga di {clash.file}:{clash.line})",
                file=item.file,
                line=item.line,
            )
        )
    if isinstance(item, Rule):
        book.rules.append(item)
    else:
        book.formulas.append(item)


def _add_constraint(book: Rulebook, path: Path, raw: Any) -> None:
    if not _require(path, raw, ("id", "greater", "than", "message"), book.problems, "batasan"):
        return
    book.constraints.append(
        Constraint(
            str(raw["id"]),
            str(raw["greater"]),
            str(raw["than"]),
            str(raw["message"]),
            str(path),
            line_of(raw) or 0,
        )
    )


def _add_document_type(book: Rulebook, item: DocumentType | None) -> None:
    if item is None:
        return
    if item.name in book.document_types:
        clash = book.document_types[item.name]
        book.problems.append(
            RulebookError(
                f"jenis dokumen '{item.name}' ganda (juga di {clash.file}:{clash.line})",
                file=item.file,
                line=item.line,
            )
        )
    book.document_types[item.name] = item


def _document_type(path: Path, raw: Any, problems: list[RulebookError]) -> DocumentType | None:
    if not _require(path, raw, ("type", "title", "code"), problems, "jenis dokumen"):
        return None
    event = tuple(str(part) for part in raw.get("event") or ("attests",))
    unknown = [part for part in event if part not in EVENT_PARTS]
    if unknown:
        problems.append(
            RulebookError(
                f"jenis dokumen '{raw['type']}': bagian event {unknown} tidak dikenal; "
                f"yang dikenal: {list(EVENT_PARTS)}",
                file=str(path),
                line=line_of(raw, "event"),
            )
        )
    limits, open_ended = date_limits(path, raw, problems)
    return DocumentType(
        str(raw["type"]),
        str(raw["title"]),
        str(raw["code"]),
        str(path),
        line_of(raw) or 0,
        bool(raw.get("certificate", False)),
        str(raw["context"]) if raw.get("context") else None,
        event,
        raw.get("expires") is True,
        limits,
        open_ended,
    )


def document_calls(rule: Rule) -> list[dict[str, Any]]:
    """The documents a rule calls for (`append: {documents: ...}`), as written."""
    append = rule.then.get("append") if isinstance(rule.then, dict) else None
    calls = (append or {}).get("documents") if isinstance(append, dict) else None
    listed = calls if isinstance(calls, list) else [calls] if calls else []
    return [call if isinstance(call, dict) else {} for call in listed]


def _check_document_calls(book: Rulebook) -> None:
    """Every document a rule calls for is a declared type, and its type explains the date bound
    the call gives (or that it has none)."""
    for rule in book.rules:
        for call in document_calls(rule):
            name = call.get("type")
            kind = book.document_types.get(name) if isinstance(name, str) else None
            if kind is None:
                book.problems.append(
                    RulebookError(
                        f"aturan '{rule.id}' meminta dokumen '{name}' yang tidak dideklarasikan "
                        "di document_types (rules/documents.yaml)",
                        file=rule.file,
                        line=rule.line,
                    )
                )
                continue
            _check_date_bound(book, rule, kind, bounding_facts(call))


def _check_date_bound(
    book: Rulebook, rule: Rule, kind: DocumentType, facts: dict[str, str]
) -> None:
    unexplained = sorted({f for f in facts.values() if f not in kind.dated_before})
    if unexplained:
        message = (
            f"aturan '{rule.id}' membatasi tanggal dokumen '{kind.name}' dengan {unexplained}, "
            "tetapi jenis dokumen itu tidak menjelaskannya di dated_before "
            f"({kind.file}:{kind.line})"
        )
    elif not facts and kind.open_ended is None:
        message = (
            f"aturan '{rule.id}' meminta dokumen '{kind.name}' tanpa batas tanggal (until atau "
            f"dated_before), tetapi jenis dokumen itu tidak menjelaskan open_ended "
            f"({kind.file}:{kind.line})"
        )
    else:
        return
    book.problems.append(RulebookError(message, file=rule.file, line=rule.line))


def _require(
    path: Path, raw: Any, keys: tuple[str, ...], problems: list[RulebookError], what: str
) -> bool:
    if not isinstance(raw, dict):
        problems.append(
            RulebookError(f"{what} harus berupa mapping", file=str(path), line=line_of(raw))
        )
        return False
    missing = [k for k in keys if k not in raw]
    if missing:
        name = raw.get("id", raw.get("type", "?"))
        problems.append(
            RulebookError(
                f"{what} '{name}' tanpa isian wajib: {', '.join(missing)}",
                file=str(path),
                line=line_of(raw),
            )
        )
        return False
    return True


def _cites(path: Path, raw: Any, problems: list[RulebookError]) -> list[str]:
    cites = raw.get("cites")
    if isinstance(cites, str):
        cites = [cites]
    if not cites:
        problems.append(
            RulebookError(
                f"'{raw.get('id')}' tidak mengutip klausul apa pun (cites kosong)",
                file=str(path),
                line=line_of(raw, "cites"),
            )
        )
        return []
    return [str(c) for c in cites]


def _rule(
    path: Path, raw: Any, problems: list[RulebookError], phase: str = "design"
) -> Rule | None:
    if not _require(path, raw, ("id", "title", "cites", "when", "then"), problems, "aturan"):
        return None
    _check_when(path, raw, problems)
    phase = str(raw.get("phase", phase))
    if phase not in PHASES:
        problems.append(
            RulebookError(
                f"fase '{phase}' tidak dikenal; harus salah satu dari {list(PHASES)}",
                file=str(path),
                line=line_of(raw),
            )
        )
    return Rule(
        str(raw["id"]),
        str(raw["title"]),
        _cites(path, raw, problems),
        raw["when"],
        raw["then"],
        int(raw.get("priority", 0)),
        str(path),
        line_of(raw) or 0,
        str(raw.get("title_en", "")),
        raw.get("from"),
        raw.get("until"),
        phase=phase,
    )


def _check_when(path: Path, raw: Any, problems: list[RulebookError]) -> None:
    when = raw["when"]
    if not isinstance(when, dict):
        problems.append(
            RulebookError(
                f"'when' aturan '{raw['id']}' harus mapping",
                file=str(path),
                line=line_of(raw, "when"),
            )
        )
        return
    for kind, conditions in when.items():
        if kind == "params":
            continue
        if kind not in FACT_KINDS:
            problems.append(
                RulebookError(
                    f"jenis fakta '{kind}' tidak dikenal"
                    f"{suggest(str(kind), [*FACT_KINDS, 'params'])} (harus salah satu dari "
                    f"{list(FACT_KINDS)} atau 'params')",
                    file=str(path),
                    line=line_of(when, kind),
                )
            )
            continue
        for name, test in (conditions or {}).items():
            if (
                isinstance(test, dict)
                and "contains" in test
                and (set(test) != {"contains"} or not isinstance(test["contains"], (str, int)))
            ):
                problems.append(
                    RulebookError(
                        f"'contains' pada '{name}' berdiri sendiri dan berisi satu nilai teks "
                        "(mis. {contains: integritas})",
                        file=str(path),
                        line=line_of(conditions, name),
                    )
                )
            if isinstance(test, dict) and not set(test) <= OPERATORS | {"param", "fact"}:
                unknown = sorted(map(str, set(test) - OPERATORS))
                problems.append(
                    RulebookError(
                        f"operator {unknown} tidak dikenal pada '{name}'"
                        f"{suggest(unknown[0], sorted(OPERATORS))}; "
                        f"yang dikenal: {sorted(OPERATORS)}",
                        file=str(path),
                        line=line_of(conditions, name),
                    )
                )


def _formula(path: Path, raw: Any, problems: list[RulebookError]) -> Formula | None:
    if not _require(path, raw, ("id", "title", "cites", "gives"), problems, "formula"):
        return None
    phase = str(raw.get("phase", "design"))
    if phase not in (*PHASES, "both"):
        problems.append(
            RulebookError(
                f"fase formula '{phase}' tidak dikenal", file=str(path), line=line_of(raw)
            )
        )
    return Formula(
        str(raw["id"]),
        str(raw["title"]),
        _cites(path, raw, problems),
        list(raw["gives"]),
        list(raw.get("params") or []),
        str(path),
        line_of(raw) or 0,
        str(raw.get("title_en", "")),
        phase,
    )


def parameter_from_yaml(path: Path, raw: Any, problems: list[RulebookError]) -> Parameter | None:
    if not _require(path, raw, ("id", "title", "values"), problems, "parameter"):
        return None
    values = []
    for item in raw["values"] or []:
        value = _dated_value(path, raw["id"], item, problems)
        if value:
            values.append(value)
    return Parameter(
        str(raw["id"]),
        str(raw["title"]),
        values,
        str(path),
        line_of(raw) or 0,
        bool(raw.get("interpretive", False)),
        str(raw.get("question", "")),
        list(raw.get("alternatives") or []),
        str(raw.get("title_en", "")),
        dict(raw["schema"]) if isinstance(raw.get("schema"), dict) else {},
    )


def _dated_value(
    path: Path, pid: object, item: Any, problems: list[RulebookError]
) -> DatedValue | None:
    file, line = str(path), line_of(item)
    if not isinstance(item, dict) or "from" not in item or "value" not in item:
        problems.append(
            RulebookError(
                f"nilai parameter '{pid}' harus punya 'from' dan 'value'", file=file, line=line
            )
        )
        return None
    if not isinstance(item["from"], dt.date):
        problems.append(
            RulebookError(
                f"'from' parameter '{pid}' harus tanggal ISO (YYYY-MM-DD)", file=file, line=line
            )
        )
        return None
    reference = item.get("reference")
    if isinstance(reference, str):
        reference = [reference]
    if not reference:
        problems.append(
            RulebookError(
                f"nilai parameter '{pid}' sejak {item['from']} tidak punya 'reference'",
                file=file,
                line=line,
            )
        )
        reference = []
    status = str(item.get("status", "confirmed"))
    if status not in VALUE_STATUSES:
        problems.append(
            RulebookError(
                f"status nilai '{status}' tidak dikenal; harus {sorted(VALUE_STATUSES)}",
                file=file,
                line=line,
            )
        )
    return DatedValue(
        item["from"],
        item["value"],
        tuple(str(r) for r in reference),
        status,
        str(item.get("note", "")),
        str(item.get("date_note", "")),
    )


def rules_version(root: Path) -> str:
    """A content hash of rules/ and regulations/: the version every decision carries."""
    digest = hashlib.sha256()
    for folder in ("rules", "regulations"):
        for path in sorted((Path(root) / folder).rglob("*.yaml")):
            digest.update(str(path.relative_to(root)).encode())
            if path.is_file():  # a folder named *.yaml is reported by the loader
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
