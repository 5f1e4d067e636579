"""The lab's three runs as a drafter uses them: decide a cohort into files (batch), set the four
models side by side (compare), and name what a reform changes (diff). The CLI only prints."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from aturan.cases import read_cohort
from aturan.decide import Decider, coaching_groups
from aturan.files import atomic_open, atomic_path, ensure_folder, safe_row
from aturan.lab.runs import (
    Change,
    Failure,
    Pricing,
    Span,
    compare_chart,
    compare_parallel,
    compare_table,
    decisions_parallel,
    diff_parallel,
    write_batch,
)
from aturan.law import (
    Parameter,
    ParamSet,
    Period,
    Rulebook,
    cause_periods,
    cause_phases,
    describe_cause,
    in_periods,
    merged,
    reform_causes,
)
from aturan.vocabulary import MODEL_SHORT, MODELS, PROGRAM_SHORT, VALUE_STATUS_WORDS

if TYPE_CHECKING:
    from _csv import Writer

Advance = Callable[[int], None]


@dataclass
class Outcome:
    """What a run produced: summary rows, rejected rows (row, message), and the files written."""

    rows: Sequence[Sequence[Any]] = field(default_factory=list)  # (label, value per column)
    failures: list[Failure] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    title: str = ""
    tables: dict[str, list[list[str | float]]] = field(
        default_factory=dict
    )  # model -> rows (measure, baseline, reform, diff)
    footing: list[str] = field(default_factory=list)  # model(s), dates, cohort, reform's dates
    costs: list[str] = field(default_factory=list)  # what the costs rest on; a synthetic cohort
    unchanged: list[str] = field(default_factory=list)  # why nothing changed, when it can tell
    apart: int = 0  # diff: out-of-scope participants whose changes are only informational


def run_batch(
    cohort: Path,
    out_dir: Path,
    book: Rulebook,
    model: str | None,
    assessment: str | None,
    as_of: dt.date,
    workers: int,
    advance: Advance,
    full_trace: bool = False,
) -> Outcome:
    """keputusan.jsonl (each decision with a compact trace, or the full one), keputusan.csv and
    kelompok-coaching.csv for one cohort."""
    params = Decider(book, model=model, assessment=assessment).params_on(as_of)
    outcome = Outcome(
        files=[out_dir / n for n in ("keputusan.jsonl", "keputusan.csv", "kelompok-coaching.csv")]
    )
    ensure_folder(out_dir)
    seen: Counter[str] = Counter()
    with (
        atomic_open(outcome.files[0], "w", encoding="utf-8") as jsonl,
        atomic_open(outcome.files[1], "w", encoding="utf-8", newline="") as table,
    ):
        decisions = decisions_parallel(
            read_cohort(cohort, defer=True),
            book,
            model,
            assessment,
            as_of,
            workers,
            outcome.failures,
            on_chunk=advance,
            trace="full" if full_trace else "compact",
            seen=seen,
        )
        result = write_batch(decisions, jsonl, table, params.get("cost.unit_per_participant") or {})
    groups = coaching_groups(
        result.coaching_members,
        int(params["coaching.group_size_max"]),
        str(params["coaching.same_gap_definition"]),
    )
    with atomic_open(outcome.files[2], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kelompok", "tanda_kesenjangan", "nip"])
        for group, (signature, nips) in groups.items():
            writer.writerows(safe_row([group, signature, nip]) for nip in nips)
    tally = result.tally
    titles = {name: kind.title for name, kind in book.document_types.items()}
    outcome.rows = [
        ("Diputuskan", tally.decided),
        ("Baris ditolak", len(outcome.failures)),
        ("Termasuk sasaran", tally.in_scope),
        ("Perlu asesmen awal", tally.initial_assessment),
        ("Desain ditetapkan", tally.with_design),
        ("JP dibebaskan", tally.jp_waived),
        *[(f"Keadaan: {k.replace('_', ' ')}", v) for k, v in tally.states.most_common()],
        *[(f"Dokumen: {titles.get(k, k)}", v) for k, v in sorted(tally.documents.items())],
    ]
    outcome.footing = synthetic_footing(Span(decided=seen["decided"], synthetic=seen["synthetic"]))
    return outcome


BASELINE, REFORMED = "Aturan berlaku", "Reformasi"


def run_compare(
    cohort: Path,
    out_dir: Path,
    book: Rulebook,
    assessment: str | None,
    as_of: dt.date,
    workers: int,
    advance: Advance,
    reformed: Rulebook | None = None,
    models: tuple[str, ...] = MODELS,
) -> Outcome:
    """The four models on the same participants, under the law in force and, with a reform, under
    the reform too: perbandingan.csv (one line per measure and model: values and difference) and
    perbandingan.png. Every table and the chart name the reform, the date and the cohort."""
    books = {BASELINE: book} | ({REFORMED: reformed} if reformed else {})
    span = Span()
    tallies, failures = compare_parallel(
        read_cohort(cohort, defer=True),
        books,
        models,
        assessment,
        as_of,
        workers,
        on_chunk=advance,
        span=span,
    )
    series = {label: {m: tallies[f"{label}|{m}"] for m in models} for label in books}
    law = Decider(book).params_on(as_of)
    grouping = (int(law["coaching.group_size_max"]), str(law["coaching.same_gap_definition"]))
    titles = {name: kind.title for name, kind in book.document_types.items()}
    pricing = {label: Pricing.of(Decider(b).params_on(as_of)) for label, b in books.items()}
    tables = {
        label: compare_table(per_model, *grouping, titles, pricing[label])
        for label, per_model in series.items()
    }
    decided = next(iter(tallies.values())).decided
    heading = compare_heading(reformed, as_of, cohort, decided)
    outcome = Outcome(
        rows=tables[BASELINE],
        failures=failures,
        files=[out_dir / "perbandingan.csv", out_dir / "perbandingan.png"],
        title=heading,
        tables=_side_by_side(tables, models) if reformed else {},
    )
    used = (
        f"keempat model ({', '.join(models)})"
        if len(models) > 1
        else _model_used(book, None, as_of)
    )
    outcome.footing = footing(book, reformed, used, as_of, span, decided) + synthetic_footing(span)
    outcome.costs = cost_footing(book, reformed, as_of)
    if reformed and tables[BASELINE] == tables[REFORMED]:
        outcome.unchanged = why_unchanged(book, reformed, as_of, span)
    notes = [*outcome.footing, *outcome.costs]
    ensure_folder(out_dir)
    with atomic_open(outcome.files[0], "w", encoding="utf-8", newline="") as handle:
        _write_compare_csv(csv.writer(handle), tables, models, heading, notes)
    with atomic_path(outcome.files[1]) as tmp:
        compare_chart(series, tmp, grouping, heading, pricing, notes)
    return outcome


PAY_MODELS = {
    "full_fee": "biaya penuh per peserta yang berlatih, berapa pun JP yang dibebaskan",
    "per_jp": "biaya satuan dikali bagian JP yang diikuti",
}
ASSESSMENTS = {
    "initial": "asesmen awal",
    "post_training": "uji kompetensi pasca pelatihan",
    "retest": "uji ulang",
}


def cost_footing(book: Rulebook, reformed: Rulebook | None, as_of: dt.date) -> list[str]:
    """What the costs rest on: the pay model, the costs counted and their unit costs with their
    status, and the JP values' statuses (and what the programs' JP totals rest on)."""
    from aturan.lab.numbers import rupiah

    law = Decider(reformed or book).params_on(as_of)
    pricing = Pricing.of(law)
    source = (reformed or book).parameters
    units = ", ".join(f"{ASSESSMENTS[k]} {rupiah(pricing.unit(k))}" for k in ASSESSMENTS)
    pay = PAY_MODELS.get(pricing.pay_model, pricing.pay_model)
    unit_status = _status(source, "cost.unit_per_participant", as_of)
    lines = [
        f"Cara bayar pelatihan: {pay} (parameter cost.pay_model = {pricing.pay_model}, "
        f"{_status(source, 'cost.pay_model', as_of)}; makalah paper:584-586: peserta parsial "
        "\u201cakan tetap membayar biaya pelatihan sesuai dengan ketentuan yang berlaku\u201d). "
        "\u201cBiaya pelatihan dihitung\u201d dan biaya total memakai cara bayar ini.",
        "Biaya yang dihitung: pelatihan (biaya satuan per program dari Tabel 2 makalah, PKA "
        f"dikoreksi; cost.unit_per_participant, {unit_status})"
        "; asesmen awal (setiap peserta yang perlu), uji kompetensi pasca pelatihan (satu per "
        "peserta yang berlatih) dan uji ulang (peserta yang langkah berikutnya uji ulang per "
        "--as-of). Tidak dihitung: coaching dan mentoring, pengembangan di tempat kerja, "
        "perjalanan, waktu kerja peserta.",
        f"Biaya satuan asesmen: {units} (parameter cost.assessment_unit, "
        f"{_status(source, 'cost.assessment_unit', as_of)}: angka sementara, bukan tarif yang "
        "terbaca).",
        jp_footing(law),
    ]
    return lines


def _status(parameters: dict[str, Parameter], pid: str, as_of: dt.date) -> str:
    value = parameters[pid].at(as_of) if pid in parameters else None
    status = value.status if value else "-"
    return f"status {VALUE_STATUS_WORDS.get(status, status)}"


def jp_footing(law: ParamSet) -> str:
    """How many subjects' JP are placeholders, each program's JP total here, and the one total
    read elsewhere (PKA 908 JP, unconfirmed)."""
    subjects = law.get("curriculum.subjects") or {}
    placeholders = sum(
        1 for s in subjects.values() if s.get("jp_status", "assumption") == "assumption"
    )
    totals: Counter[str] = Counter()
    for sid, subject in subjects.items():
        totals[sid.split(".")[0]] += sum((subject.get("jp") or {}).values())
    per_program = ", ".join(
        f"{name} {totals[p]}" for p, name in PROGRAM_SHORT.items() if p in totals
    )
    return (
        f"JP: {placeholders} dari {len(subjects)} mata pelatihan memakai angka sementara (asumsi; "
        f"{len(subjects) - placeholders} bersumber): tidak ada sumber terbaca yang memberi JP per "
        f"mata pelatihan (Tabel 3 makalah hanya agenda dan mata pelatihan). Total JP di sini: "
        f"{per_program}; satu-satunya total yang terbaca, PKA 908 jampel, berasal dari ucapan "
        "pejabat LAN di berita Kemenag (belum dikonfirmasi). JP menentukan \u201cJP "
        "dibebaskan\u201d dan \u201cBiaya menurut JP diikuti\u201d, bukan biaya penuh."
    )


SAMPLE_MAKEUP = (
    "program sebanding alumni Tabel 2, sekitar 30% tanpa asesmen, tahun pelatihan menurut "
    "--tahun (bawaan 2026); lihat docs/cohort-format.md"
)


def synthetic_footing(span: Span) -> list[str]:
    """A cohort (or part of one) made by `aturan sample` says so: marked per row (synthetic)."""
    from aturan.lab.numbers import number

    if not span.synthetic:
        return []
    return [
        f"KOHORT SINTETIS: {number(span.synthetic)} dari {number(span.decided)} peserta dibuat "
        f"oleh `aturan sample` (bukan orang sungguhan; {SAMPLE_MAKEUP}). Angka ini menggambarkan "
        "kohort buatan, bukan perkiraan nyata."
    ]


def compare_heading(reformed: Rulebook | None, as_of: dt.date, cohort: Path, decided: int) -> str:
    from aturan.lab.numbers import day, number

    what = (
        f"reformasi \u201c{reformed.reform_name}\u201d dibanding aturan berlaku"
        if reformed
        else ("aturan berlaku (tanpa reformasi)")
    )
    people = f"{number(decided)} peserta"
    return f"Perbandingan model: {what}; per {day(as_of)}; kohort {cohort.name} ({people})"


def _side_by_side(
    tables: dict[str, list[list[str | float]]], models: Iterable[str]
) -> dict[str, list[list[str | float]]]:
    """Per model: measure, value under the law in force, under the reform, and the difference."""
    out = {}
    for index, model in enumerate(models, 1):
        out[model] = [
            [base[0], base[index], new[index], _difference(base[index], new[index])]
            for base, new in zip(tables[BASELINE], tables[REFORMED])
        ]
    return out


def _difference(before: Any, after: Any) -> str | float:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, after))
    if numbers:
        return cast(float, round(after - before, 2))
    return "sama" if before == after else "berubah"


def _write_compare_csv(
    writer: Writer,
    tables: dict[str, list[list[str | float]]],
    models: Sequence[str],
    heading: str,
    notes: Iterable[str] = (),
) -> None:
    """Data for a spreadsheet: plain numbers (dot decimal, no thousands separator), so any locale
    reads them; one line per measure, one column per model (with a reform: per model, the law in
    force, the reform and the difference). The first line names the reform, the date and the
    cohort; the last lines, each "catatan" and a text, say what the figures rest on."""
    writer.writerow(safe_row([heading]))
    if len(tables) == 1:
        writer.writerow(["ukuran", *models])
        writer.writerows(safe_row(row) for row in tables[BASELINE])
    else:
        parts = ("berlaku", "reformasi", "selisih")
        writer.writerow(["ukuran", *[f"{model}:{part}" for model in models for part in parts]])
        for base, new in zip(tables[BASELINE], tables[REFORMED]):
            values = []
            for index in range(1, len(models) + 1):
                values += [base[index], new[index], _difference(base[index], new[index])]
            writer.writerow(safe_row([base[0], *values]))
    writer.writerows(safe_row(["catatan", note]) for note in notes)


def run_diff(
    cohort: Path,
    book: Rulebook,
    reformed: Rulebook,
    model: str | None,
    assessment: str | None,
    as_of: dt.date,
    workers: int,
    out_file: Path | None,
    show: Callable[[str], None],
    advance: Advance | None = None,
) -> Outcome:
    """Each changed participant shown as it comes, each field with its causes; then, apart, the
    out-of-scope participants whose changes are only informational (not counted as changed). The
    rows count the changed participants per cause (once under each of their causes), then per
    field with its causes. `advance` is told each chunk's participants as they are decided."""
    fields: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    failures: list[Failure] = []
    changed, span = 0, Span()
    by_field: dict[str, Counter[str]] = defaultdict(Counter)
    apart: list[str] = []
    with atomic_open(out_file, "w", encoding="utf-8") if out_file else nullcontext() as sink:
        for item in diff_parallel(
            read_cohort(cohort, defer=True),
            book,
            reformed,
            model,
            assessment,
            as_of,
            workers,
            failures,
            on_chunk=advance or (lambda n: None),
            span=span,
        ):
            if sink:
                sink.write(json.dumps(item.__dict__, ensure_ascii=False, default=str) + "\n")
            if item.informational:
                apart.append(apart_text(item))
                continue
            changed += 1
            for key in [*item.fields, *item.items]:
                name = FIELD_LABELS.get(key, key)
                fields[name] += 1
                by_field[name].update(item.field_causes.get(key) or [NO_SINGLE_CAUSE])
            causes.update(item.causes or [NO_SINGLE_CAUSE])
            show(change_text(item))
    if apart:
        show(f"\n{APART_HEAD}\n" + "\n".join(apart))
    described = {c.label: describe_cause(book, reformed, c) for c in reform_causes(book, reformed)}
    rows = [("peserta berubah", changed)]
    rows += [
        (f"sebab: {described.get(cause, cause)}", count) for cause, count in causes.most_common()
    ]
    rows += [
        (f"isian: {name} ({_field_causes_text(by_field[name])})", count)
        for name, count in fields.most_common()
    ]
    outcome = Outcome(rows=rows, failures=failures, apart=len(apart))
    decided = span.decided
    outcome.footing = footing(book, reformed, _model_used(book, model, as_of), as_of, span, decided)
    outcome.footing += synthetic_footing(span)
    outcome.unchanged = [] if changed else why_unchanged(book, reformed, as_of, span)
    outcome.unchanged += _other_model(reformed, book, model or _default_model(book, as_of))
    return outcome


