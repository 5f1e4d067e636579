"""The policy lab: cohorts in batch, the four models side by side, reforms and their diff.

Everything streams: a cohort is read row by row and each decision is written out or
folded into counters before the next row is read, so memory does not grow with the cohort.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import itertools
import json
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypedDict, TypeVar, cast

import orjson

from aturan.cases import Case, CohortRow, UncheckedRow, row_error
from aturan.decide import Decider, Decision, Memory, TraceDetail
from aturan.errors import AturanError, InputError
from aturan.files import safe_record
from aturan.law import ParamSet, Rulebook
from aturan.vocabulary import MODEL_SHORT, PROGRAM_SHORT

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Failure = tuple[int | None, str]  # (row, message)
Spec = tuple[Rulebook, str | None, str | None]  # (rulebook, model, assessment)
Chunk = list[tuple[int, UncheckedRow | tuple[dict[str, Any], str]]]  # (row, what chunks_of read)
Series = dict[str, dict[str, "Tally"]]  # label -> model -> tally
R = TypeVar("R")

ROW_FIELDS = [
    "nip",
    "name",
    "program",
    "in_scope",
    "scope_basis",
    "prior_assessment_valid",
    "initial_assessment_required",
    "jpm",
    "category",
    "meets_skj",
    "model",
    "design_status",
    "cluster",
    "subjects_required",
    "subjects_waived",
    "jp_waived",
    "coaching_focus",
    "state",
    "next_action",
    "next_from",
    "next_until",
    "documents",
]


def summary_row(decision: Decision) -> dict[str, Any]:
    """One flat line per decision: what a spreadsheet or a diff compares."""
    design, step = decision.design, decision.lifecycle.next_step
    return {
        "nip": decision.nip,
        "name": decision.name,
        "program": decision.program,
        "in_scope": decision.in_scope,
        "scope_basis": decision.scope_basis,
        "prior_assessment_valid": decision.prior_assessment.valid,
        "initial_assessment_required": decision.initial_assessment_required,
        "jpm": decision.jpm,
        "category": decision.category,
        "meets_skj": decision.meets_skj,
        "model": design.model,
        "design_status": design.status,
        "cluster": design.cluster.id if design.cluster else None,
        "subjects_required": len(design.required),
        "subjects_waived": len(design.waived),
        "jp_waived": design.jp.waived,
        "coaching_focus": "+".join(design.coaching.focus) if design.coaching else "",
        "state": decision.lifecycle.state,
        "next_action": step.action,
        "next_from": _iso(step.start),
        "next_until": _iso(step.until),
        "documents": "+".join(d.type for d in decision.documents),
    }


def _shown_row(row: dict[str, Any]) -> dict[str, Any]:
    """A summary line as an operator reads it in keputusan.csv: yes/no as Ya/Tidak."""
    return {k: ("Ya" if v else "Tidak") if isinstance(v, bool) else v for k, v in row.items()}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# Who is counted in the cost: every in-scope participant who trains. A participant whose design is
# set pays for the JP taken; one still waiting for an initial assessment trains too, in full (no
# waiver can be set before the assessment); a holder of a participation certificate who need not
# repeat the training (design status tidak_perlu_mengulang) and anyone out of scope do not train.
NOT_TRAINING = {"tidak_perlu_mengulang", "bukan_sasaran"}
COST_BASIS = (
    "Biaya dihitung untuk setiap peserta yang berlatih: semua peserta dalam sasaran, termasuk yang "
    "masih menunggu asesmen awal (dihitung penuh, belum ada pembebasan), kecuali pemegang "
    "sertifikat keikutsertaan "
    "yang tidak perlu mengulang. Biaya per peserta dibagi seluruh peserta kohort yang diputuskan."
)


def trains(decision: Decision) -> bool:
    """Whether the participant takes the training (and so costs a unit cost), per COST_BASIS."""
    return bool(decision.in_scope) and decision.design.status not in NOT_TRAINING


RETEST = (
    "uji_ulang"  # the next action of a participant who did not meet SKJ (hasil.belum-memenuhi-skj)
)


@dataclass(frozen=True)
class Pricing:
    """What a comparison's costs rest on, from the law's parameters: the pay model (cost.pay_model)
    and the unit cost of each assessment (cost.assessment_unit)."""

    pay_model: str = "full_fee"
    assessment: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, params: ParamSet) -> Pricing:
        units = params.get("cost.assessment_unit") or {}
        return cls(str(params.get("cost.pay_model") or "full_fee"), tuple(sorted(units.items())))

    def unit(self, kind: str) -> float:
        return float(dict(self.assessment).get(kind, 0))

    def training(self, tally: Tally, program: str | None = None) -> float:
        """The training cost under the pay model: full fee, or by the JP taken."""
        by_jp = self.pay_model == "per_jp"
        if program is None:
            return tally.cost_by_jp if by_jp else tally.cost_full
        counter = tally.program_cost_by_jp if by_jp else tally.program_cost_full
        return counter.get(program, 0)

    def assessments(self, tally: Tally) -> dict[str, tuple[int, int]]:
        """Per kind of assessment: (how many, their cost). One initial assessment per participant
        who needs one, one post-training assessment per participant who trains, one re-test per
        participant whose next step is a re-test at --as-of."""
        counts = {
            "initial": tally.initial_assessment,
            "post_training": tally.training,
            "retest": tally.retests,
        }
        return {kind: (n, round(n * self.unit(kind))) for kind, n in counts.items()}

    def total(self, tally: Tally) -> int:
        costs = sum(cost for _, cost in self.assessments(tally).values())
        return round(self.training(tally)) + costs


@dataclass
class Tally:
    """Counters for one model over a cohort."""

    decided: int = 0
    in_scope: int = 0
    initial_assessment: int = 0
    clusters: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    documents: Counter[str] = field(default_factory=Counter)
    subjects_waived: int = 0
    jp_waived: int = 0
    jp_total: int = 0
    with_design: int = 0
    coaching: Counter[str] = field(default_factory=Counter)  # signature -> participants
    cost_full: float = 0.0
    cost_by_jp: float = 0.0
    training: int = 0  # participants counted in the cost
    retests: int = 0  # participants whose next step is a re-test (uji ulang), known at --as-of
    programs: Counter[str | None] = field(
        default_factory=Counter
    )  # program -> participants decided
    program_cost_by_jp: Counter[str | None] = field(default_factory=Counter)
    program_cost_full: Counter[str | None] = field(default_factory=Counter)
    program_training: Counter[str | None] = field(
        default_factory=Counter
    )  # program -> participants training

    def add(self, decision: Decision, unit_cost: Mapping[str | None, float]) -> None:
        design = decision.design
        self.decided += 1
        self.programs[decision.program] += 1
        self.in_scope += bool(decision.in_scope)
        self.initial_assessment += bool(decision.initial_assessment_required)
        self.categories[decision.category or "-"] += 1
        self.states[decision.lifecycle.state or "-"] += 1
        self.documents.update(d.type for d in decision.documents)
        if design.cluster:
            self.clusters[design.cluster.id] += 1
        self.retests += decision.lifecycle.next_step.action == RETEST
        if design.status == "ditetapkan":
            self.with_design += 1
            self.subjects_waived += len(design.waived)
            self.jp_waived += design.jp.waived
            self.jp_total += design.jp.total or 0
        if trains(decision):
            self.training += 1
            self.program_training[decision.program] += 1
            cost = float(unit_cost.get(decision.program, 0))
            total = design.jp.total or 0
            share = (
                (total - design.jp.waived) / total if design.status == "ditetapkan" and total else 1
            )
            self.cost_full += cost
            self.cost_by_jp += cost * share
            # rupiah, not counts: typeshed types a Counter's values as int
            self.program_cost_by_jp[decision.program] += cost * share  # type: ignore[assignment]
            self.program_cost_full[decision.program] += cost  # type: ignore[assignment]
        if design.coaching:
            self.coaching[design.coaching.signature] += 1

    def merge(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(getattr(other, name))
            else:
                setattr(self, name, mine + getattr(other, name))

    def group_sizes(self, size_max: int, definition: str = "same_focus_competencies") -> list[int]:
        from aturan.decide import merge_by_gap

        sizes = []
        for count in merge_by_gap(self.coaching, definition).values():
            full, rest = divmod(count, size_max)
            sizes += [size_max] * full + ([rest] if rest else [])
        return sizes


@dataclass
class BatchResult:
    tally: Tally
    failures: list[Failure] = field(default_factory=list)  # (row, message)
    coaching_members: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Span:
    """The dates a run's participants are judged on besides the decision date (each one's design
    date and post-training assessments' dates, under each law), and their training dates: what
    `compare` and `diff` print as their footing, and what tells whether a reform's dates reach
    anyone (reports.footing)."""

    judged: dict[str, set[dt.date]] = field(
        default_factory=lambda: {"design": set(), "lifecycle": set()}
    )
    decided: int = 0
    synthetic: int = 0  # participants marked as made by `aturan sample` (case field `synthetic`)
    first_start: dt.date | None = None
    last_start: dt.date | None = None
    first_end: dt.date | None = None
    last_end: dt.date | None = None

    def add(self, case: Case, deciders: Iterable[Decider], as_of: dt.date) -> None:
        self.decided += 1
        self.synthetic += bool(case.data.get("synthetic"))
        start, end = case.date("training", "start"), case.date("training", "end")
        if start:
            self.first_start = min(self.first_start or start, start)
            self.last_start = max(self.last_start or start, start)
        if end:
            self.first_end = min(self.first_end or end, end)
            self.last_end = max(self.last_end or end, end)
        for decider in deciders:
            for phase, days in decider.step_dates(case, as_of).items():
                self.judged[phase] |= days

    def merge(self, other: Span) -> None:
        for phase, days in other.judged.items():
            self.judged[phase] |= days
        self.decided += other.decided
        self.synthetic += other.synthetic
        for name, pick in (
            ("first_start", min),
            ("last_start", max),
            ("first_end", min),
            ("last_end", max),
        ):
            values = [v for v in (getattr(self, name), getattr(other, name)) if v]
            setattr(self, name, pick(values) if values else None)


# dates, datetimes and dataclasses go through `default=str`, as json.dumps writes them
JSON_LINE_OPTIONS = (
    orjson.OPT_APPEND_NEWLINE | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def json_line(value: object) -> str:
    """One JSON line, written by orjson (compact separators, same content as json.dumps); a value
    orjson refuses (an integer beyond 64 bits, a key that is not a string) falls back to json."""
    try:
        return orjson.dumps(value, default=str, option=JSON_LINE_OPTIONS).decode("utf-8")
    except TypeError:
        return json.dumps(value, ensure_ascii=False, default=str) + "\n"


def write_batch(
    decisions: Iterable[Decision],
    jsonl: IO[str],
    table: IO[str],
    unit_cost: Mapping[str | None, float],
) -> BatchResult:
    """Decisions as JSON lines (full, with trace) and CSV (one summary line), streamed."""
    result = BatchResult(Tally())
    writer = csv.DictWriter(table, fieldnames=ROW_FIELDS)
    writer.writeheader()
    for decision in decisions:
        jsonl.write(json_line(decision.to_json()))
        writer.writerow(safe_record(_shown_row(summary_row(decision))))
        result.tally.add(decision, unit_cost)
        if decision.design.coaching:
            result.coaching_members[decision.design.coaching.signature].append(decision.nip)
    return result


def _per(total: float, count: int, digits: int | None = None) -> float:
    """total / count, 0 for an empty count; whole numbers (rupiah) unless digits are asked for."""
    if not count:
        return 0
    return round(total / count, digits) if digits is not None else round(total / count)


COMPARE_ROWS: list[tuple[str, Callable[[Tally, tuple[int, str], Pricing], str | float]]] = [
    ("Diputuskan", lambda t, g, p: t.decided),
    ("Termasuk sasaran", lambda t, g, p: t.in_scope),
    ("Perlu asesmen awal", lambda t, g, p: t.initial_assessment),
    ("Desain ditetapkan", lambda t, g, p: t.with_design),
    ("Klaster A", lambda t, g, p: t.clusters.get("A", 0)),
    ("Klaster B", lambda t, g, p: t.clusters.get("B", 0)),
    ("Klaster C", lambda t, g, p: t.clusters.get("C", 0)),
    ("Mata pelatihan dibebaskan (total)", lambda t, g, p: t.subjects_waived),
    (
        "Mata pelatihan dibebaskan per peserta berdesain",
        lambda t, g, p: _per(t.subjects_waived, t.with_design, 2),
    ),
    ("JP dibebaskan (total)", lambda t, g, p: t.jp_waived),
    ("JP dibebaskan per peserta berdesain", lambda t, g, p: _per(t.jp_waived, t.with_design, 1)),
    ("Peserta dengan coaching", lambda t, g, p: sum(t.coaching.values())),
    ("Kelompok coaching", lambda t, g, p: len(t.group_sizes(*g))),
    (
        "Ukuran kelompok (min-maks)",
        lambda t, g, p: f"{min(t.group_sizes(*g))}-{max(t.group_sizes(*g))}" if t.coaching else "-",
    ),
    ("Peserta yang berlatih (dasar biaya)", lambda t, g, p: t.training),
    ("Biaya penuh (Rp)", lambda t, g, p: round(t.cost_full)),
    ("Biaya menurut JP diikuti (Rp)", lambda t, g, p: round(t.cost_by_jp)),
    ("Biaya pelatihan dihitung (Rp)", lambda t, g, p: round(p.training(t))),
    ("Uji kompetensi pasca pelatihan (orang)", lambda t, g, p: t.training),
    ("Uji ulang (orang)", lambda t, g, p: t.retests),
    ("Biaya asesmen awal (Rp)", lambda t, g, p: p.assessments(t)["initial"][1]),
    (
        "Biaya uji kompetensi pasca pelatihan (Rp)",
        lambda t, g, p: p.assessments(t)["post_training"][1],
    ),
    ("Biaya uji ulang (Rp)", lambda t, g, p: p.assessments(t)["retest"][1]),
    ("Biaya total (Rp)", lambda t, g, p: p.total(t)),
    ("Biaya total per peserta kohort (Rp)", lambda t, g, p: _per(p.total(t), t.decided)),
]


def compare_table(
    tallies: dict[str, Tally],
    size_max: int,
    definition: str = "same_focus_competencies",
    titles: dict[str, str] | None = None,
    pricing: Pricing | None = None,
) -> list[list[str | float]]:
    """Rows of (measure, value per model): also the CSV. The training cost per program (under the
    pay model) follows the totals."""
    grouping, price = (size_max, definition), pricing or Pricing()
    document_types = sorted({k for t in tallies.values() for k in t.documents})
    programs = [p for p in PROGRAM_SHORT if any(t.programs.get(p) for t in tallies.values())]
    rows: list[list[Any]] = [  # mypy cannot type `[label] + [...]` in a comprehension
        [label] + [fn(t, grouping, price) for t in tallies.values()] for label, fn in COMPARE_ROWS
    ]
    for program in programs:
        name = PROGRAM_SHORT[program]
        rows.append(
            [f"Peserta yang berlatih, {name}"]
            + [t.program_training.get(program, 0) for t in tallies.values()]
        )
        rows.append(
            [f"Biaya pelatihan dihitung, {name} (Rp)"]
            + [round(price.training(t, program)) for t in tallies.values()]
        )
        rows.append(
            [f"Biaya pelatihan dihitung per peserta kohort, {name} (Rp)"]
            + [
                _per(price.training(t, program), t.programs.get(program, 0))
                for t in tallies.values()
            ]
        )
    names = titles or {}
    rows += [
        [f"Dokumen: {names.get(kind, kind)}"] + [t.documents.get(kind, 0) for t in tallies.values()]
        for kind in document_types
    ]
    return rows


CHART_PANELS: tuple[tuple[str, Callable[[Tally, tuple[int, str]], float]], ...] = (
    (
        "JP dibebaskan per peserta berdesain",
        lambda t, g: _per(t.jp_waived, t.with_design, 1),
    ),
    ("Perlu asesmen awal (orang)", lambda t, g: t.initial_assessment),
    ("Kelompok coaching", lambda t, g: len(t.group_sizes(*g))),
)
CLUSTERS = ("A", "B", "C")
COLOURS = ("#1f4e79", "#c55a11")


def compare_chart(
    series: Series,
    path: Path,
    grouping: tuple[int, str],
    title: str,
    pricing: dict[str, Pricing] | None = None,
    footing: list[str] | tuple[str, ...] = (),
) -> list[str]:
    """A PNG a drafter can paste into a memo: per model (Indonesian names), the JP waived per
    participant, the initial assessments needed and the coaching groups; the cluster model's mix of
    clusters; the total cost, training and assessments stacked. One bar per series (aturan
    berlaku, reformasi) with its value in the id locale; the title names the reform, the date and
    the cohort; the footing (what the costs rest on) is printed below and kept in the PNG's text
    metadata (Title, Description), so a reader of the file alone finds it. Returns every text
    drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = list(next(iter(series.values())))
    names = [_two_lines(MODEL_SHORT[m]) for m in models]
    figure = plt.figure(figsize=(15, 10.5))
    grid = figure.add_gridspec(2, 3, height_ratios=(1, 1.1))
    axes = [figure.add_subplot(grid[0, i]) for i in range(3)]
    for axis, (label, measure) in zip(axes, CHART_PANELS):
        for index, (name, tallies) in enumerate(series.items()):
            _model_bars(axis, series, index, name, [measure(tallies[m], grouping) for m in models])
        _panel(axis, label, names)
    if "cluster" in models:
        _cluster_mix(figure.add_subplot(grid[1, 0]), series)
    prices = pricing or {name: Pricing() for name in series}
    _cost_panel(figure.add_subplot(grid[1, 1:]), series, prices, names)
    if len(series) > 1:  # top right, beside the title, clear of the bars and the notes
        handles = axes[0].get_legend_handles_labels()
        figure.legend(
            *handles, loc="upper right", ncol=1, fontsize=9, bbox_to_anchor=(0.995, 0.995)
        )
    notes = "\n".join(textwrap.fill(line, 235) for line in footing)
    figure.text(0.01, 0.005, notes, fontsize=7, va="bottom", ha="left")
    figure.suptitle(textwrap.fill(title, 120), fontsize=11)
    figure.tight_layout(rect=(0, 0.02 + 0.0115 * (notes.count("\n") + 1), 1, 0.97))
    metadata = {"Software": None, "Title": title, "Description": "\n".join(footing)}
    figure.savefig(path, dpi=100, metadata=metadata)
    texts = [t.get_text() for t in figure.findobj(matplotlib.text.Text) if t.get_text()]
    plt.close(figure)
    return texts


