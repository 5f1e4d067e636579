"""The policy lab: batch, compare and diff over cohorts in parallel; synthetic cohorts."""

from aturan.lab.numbers import cell, day, number, plain_label, signed
from aturan.lab.reports import (
    FIELD_LABELS,
    NO_SINGLE_CAUSE,
    Outcome,
    change_text,
    run_batch,
    run_compare,
    run_diff,
    value_text,
)
from aturan.lab.runs import (
    COST_BASIS,
    Change,
    compare_chart,
    compare_parallel,
    compare_table,
    decisions_parallel,
    diff_parallel,
    json_line,
    write_batch,
)
from aturan.lab.sample import (
    ALUMNI_2018_2021,
    PROGRAM_TIER,
    STANDARD_LEVEL,
    TIER_BELOW,
    case_to_row,
    generate,
    write_cohort,
)
from aturan.vocabulary import MODELS

__all__ = [
    "cell",
    "day",
    "number",
    "plain_label",
    "signed",
    "FIELD_LABELS",
    "NO_SINGLE_CAUSE",
    "Outcome",
    "value_text",
    "Change",
    "change_text",
    "run_batch",
    "run_compare",
    "run_diff",
    "COST_BASIS",
    "MODELS",
    "compare_chart",
    "compare_parallel",
    "compare_table",
    "decisions_parallel",
    "diff_parallel",
    "json_line",
    "write_batch",
    "ALUMNI_2018_2021",
    "PROGRAM_TIER",
    "STANDARD_LEVEL",
    "TIER_BELOW",
    "case_to_row",
    "generate",
    "write_cohort",
]
