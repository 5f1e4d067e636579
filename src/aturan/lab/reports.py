"""The lab's three runs as a drafter uses them: decide a cohort into files (batch), set the four
models side by side (compare), and name what a reform changes (diff). The CLI only prints."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from aturan.cases import read_cohort
from aturan.decide import Decider, coaching_groups
from aturan.files import atomic_open, atomic_path, ensure_folder
from aturan.lab.runs import (
    compare_chart,
    compare_parallel,
    compare_table,
    decisions_parallel,
    diff_parallel,
    safe_row,
    write_batch,
)
from aturan.law import Rulebook
from aturan.vocabulary import MODELS

Advance = Callable[[int], None]


@dataclass
class Outcome:
    """What a run produced: summary rows, rejected rows (row, message), and the files written."""

    rows: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def run_batch(
    cohort: Path,
    out_dir: Path,
    book: Rulebook,
    model: str | None,
    assessment: str | None,
    as_of: dt.date,
    workers: int,
    advance: Advance,
) -> Outcome:
    """keputusan.jsonl, keputusan.csv and kelompok-coaching.csv for one cohort."""
    params = Decider(book, model=model, assessment=assessment).params_on(as_of)
    outcome = Outcome(
        files=[out_dir / n for n in ("keputusan.jsonl", "keputusan.csv", "kelompok-coaching.csv")]
    )
    ensure_folder(out_dir)
    with (
        atomic_open(outcome.files[0], "w", encoding="utf-8") as jsonl,
        atomic_open(outcome.files[1], "w", encoding="utf-8", newline="") as table,
    ):
        decisions = decisions_parallel(
            read_cohort(cohort),
            book,
            model,
            assessment,
            as_of,
            workers,
            outcome.failures,
            on_chunk=advance,
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
    outcome.rows = [
        ("Diputuskan", tally.decided),
        ("Baris ditolak", len(outcome.failures)),
        ("Termasuk sasaran", tally.in_scope),
        ("Perlu asesmen awal", tally.initial_assessment),
        ("Desain ditetapkan", tally.with_design),
        ("JP dibebaskan", tally.jp_waived),
        *[(f"Keadaan: {k}", v) for k, v in tally.states.most_common()],
        *[(f"Dokumen: {k}", v) for k, v in sorted(tally.documents.items())],
    ]
    return outcome


def run_compare(
    cohort: Path,
    out_dir: Path,
    book: Rulebook,
    assessment: str | None,
    as_of: dt.date,
    workers: int,
    advance: Advance,
) -> Outcome:
    """The four models on the same participants: perbandingan.csv and perbandingan.png."""
    tallies, failures = compare_parallel(
        read_cohort(cohort), book, MODELS, assessment, as_of, workers, on_chunk=advance
    )
    law = Decider(book).params_on(as_of)
    size, definition = int(law["coaching.group_size_max"]), str(law["coaching.same_gap_definition"])
    outcome = Outcome(
        rows=compare_table(tallies, size, definition),
        failures=failures,
        files=[out_dir / "perbandingan.csv", out_dir / "perbandingan.png"],
    )
    ensure_folder(out_dir)
    with atomic_open(outcome.files[0], "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ukuran", *MODELS])
        writer.writerows(safe_row(row) for row in outcome.rows)
    with atomic_path(outcome.files[1]) as tmp:
        compare_chart(tallies, tmp, size, definition)
    return outcome


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
) -> Outcome:
    """Each changed participant shown as it comes; the rows count changes per field and rule."""
    fields, rules, failures, changed = Counter(), Counter(), [], 0
    with atomic_open(out_file, "w", encoding="utf-8") if out_file else nullcontext() as sink:
        for item in diff_parallel(
            read_cohort(cohort), book, reformed, model, assessment, as_of, workers, failures
        ):
            changed += 1
            fields.update(item.fields.keys())
            rules.update(item.rules_only_baseline + item.rules_only_reform)
            show(change_text(item))
            if sink:
                sink.write(json.dumps(item.__dict__, ensure_ascii=False, default=str) + "\n")
    rows = [("peserta berubah", changed)]
    rows += [(f"isian {name}", count) for name, count in fields.most_common()]
    rows += [(f"aturan {rule_id}", count) for rule_id, count in rules.most_common()]
    return Outcome(rows=rows, failures=failures)


def change_text(item) -> str:
    lines = [
        f"{item.nip} {item.name}: "
        + "; ".join(f"{k}: {a} -> {b}" for k, (a, b) in item.fields.items())
    ]
    if item.rules_only_baseline or item.rules_only_reform:
        lines.append(
            f"    aturan hanya di dasar: {', '.join(item.rules_only_baseline) or '-'}; "
            f"hanya di reformasi: {', '.join(item.rules_only_reform) or '-'}"
        )
    for pid, values in item.params.items():
        lines.append(
            f"    parameter {pid}: {values['baseline'][0]} ({'; '.join(values['baseline'][1])}) -> "
            f"{values['reform'][0]} ({'; '.join(values['reform'][1])})"
        )
    return "\n".join(lines)
