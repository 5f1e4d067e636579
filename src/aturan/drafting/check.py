"""`aturan rules check`: everything that can be wrong in regulations/ and rules/, with file and
line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aturan.decide import IMPLEMENTATIONS, Engine
from aturan.documents import CONTEXTS
from aturan.errors import AturanError
from aturan.law import (
    LAW_STATUSES,
    Clause,
    DateLimit,
    DocumentType,
    ParamSet,
    Rulebook,
    conflict_problems,
    constraint_problems,
    describe_cause,
    key_problems,
    reform_causes,
    rule_problems,
    value_problems,
)


@dataclass
class Finding:
    level: str  # "error" or "warning"
    message: str
    file: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        label = "GALAT" if self.level == "error" else "PERINGATAN"
        return f"{label} {where}: {self.message}" if where else f"{label}: {self.message}"


def check_rulebook(book: Rulebook) -> list[Finding]:
    findings = [_finding(p) for p in book.problems]
    findings += _unresolved_cites(book)
    findings += _document_date_cites(book)
    findings += _parameter_references(book)
    findings += _formula_implementations(book)
    findings += _compiles(book)
    findings += _uncited_clauses(book)
    findings += _honest_statuses(book)
    findings += _openable_sources(book)
    findings += _clause_conditions(book)
    findings += _parameter_values(book)
    findings += _rule_vocabulary(book)
    return findings


def _clause_conditions(book: Rulebook) -> list[Finding]:
    """A clause's `applies_when` names a parameter and one of its alternatives."""
    out = []
    for clause in book.corpus.clauses.values():
        for pid, value in clause.applies_when:
            param = book.parameters.get(pid)
            known = [str(a).split(":", 1)[0].strip() for a in param.alternatives] if param else []
            if param is None or (known and value not in known):
                out.append(
                    Finding(
                        "error",
                        f"klausul '{clause.id}': applies_when {pid} = {value!r} bukan parameter "
                        f"atau alternatifnya yang dikenal ({', '.join(known) or '-'})",
                        clause.file,
                        clause.line,
                    )
                )
    return out


# A place an auditor cannot open: a file on the machine that wrote the clause.
_LOCAL_FILE = re.compile(r"^(/|~|file:|[A-Za-z]:\\)|(^|/)\.\./")


def _openable_sources(book: Rulebook) -> list[Finding]:
    """`read_at` says where a clause was read: the paper's lines (paper:N), a public address, or a
    drafter's reform; never a local file no auditor can open."""
    return [
        Finding(
            "error",
            f"klausul '{clause.id}' dibaca di {clause.read_at}, berkas yang tidak dapat dibuka "
            "pemeriksa: tulis baris makalah (paper:N) atau alamat publiknya",
            clause.file,
            clause.line,
        )
        for clause in book.corpus.clauses.values()
        if _LOCAL_FILE.search(clause.read_at.strip())
    ]


def _rule_vocabulary(book: Rulebook) -> list[Finding]:
    """Every rule's facts, operators, values and parameters against the fact schema; rules of
    equal priority concluding one fact differently (law/facts.py)."""
    problems = [p for rule in book.rules for p in rule_problems(rule, book.parameters)]
    return [_finding(p) for p in problems + conflict_problems(book.rules, book.parameters)]


def _parameter_values(book: Rulebook) -> list[Finding]:
    """Every dated value against its parameter's schema, and the constraints between
    parameters."""
    out = []
    for param in book.parameters.values():
        for value in param.values:
            found = value_problems(param, value.value)
            for message in found + key_problems(param, value.value, book.parameters):
                out.append(
                    Finding(
                        "error",
                        f"parameter '{param.id}' (sejak {value.start}): {message}",
                        param.file,
                        param.line,
                    )
                )
    for rule, _day, message in constraint_problems(book.parameters, book.constraints):
        out.append(Finding("error", message, rule.file, rule.line))
    return out


