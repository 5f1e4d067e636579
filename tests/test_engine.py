"""The engine on a tiny rulebook: which rules fire, in which stage, and which conclusion wins."""

import datetime as dt
import itertools

import pytest

from aturan.decide import Engine
from aturan.decide.engine import MatchCache
from aturan.errors import RulebookError
from aturan.law import ParamSet, Rule
from aturan.law.params import DatedValue, Parameter

DAY = dt.date(2026, 1, 1)
_NAMES = itertools.count()
SHARED = MatchCache()  # one memory for every engine of these tests, as a Decider's Memory is


def rule(rule_id, when, then, priority=0):
    return Rule(rule_id, rule_id, ["uji:pasal-1"], when, then, priority, "uji.yaml", 1)


def engine(*rules, params=None, cache=SHARED):
    parameters = {
        pid: Parameter(pid, pid, [DatedValue(DAY, value, ("uji:pasal-1",), "confirmed")], "p", 1)
        for pid, value in (params or {}).items()
    }
    return Engine(list(rules), ParamSet(parameters, DAY), name=f"uji{next(_NAMES)}", cache=cache)


def fired(firings):
    return [f.rule.id for f in firings]


def test_a_rule_fires_only_when_its_conditions_hold():
    rules = engine(rule("lulus", {"participant": {"score": {"gte": 70}}}, {"passed": True}))

    assert fired(rules.evaluate({"score": 70})) == ["lulus"]
    assert rules.evaluate({"score": 70})[0].conclusions == {"passed": True}
    assert rules.evaluate({"score": 69}) == []


def test_a_rule_reading_another_rules_conclusion_runs_in_a_later_stage_and_sees_it():
    rules = engine(
        rule("sertifikat", {"participant": {"passed": True}}, {"certificate": "sttp"}),
        rule("lulus", {"participant": {"score": {"gte": 70}}}, {"passed": True}),
    )

    firings = rules.evaluate({"score": 80})

    assert fired(firings) == ["lulus", "sertifikat"]
    assert firings[1].stage > firings[0].stage
    assert fired(rules.evaluate({"score": 10})) == []


def test_within_a_stage_the_higher_priority_wins_and_the_other_is_marked_overridden():
    rules = engine(
        rule("umum", {"participant": {"score": {"gte": 70}}}, {"grade": "baik"}, priority=10),
        rule("istimewa", {"participant": {"score": {"gte": 90}}}, {"grade": "istimewa"}, 20),
        rule("label", {"participant": {"grade": "istimewa"}}, {"label": "pujian"}),
    )

    firings = {f.rule.id: f for f in rules.evaluate({"score": 95})}

    assert firings["umum"].overridden == ["grade"]
    assert firings["istimewa"].overridden == []
    assert "label" in firings  # the later stage saw the winning value


def test_a_condition_may_read_a_parameter_and_the_firing_records_its_value():
    rules = engine(
        rule("lulus", {"participant": {"score": {"gte": {"param": "pass.min"}}}}, {"ok": True}),
        params={"pass.min": 60},
    )

    firings = rules.evaluate({"score": 65})

    assert fired(firings) == ["lulus"] and firings[0].params == {"pass.min": 60}
    assert rules.evaluate({"score": 59}) == []


def test_a_rule_restricted_to_another_parameter_value_is_not_compiled():
    when = {"params": {"integration.model": "cluster"}, "participant": {"score": {"gte": 0}}}
    rules = engine(rule("klaster", when, {"ok": True}), params={"integration.model": "flexible"})

    assert rules.evaluate({"score": 1}) == []


def test_an_engine_without_rules_in_force_decides_nothing():
    assert engine().evaluate({"score": 1}) == []


def test_appended_items_and_fact_references_are_resolved_from_the_matched_fact():
    then = {"append": {"documents": {"type": "sttp", "attests": {"fact": "passed_on"}}}}
    rules = engine(rule("sttp", {"participant": {"passed": True}}, then))

    (firing,) = rules.evaluate({"passed": True, "passed_on": 20260630})

    assert firing.appended == {"documents": {"type": "sttp", "attests": 20260630}}


def test_a_rule_using_a_parameter_without_a_value_is_refused_at_compilation():
    when = {"participant": {"score": {"gte": {"param": "tidak.ada"}}}}

    with pytest.raises(RulebookError, match="parameter 'tidak.ada'"):
        engine(rule("lulus", when, {"ok": True}))


def test_a_remembered_stage_gives_the_same_firings_and_a_fresh_overridden_list():
    rules = engine(
        rule("umum", {"participant": {"score": {"gte": 70}}}, {"grade": "baik"}, priority=10),
        rule("istimewa", {"participant": {"score": {"gte": 90}}}, {"grade": "istimewa"}, 20),
    )
    first = rules.evaluate({"score": 95})
    again = rules.evaluate({"score": 95})

    assert [(f.rule.id, f.conclusions, f.overridden) for f in again] == [
        (f.rule.id, f.conclusions, f.overridden) for f in first
    ]
    assert again[1].overridden == ["grade"] and again[1].overridden is not first[1].overridden


def test_engines_share_a_stage_only_when_its_rules_and_parameter_values_are_the_same():
    def graded(level):
        passing = {"participant": {"score": {"gte": {"param": "batas"}}}}
        return engine(rule("lulus", passing, {"passed": True}), params={"batas": level})

    assert fired(graded(70).evaluate({"score": 75})) == ["lulus"]
    assert fired(graded(80).evaluate({"score": 75})) == []  # same facts, another threshold
    assert fired(graded(70).evaluate({"score": 75})) == ["lulus"]


@pytest.mark.parametrize("cache", [SHARED, None], ids=["remembered", "not-remembered"])
def test_a_participant_no_rule_matches_leaves_no_session_behind(cache):
    rules = engine(
        rule("lulus", {"participant": {"score": {"gte": 70}}}, {"passed": True}), cache=cache
    )

    for score in range(1100):  # more than the library's 1024 live sessions per ruleset
        assert rules.evaluate({"score": score % 50}) == []
    assert fired(rules.evaluate({"score": 70})) == ["lulus"]


def test_a_later_stage_sees_a_list_an_earlier_rule_appended_to():
    rules = engine(
        rule("lulus", {"participant": {"score": {"gte": 70}}}, {"append": {"documents": "sttp"}}),
        rule("berdokumen", {"participant": {"documents": {"contains": "sttp"}}}, {"issued": True}),
    )

    assert fired(rules.evaluate({"score": 80})) == ["lulus", "berdokumen"]
    assert fired(rules.evaluate({"score": 10})) == []
