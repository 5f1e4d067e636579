"""The traceability matrix: every clause, what cites it, and the golden cases that exercise it.

What counts as a golden case exercising a clause:
- a **rule** citing it: the cases where the rule fired;
- a **formula** citing it: formulas run on every case, so running proves nothing. A formula counts
  for a case when a rule that fired in that case reads a fact the formula gives (its result
  decided something). A formula whose facts no rule reads goes straight into the decision (the
  JPM, the dates): it counts for every case it ran in, and the matrix says so;
- a **parameter** citing it: the cases where a fired rule, or a formula that counted, used it.
Rules, formulas and parameters are listed separately, each with its title and its own count.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from aturan.decide import Decider
from aturan.drafting.golden import GoldenResult, golden_files, run_golden
from aturan.law import Formula, Rule, Rulebook, status_words

DIRECT = "hasilnya langsung masuk keputusan"
SHOWN_CASES = 12


@dataclass
class Citing:
    """A rule, formula or parameter citing a clause, with the golden cases where it mattered."""

    kind: str  # aturan | formula | parameter
    id: str
    title: str
    cases: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Cases:
    """Per golden case: what fired and which parameters each step used."""

    results: list[tuple[str, GoldenResult]]

    def where_rule(self, rule_id: str) -> list[str]:
        return [name for name, r in self.results if rule_id in r.fired]

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

    def where_parameter(self, pid: str, counted: dict[str, set[str]]) -> list[str]:
        """Cases where a fired rule, or a formula counted for that case, used the parameter."""
        return [
            name
            for name, r in self.results
            if any(pid in used and _counts(step, name, counted) for step, used in r.used.items())
        ]


def _counts(step: str, case: str, counted: dict[str, set[str]]) -> bool:
    return step not in counted or case in counted[step]


def build_matrix(book: Rulebook, decider: Decider, golden_dir: Path) -> list[dict]:
    cases = Cases(
        [
            (f"{path.name}: {result.name}", result)
            for path in golden_files([golden_dir])
            for result in run_golden(decider, path)
        ]
    )
    readers = {rule.id: _reads(rule) for rule in book.rules}
    formula_cases = {f.id: cases.where_formula(f, readers) for f in book.formulas}
    counted = {fid: set(found) for fid, found in formula_cases.items()}
    citing: dict[str, list[Citing]] = {}
    for rule in book.rules:
        _cite(citing, rule.cites, Citing("aturan", rule.id, rule.title, cases.where_rule(rule.id)))
    for formula in book.formulas:
        direct = not any(set(formula.gives) & reads for reads in readers.values())
        item = Citing("formula", formula.id, formula.title, formula_cases[formula.id])
        item.note = DIRECT if direct else ""
        _cite(citing, formula.cites, item)
    for param in book.parameters.values():
        item = Citing("parameter", param.id, param.title, cases.where_parameter(param.id, counted))
        _cite(citing, {c for v in param.values for c in v.reference}, item)
    rows = [
        _row(clause, citing.get(clause.id, []), _instrument_status(book, clause))
        for clause in book.corpus.clauses.values()
    ]
    return sorted(rows, key=lambda r: (bool(r["rules"]), not r["untested_rules"], r["clause"]))


def _cite(citing: dict[str, list[Citing]], clause_ids, item: Citing) -> None:
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


def _fact_refs(value: object) -> list[str]:
    if isinstance(value, dict) and isinstance(value.get("fact"), str):
        return [value["fact"]]
    if isinstance(value, dict):
        return [ref for v in value.values() for ref in _fact_refs(v)]
    if isinstance(value, list):
        return [ref for v in value for ref in _fact_refs(v)]
    return []


def _instrument_status(book: Rulebook, clause) -> str:
    instrument = book.corpus.instruments.get(clause.instrument)
    return instrument.status if instrument else ""


def _row(clause, items: list[Citing], instrument_status: str) -> dict:
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
        "golden": sorted({case for i in items for case in i.cases}),
    }


def _line(item: Citing) -> str:
    note = f"; {item.note}" if item.note else ""
    return f"{item.kind} {item.id}: {item.title} ({len(item.cases)} kasus{note})"


def to_markdown(rows: list[dict]) -> str:
    lines = [
        "# Matriks ketertelusuran",
        "",
        "Klausul tanpa aturan dan aturan tanpa kasus golden ditampilkan lebih dulu. Kasus golden "
        "dihitung untuk aturan yang berlaku dalam kasus itu; untuk formula hanya bila hasilnya "
        "dibaca aturan yang berlaku (atau langsung masuk keputusan); untuk parameter bila dipakai "
        "aturan atau formula yang terhitung.",
        "",
        "| Klausul | Kutipan | Status | Aturan, formula, parameter | Aturan tanpa kasus golden "
        "| Kasus golden |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        citing = "<br>".join(_md(_line(i)) for i in r["citing"])
        lines.append(
            f"| `{r['clause']}` | {_md(r['citation'])} | {r['status_label']} | "
            f"{citing or '**tidak ada** ' + _md(r['reason'])} | "
            f"{', '.join(r['untested_rules']) or '-'} | {len(r['golden'])} kasus |"
        )
    return "\n".join(lines) + "\n"


def to_html(rows: list[dict], version: str) -> str:
    body = "\n".join(_html_row(r) for r in rows)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Matriks ketertelusuran aturan</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;font-size:13px}}
td,th{{border:1px solid #bbb;padding:4px 6px;vertical-align:top}}th{{background:#1f4e79;color:#fff}}
tr.gap{{background:#fff2cc}}.teks{{color:#333;max-width:32em}}ul{{margin:0;padding-left:1.2em}}
</style></head><body>
<h1>Matriks ketertelusuran</h1><p>Versi aturan {html.escape(version)}. Baris kuning: \
klausul tanpa aturan, atau aturan tanpa kasus golden. Formula dihitung hanya pada kasus yang \
hasilnya dibaca aturan yang berlaku; parameter pada kasus yang memakainya.</p>
<table><tr><th>Klausul</th><th>Bunyi klausul</th><th>Status</th>\
<th>Aturan, formula, parameter (kasus golden)</th><th>Aturan tanpa kasus golden</th>\
<th>Kasus golden</th></tr>
{body}
</table></body></html>
"""


def _html_row(r: dict) -> str:
    style = ' class="gap"' if not r["rules"] or r["untested_rules"] else ""
    golden = "<br>".join(html.escape(g) for g in r["golden"][:SHOWN_CASES]) + (
        f"<br>... {len(r['golden']) - SHOWN_CASES} lagi" if len(r["golden"]) > SHOWN_CASES else ""
    )
    citing = "".join(
        f"<li>{html.escape(i.kind)} <b>{html.escape(i.title)}</b> "
        f"<code>{html.escape(i.id)}</code>: {len(i.cases)} kasus"
        f"{'; ' + html.escape(i.note) if i.note else ''}</li>"
        for i in r["citing"]
    )
    untested = "<br>".join(html.escape(x) for x in r["untested_rules"])
    cited = f"<ul>{citing}</ul>" if citing else "<b>tidak ada</b> " + html.escape(r["reason"])
    return (
        f"<tr{style}><td><code>{html.escape(r['clause'])}</code><br>"
        f"{html.escape(r['citation'])}</td>"
        f'<td class="teks">{html.escape(r["text"]) or "-"}</td>'
        f"<td>{html.escape(r['status_label'])}</td>"
        f"<td>{cited}</td><td>{untested or '-'}</td><td>{golden or '-'}</td></tr>"
    )


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