def check_reform(book: Rulebook, reformed: Rulebook) -> tuple[list[Finding], list[str]]:
    """What `rules check --reform` reports: the findings the reform adds to the baseline's, and
    its changes as a drafter reads them."""
    known = {str(f) for f in check_rulebook(book)}
    findings = [f for f in check_rulebook(reformed) if str(f) not in known]
    return findings, [
        describe_cause(book, reformed, cause) for cause in reform_causes(book, reformed)
    ]


def _finding(error: AturanError, level: str = "error") -> Finding:
    return Finding(level, error.message, error.file or "", error.line)


def _unresolved_cites(book: Rulebook) -> list[Finding]:
    out = []
    for item in book.rules + book.formulas:
        for cid in item.cites:
            if book.corpus.clause(cid) is None:
                out.append(
                    Finding(
                        "error",
                        f"'{item.id}' mengutip klausul '{cid}' yang tidak ada di regulations/",
                        item.file,
                        item.line,
                    )
                )
    return out


def _document_date_cites(book: Rulebook) -> list[Finding]:
    """The clauses behind each document type's last date (rules/documents.yaml) exist."""
    return [
        Finding(
            "error",
            f"batas tanggal dokumen '{kind.name}' mengutip klausul '{cid}' yang tidak ada di "
            "regulations/",
            limit.file,
            limit.line,
        )
        for kind in book.document_types.values()
        for limit in _date_limits(kind)
        for cid in limit.cites
        if book.corpus.clause(cid) is None
    ]


def _date_limits(kind: DocumentType) -> list[DateLimit]:
    return list(kind.dated_before.values()) + ([kind.open_ended] if kind.open_ended else [])


def _parameter_references(book: Rulebook) -> list[Finding]:
    out = []
    for param in book.parameters.values():
        for value in param.values:
            for cid in value.reference:
                if book.corpus.clause(cid) is None:
                    out.append(
                        Finding(
                            "error",
                            f"parameter '{param.id}' (sejak {value.start}) merujuk klausul '{cid}' "
                            "yang tidak ada",
                            param.file,
                            param.line,
                        )
                    )
    for formula in book.formulas:
        for pid in formula.params:
            if pid not in book.parameters:
                out.append(
                    Finding(
                        "error",
                        f"formula '{formula.id}' memakai parameter '{pid}' yang tidak "
                        "didefinisikan",
                        formula.file,
                        formula.line,
                    )
                )
    return out


def _formula_implementations(book: Rulebook) -> list[Finding]:
    declared = {f.id for f in book.formulas}
    out = [
        Finding(
            "error",
            f"formula '{f.id}' tidak punya implementasi di src/aturan/formulas.py",
            f.file,
            f.line,
        )
        for f in book.formulas
        if f.id not in IMPLEMENTATIONS
    ]
    out += [
        Finding(
            "error", f"formulas.py mengimplementasikan '{fid}' yang tidak dideklarasikan di rules/"
        )
        for fid in IMPLEMENTATIONS
        if fid not in declared
    ]
    return out


def _compiles(book: Rulebook) -> list[Finding]:
    """Compile the rules in force at every date where a parameter or rule changes."""
    if book.problems:
        return []
    starts = [min(v.start for v in p.values) for p in book.parameters.values() if p.values]
    complete_from = max(starts, default=None)
    dates = sorted(
        d
        for d in {v.start for p in book.parameters.values() for v in p.values}
        | {r.start for r in book.rules if r.start}
        if complete_from is None or d >= complete_from
    )
    out: list[Finding] = []
    seen: set[tuple[str | None, int | None, str]] = set()
    for date in dates:
        params = ParamSet(book.parameters, date)
        rules = [r for r in book.rules if r.in_force(date)]
        try:
            Engine(rules, params, name=f"check{len(seen)}")
        except AturanError as exc:
            key = (exc.file, exc.line, exc.message)
            if key not in seen:
                seen.add(key)
                out.append(
                    Finding("error", f"pada {date}: {exc.message}", exc.file or "", exc.line)
                )
    return out


