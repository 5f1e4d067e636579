"""A decision as a readable account, each step quoting its clauses: Indonesian by default,
English on request."""

from __future__ import annotations

import textwrap
from typing import Any

from aturan.decide.value import Decision, Design
from aturan.law import Rulebook
from aturan.vocabulary import COMPETENCIES, PROGRAMS, TIERS, label

# A trace step is a JSON-like mapping; Text is one language's labels.
JSON = dict[str, Any]
Text = dict[str, str]

TEXT: dict[str, Text] = {
    "id": {
        "title": "Keputusan untuk {name} (NIP {nip}) per {as_of}",
        "version": "Versi aturan: {version}",
        "summary": "Ringkasan",
        "in_scope": "Termasuk sasaran",
        "basis": "dasar",
        "program": "Program",
        "target": "Jabatan target",
        "standard": "level standar",
        "prior": "Laporan asesmen sebelumnya",
        "valid": "berlaku",
        "invalid": "tidak berlaku",
        "expires": "berlaku sampai sebelum",
        "initial": "Asesmen awal diperlukan",
        "jpm": "JPM",
        "category": "Kategori",
        "meets": "Memenuhi SKJ",
        "gaps": "Kesenjangan per kompetensi (level capaian / standar)",
        "steps": "Langkah-langkah dan dasar hukumnya",
        "formula": "Perhitungan",
        "rule": "Aturan",
        "facts": "Fakta",
        "concludes": "Menyimpulkan",
        "param": "Parameter",
        "overridden": "dikesampingkan oleh aturan berprioritas lebih tinggi untuk",
        "yes": "ya",
        "no": "tidak",
        "none": "-",
        "status_unconfirmed": "pasal belum dikonfirmasi",
        "status_secondary": "teks peraturan belum dibaca; menurut sumber sekunder",
        "design": "Desain pelatihan",
        "model": "Model",
        "status": "Status",
        "cluster": "Klaster",
        "required": "Mata pelatihan wajib",
        "waived": "Mata pelatihan dibebaskan",
        "jp": "JP",
        "coaching": "Coaching dan mentoring, fokus",
        "group": "kelompok",
        "lifecycle": "Siklus dan langkah berikutnya",
        "state": "Keadaan",
        "next": "Langkah berikutnya",
        "window": "Jendela uji kompetensi",
        "expires_cert": "Sertifikat kompetensi berlaku sampai sebelum",
        "documents": "Dokumen yang diperlukan",
        "from": "mulai",
        "until": "paling lambat",
        "full": "tercatat sebagai peserta utuh",
        "judged_on": "dinilai pada",
        "attempt": "uji kompetensi tanggal",
        "attempts": "Uji kompetensi pasca pelatihan (masing-masing dinilai pada tanggalnya)",
        "counted": "dihitung",
        "rejected": "ditolak",
        "of": "dari",
        "since": "sejak",
    },
    "en": {
        "title": "Decision for {name} (NIP {nip}) as of {as_of}",
        "version": "Rules version: {version}",
        "summary": "Summary",
        "in_scope": "In scope",
        "basis": "basis",
        "program": "Program",
        "target": "Target position",
        "standard": "standard level",
        "prior": "Prior assessment report",
        "valid": "valid",
        "invalid": "not valid",
        "expires": "valid until before",
        "initial": "Initial assessment required",
        "jpm": "JPM",
        "category": "Category",
        "meets": "Meets SKJ",
        "gaps": "Gap per competency (achieved level / standard)",
        "steps": "Steps and their legal basis",
        "formula": "Computation",
        "rule": "Rule",
        "facts": "Facts",
        "concludes": "Concludes",
        "param": "Parameter",
        "overridden": "overridden by a higher-priority rule for",
        "yes": "yes",
        "no": "no",
        "none": "-",
        "status_unconfirmed": "article not confirmed",
        "status_secondary": "regulation text not read; per a secondary source",
        "design": "Training design",
        "model": "Model",
        "status": "Status",
        "cluster": "Cluster",
        "required": "Required subjects",
        "waived": "Waived subjects",
        "jp": "JP",
        "coaching": "Coaching and mentoring, focus",
        "group": "group",
        "lifecycle": "Lifecycle and next step",
        "state": "State",
        "next": "Next step",
        "window": "Assessment window",
        "expires_cert": "Competency certificate valid until before",
        "documents": "Documents called for",
        "from": "from",
        "until": "until",
        "full": "recorded as a full participant",
        "judged_on": "judged on",
        "attempt": "assessment of",
        "attempts": "Post-training assessments (each judged on its own date)",
        "counted": "counted",
        "rejected": "rejected",
        "of": "of",
        "since": "since",
    },
}


def explain(decision: Decision, book: Rulebook, lang: str = "id") -> str:
    t = TEXT[lang]
    lines = [
        t["title"].format(name=decision.name, nip=decision.nip, as_of=decision.as_of),
        t["version"].format(version=decision.rules_version),
        "",
        t["summary"],
    ]
    lines += [f"  {key}: {value}" for key, value in _summary(decision, t, lang)]
    if decision.levels:
        standard, gaps = decision.standard or {}, decision.gaps or {}
        lines += ["", t["gaps"]]
        for key, level in decision.levels.items():
            lines.append(
                f"  {label(COMPETENCIES, key, lang):<34} {level} / {standard[key]}"
                f"   gap {gaps[key]}"
            )
    lines += [""] + _design(decision.design, t)
    lines += [""] + _lifecycle(decision, t)
    lines += ["", t["steps"]]
    for number, step in enumerate(decision.trace, 1):
        lines += _step(number, step, book, t, lang)
    return "\n".join(lines) + "\n"


