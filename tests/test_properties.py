"""Property tests: random and mutated cases never crash the engine; they decide or are refused
clearly."""

import datetime as dt

import fastjsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aturan.cases import (
    case_from_data,
    case_validator,
    compiled_case_check,
    forbidden_char,
    has_letter,
)
from aturan.errors import AturanError
from aturan.vocabulary import COMPETENCIES

AS_OF = dt.date(2026, 2, 1)

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=AS_OF)
levels = st.fixed_dictionaries({key: st.integers(1, 5) for key in COMPETENCIES})
assessment = st.fixed_dictionaries(
    {
        "date": dates.map(dt.date.isoformat),
        "purpose": st.sampled_from(["seleksi", "pemetaan"]),
        "levels": levels,
    },
    optional={"jpm": st.floats(0, 150, allow_nan=False)},
)
tiers = st.sampled_from(
    ["jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas", "non_manajerial"]
)
cases = st.fixed_dictionaries(
    {
        "nip": st.just("198503152010011001"),
        "name": st.text(min_size=1, max_size=40).filter(
            lambda n: has_letter(n) and not forbidden_char(n)
        ),
        "position": st.fixed_dictionaries({"tier": tiers}),
        "role": st.sampled_from(["incumbent", "successor"]),
        "projected_position": st.fixed_dictionaries({"tier": tiers}),
        "program": st.sampled_from(["pkn_1", "pkn_2", "pka", "pkp"]),
        "assessments": st.lists(assessment, max_size=3, unique_by=lambda a: a["date"]),
    }
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=cases)
def test_valid_random_cases_always_get_a_complete_decision(decider, data):
    decision = decider.decide(case_from_data(data), AS_OF)
    assert decision.in_scope in (True, False)
    assert decision.initial_assessment_required in (True, False)
    if decision.prior_assessment.valid and decision.target.standard_level:
        assert decision.meets_skj in (True, False)
        assert decision.category is not None
        assert decision.meets_skj == all(g == 0 for g in (decision.gaps or {}).values())
    if decision.in_scope and not decision.prior_assessment.valid:
        assert decision.initial_assessment_required is True


mutations = st.one_of(
    st.none(),
    st.integers(-10, 10),
    st.text(max_size=20),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=cases, draw=st.data())
def test_mutated_cases_are_decided_or_refused_with_a_clear_error(decider, data, draw):
    path = draw.draw(
        st.sampled_from(
            [
                ("nip",),
                ("name",),
                ("role",),
                ("program",),
                ("position", "tier"),
                ("position",),
                ("assessments",),
                ("projected_position", "tier"),
            ]
        )
    )
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = draw.draw(mutations)
    try:
        decider.decide(case_from_data(data, "mutasi.yaml"), AS_OF)
    except AturanError as exc:
        assert str(exc).startswith("mutasi.yaml")


def _compiled_accepts(data) -> bool:
    try:
        compiled_case_check()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


odd_values = st.one_of(
    mutations,
    st.sampled_from(["2023-02-30", "2023-1-01", "2023-01-01\n", "successor", "lulus", 150, 151]),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(data=cases, draw=st.data())
def test_compiled_validation_agrees_with_the_schema(data, draw):
    """The compiled check (the fast path) accepts exactly what the schema accepts."""
    path = draw.draw(
        st.sampled_from([("name",), ("role",), ("position", "tier"), ("program",), ("x",), None])
    )
    if path:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = draw.draw(odd_values)
    if data["assessments"] and draw.draw(st.booleans()):
        data["assessments"][0][draw.draw(st.sampled_from(["date", "jpm", "levels"]))] = draw.draw(
            odd_values
        )
    assert _compiled_accepts(data) == case_validator().is_valid(data)
