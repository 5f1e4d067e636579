"""A decision as a readable account, each step quoting its clauses: Indonesian by default,
English on request."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from typing import Any

from aturan.decide.value import Decision, Design, DocumentIntent
from aturan.law import Rulebook, superseded_on, whole_sentences
from aturan.vocabulary import COMPETENCIES, MODEL_LABELS, PROGRAMS, STAGES, TIERS, label

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
        "documents": "Dokumen yang diperlukan, dengan rentang tanggal terbitnya",
        "dated": "bertanggal {start} s.d. {last}",
        "dated_open": "bertanggal mulai {start}, tanpa tanggal akhir",
        "dated_never": "tidak ada tanggal yang tepat waktu (peristiwa {start}, batas {bound})",
        "open": "terbuka",
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
        "decisive": "Langkah yang menentukan (rincian semua langkah: --rinci)",
        "times": "kali",
        "reformed_head": "Parameter yang diubah reformasi, dengan rancangan pasalnya",
        "jp_line": (
            "Jam pelajaran (JP): {required} JP diikuti, {waived} JP dibebaskan, dari {total} JP"
        ),
        "jp_placeholder": "angka JP sementara, belum bersumber",
        "table_value": "tabel, {n} entri",
        "internal": "nama internal",
        "see_above": "dikutip di atas",
        "replaces": "menggantikan",
        "amends": "mengubah",
        "always": "untuk semua tanggal",
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
        "documents": "Documents called for, with the dates they may bear",
        "dated": "dated {start} to {last}",
        "dated_open": "dated from {start}, no last date",
        "dated_never": "no timely date (event {start}, limit {bound})",
        "open": "open",
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
        "decisive": "Decisive steps (every step: --rinci)",
        "times": "times",
        "reformed_head": "Parameters changed by the reform, with their draft articles",
        "jp_line": "Hours (JP): {required} JP followed, {waived} JP waived, of {total} JP",
        "jp_placeholder": "placeholder hours, not yet sourced",
        "table_value": "table, {n} entries",
        "internal": "internal name",
        "see_above": "quoted above",
        "replaces": "replacing",
        "amends": "amending",
        "always": "for every date",
    },
}


def explain(decision: Decision, book: Rulebook, lang: str = "id", detail: bool = False) -> str:
    """The summary (outcome, design, lifecycle, and the decisive rules each quoting its articles in
    whole sentences); with `detail`, every step with its facts and parameters as well."""
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
    lines += [""] + _design(decision.design, t, lang)
    lines += [""] + _lifecycle(decision, t, book, lang)
    quoted: set[str] = set()
    in_force = _in_force(decision, book)
    if detail:
        lines += ["", t["steps"]]
        for number, step in enumerate(decision.trace, 1):
            lines += _step(number, step, book, t, lang, quoted, in_force)
    else:
        lines += ["", t["decisive"]]
        lines += _decisive(decision, book, t, lang, quoted, in_force)
    return "\n".join(lines) + "\n"


# A step's clauses as in force on the date it is judged (see _in_force).
InForce = Callable[[JSON], list[JSON]]


def _in_force(decision: Decision, book: Rulebook) -> InForce:
    """A step's clauses as in force on the date it is judged: a clause that a reform's value in
    force on that date took the place of gives way to the clauses that value cites (the draft
    article; "diubah lewat --param" for a --param), noting what it replaces."""
    by_day: dict[str, dict[str, tuple[list[str], bool]]] = {}

    def cites(step: JSON) -> list[JSON]:
        day = str(step.get("attempt") or step.get("on") or decision.as_of)
        if day not in by_day:
            by_day[day] = superseded_on(book, dt.date.fromisoformat(day[:10]))
        out = list[JSON]()
        for cite in step.get("cites") or []:
            new, stands = by_day[day].get(cite["id"], ([], True))
            if stands and all(c["id"] != cite["id"] for c in out):
                out.append(cite)
            verb = "amends" if stands else "replaces"
            out += [
                {"id": cid, "citation": book.citation(cid), verb: cite["citation"]}
                for cid in new
                if all(c["id"] != cid for c in out)
            ]
        return out

    return cites


def _decisive(
    decision: Decision, book: Rulebook, t: Text, lang: str, quoted: set[str], in_force: InForce
) -> list[str]:
    """The rules that fired and were not overridden, once each (with how many times
    they fired), in the order they first fired; each quotes its clauses, and a reformed parameter
    it read quotes the reform's draft article."""
    order: dict[str, list[JSON]] = {}
    for step in decision.trace:
        if step["kind"] != "formula" and not step.get("overridden"):
            order.setdefault(step["rule"], []).append(step)
    out = []
    for number, steps in enumerate(order.values(), 1):
        step = steps[0]
        times = f" ({len(steps)} {t['times']})" if len(steps) > 1 else ""
        out.append(f"{number}. {_title(step, book, lang)}{times}")
        out += _quotes(in_force(step), book, t, quoted)
    return out + _reformed(decision, book, t, quoted)