def _default_model(book: Rulebook, as_of: dt.date) -> str:
    return str(Decider(book).params_on(as_of).get("integration.model"))


def _model_used(book: Rulebook, model: str | None, as_of: dt.date) -> str:
    if model:
        return f"{MODEL_SHORT[model]} (--model {model})"
    default = _default_model(book, as_of)
    return f"{MODEL_SHORT.get(default, default)} (bawaan: parameter integration.model)"


def footing(
    book: Rulebook,
    reformed: Rulebook | None,
    models: str,
    as_of: dt.date,
    span: Span,
    decided: int,
) -> list[str]:
    """What a comparison rests on: the model(s), the decision date, the cohort's training dates,
    and the dates on which the reform changes the law."""
    from aturan.lab.numbers import day, number

    lines = [f"Model: {models}", f"Tanggal keputusan (--as-of): {day(as_of)}"]
    cohort = f"Kohort: {number(decided)} peserta"
    if span.first_start and span.last_start:
        cohort += f"; pelatihan mulai {day(span.first_start)} s.d. {day(span.last_start)}"
    if span.first_end and span.last_end:
        cohort += f", selesai {day(span.first_end)} s.d. {day(span.last_end)}"
    lines.append(cohort)
    if reformed is not None:
        parts = [
            f"{_periods_text(cause_periods(book, reformed, cause))} ({cause.label})"
            for cause in reform_causes(book, reformed)
        ]
        lines.append("Reformasi berlaku: " + ("; ".join(parts) or "tidak mengubah apa pun"))
    return lines


