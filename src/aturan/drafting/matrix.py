"""The traceability matrix: every clause, what cites it, and the golden cases that exercise it.

What counts as a golden case exercising a clause:
- a **rule** citing it: the cases where the rule fired and at least one of its conclusions stood
  (a rule a higher-priority rule overrode in full decided nothing there; those cases are listed
  apart). The cohort rule that forms coaching groups counts where it placed someone;
- a **formula** citing it: formulas run on every case, so running proves nothing. A formula counts
  for a case when a rule that fired in that case reads a fact the formula gives (its result
  decided something). A formula whose facts no rule reads goes straight into the decision (the
  JPM, the dates): it counts for every case it ran in, and the matrix says so;
- a **parameter** citing it: the cases that set it (`parameters:`, `model:`, `assessment:`), where
  a rule that fired used it (in its conditions or its conclusions), where a formula that counted
  used it, or, for a parameter no rule or formula names, where the decision read it
  (`design.profile_date`).
Rules, formulas and parameters are listed separately, each with its title, its own count and the
full list of its cases; a clause's own count is the cases where a rule citing it fired.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aturan.decide import COACHING_GROUP_RULE, Decider
from aturan.drafting.golden import COHORT_RULE_PARAMS, GoldenResult, golden_files, run_golden
from aturan.files import page_templates
from aturan.law import Clause, Formula, Rule, Rulebook, status_words

DIRECT = "hasilnya langsung masuk keputusan"
KINDS = ("aturan", "formula", "parameter")


@dataclass
class Citing:
    """A rule, formula or parameter citing a clause, with the golden cases where it mattered."""

    kind: str  # aturan | formula | parameter
    id: str
    title: str
    cases: list[str] = field(default_factory=list)
    note: str = ""
    overruled: list[str] = field(default_factory=list)  # rules: cases where it decided nothing


@dataclass
class Cases:
    """Per golden case: what fired and which parameters each step used."""

    results: list[tuple[str, GoldenResult]]

    def where_rule(self, rule_id: str) -> list[str]:
        return [
            name for name, r in self.results if rule_id in r.fired and rule_id not in r.overruled
        ]

    def overruled(self, rule_id: str) -> list[str]:
        return [name for name, r in self.results if rule_id in r.overruled]

    def where_formula(self, formula: Formula, readers: dict[str, set[str]]) -> list[str]:
        """Cases where a fired rule reads what the formula gives; every case it ran in when no
        rule reads it."""
        wanted = set(formula.gives)
        if not any(wanted & reads for reads in readers.values()):
            return [name for name, r in self.results if formula.id in r.fired]
        return [
            name
            for name, r in self.results
            if formula.id in r.fired and any(wanted & readers.get(x, set()) for x in r.fired)
        ]

    def where_parameter(self, pid: str, law: Law) -> list[str]:
        """Cases that set the parameter, where a step that counted used it, or, for a parameter
        no step names, where the decision read it."""
        return [
            name
            for name, r in self.results
            if pid in r.sets
            or any(
                pid in used | law.concludes_with.get(step, set()) and law.counts(step, name, r)
                for step, used in r.used.items()
            )
            or (pid in r.read and pid not in law.named)
        ]


@dataclass
class Law:
    """What the rulebook says about parameters: what each rule's conclusions read, which
    parameters some step names, and the cases where each formula counted."""

    concludes_with: dict[str, set[str]]
    named: set[str]
    counted: dict[str, set[str]]

    def counts(self, step: str, case: str, result: GoldenResult) -> bool:
        if step in self.counted:
            return case in self.counted[step]
        return step not in result.overruled


def _law(book: Rulebook, counted: dict[str, set[str]]) -> Law:
    concludes_with = {rule.id: set(_param_refs(rule.then)) for rule in book.rules}
    named = set(COHORT_RULE_PARAMS).union(*concludes_with.values())
    for rule in book.rules:
        named |= set(rule.when.get("params") or {}) | set(_param_refs(rule.when))
    for formula in book.formulas:
        named |= set(formula.params)
    return Law(concludes_with, named, counted)


def build_matrix(book: Rulebook, decider: Decider, golden_dir: Path) -> list[dict[str, Any]]:
    cases = Cases(
        [
            (f"{path.name}: {result.name}", result)
            for path in golden_files([golden_dir])
            for result in run_golden(decider, path)
        ]
    )
    readers = {rule.id: _reads(rule) for rule in book.rules}
    formula_cases = {f.id: cases.where_formula(f, readers) for f in book.formulas}
    law = _law(book, {fid: set(found) for fid, found in formula_cases.items()})
    citing: dict[str, list[Citing]] = {}
    for rule in book.rules:
        item = Citing("aturan", rule.id, rule.title, cases.where_rule(rule.id))
        item.overruled = cases.overruled(rule.id)
        _cite(citing, rule.cites, item)
    cohort = COACHING_GROUP_RULE["rule"]
    item = Citing("aturan", cohort, COACHING_GROUP_RULE["title"], cases.where_rule(cohort))
    _cite(citing, COACHING_GROUP_RULE["cites"], item)
    for formula in book.formulas:
        direct = not any(set(formula.gives) & reads for reads in readers.values())
        item = Citing("formula", formula.id, formula.title, formula_cases[formula.id])
        item.note = DIRECT if direct else ""
        _cite(citing, formula.cites, item)
    for param in book.parameters.values():
        item = Citing("parameter", param.id, param.title, cases.where_parameter(param.id, law))
        _cite(citing, {c for v in param.values for c in v.reference}, item)
    rows = [
        _row(clause, citing.get(clause.id, []), _instrument_status(book, clause))
        for clause in book.corpus.clauses.values()
    ]
    return sorted(rows, key=lambda r: (bool(r["rules"]), not r["untested_rules"], r["clause"]))


def _cite(citing: dict[str, list[Citing]], clause_ids: Iterable[str], item: Citing) -> None:
    for cid in sorted(set(clause_ids)):
        citing.setdefault(cid, []).append(item)


def _reads(rule: Rule) -> set[str]:
    """The facts a rule's conditions and conclusions read."""
    reads: set[str] = set()
    for kind, conditions in rule.when.items():
        if kind != "params" and isinstance(conditions, dict):
            reads.update(conditions)
            reads.update(_fact_refs(conditions))
    reads.update(ref.rpartition(".")[2] for ref in _fact_refs(rule.then))
    return reads


