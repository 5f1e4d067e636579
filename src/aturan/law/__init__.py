"""The law as data: the regulations' clauses, dated parameters, the rulebook of rules and formulas,
reforms applied as data, and the interpretive choices."""

from aturan.law.constraints import constraint_problems, key_problems, value_problems
from aturan.law.corpus import LAW_STATUSES
from aturan.law.document_dates import DateLimit
from aturan.law.interpretations import interpretations
from aturan.law.params import MISSING, ParamSet, noting_reads
from aturan.law.quotes import whole_sentences
from aturan.law.reform import (
    Cause,
    apply_params,
    apply_reform,
    describe_cause,
    override_parameters,
    reform_causes,
    with_cause,
)
from aturan.law.rulebook import DocumentType, Formula, Rule, Rulebook, load_rulebook

__all__ = [
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
    "reform_causes",
    "with_cause",
    "describe_cause",
    "override_parameters",
    "interpretations",
    "whole_sentences",
]