def _periods_text(periods: Iterable[Period]) -> str:
    from aturan.lab.numbers import day

    def one(start: dt.date, end: dt.date | None) -> str:
        since = start > EARLIEST
        if end is None:
            return f"sejak {day(start)}" if since else "untuk semua tanggal"
        until = f"sampai sebelum {day(end)}"
        return f"{day(start)} {until}" if since else until

    return ", ".join(one(*p) for p in periods) or "tidak pada tanggal mana pun"


EARLIEST = dt.date(1900, 1, 1)  # --param values hold from here: for every date a case can have


PHASE_WORDS = {
    "design": "desain setiap peserta dinilai pada tanggal desainnya",
    "lifecycle": "siklus dinilai pada tanggal setiap asesmen pasca pelatihan dan pada --as-of",
}


def why_unchanged(book: Rulebook, reformed: Rulebook, as_of: dt.date, span: Span) -> list[str]:
    """When no participant has a step judged on a date the reform changes, in a phase the reform
    can change (design, lifecycle: law/reform.cause_phases), that is why nothing changed: said
    plainly, with the way to see the reform's effect. Empty when some step falls in the reform."""
    from aturan.lab.numbers import day

    causes = reform_causes(book, reformed)
    phases = sorted({p for c in causes for p in cause_phases(reformed, c)})
    periods = merged([p for c in causes for p in cause_periods(book, reformed, c)])
    judged = sorted(d for phase in phases for d in span.judged.get(phase, ()))
    if not periods or not judged or any(in_periods(d, periods) for d in judged):
        return []
    how = "; ".join(PHASE_WORDS[p] for p in phases)
    steps = " dan ".join(PHASE_NAMES[p] for p in phases)
    text = (
        "Tidak ada yang berubah karena tanggal reformasi tidak mengenai tanggal keputusan "
        f"peserta mana pun: reformasi mengubah langkah {steps}; "
        f"{how}: {day(judged[0])} s.d. {day(judged[-1])}, di luar masa berlaku reformasi "
        f"({_periods_text(periods)})."
    )
    first = periods[0][0]
    if first <= EARLIEST:
        return [text]
    hint = (
        "Untuk melihat dampaknya, pakai kohort yang berlatih dalam masa reformasi, mis. "
        f"`aturan sample --tahun {first.year} --out kohort-{first.year}.csv`, dan --as-of "
        "sesudah pelatihannya."
    )
    return [text, hint]