def _uncited_clauses(book: Rulebook) -> list[Finding]:
    cited = {c for item in book.rules + book.formulas for c in item.cites}
    cited |= {c for p in book.parameters.values() for v in p.values for c in v.reference}
    cited |= {
        c for kind in book.document_types.values() for x in _date_limits(kind) for c in x.cites
    }
    return [
        Finding(
            "warning",
            f"klausul '{clause.id}' ({clause.citation}) belum dikutip aturan mana pun "
            "(kutip, atau tulis alasannya di 'unformalized')",
            clause.file,
            clause.line,
        )
        for clause in book.corpus.clauses.values()
        if clause.id not in cited and not clause.unformalized and not clause.implemented_in
    ]


# Where a clause's text was read, when it was not the regulation itself.
SECONDARY_READ_AT = ("paper:", "support-siasn.bkn.go.id/faqs")


def _honest_statuses(book: Rulebook) -> list[Finding]:
    """`confirmed` only when read in the regulation itself: a regulation's clause read in the paper
    or in BKN's FAQ is at most `secondary`, and a parameter value is `confirmed` only when every
    clause it rests on is a confirmed clause of a regulation."""
    out = []
    instruments = book.corpus.instruments
    clause: Clause | None  # a Clause in the first loop, a lookup's Clause | None in the second
    for clause in book.corpus.clauses.values():
        instrument = instruments.get(clause.instrument)
        if (
            clause.status == "confirmed"
            and instrument is not None
            and instrument.status in LAW_STATUSES
            and any(marker in clause.read_at for marker in SECONDARY_READ_AT)
        ):
            out.append(
                Finding(
                    "error",
                    f"klausul '{clause.id}' berstatus confirmed tetapi dibaca di {clause.read_at}, "
                    "bukan di teks peraturannya: pakai status secondary",
                    clause.file,
                    clause.line,
                )
            )
    for param in book.parameters.values():
        for value in param.values:
            if value.status != "confirmed":
                continue
            weak = []
            for cid in value.reference:
                clause = book.corpus.clause(cid)
                instrument = instruments.get(clause.instrument) if clause else None
                if clause is None:
                    continue  # reported by _parameter_references
                if (
                    clause.status != "confirmed"
                    or instrument is None
                    or instrument.status not in LAW_STATUSES
                ):
                    weak.append(f"{cid} ({clause.status})")
            if weak:
                out.append(
                    Finding(
                        "error",
                        f"parameter '{param.id}' (sejak {value.start}) berstatus confirmed tetapi "
                        f"merujuk klausul yang tidak dibaca di peraturannya: {', '.join(weak)}",
                        param.file,
                        param.line,
                    )
                )
    return out


def check_templates(folder: Path, book: Rulebook | None = None) -> list[Finding]:
    """Every DOCX template parses as Jinja (a broken tag is named here, not at issue time); every
    document type the rulebook declares has its template and a known context builder."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    out = _document_types(folder, book) if book else []
    for path in sorted(folder.glob("*.docx")):
        try:
            DocxTemplate(str(path)).get_undeclared_template_variables()
        except TemplateSyntaxError as exc:
            out.append(
                Finding(
                    "error", f"templat rusak: {exc.message} (baris XML {exc.lineno})", str(path)
                )
            )
    return out


def _document_types(folder: Path, book: Rulebook) -> list[Finding]:
    out = []
    for kind in book.document_types.values():
        if not (folder / f"{kind.name}.docx").is_file():
            out.append(
                Finding(
                    "error",
                    f"jenis dokumen '{kind.name}' tanpa templat {kind.name}.docx",
                    kind.file,
                    kind.line,
                )
            )
        if kind.context is not None and kind.context not in CONTEXTS:
            out.append(
                Finding(
                    "error",
                    f"jenis dokumen '{kind.name}': pembangun konteks '{kind.context}' tidak "
                    f"dikenal; yang dikenal: {sorted(CONTEXTS)}",
                    kind.file,
                    kind.line,
                )
            )
    return out