def _model_bars(
    axis: Axes,
    series: Series,
    index: int,
    name: str,
    values: list[float],
    money: bool = False,
    bottom: list[float] | None = None,
) -> None:
    from aturan.lab.numbers import number

    places = _places(series, index, len(values))
    width = 0.8 / len(series)
    bars = axis.bar(places, values, width, label=name, color=COLOURS[index % 2], bottom=bottom)
    shown = [_chart_money(v) if money else number(v, 1) for v in values]
    axis.bar_label(bars, labels=shown, fontsize=7, padding=2)


def _places(series: Series, index: int, count: int) -> list[float]:
    width = 0.8 / len(series)
    return [x + (index - (len(series) - 1) / 2) * width for x in range(count)]


def _panel(axis: Axes, label: str, names: list[str]) -> None:
    axis.set_title(label, fontsize=10)
    axis.set_xticks(range(len(names)), names, fontsize=8)
    axis.margins(y=0.15)
    axis.set_yticks([])
    for side in ("top", "right", "left"):
        axis.spines[side].set_visible(False)


def _cluster_mix(axis: Axes, series: Series) -> None:
    """The cluster model's participants per cluster, stacked, one bar per series."""
    from aturan.lab.numbers import number

    labels = list(series)
    bottom = [0] * len(labels)
    shades = {"A": "#2e7d32", "B": "#f9a825", "C": "#c62828"}
    for cluster in CLUSTERS:
        values = [series[label]["cluster"].clusters.get(cluster, 0) for label in labels]
        bars = axis.bar(range(len(labels)), values, 0.5, bottom=bottom, color=shades[cluster])
        shown = [f"{cluster}: {number(v)}" if v else "" for v in values]
        axis.bar_label(bars, labels=shown, label_type="center", fontsize=8)
        bottom = [b + v for b, v in zip(bottom, values)]
    axis.set_title("Campuran klaster (Alternatif II Klaster), peserta", fontsize=10)
    axis.set_xticks(range(len(labels)), labels, fontsize=8)
    axis.set_yticks([])
    for side in ("top", "right", "left"):
        axis.spines[side].set_visible(False)


