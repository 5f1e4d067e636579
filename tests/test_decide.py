import datetime as dt
import json
from importlib import resources

import jsonschema
from conftest import ROOT
from durable.engine import Host, MessageNotHandledException, MessageObservedException

from aturan.cases import case_from_data, load_case
from aturan.decide import Decider, Memory
from aturan.lab import generate
from aturan.law import load_rulebook, override_parameters, whole_sentences

BUDI = ROOT / "samples" / "budi-petahana-administrator.yaml"


def decision_schema():
    return json.loads(
        resources.files("aturan").joinpath("schemas/decision.schema.json").read_text()
    )


def test_decide_json_follows_the_documented_schema(aturan):
    for sample in sorted(
        p for p in (ROOT / "samples").glob("*.yaml") if not p.name.startswith("kohort")
    ):
        result = aturan("decide", sample, "--as-of", "2026-02-01", "--format", "json")
        assert result.exit_code == 0, result.stderr
        jsonschema.validate(json.loads(result.output), decision_schema())


def test_every_fired_rule_names_a_clause_and_explain_quotes_it(aturan, rulebook):
    decision = json.loads(
        aturan("decide", BUDI, "--as-of", "2026-02-01", "--format", "json").output
    )
    book = rulebook
    # every step is in the detail (--rinci); the summary names only the decisive rules
    text = aturan("explain", BUDI, "--as-of", "2026-02-01", "--rinci").output
    for step in decision["trace"]:
        assert step["cites"], step["rule"]
        for cite in step["cites"]:
            clause = book.corpus.clause(cite["id"])
            assert clause is not None
            assert cite["citation"] in text
            if whole_sentences(clause.text):  # else the citation stands alone
                assert clause.text[:40] in " ".join(text.split())


def test_explain_in_english_on_request(aturan):
    text = aturan("explain", BUDI, "--as-of", "2026-02-01", "--lang", "en").output
    assert "Decision for Budi Santoso" in text and "Meets SKJ: no" in text


def test_trace_carries_the_rules_version_which_changes_with_the_rules(project_copy):
    import shutil

    shutil.copytree(ROOT / "samples", project_copy / "samples")
    before = Decider(load_rulebook(project_copy)).decide(load_case(BUDI), _date()).rules_version
    rules = project_copy / "rules" / "10-cakupan.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8") + "\n# a drafter's comment\n", encoding="utf-8"
    )
    after = Decider(load_rulebook(project_copy)).decide(load_case(BUDI), _date()).rules_version
    assert before and after and before != after


def test_many_participants_in_a_row_do_not_exhaust_engine_sessions(decider):
    case = load_case(BUDI)
    results = {decider.decide(case, _date()).category for _ in range(1100)}
    assert results == {"MS"}


def test_a_higher_priority_rule_overrides_and_the_trace_says_so(aturan, tmp_path):
    case = tmp_path / "program_mismatch.json"
    case.write_text(
        json.dumps(
            {
                "nip": "198503152010011001",
                "name": "Budi",
                "position": {"tier": "administrator"},
                "role": "incumbent",
                "program": "pkp",
            }
        )
    )
    decision = json.loads(
        aturan("decide", case, "--as-of", "2026-02-01", "--format", "json").output
    )
    steps = {s["rule"]: s for s in decision["trace"]}
    assert decision["in_scope"] is False
    assert steps["cakupan.petahana-tanpa-bukti"]["overridden"] == ["in_scope", "scope_basis"]


def _date():
    import datetime as dt

    return dt.date(2026, 2, 1)


def test_tiny_reported_jpm_is_decided_not_crashed():
    """Regression: 1e-05 reached the engine in exponent notation, which corrupted its session."""
    import copy

    case = load_case(BUDI)
    decider = Decider(load_rulebook(ROOT))
    for jpm in (0.00001, 5e-324, 149.999999):
        data = copy.deepcopy(case.data)
        data["assessments"][0]["jpm"] = jpm
        from aturan.cases import case_from_data

        decision = decider.decide(case_from_data(data), _date())
        assert decision.category == ("MS" if jpm > 100 else "KMS")


def test_remembered_stages_change_no_decision_and_no_trace(rulebook):
    """The engine remembers what a stage fired for the same facts (shared by the four models and
    across participants); deciding without that memory gives the same decisions, trace included."""
    memory = Memory()
    for model in ("flexible", "cluster", "a-la-carte", "generic"):
        remembering = Decider(rulebook, model=model, remember=memory)
        fresh = Decider(rulebook, model=model)
        for raw in generate(60, seed=23):
            case = case_from_data(raw)
            for as_of in (dt.date(2027, 6, 30), dt.date(2028, 12, 31)):
                assert remembering.decide(case, as_of) == fresh.decide(case, as_of)


def test_formulas_measured_once_per_case_only_under_the_same_law(rulebook):
    """`compare` decides one participant under the four models, and a reform, in a row; the
    formulas' results are reused from one to the next only where every parameter they read has
    the same value (a shorter validity period changes the expiry dates the formulas give)."""
    shorter = override_parameters(rulebook, {"assessment.validity_years": 1}, label="uji")
    books = [(rulebook, m) for m in ("flexible", "cluster", "a-la-carte", "generic")]
    books.append((shorter, "flexible"))
    memory = Memory()  # one for the five laws, as the lab's workers have
    remembering = [Decider(book, model=model, remember=memory) for book, model in books]
    fresh = [Decider(book, model=model) for book, model in books]
    as_of = dt.date(2028, 12, 31)
    expiries = set()
    for raw in generate(40, seed=5):
        case = case_from_data(raw)
        decided = [decider.decide(case, as_of) for decider in remembering]
        assert decided == [decider.decide(case, as_of) for decider in fresh]
        expiries.add(
            (decided[0].prior_assessment.expires_on, decided[-1].prior_assessment.expires_on)
        )
    assert any(ours and ours != reformed for ours, reformed in expiries)


class _QuietHost(Host):
    def _run(self):  # no background dispatch thread: actions run inside assert_fact
        pass


def test_the_engine_fires_what_durable_rules_own_host_fires(rulebook):
    """aturan drives durable_rules' C core directly (engine._Ruleset), not through the library's
    Python Host; fact by fact, the Host fires the same rules on the same matched facts, in the
    same order, for every step of generated histories."""
    decider = Decider(rulebook)
    as_of = dt.date(2028, 12, 31)
    compared = 0
    for phase in ("design", "lifecycle"):
        engine = decider.law_on(as_of, phase)[0]
        recorded = []
        definition = json.loads(engine.definition_json())
        for name, compiled in definition.items():
            compiled["run"] = _recorder(name, recorded)
        host = _QuietHost()
        host.set_rulesets({"host": definition})
        ours_of = engine._assert

        def both(fact, ours_of=ours_of, recorded=recorded, host=host, engine=engine):
            ours = ours_of(fact)
            recorded.clear()
            try:
                host.assert_fact("host", dict(fact, sid=engine._sid))
            except (MessageNotHandledException, MessageObservedException):
                pass
            assert ours == recorded
            return ours

        engine._assert = both
        try:
            for raw in generate(40, seed=11):
                decided = decider.decide(case_from_data(raw), as_of)
                compared += sum(step["kind"] == "rule" for step in decided.trace)
        finally:
            engine._assert = ours_of
    assert compared > 500


def _recorder(name, recorded):
    return lambda c: recorded.append((name, {alias: dict(fact) for alias, fact in c._m.items()}))
