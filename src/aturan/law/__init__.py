"""The law as data: the regulations' clauses, dated parameters, the rulebook of rules and formulas,
reforms applied as data, and the interpretive choices."""

from aturan.law.constraints import constraint_problems, key_problems, value_problems, value_schema
from aturan.law.corpus import LAW_STATUSES, Clause, status_words
from aturan.law.document_dates import DateLimit, bounding_facts
from aturan.law.facts import Fact, append_lists, conflict_problems, facts, rule_problems
from aturan.law.interpretations import interpretations
from aturan.law.params import MISSING, DatedValue, Parameter, ParamSet, noting_reads
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
    reform_from_data,
    superseded_on,
    with_cause,
)
from aturan.law.rulebook import (
    FACT_KINDS,
    DocumentType,
    Formula,
    Rule,
    Rulebook,
    document_calls,
    load_rulebook,
)

__all__ = [
    "append_lists",
    "conflict_problems",
    "facts",
    "rule_problems",
    "constraint_problems",
    "value_problems",
    "key_problems",
    "LAW_STATUSES",
    "Clause",
    "DateLimit",
    "DocumentType",
    "Formula",
    "MISSING",
    "ParamSet",
    "Parameter",
    "noting_reads",
    "Rule",
    "Rulebook",
    "load_rulebook",
    "apply_reform",
    "apply_params",
    "Cause",
    "DatedValue",
    "Period",
    "cause_periods",
    "cause_phases",
    "in_periods",
    "merged",
    "reform_causes",
    "reform_from_data",
    "with_cause",
    "superseded_on",
    "describe_cause",
    "override_parameters",
    "interpretations",
    "whole_sentences",
    "status_words",
    "value_schema",
    "bounding_facts",
    "Fact",
    "FACT_KINDS",
    "document_calls",
]