def _cost_panel(axis: Axes, series: Series, prices: dict[str, Pricing], names: list[str]) -> None:
    """Total cost per model: training (under the pay model) with the assessments stacked on it."""
    from aturan.lab.numbers import number

    width = 0.8 / len(series)
    for index, (name, tallies) in enumerate(series.items()):
        price = prices[name]
        places = _places(series, index, len(tallies))
        training = [price.training(t) for t in tallies.values()]
        assessed = [price.total(t) - round(price.training(t)) for t in tallies.values()]
        colour = COLOURS[index % 2]
        axis.bar(places, training, width, color=colour)
        bars = axis.bar(
            places,
            assessed,
            width,
            bottom=training,
            color=colour,
            alpha=0.4,
            hatch="//",
            edgecolor="white",
        )
        totals = [a + b for a, b in zip(training, assessed)]
        shown = [
            f"{_chart_money(t)}\n(asesmen {number(a / 1e9, 2)})" for t, a in zip(totals, assessed)
        ]
        axis.bar_label(bars, labels=shown, fontsize=7, padding=2)
    _panel(axis, "Biaya total (miliar Rp): pelatihan + asesmen (arsir)", names)


def _two_lines(name: str) -> str:
    """'Alternatif III À la carte' -> 'Alternatif III' over 'À la carte'."""
    words = name.split(" ")
    return " ".join(words[:2]) + "\n" + " ".join(words[2:])