def _reformed(decision: Decision, book: Rulebook, t: Text, quoted: set[str]) -> list[str]:
    """Every reformed parameter the decision read (by a rule or a formula), with the reform's
    draft article quoted."""
    seen: dict[str, JSON] = {}
    for step in decision.trace:
        for pid, use in (step.get("params") or {}).items():
            if use.get("status") == "reform":
                seen.setdefault(pid, use)
    if not seen:
        return []
    out = ["", t["reformed_head"]]
    for pid, use in seen.items():
        since = t["always"] if use["from"] <= "1900-01-01" else f"{t['since']} {use['from']}"
        out.append(f"- {pid} = {_value(use['value'], t)} ({since})")
        cites = [{"id": r, "citation": book.citation(r)} for r in use["reference"]]
        out += _quotes(cites, book, t, quoted)
    return out


def _title(step: JSON, book: Rulebook, lang: str) -> str:
    title = str(step["title"])
    item = book.rule(step["rule"]) or next((f for f in book.formulas if f.id == step["rule"]), None)
    if lang == "en" and item is not None and item.title_en:
        title = item.title_en
    return title


def _quotes(cites: list[JSON], book: Rulebook, t: Text, quoted: set[str]) -> list[str]:
    """Each clause quoted in whole sentences the first time; after that, or when even its first
    sentence is too long, its citation alone."""
    out = []
    for cite in cites:
        clause = book.corpus.clause(cite["id"])
        note = (
            f" [{t['status_' + clause.status]}]"
            if clause and clause.status in ("unconfirmed", "secondary")
            else ""
        )
        for verb in ("replaces", "amends"):
            if cite.get(verb):
                note += f" ({t[verb]} {cite[verb]})"
        if clause and cite["id"] in quoted:
            out.append(f"   - {cite['citation']}{note} ({t['see_above']})")
            continue
        out.append(f"   - {cite['citation']}{note}")
        text = whole_sentences(clause.text) if clause else ""
        if text:
            quoted.add(cite["id"])
            out += textwrap.wrap(
                f'"{text}"', width=96, initial_indent="     ", subsequent_indent="      "
            )
    return out


def _value(value: object, t: Text) -> str:
    """A parameter's value as a reader sees it: scalars as they are, tables by their size (their
    content, with the drafters' English notes, is in rules/parameters/)."""
    if isinstance(value, dict | list | tuple):
        return f"({t['table_value'].format(n=len(value))})"
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    return str(value)


def _words(code: object, t: Text) -> str:
    """A state or action code read as words (menunggu_pelatihan -> menunggu pelatihan)."""
    return t["none"] if not code else str(code).replace("_", " ")


def _design(design: Design, t: Text, lang: str) -> list[str]:
    out = [
        t["design"],
        f"  {t['model']}: {label(MODEL_LABELS, design.model, lang)}; "
        f"{t['status']}: {_words(design.status, t)}"
        + (f"; {t['full']}" if design.full_participant and design.waived else ""),
    ]
    if design.cluster:
        out.append(f"  {t['cluster']}: {design.cluster.name} ({design.cluster.basis})")
    if design.required or design.waived:
        jp = design.jp
        out.append(
            "  "
            + t["jp_line"].format(required=jp.required, waived=jp.waived, total=jp.total)
            + f" ({t['jp_placeholder']})"
        )
    for label_key, entries in (("required", design.required), ("waived", design.waived)):
        if entries:
            out.append(f"  {t[label_key]}:")
            out += [
                f"    - {e.name} [{', '.join(STAGES.get(x, x) for x in e.stages)}; {e.jp} JP] "
                f"({_words(e.reason, t)})"
                for e in entries
            ]
    if design.coaching:
        coaching = design.coaching
        group = f"; {t['group']} {coaching.group}" if coaching.group else ""
        out.append(f"  {t['coaching']}: {', '.join(coaching.focus)}{group}")
    return out


def _lifecycle(decision: Decision, t: Text, book: Rulebook, lang: str) -> list[str]:
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
        f"  {t['state']}: {_words(life.state, t)}",
        f"  {t['next']}: {_words(step.action, t)} {dates}".rstrip(),
    ]
    if life.window.opens and life.assessment_option == "separate":
        out.append(f"  {t['window']}: {life.window.opens} .. {life.window.closes}")
    for attempt in life.attempts:
        verdict = t["counted"] if attempt.valid else f"{t['rejected']} ({attempt.reason})"
        out.append(
            f"  {t['attempts'] if attempt is life.attempts[0] else ' ' * len(t['attempts'])}: "
            f"{attempt.date} {_words(attempt.kind, t)}: {verdict}"
        )
    if life.certificate_expires_on:
        out.append(f"  {t['expires_cert']} {life.certificate_expires_on}")
    if decision.documents:
        out.append(f"  {t['documents']}:")
        for called in decision.documents:
            out += _document_dates(called, book, t, lang)
    return out