PHASE_NAMES = {"design": "desain", "lifecycle": "siklus"}


def _other_model(reformed: Rulebook, book: Rulebook, model: str) -> list[str]:
    """A reform whose rules all apply under other models than the one used."""
    rules = [
        r
        for c in reform_causes(book, reformed)
        if c.kind == "aturan" and (r := reformed.rule(c.id))
    ]
    wanted = set()
    for rule in rules:
        condition = (rule.when.get("params") or {}).get("integration.model")
        if condition is None:
            return []
        wanted |= set(condition["in"] if isinstance(condition, dict) else [condition])
    if not rules or model in wanted:
        return []
    names = ", ".join(sorted(wanted))
    return [
        f"Catatan: aturan reformasi hanya untuk model {names}, sedangkan yang dipakai model "
        f"{model}: jalankan dengan --model {sorted(wanted)[0]}."
    ]


NO_SINGLE_CAUSE = "tidak ada perubahan yang sendirian mengubah hasil (hanya bersama-sama)"
APART_HEAD = (
    "Peserta bukan sasaran (menurut kedua aturan) yang hanya berubah pada isian informatif "
    "(hasil asesmen, JPM, kategori, memenuhi SKJ); tidak berlatih, tidak dihitung berubah:"
)


def _field_causes_text(counts: Counter[str]) -> str:
    """A field's causes with how many participants each gives it: 'sebab: A 5; B 2'."""
    if len(counts) == 1:
        return f"sebab: {next(iter(counts))}"
    return "sebab: " + "; ".join(f"{cause} {n}" for cause, n in counts.most_common())