def _chart_money(value: float) -> str:
    from aturan.lab.numbers import number

    return number(value / 1e9, 2)


@dataclass
class Change:
    nip: str
    name: str
    fields: dict[str, tuple[Any, Any]]  # field -> (baseline, reform)
    items: dict[
        str, tuple[list[str], list[str]]
    ]  # list -> (added, removed): subjects by name, documents by type
    rules_only_baseline: list[str]
    rules_only_reform: list[str]
    causes: list[str] = field(default_factory=list)  # every cause named below, once each
    # field or list -> the smallest sets of the reform's changes that give its new value: each a
    # change's label, or JOINT + the labels of changes that only together give it
    field_causes: dict[str, list[str]] = field(default_factory=dict)
    informational: bool = False  # out of scope under both laws; only INFORMATIONAL fields changed


LISTS: dict[str, Callable[[Decision], list[str]]] = {
    "subjects_waived": lambda d: [f"{s.name} ({s.subject})" for s in d.design.waived],
    "subjects_required": lambda d: [f"{s.name} ({s.subject})" for s in d.design.required],
    "documents": lambda d: [doc.type for doc in d.documents],
}


def _outcome(decision: Decision) -> dict[str, Any]:
    """What a reform can change for one participant: the summary line, its lists item by item."""
    row = {k: v for k, v in summary_row(decision).items() if k not in LISTS and k != "name"}
    return row | {name: sorted(items(decision)) for name, items in LISTS.items()}