def _document_dates(called: DocumentIntent, book: Rulebook, t: Text, lang: str) -> list[str]:
    """A document's range of timely dates (from the event it attests to the day before it is no
    longer timely) and why it ends there, citing the clauses (rules/documents.yaml)."""
    start = called.attests or t["none"]
    bound = called.dated_before
    if bound and called.attests and bound <= called.attests:
        dates = t["dated_never"].format(start=start, bound=bound)
    elif bound:
        dates = t["dated"].format(start=start, last=bound - dt.timedelta(days=1))
    else:
        dates = t["dated_open"].format(start=start)
    lines = [f"    - {_document_title(book, called.type)}: {dates}"]
    kind = book.document_types.get(called.type)
    limit = kind.limit(called.dated_before_basis if bound else None) if kind else None
    if limit:
        reason = limit.reason_en if lang == "en" else limit.reason
        cites = "; ".join(book.citation(c) for c in limit.cites)
        lines.append(f"      {reason}{f' {bound}' if bound else ''} [{cites}]")
        note = limit.note_en if lang == "en" else limit.note
        if note:
            lines.append(f"      ({t['open']}: {note})")
    return lines


def _document_title(book: Rulebook, doc_type: str) -> str:
    kind = book.document_types.get(doc_type)
    return kind.title if kind else doc_type


def _yn(value: object, t: Text) -> str:
    return t["none"] if value is None else (t["yes"] if value else t["no"])


def _summary(d: Decision, t: Text, lang: str) -> list[tuple[str, str]]:
    prior = d.prior_assessment
    prior_text = t["valid"] if prior.valid else t["invalid"]
    if prior.reason:
        prior_text += f" ({_words(prior.reason, t)})"
    if prior.expires_on:
        prior_text += f"; {t['expires']} {prior.expires_on}"
    rows = [
        (t["in_scope"], f"{_yn(d.in_scope, t)} ({t['basis']}: {_words(d.scope_basis, t)})"),
        (t["program"], label(PROGRAMS, d.program, lang)),
        (
            t["target"],
            f"{label(TIERS, d.target.tier, lang)}, "
            f"{t['standard']} {d.target.standard_level or t['none']}",
        ),
        (t["prior"], prior_text),
        (t["initial"], _yn(d.initial_assessment_required, t)),
        (t["jpm"], _jpm(d, t, lang)),
        (t["category"], d.category or t["none"]),
        (t["meets"], _yn(d.meets_skj, t)),
    ]
    return rows


def _jpm(d: Decision, t: Text, lang: str) -> str:
    if d.jpm is None:
        return t["none"]
    # a reported JPM is printed as reported (79.996 rounded to "80,00" would contradict its MMS)
    shown = f"{d.jpm:g}" if d.jpm_source == "laporan" else f"{d.jpm:.2f}"
    shown = shown.replace(".", ",") if lang == "id" else shown
    return f"{shown} % ({_words(d.jpm_source, t)})"


def _step(
    number: int,
    step: JSON,
    book: Rulebook,
    t: Text,
    lang: str,
    quoted: set[str],
    in_force: InForce,
) -> list[str]:
    kind = t["formula"] if step["kind"] == "formula" else t["rule"]
    title = _title(step, book, lang)
    when = (
        f" [{t['attempt']} {step['attempt']}]"
        if step.get("attempt")
        else (f" [{t['judged_on']} {step['on']}]" if step.get("on") else "")
    )
    out = [f"{number}. {kind}{when}: {title} ({t['internal']}: {step['rule']})"]
    if step.get("facts"):
        out.append(f"   {t['facts']}: " + _pairs(step["facts"], t))
    if step.get("concludes"):
        out.append(f"   {t['concludes']}: " + _pairs(step["concludes"], t))
    for pid, use in (step.get("params") or {}).items():
        out.append(
            f"   {t['param']} {pid} = {_value(use['value'], t)} ({t['since']} {use['from']}; "
            f"{use['status']}; {', '.join(book.citation(r) for r in use['reference'])})"
        )
    if step.get("overridden"):
        out.append(f"   ({t['overridden']}: {', '.join(step['overridden'])})")
    return out + _quotes(in_force(step), book, t, quoted)


def _pairs(values: JSON, t: Text) -> str:
    return ", ".join(
        f"{k}={_value(v, t) if v is not None else t['none']}" for k, v in values.items()
    )