def _design(design: Design, t: Text) -> list[str]:
    out = [
        t["design"],
        f"  {t['model']}: {design.model}; {t['status']}: {design.status or t['none']}"
        + (f"; {t['full']}" if design.full_participant and design.waived else ""),
    ]
    if design.cluster:
        out.append(f"  {t['cluster']}: {design.cluster.name} ({design.cluster.basis})")
    if design.required or design.waived:
        jp = design.jp
        out.append(
            f"  {t['jp']}: {jp.required} {t['required'].lower()}, "
            f"{jp.waived} {t['waived'].lower()}, {t['of']} {jp.total}"
        )
    for label_key, entries in (("required", design.required), ("waived", design.waived)):
        if entries:
            out.append(f"  {t[label_key]}:")
            out += [
                f"    - {e.name} [{', '.join(e.stages)}; {e.jp} JP] ({e.reason}; {e.rule})"
                for e in entries
            ]
    if design.coaching:
        coaching = design.coaching
        group = f"; {t['group']} {coaching.group}" if coaching.group else ""
        out.append(f"  {t['coaching']}: {', '.join(coaching.focus)}{group}")
    return out


def _lifecycle(decision: Decision, t: Text) -> list[str]:
    life = decision.lifecycle
    step = life.next_step
    dates = " ".join(
        x
        for x in (
            f"{t['from']} {step.start}" if step.start else "",
            f"{t['until']} {step.until}" if step.until else "",
        )
        if x
    )
    out = [
        t["lifecycle"],
        f"  {t['state']}: {life.state or t['none']}",
        f"  {t['next']}: {step.action or t['none']} {dates}".rstrip(),
    ]
    if life.window.opens and life.assessment_option == "separate":
        out.append(f"  {t['window']}: {life.window.opens} .. {life.window.closes}")
    for attempt in life.attempts:
        verdict = t["counted"] if attempt.valid else f"{t['rejected']} ({attempt.reason})"
        out.append(
            f"  {t['attempts'] if attempt is life.attempts[0] else ' ' * len(t['attempts'])}: "
            f"{attempt.date} {attempt.kind}: {verdict}"
        )
    if life.certificate_expires_on:
        out.append(f"  {t['expires_cert']} {life.certificate_expires_on}")
    if decision.documents:
        out.append(
            f"  {t['documents']}: "
            + ", ".join(f"{d.type} ({', '.join(d.rules)})" for d in decision.documents)
        )
    return out


def _yn(value: object, t: Text) -> str:
    return t["none"] if value is None else (t["yes"] if value else t["no"])


def _summary(d: Decision, t: Text, lang: str) -> list[tuple[str, str]]:
    prior = d.prior_assessment
    prior_text = t["valid"] if prior.valid else t["invalid"]
    if prior.reason:
        prior_text += f" ({prior.reason})"
    if prior.expires_on:
        prior_text += f"; {t['expires']} {prior.expires_on}"
    rows = [
        (t["in_scope"], f"{_yn(d.in_scope, t)} ({t['basis']}: {d.scope_basis or t['none']})"),
        (t["program"], label(PROGRAMS, d.program, lang)),
        (
            t["target"],
            f"{label(TIERS, d.target.tier, lang)}, "
            f"{t['standard']} {d.target.standard_level or t['none']}",
        ),
        (t["prior"], prior_text),
        (t["initial"], _yn(d.initial_assessment_required, t)),
        (t["jpm"], f"{d.jpm} % ({d.jpm_source})" if d.jpm is not None else t["none"]),
        (t["category"], d.category or t["none"]),
        (t["meets"], _yn(d.meets_skj, t)),
    ]
    return rows


def _step(number: int, step: JSON, book: Rulebook, t: Text, lang: str) -> list[str]:
    kind = t["formula"] if step["kind"] == "formula" else t["rule"]
    title = step["title"]
    item = book.rule(step["rule"]) or next((f for f in book.formulas if f.id == step["rule"]), None)
    if lang == "en" and item is not None and item.title_en:
        title = item.title_en
    when = (
        f" [{t['attempt']} {step['attempt']}]"
        if step.get("attempt")
        else (f" [{t['judged_on']} {step['on']}]" if step.get("on") else "")
    )
    out = [f"{number}. {kind} {step['rule']}{when}: {title}"]
    if step.get("facts"):
        out.append(f"   {t['facts']}: " + ", ".join(f"{k}={v}" for k, v in step["facts"].items()))
    if step.get("concludes"):
        out.append(
            f"   {t['concludes']}: " + ", ".join(f"{k}={v}" for k, v in step["concludes"].items())
        )
    for pid, use in (step.get("params") or {}).items():
        out.append(
            f"   {t['param']} {pid} = {use['value']} ({t['since']} {use['from']}; {use['status']}; "
            f"{', '.join(book.citation(r) for r in use['reference'])})"
        )
    if step.get("overridden"):
        out.append(f"   ({t['overridden']}: {', '.join(step['overridden'])})")
    for cite in step["cites"]:
        clause = book.corpus.clause(cite["id"])
        note = (
            f" [{t['status_' + clause.status]}]"
            if clause and clause.status in ("unconfirmed", "secondary")
            else ""
        )
        out.append(f"   - {cite['citation']}{note}")
        if clause:
            out += textwrap.wrap(
                f'"{_excerpt(clause.text)}"',
                width=96,
                initial_indent="     ",
                subsequent_indent="      ",
            )
    return out


def _excerpt(text: str, limit: int = 420) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."
