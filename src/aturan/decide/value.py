"""The decision as a typed value: what documents, the lab and explain read, by attribute.

A decision is produced once by `Decider.decide` and never changed afterwards (the cohort rule
returns new decisions with their coaching group). `Decision.to_json()` is its serialisation, the
shape `schemas/decision.schema.json` is the contract for; dates are `datetime.date` here and ISO
strings there. KSA rows and the trace stay JSON-like mappings: they are shown, never computed on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

# A field whose JSON name differs from its Python name (`from` is a Python keyword).
FROM = {"json": "from"}
# A field that is left out of the JSON while it is None (the coaching group's size before the cohort
# rule has grouped anyone).
OMIT_NONE = {"omit_none": True}


def to_json(value: object) -> Any:
    """A typed value as the JSON-like structure of the contract."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: JSON = {}
        for item in dataclasses.fields(value):
            inner = getattr(value, item.name)
            if inner is None and item.metadata.get("omit_none"):
                continue
            out[item.metadata.get("json", item.name)] = to_json(inner)
        return out
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [to_json(v) for v in value]
    return value


@dataclass(frozen=True)
class Target:
    tier: str | None
    standard_level: int | None


@dataclass(frozen=True)
class PriorAssessment:
    valid: bool
    reason: str | None
    date: dt.date | None
    expires_on: dt.date | None  # the first day the report no longer holds
    purpose: str | None


@dataclass(frozen=True)
class Subject:
    """A training subject the design requires or waives, for the stages it names."""

    subject: str
    name: str
    agenda: str
    stages: tuple[str, ...]
    jp: int
    competencies: list[str]
    reason: str
    rule: str


@dataclass(frozen=True)
class Cluster:
    id: str
    basis: str
    name: str


@dataclass(frozen=True)
class Hours:
    total: int | None
    required: int
    waived: int


@dataclass(frozen=True)
class Coaching:
    focus: tuple[str, ...]
    signature: str  # "program:focus+focus": what the cohort rule groups by
    group: str | None
    ksa: tuple[JSON, ...]
    group_size: int | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True)
class Design:
    model: str
    status: str | None
    full_participant: bool
    cluster: Cluster | None
    required: tuple[Subject, ...]
    waived: tuple[Subject, ...]
    jp: Hours
    coaching: Coaching | None


@dataclass(frozen=True)
class FinalEvaluation:
    date: dt.date | None
    result: str | None
    remedial_date: dt.date | None
    remedial_result: str | None
    remedial_deadline: dt.date | None


@dataclass(frozen=True)
class LatestAttempt:
    count: int  # how many post-training assessments count
    date: dt.date | None
    valid: bool | None
    reason: str | None


@dataclass(frozen=True)
class Attempt:
    date: dt.date
    kind: str
    valid: bool
    reason: str | None
    meets_skj: bool | None


@dataclass(frozen=True)
class Result:
    """The latest post-training assessment that counts."""

    date: dt.date
    kind: str
    levels: dict[str, int]
    standard_level: int | None
    jpm: float | None
    meets_skj: bool | None
    unmet: tuple[str, ...]


@dataclass(frozen=True)
class Window:
    opens: dt.date | None
    closes: dt.date | None


@dataclass(frozen=True)
class Development:
    """Workplace development after a not-met result, then a re-test."""

    days: int
    counting: str
    start: dt.date = field(metadata=FROM)
    until: dt.date
    retest_from: dt.date
    ksa: tuple[JSON, ...]


@dataclass(frozen=True)
class NextLevel:
    top_level: int  # the highest level; a row at it has `top` true and no target `level`
    ksa: tuple[JSON, ...]  # per competency: `achieved`, the target `level` above it, `top`


@dataclass(frozen=True)
class NextStep:
    action: str | None
    start: dt.date | None = field(metadata=FROM)
    until: dt.date | None


@dataclass(frozen=True)
class Lifecycle:
    assessment_option: str
    state: str | None
    training_passed: bool | None
    training_passed_on: dt.date | None
    final_evaluation: FinalEvaluation
    attempt: LatestAttempt
    attempts: tuple[Attempt, ...]
    result: Result | None
    post_meets_skj: bool | None
    certificate_expires_on: dt.date | None  # the first day the certificate no longer holds
    talent_pool: bool
    window: Window
    development: Development | None
    next_level: NextLevel | None
    recommendations: tuple[str, ...]
    next_step: NextStep


@dataclass(frozen=True)
class DocumentIntent:
    """A document the rules call for: the event it attests, from when it no longer holds (`until`)
    and the first day it may no longer be dated (`dated_before`: the earliest of `until` and the
    rules' own bounds), with the fact that gave that day (its reason: rules/documents.yaml)."""

    type: str
    rules: tuple[str, ...]
    cites: tuple[str, ...]
    attests: dt.date | None
    until: dt.date | None
    dated_before: dt.date | None = None
    dated_before_basis: str | None = None


@dataclass(frozen=True)
class Decision:
    nip: str
    name: str
    as_of: dt.date
    rules_version: str
    program: str | None
    role: str | None
    in_scope: bool | None
    scope_basis: str | None
    target: Target
    program_matches: bool | None
    prior_assessment: PriorAssessment
    initial_assessment_required: bool | None
    standard: dict[str, int] | None
    levels: dict[str, int] | None
    gaps: dict[str, int] | None
    jpm: float | None
    jpm_source: str | None
    category: str | None
    meets_skj: bool | None
    design: Design
    lifecycle: Lifecycle
    documents: tuple[DocumentIntent, ...]
    trace: tuple[JSON, ...]
    decision_id: str

    def to_json(self) -> JSON:
        """The decision as `schemas/decision.schema.json` describes it. The JSON shares the trace's
        and the KSA rows' mappings with this value: read it, serialise it, never change it."""
        out: JSON = to_json(self)
        return out

    def document(self, doc_type: str) -> DocumentIntent:
        """The document of this type the decision calls for."""
        for called in self.documents:
            if called.type == doc_type:
                return called
        raise KeyError(f"the decision calls for no document of type '{doc_type}'")
