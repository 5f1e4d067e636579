"""Cohort-level rules: decisions that need the whole cohort, not one participant.

Coaching groups (Alternatives III and IV): participants with the same gap
characteristics share a coaching group (Makalah Kebijakan LAN 2023, IV.A.3.b and
IV.A.4.b); what "the same" means is `coaching.same_gap_definition` and a group holds at
most `coaching.group_size_max` participants (both interpretive parameters).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

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
    decisions: list[JSON],
    size_max: int,
    citation: Callable[[str], str] = str,
    definition: str = "same_focus_competencies",
) -> dict[str, list[str]]:
    """Set design.coaching.group on each decision with coaching; returns group id -> NIPs."""
    members: dict[str, list[str]] = defaultdict(list)
    by_nip: dict[str, JSON] = {}
    for decision in decisions:
        coaching = (decision.get("design") or {}).get("coaching")
        if coaching:
            members[coaching["signature"]].append(decision["nip"])
            by_nip[decision["nip"]] = decision
    groups = coaching_groups(members, size_max, definition)
    for group_id, (signature, nips) in groups.items():
        for nip in nips:
            decision = by_nip[nip]
            decision["design"]["coaching"]["group"] = group_id
            decision["design"]["coaching"]["group_size"] = len(nips)
            decision["trace"].append(
                dict(
                    COACHING_GROUP_RULE,
                    kind="cohort_rule",
                    facts={
                        "signature": signature,
                        "group": group_id,
                        "size": len(nips),
                        "same_gap_definition": definition,
                    },
                    cites=[
                        {"id": c, "citation": citation(c)} for c in COACHING_GROUP_RULE["cites"]
                    ],
                )
            )
    return {group_id: nips for group_id, (_, nips) in groups.items()}
