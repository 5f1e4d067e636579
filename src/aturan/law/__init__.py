"""The law as data: the regulations' clauses, dated parameters, the rulebook of rules and formulas,
reforms applied as data, and the interpretive choices."""

from aturan.law.constraints import constraint_problems, key_problems, value_problems
from aturan.law.corpus import LAW_STATUSES, status_words
from aturan.law.document_dates import DateLimit
from aturan.law.facts import append_lists, conflict_problems, facts, rule_problems
from aturan.law.interpretations import interpretations
from aturan.law.params import MISSING, ParamSet, noting_reads
from aturan.law.quotes import whole_sentences
from aturan.law.reform import (
    Cause,
    Period,
    apply_params,
    apply_reform,
    cause_periods,
    cause_phases,
    describe_cause,
    in_periods,
    merged,
    override_parameters,
    reform_causes,
    superseded_on,
    with_cause,
)
from aturan.law.rulebook import DocumentType, Formula, Rule, Rulebook, load_rulebook

__all__ = [
    "append_lists",
    "conflict_problems",
    "facts",
    "rule_problems",
    "constraint_problems",
    "value_problems",
    "key_problems",
    "LAW_STATUSES",
    "DateLimit",
    "DocumentType",
    "Formula",
    "MISSING",
    "ParamSet",
    "noting_reads",
    "Rule",
    "Rulebook",
    "load_rulebook",
    "apply_reform",
    "apply_params",
    "Cause",
    "Period",
    "cause_periods",
    "cause_phases",
    "in_periods",
    "merged",
    "reform_causes",
    "with_cause",
    "superseded_on",
    "describe_cause",
    "override_parameters",
    "interpretations",
    "whole_sentences",
    "status_words",
]
