"""Cohort-level rules: decisions that need the whole cohort, not one participant.

Coaching groups (Alternatives III and IV): participants with the same gap
characteristics share a coaching group (Makalah Kebijakan LAN 2023, IV.A.3.b and
IV.A.4.b); what "the same" means is `coaching.same_gap_definition` and a group holds at
most `coaching.group_size_max` participants (both interpretive parameters).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from aturan.decide.value import Coaching, Decision

# A decision (and a trace step in it) is a JSON-like mapping.
JSON = dict[str, Any]
# What merge_by_gap folds: participant counts or NIP lists.
V = TypeVar("V", int, list[str])

COACHING_GROUP_RULE: JSON = {
    "rule": "kohort.kelompok-coaching",
    "title": (
        "Peserta dengan karakteristik kesenjangan kompetensi yang sama dimasukkan ke kelompok "
        "coaching yang sama"
    ),
    "cites": [
        "paper-lan-2023:iv-a-3-b-kelompok-coaching",
        "paper-lan-2023:iv-a-4-b-kelompok-coaching",
        "asumsi-aturan:kelompok-coaching-ukuran",
    ],
}


SAME_GAP_DEFINITIONS = ("same_focus_competencies", "same_program")


def gap_key(signature: str, definition: str = "same_focus_competencies") -> str:
    """The part of a coaching signature ("program:focus+focus") that makes two participants' gap
    characteristics "the same" under `coaching.same_gap_definition`."""
    if definition not in SAME_GAP_DEFINITIONS:
        raise ValueError(
            f"coaching.same_gap_definition '{definition}' tidak dikenal; harus salah satu dari "
            f"{list(SAME_GAP_DEFINITIONS)}"
        )
    return signature.split(":")[0] if definition == "same_program" else signature


def merge_by_gap(counts_or_members: Mapping[str, V], definition: str) -> dict[str, V]:
    """Signature -> count (or NIP list) folded into gap key -> count (or NIP list)."""
    merged: dict[str, V] = {}
    for signature, value in counts_or_members.items():
        key = gap_key(signature, definition)
        merged[key] = merged.get(key, type(value)()) + value
    return merged


def coaching_groups(
    members: dict[str, list[str]], size_max: int, definition: str = "same_focus_competencies"
) -> dict[str, tuple[str, list[str]]]:
    """Group id -> (gap key, NIPs). Participants are grouped by program and focus competencies
    (or by program only, per `definition`), in NIP order so the result does not depend on the
    cohort's row order, then split into groups of at most size_max."""
    groups: dict[str, tuple[str, list[str]]] = {}
    counters: dict[str, int] = defaultdict(int)
    members = merge_by_gap(members, definition)
    for signature in sorted(members):
        program = signature.split(":")[0]
        nips = sorted(members[signature])
        for start in range(0, len(nips), size_max):
            counters[program] += 1
            groups[f"KC-{program.upper()}-{counters[program]:02d}"] = (
                signature,
                nips[start : start + size_max],
            )
    return groups


def assign_coaching_groups(
    decisions: list[Decision],
    size_max: int,
    citation: Callable[[str], str] = str,
    definition: str = "same_focus_competencies",
) -> tuple[list[Decision], dict[str, list[str]]]:
    """The decisions, those with coaching now in their group (`design.coaching.group`, and the
    cohort rule in their trace), and group id -> NIPs."""
    members: dict[str, list[str]] = defaultdict(list)
    for decision in decisions:
        if decision.design.coaching:
            members[decision.design.coaching.signature].append(decision.nip)
    groups = coaching_groups(members, size_max, definition)
    placed = {
        nip: (group_id, signature, len(nips))
        for group_id, (signature, nips) in groups.items()
        for nip in nips
    }
    grouped = [
        _in_group(d, d.design.coaching, *placed[d.nip], citation, definition)
        if d.design.coaching and d.nip in placed
        else d
        for d in decisions
    ]
    return grouped, {group_id: nips for group_id, (_, nips) in groups.items()}


def _in_group(
    decision: Decision,
    coaching: Coaching,
    group_id: str,
    signature: str,
    size: int,
    citation: Callable[[str], str],
    definition: str,
) -> Decision:
    grouped = replace(coaching, group=group_id, group_size=size)
    step = dict(
        COACHING_GROUP_RULE,
        kind="cohort_rule",
        facts={
            "signature": signature,
            "group": group_id,
            "size": size,
            "same_gap_definition": definition,
        },
        cites=[{"id": c, "citation": citation(c)} for c in COACHING_GROUP_RULE["cites"]],
    )
    return replace(
        decision,
        design=replace(decision.design, coaching=grouped),
        trace=decision.trace + (step,),
    )


def place_in_group(
    decision: Decision,
    group_id: str,
    size: int,
    citation: Callable[[str], str] = str,
    definition: str = "same_focus_competencies",
) -> Decision:
    """The decision placed in a coaching group already known (a replay of a recorded decision):
    what assign_coaching_groups gives a member of that group."""
    coaching = decision.design.coaching
    if coaching is None:
        return decision
    signature = gap_key(coaching.signature, definition)
    return _in_group(decision, coaching, group_id, signature, size, citation, definition)