FIELD_LABELS = {
    "nip": "NIP",
    "program": "program",
    "in_scope": "termasuk sasaran",
    "scope_basis": "dasar sasaran",
    "prior_assessment_valid": "hasil asesmen sebelumnya berlaku",
    "initial_assessment_required": "perlu asesmen awal",
    "jpm": "JPM",
    "category": "kategori",
    "meets_skj": "memenuhi SKJ",
    "model": "model",
    "design_status": "status desain",
    "cluster": "klaster",
    "jp_waived": "JP dibebaskan",
    "coaching_focus": "fokus coaching",
    "state": "keadaan",
    "next_action": "langkah berikutnya",
    "next_from": "tanggal mulai langkah berikutnya",
    "next_until": "batas langkah berikutnya",
    "subjects_waived": "mata pelatihan dibebaskan",
    "subjects_required": "mata pelatihan wajib diikuti",
    "documents": "dokumen",
}


def value_text(value: Any) -> str:
    """A value as a drafter reads it: ya/tidak, '-' for none, the model's name, numbers in the id
    locale, codes with spaces."""
    from aturan.lab.numbers import number

    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (int, float)):
        return number(value)
    if value in MODEL_SHORT:
        return MODEL_SHORT[value]
    return str(value).replace("_", " ")


LIST_SHOWN = 5  # items of one list shown per participant; --out keeps them all