# What the assessment report reads for a participant who is out of scope under both laws: it
# informs, but sets no training, step or document for them; a change of these alone is listed
# apart from the participants who change.
INFORMATIONAL = {"prior_assessment_valid", "jpm", "category", "meets_skj"}


def _change(before: Decision, after: Decision) -> Change | None:
    old, new = _outcome(before), _outcome(after)
    if old == new:
        return None
    fields = {k: (old[k], new[k]) for k in old if k not in LISTS and old[k] != new[k]}
    items = {
        k: ([x for x in new[k] if x not in old[k]], [x for x in old[k] if x not in new[k]])
        for k in LISTS
        if old[k] != new[k]
    }
    fired_before = {s["rule"] for s in before.trace}
    fired_after = {s["rule"] for s in after.trace}
    return Change(
        before.nip,
        before.name,
        fields,
        items,
        sorted(fired_before - fired_after),
        sorted(fired_after - fired_before),
        informational=not before.in_scope
        and not after.in_scope
        and set(fields) | set(items) <= INFORMATIONAL,
    )


# ---- parallel runs: workers decide, the parent reads the cohort in order, memory stays flat


class _Worker(TypedDict, total=False):
    memory: Memory | None
    specs: dict[str, Spec]
    deciders: dict[str, Decider]
    pairs: dict[tuple[str, str], Decider]


