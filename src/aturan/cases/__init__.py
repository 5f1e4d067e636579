"""Participants as input: the case schema, NIP, plausibility, cohort files. Every bad input is
refused here."""

from aturan.cases.case import (
    Case,
    case_from_data,
    case_validator,
    check_against_date,
    compiled_case_check,
    load_case,
)
from aturan.cases.cohort import (
    COLUMNS,
    CORE_COLUMNS,
    LEVEL_COLUMNS,
    MARKER_COLUMNS,
    POST_LEVEL_COLUMNS,
    CohortRow,
    UncheckedRow,
    read_cohort,
    row_error,
)
from aturan.cases.nip import parse_nip
from aturan.cases.plausible import (
    DATE_MAX,
    DATE_MIN,
    clean,
    forbidden_char,
    has_letter,
    in_range,
    range_message,
)
from aturan.cases.template import write_template

__all__ = [
    "Case",
    "case_from_data",
    "case_validator",
    "compiled_case_check",
    "check_against_date",
    "load_case",
    "COLUMNS",
    "CORE_COLUMNS",
    "CohortRow",
    "LEVEL_COLUMNS",
    "POST_LEVEL_COLUMNS",
    "read_cohort",
    "row_error",
    "parse_nip",
    "DATE_MAX",
    "DATE_MIN",
    "clean",
    "forbidden_char",
    "has_letter",
    "in_range",
    "range_message",
    "write_template",
    "MARKER_COLUMNS",
    "UncheckedRow",
]