def _param_refs(value: object) -> list[str]:
    """The parameters `{param: id}` values name, anywhere in a rule's conditions or conclusions."""
    if isinstance(value, dict) and isinstance(value.get("param"), str):
        return [value["param"]]
    if isinstance(value, dict):
        return [ref for v in value.values() for ref in _param_refs(v)]
    if isinstance(value, list):
        return [ref for v in value for ref in _param_refs(v)]
    return []


def _fact_refs(value: object) -> list[str]:
    if isinstance(value, dict) and isinstance(value.get("fact"), str):
        return [value["fact"]]
    if isinstance(value, dict):
        return [ref for v in value.values() for ref in _fact_refs(v)]
    if isinstance(value, list):
        return [ref for v in value for ref in _fact_refs(v)]
    return []


def _instrument_status(book: Rulebook, clause: Clause) -> str:
    instrument = book.corpus.instruments.get(clause.instrument)
    return instrument.status if instrument else ""


def _row(clause: Clause, items: list[Citing], instrument_status: str) -> dict[str, Any]:
    rules = [i for i in items if i.kind == "aturan"]
    reason = (
        f"diterapkan di luar aturan: {clause.implemented_in}"
        if clause.implemented_in
        else (f"sengaja tidak diformalkan: {clause.unformalized}" if clause.unformalized else "")
    )
    return {
        "clause": clause.id,
        "citation": clause.citation,
        "text": clause.text,
        "status": clause.status,
        "status_label": status_words(clause, instrument_status),
        "reason": reason,
        "instrument": clause.instrument,
        "rules": [i.id for i in items],  # everything citing it: rules, formulas, parameters
        "citing": items,
        "untested_rules": [i.id for i in rules if not i.cases],
        "golden": sorted({case for i in rules for case in i.cases}),
    }


def _line(item: Citing) -> str:
    return f"{item.kind} {item.id}: {item.title} ({len(item.cases)} kasus{_notes(item)})"


def _notes(item: Citing) -> str:
    overruled = f"; {OVERRULED} di {len(item.overruled)} kasus lain" if item.overruled else ""
    return (f"; {item.note}" if item.note else "") + overruled


PAGES = page_templates("aturan.drafting")
OVERRULED = "dikesampingkan aturan berprioritas lebih tinggi"
INTRO = (
    "Kasus golden dihitung untuk aturan yang berlaku dalam kasus itu (bukan yang seluruh "
    "kesimpulannya dikesampingkan aturan berprioritas lebih tinggi); untuk formula hanya bila "
    "hasilnya dibaca aturan yang berlaku (atau langsung masuk keputusan); untuk parameter bila "
    "kasus itu menetapkannya, atau aturan yang berlaku atau formula yang terhitung memakainya, "
    "atau keputusan membacanya di luar aturan dan formula. Kolom terakhir menghitung kasus tempat "
    "aturan yang mengutip klausul itu berlaku."
)


def _items(rows: list[dict[str, Any]]) -> list[Citing]:
    """Every rule, formula and parameter once, by kind then id."""
    unique = {(i.kind, i.id): i for r in rows for i in r["citing"]}
    return sorted(unique.values(), key=lambda i: (KINDS.index(i.kind), i.id))


def to_markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "# Matriks ketertelusuran",
        "",
        "Klausul tanpa aturan dan aturan tanpa kasus golden ditampilkan lebih dulu. " + INTRO,
        "",
        "| Klausul | Kutipan | Status | Aturan, formula, parameter | Aturan tanpa kasus golden "
        "| Kasus golden tempat aturannya berlaku |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        citing = "<br>".join(_md(_line(i)) for i in r["citing"])
        lines.append(
            f"| `{r['clause']}` | {_md(r['citation'])} | {r['status_label']} | "
            f"{citing or '**tidak ada** ' + _md(r['reason'])} | "
            f"{', '.join(r['untested_rules']) or '-'} | "
            f"{str(len(r['golden'])) + ' kasus' if r['golden'] else '-'} |"
        )
    lines += ["", "## Kasus golden per aturan, formula dan parameter", ""]
    for item in _items(rows):
        lines += _md_item(item)
    return "\n".join(lines) + "\n"


def _md_item(item: Citing) -> list[str]:
    note = f" ({item.note})" if item.note else ""
    lines = [f"### {item.kind} `{item.id}`: {_md(item.title)} ({len(item.cases)} kasus){note}", ""]
    lines += [f"- {_md(case)}" for case in item.cases] or ["Tidak ada kasus golden."]
    if item.overruled:
        lines += ["", f"Di {len(item.overruled)} kasus lain, {OVERRULED}:", ""]
        lines += [f"- {_md(case)}" for case in item.overruled]
    return lines + [""]


def to_html(rows: list[dict[str, Any]], version: str) -> str:
    """The matrix as one HTML page (templates/trace-matrix.html): the table, then every rule,
    formula and parameter with the full list of its golden cases."""
    return PAGES.get_template("trace-matrix.html").render(
        rows=rows,
        items=_items(rows),
        version=version,
        intro=INTRO,
        overruled=OVERRULED,
        notes=_notes,
    )


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