_WORKER: _Worker = {}


def _init_worker(specs: dict[str, Spec]) -> None:
    """specs: name -> (rulebook, model, assessment); each worker compiles its own engines.

    The rulebook and what it compiles to live as long as the worker: moved out of the garbage
    collector's sight (gc.freeze), and collections made rarer, since a decision's garbage is
    short-lived and rarely cyclic (a few percent of a worker's time otherwise)."""
    import signal

    # A worker ends at once when its pool is terminated, whatever handler the process that
    # forked it had (a desk's lab job turns SIGTERM into an exit that unwinds; inherited by a
    # worker blocked on the pool's queue lock, it left Pool.terminate joining it for ever).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    several = len(specs) > 1  # each participant decided under several laws in a row: remember
    memory = _WORKER["memory"] = Memory() if several else None  # one, shared by the laws
    _WORKER["specs"] = specs
    _WORKER["deciders"] = {
        name: Decider(book, model=model, assessment=assessment, remember=memory or False)
        for name, (book, model, assessment) in specs.items()
    }
    gc.freeze()
    gc.set_threshold(20_000, 50, 50)


def _cases(chunk: Chunk) -> Iterator[tuple[int, Case | str, Any, Any]]:
    """(row, case, data, source) per row of a chunk, or (row, message, None, None) for a row whose
    cells the worker found bad."""
    from aturan.cases import Case

    for row, entry in chunk:
        if not isinstance(entry, UncheckedRow):
            data, source = entry
            yield row, Case(data, source), data, source
            continue
        checked = entry.check()
        if checked.case is None:
            yield row, str(checked.error), None, None
        else:
            yield row, checked.case, checked.case.data, checked.case.source


def _decide_all(
    chunk: Chunk,
    as_of: dt.date,
    trace: bool | TraceDetail,
    span: Span | None = None,
    seen: Counter[str] | None = None,
) -> Iterator[tuple[int, str | dict[str, Decision]]]:
    for row, case, data, source in _cases(chunk):
        if isinstance(case, str):
            yield row, case
            continue
        try:
            decisions = {
                name: d.decide(case, as_of, trace=trace) for name, d in _WORKER["deciders"].items()
            }
            if span is not None:
                span.add(case, _one_per_law(_WORKER["deciders"]), as_of)
            if seen is not None:
                seen["decided"] += 1
                seen["synthetic"] += bool(case.data.get("synthetic"))
            yield row, decisions
        except InputError as exc:
            yield row, str(row_error(exc, source, row, data))
        except AturanError as exc:
            yield row, str(exc)


def _one_per_law(deciders: dict[str, Decider]) -> list[Decider]:
    """One decider per rulebook (`label|model` names): the models of one law share the dates
    their steps are judged on (the design date and the assessment option do not depend on the
    model)."""
    seen: dict[str, Decider] = {}
    for name, decider in deciders.items():
        seen.setdefault(name.split("|")[0], decider)
    return list(seen.values())