def change_text(item: Change) -> str:
    """A changed participant: its fields grouped by their causes, each group followed by the line
    naming its cause (changes that each alone give it joined by "atau")."""
    groups: dict[str, list[str]] = {}
    for key, (before, after) in item.fields.items():
        line = f"    {FIELD_LABELS.get(key, key)}: {value_text(before)} -> {value_text(after)}"
        groups.setdefault(_cause_of(item, key), []).append(line)
    for key, (added, removed) in item.items.items():
        label = FIELD_LABELS.get(key, key)
        lines = groups.setdefault(_cause_of(item, key), [])
        for verb, names in (("ditambah", added), ("dihapus", removed)):
            shown = names if len(names) <= LIST_SHOWN + 1 else names[:LIST_SHOWN]
            lines += [f"    {label}, {verb}: {x}" for x in shown]
            if len(shown) < len(names):
                lines.append(f"    {label}, {verb}: ... dan {len(names) - len(shown)} lagi")
    out = [f"{item.nip} {item.name}:"]
    for cause, lines in groups.items():
        out += lines + [f"    sebab: {cause}"]
    return "\n".join(out)


def _cause_of(item: Change, key: str) -> str:
    found = item.field_causes.get(key) or item.causes
    return " atau ".join(found) if found else NO_SINGLE_CAUSE


def apart_text(item: Change) -> str:
    """An out-of-scope participant's informational changes, on one line."""
    changes = "; ".join(
        f"{FIELD_LABELS.get(k, k)}: {value_text(a)} -> {value_text(b)}"
        for k, (a, b) in item.fields.items()
    )
    return f"  {item.nip} {item.name}: {changes} (sebab: {'; '.join(item.causes) or '-'})"
