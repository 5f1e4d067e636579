"""The law as data: the regulations' clauses, dated parameters, the rulebook of rules and formulas,
reforms applied as data, and the interpretive choices."""

from aturan.law.corpus import LAW_STATUSES
from aturan.law.interpretations import interpretations
from aturan.law.params import ParamSet
from aturan.law.quotes import whole_sentences
from aturan.law.reform import apply_reform, override_parameters
from aturan.law.rulebook import DocumentType, Formula, Rule, Rulebook, load_rulebook

__all__ = [
    "LAW_STATUSES",
    "DocumentType",
    "Formula",
    "ParamSet",
    "Rule",
    "Rulebook",
    "load_rulebook",
    "apply_reform",
    "override_parameters",
    "interpretations",
    "whole_sentences",
]