def _compare_chunk(
    chunk: Chunk, as_of: dt.date
) -> tuple[dict[str, Tally], list[tuple[int, str]], Span]:
    deciders = _WORKER["deciders"]
    costs = {
        m: d.params_on(as_of).get("cost.unit_per_participant", {}) or {}
        for m, d in deciders.items()
    }
    tallies, failures, span = {name: Tally() for name in deciders}, [], Span()
    for row, decisions in _decide_all(chunk, as_of, trace=False, span=span):
        if isinstance(decisions, str):
            failures.append((row, decisions))
            continue
        for name, decision in decisions.items():
            tallies[name].add(decision, costs[name])
    return tallies, failures, span


def _field_causes(
    deciders: dict[str, Decider], case: Case, as_of: dt.date, target: dict[str, Any], change: Change
) -> None:
    """For each changed field, the smallest sets of the reform's changes that give its new value:
    each change alone first (`cause:<label>` deciders); for a field no change gives alone, each
    pair (deciders made on first need); for one no pair gives, all the changes together."""
    labels = [name.removeprefix("cause:") for name in deciders if name.startswith("cause:")]
    alone = {
        label: _outcome(deciders[f"cause:{label}"].decide(case, as_of, trace=False))
        for label in labels
    }
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for key in [*change.fields, *change.items]:
        wanted = target[key]
        found = [label for label in labels if alone[label][key] == wanted]
        if not found and len(labels) > 2:  # with two changes, the pair is the reform itself
            for pair in itertools.combinations(labels, 2):
                if pair not in pairs:
                    pairs[pair] = _outcome(_pair_decider(pair).decide(case, as_of, trace=False))
                if pairs[pair][key] == wanted:
                    found.append(JOINT + " + ".join(pair))
        change.field_causes[key] = found or [JOINT + " + ".join(labels)]
    change.causes = list(dict.fromkeys(c for found in change.field_causes.values() for c in found))


def _pair_decider(pair: tuple[str, str]) -> Decider:
    """The baseline with two of the reform's changes, compiled once per worker."""
    from aturan.law import reform_causes, with_cause

    made = _WORKER.setdefault("pairs", {})
    if pair not in made:
        book, model, assessment = _WORKER["specs"]["baseline"]
        reformed = _WORKER["specs"]["reform"][0]
        causes = {c.label: c for c in reform_causes(book, reformed)}
        for label in pair:
            book = with_cause(book, reformed, causes[label])
        made[pair] = Decider(
            book, model=model, assessment=assessment, remember=_WORKER.get("memory") or True
        )
    return made[pair]


JOINT = "gabungan: "


def _batch_chunk(
    chunk: Chunk, as_of: dt.date, trace: bool | TraceDetail = "compact"
) -> tuple[list[tuple[int, str | Decision]], Counter[str]]:
    """The chunk's decisions (or messages), and how many of its participants are synthetic."""
    seen: Counter[str] = Counter()
    results = [
        (row, result if isinstance(result, str) else result["main"])
        for row, result in _decide_all(chunk, as_of, trace, seen=seen)
    ]
    return results, seen


def _diff_chunk(chunk: Chunk, as_of: dt.date) -> tuple[list[tuple[int, str | Change]], Span]:
    """Baseline and reform for every row; for a changed row only, the reform's changes alone (and
    in pairs when needed) find each changed field's causes (_field_causes)."""
    deciders = _WORKER["deciders"]
    out: list[tuple[int, str | Change]] = []
    span = Span()
    laws = (deciders["baseline"], deciders["reform"])
    for row, case, data, source in _cases(chunk):
        if isinstance(case, str):
            out.append((row, case))
            continue
        try:
            before = deciders["baseline"].decide(case, as_of, trace=False)
            after = deciders["reform"].decide(case, as_of, trace=False)
            span.add(case, laws, as_of)
            if _outcome(before) == _outcome(after):
                continue  # most rows: no trace needed; a changed row is decided again with it
            before = deciders["baseline"].decide(case, as_of, trace="compact")
            after = deciders["reform"].decide(case, as_of, trace="compact")
            change = _change(before, after)
            if change is not None and len(deciders) > 2:
                _field_causes(deciders, case, as_of, _outcome(after), change)
            out.append((row, cast(Change, change)))  # not None: the outcomes differ
        except InputError as exc:
            out.append((row, str(row_error(exc, source, row, data))))
        except AturanError as exc:
            out.append((row, str(exc)))
    return out, span


