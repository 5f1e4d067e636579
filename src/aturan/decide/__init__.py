"""Deciding: formulas measure, the engine (the only durable_rules import) decides, step by step on
each event's date; cohort rules; explanations."""

from aturan.decide.cohort_rules import (
    COACHING_GROUP_RULE,
    assign_coaching_groups,
    coaching_groups,
    merge_by_gap,
    place_in_group,
)
from aturan.decide.decision import Decider, TraceDetail
from aturan.decide.engine import Engine
from aturan.decide.explain import explain
from aturan.decide.formulas import IMPLEMENTATIONS
from aturan.decide.memory import Memory
from aturan.decide.value import Decision, DocumentIntent, Subject

__all__ = [
    "Decider",
    "Decision",
    "DocumentIntent",
    "Subject",
    "Engine",
    "Memory",
    "TraceDetail",
    "IMPLEMENTATIONS",
    "assign_coaching_groups",
    "coaching_groups",
    "merge_by_gap",
    "explain",
    "COACHING_GROUP_RULE",
    "place_in_group",
]
