"""The traceability matrix: every clause, the rules citing it, the golden cases exercising them."""

from __future__ import annotations

import html
from pathlib import Path

from aturan.decide import Decider
from aturan.drafting.golden import golden_files, run_golden
from aturan.law import Rulebook


def build_matrix(book: Rulebook, decider: Decider, golden_dir: Path) -> list[dict]:
    exercised: dict[str, list[str]] = {}
    for path in golden_files([golden_dir]):
        for result in run_golden(decider, path):
            for rule_id in set(result.fired):
                exercised.setdefault(rule_id, []).append(f"{path.name}: {result.name}")
    citing: dict[str, list[str]] = {}
    for item in book.rules + book.formulas:
        for cid in item.cites:
            citing.setdefault(cid, []).append(item.id)
    for param in book.parameters.values():
        for cid in {c for v in param.values for c in v.reference}:
            citing.setdefault(cid, []).append(f"parameter {param.id}")
    rows = []
    for clause in book.corpus.clauses.values():
        rules = citing.get(clause.id, [])
        golden = sorted({g for r in rules for g in exercised.get(r, [])})
        untested = [r for r in rules if not r.startswith("parameter ") and r not in exercised]
        reason = (
            f"diterapkan di luar aturan: {clause.implemented_in}"
            if clause.implemented_in
            else (
                f"sengaja tidak diformalkan: {clause.unformalized}" if clause.unformalized else ""
            )
        )
        rows.append(
            {
                "clause": clause.id,
                "citation": clause.citation,
                "status": clause.status,
                "reason": reason,
                "instrument": clause.instrument,
                "rules": rules,
                "untested_rules": untested,
                "golden": golden,
            }
        )
    return sorted(rows, key=lambda r: (bool(r["rules"]), not r["untested_rules"], r["clause"]))


def to_markdown(rows: list[dict]) -> str:
    lines = [
        "# Matriks ketertelusuran",
        "",
        "Klausul tanpa aturan dan aturan tanpa kasus golden ditampilkan lebih dulu.",
        "",
        "| Klausul | Kutipan | Status | Aturan | Aturan tanpa kasus golden | Kasus golden |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| `{r['clause']}` | {_md(r['citation'])} | {r['status']} | "
            f"{', '.join(r['rules']) or '**tidak ada** ' + _md(r['reason'])} | "
            f"{', '.join(r['untested_rules']) or '-'} | {len(r['golden'])} kasus |"
        )
    return "\n".join(lines) + "\n"


def to_html(rows: list[dict], version: str) -> str:
    body = []
    for r in rows:
        style = ' class="gap"' if not r["rules"] or r["untested_rules"] else ""
        golden = "<br>".join(html.escape(g) for g in r["golden"][:12]) + (
            f"<br>... {len(r['golden']) - 12} lagi" if len(r["golden"]) > 12 else ""
        )
        rules = "<br>".join(html.escape(x) for x in r["rules"])
        untested = "<br>".join(html.escape(x) for x in r["untested_rules"])
        body.append(
            f"<tr{style}><td><code>{html.escape(r['clause'])}</code></td>"
            f"<td>{html.escape(r['citation'])}</td>"
            f"<td>{r['status']}</td>"
            f"<td>{rules or '<b>tidak ada</b> ' + html.escape(r['reason'])}</td>"
            f"<td>{untested or '-'}</td><td>{golden or '-'}</td></tr>"
        )
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Matriks ketertelusuran aturan</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;font-size:13px}}
td,th{{border:1px solid #bbb;padding:4px 6px;vertical-align:top}}th{{background:#1f4e79;color:#fff}}
tr.gap{{background:#fff2cc}}</style></head><body>
<h1>Matriks ketertelusuran</h1><p>Versi aturan {html.escape(version)}. Baris kuning: \
klausul tanpa aturan, atau aturan tanpa kasus golden.</p>
<table><tr><th>Klausul</th><th>Kutipan</th><th>Status</th><th>Aturan / formula / parameter</th>\
<th>Aturan tanpa kasus golden</th><th>Kasus golden</th></tr>
{chr(10).join(body)}
</table></body></html>
"""


def _md(text: str) -> str:
    return text.replace("|", "\\|")