def chunks_of(
    rows: Iterable[CohortRow], failures: list[Failure], size: int = 200
) -> Iterator[Chunk]:
    """Good rows in picklable chunks of (row number, (case data, source) or the unchecked row);
    bad rows go to failures.

    A file that turns out unreadable after some rows were read (e.g. a line that is not UTF-8)
    ends the reading with a failure; the rows read before it are still decided and written."""
    chunk, read, iterator = [], 0, iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            break
        except InputError as exc:
            if not read:
                raise  # nothing read yet: the file as a whole is refused
            failures.append((exc.row or exc.line, str(exc)))
            break
        read += 1
        if not row.ok:
            failures.append((row.row, str(row.error)))
            continue
        entry = row.unchecked or (cast(Case, row.case).data, cast(Case, row.case).source)
        chunk.append((row.row, entry))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def in_workers(
    rows: Iterable[CohortRow],
    specs: dict[str, Spec],
    task: Callable[[Chunk, dt.date], R],
    as_of: dt.date,
    workers: int,
    failures: list[Failure],
    on_chunk: Callable[[int], None] = lambda n: None,
) -> Iterator[R]:
    """Run `task` over chunks of good rows in worker processes; results come back in cohort order,
    with at most two chunks per worker in flight, so memory does not grow with the cohort."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(
        workers, initializer=_init_worker, initargs=(specs,)
    ) as pool:
        pending = []
        for chunk in chunks_of(rows, failures):
            pending.append((len(chunk), pool.apply_async(task, (chunk, as_of))))
            while len(pending) >= 2 * workers:
                size, result = pending.pop(0)
                yield result.get()
                on_chunk(size)
        for size, result in pending:
            yield result.get()
            on_chunk(size)


def compare_parallel(
    rows: Iterable[CohortRow],
    books: dict[str, Rulebook],
    models: Iterable[str],
    assessment: str | None,
    as_of: dt.date,
    workers: int,
    on_chunk: Callable[[int], None] = lambda n: None,
    span: Span | None = None,
) -> tuple[dict[str, Tally], list[Failure]]:
    """The same participants through every model of every rulebook (label -> book): one Tally per
    `label|model`; the participants' dates are merged into `span` when one is given."""
    specs: dict[str, Spec] = {
        f"{label}|{model}": (book, model, assessment)
        for label, book in books.items()
        for model in models
    }
    tallies = {name: Tally() for name in specs}
    failures: list[Failure] = []
    for chunk_tallies, chunk_failures, chunk_span in in_workers(
        rows, specs, _compare_chunk, as_of, workers, failures, on_chunk
    ):
        for model, tally in chunk_tallies.items():
            tallies[model].merge(tally)
        failures.extend(chunk_failures)
        if span is not None:
            span.merge(chunk_span)
    return tallies, failures


def decisions_parallel(
    rows: Iterable[CohortRow],
    book: Rulebook,
    model: str | None,
    assessment: str | None,
    as_of: dt.date,
    workers: int,
    failures: list[Failure],
    on_chunk: Callable[[int], None] = lambda n: None,
    trace: bool | TraceDetail = "compact",
    seen: Counter[str] | None = None,
) -> Iterator[Decision]:
    """Decisions in cohort order, with a compact trace unless `trace="full"`; rows that fail are
    appended to `failures`; `seen` counts the participants decided and the synthetic ones."""
    task = functools.partial(_batch_chunk, trace=trace)
    for chunk, chunk_seen in in_workers(
        rows, {"main": (book, model, assessment)}, task, as_of, workers, failures, on_chunk
    ):
        if seen is not None:
            seen.update(chunk_seen)
        for row, result in chunk:
            if isinstance(result, str):
                failures.append((row, result))
            else:
                yield result


def diff_parallel(
    rows: Iterable[CohortRow],
    book: Rulebook,
    reformed_book: Rulebook,
    model: str | None,
    assessment: str | None,
    as_of: dt.date,
    workers: int,
    failures: list[Failure],
    on_chunk: Callable[[int], None] = lambda n: None,
    span: Span | None = None,
) -> Iterator[Change]:
    from aturan.law import reform_causes, with_cause

    specs = {"baseline": (book, model, assessment), "reform": (reformed_book, model, assessment)}
    causes = reform_causes(book, reformed_book)
    if len(causes) > 1:  # with one change, it is the cause of every change
        for cause in causes:
            specs[f"cause:{cause.label}"] = (
                with_cause(book, reformed_book, cause),
                model,
                assessment,
            )
    for chunk, chunk_span in in_workers(
        rows, specs, _diff_chunk, as_of, workers, failures, on_chunk
    ):
        if span is not None:
            span.merge(chunk_span)
        for row, result in chunk:
            if isinstance(result, str):
                failures.append((row, result))
                continue
            if len(causes) == 1:
                result.causes = [causes[0].label]
                result.field_causes = {k: result.causes for k in [*result.fields, *result.items]}
            yield result
