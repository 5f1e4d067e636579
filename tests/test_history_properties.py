"""Property tests on whole histories: random lifecycles, each step judged on its own date.

Invariants (issue 8): no document attests an event after the decision date or is called for once
it no longer holds; no pre-training request once the training has started; a rejected attempt
changes no earlier or later outcome; state and next step are never empty; every accepted attempt
lies inside its window."""

import copy
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aturan.cases import case_from_data
from aturan.errors import InputError
from aturan.vocabulary import COMPETENCIES

DEVELOPMENT_DAYS = 60  # the default of development.days, counted in calendar days

levels = st.fixed_dictionaries({key: st.integers(1, 5) for key in COMPETENCIES})


def _iso(day: dt.date) -> str:
    return day.isoformat()


@st.composite
def histories(draw):
    start = draw(st.dates(dt.date(2024, 9, 1), dt.date(2026, 12, 31)))  # the law starts 2023-12-01
    end = start + dt.timedelta(days=draw(st.integers(30, 180)))
    assessment_days = draw(
        st.lists(st.integers(60, 3 * 365 + 90), min_size=1, max_size=2, unique=True)
    )
    tier, program = draw(
        st.sampled_from([("administrator", "pka"), ("pengawas", "pkp"), ("jpt_pratama", "pkn_2")])
    )
    case = {
        "nip": "198503152010011001",
        "name": "Peserta Acak",
        "position": {"tier": tier},
        "role": "incumbent",
        "program": program,
        "training": {"start": _iso(start), "end": _iso(end)},
        "assessments": [
            {
                "date": _iso(start - dt.timedelta(days=d)),
                "purpose": draw(st.sampled_from(["seleksi", "pemetaan"])),
                "levels": draw(levels),
            }
            for d in assessment_days
        ],
        "events": [],
    }
    if draw(st.sampled_from([True, True, True, False])):
        final_day = end + dt.timedelta(days=draw(st.integers(-5, 5)))
        final_day = max(final_day, start)
        final = {
            "type": "final_evaluation",
            "date": _iso(final_day),
            "result": draw(st.sampled_from(["lulus", "ditunda"])),
        }
        if draw(st.booleans()):
            final["levels"] = draw(levels)
        case["events"].append(final)
        if final["result"] == "ditunda" and draw(st.booleans()):
            remedial = {
                "type": "remedial",
                "date": _iso(final_day + dt.timedelta(days=draw(st.integers(1, 60)))),
                "result": draw(st.sampled_from(["lulus", "tidak_lulus"])),
            }
            if draw(st.booleans()):
                remedial["levels"] = draw(levels)
            case["events"].append(remedial)
        for offset in draw(
            st.lists(st.integers(1, 700), min_size=draw(st.integers(0, 3)), max_size=3, unique=True)
        ):
            day = _iso(end + dt.timedelta(days=offset))
            if all(e["date"] != day for e in case["events"]):
                case["events"].append(
                    {"type": "post_assessment", "date": day, "levels": draw(levels)}
                )
    # hypothesis favours small numbers: mix in dates well after the training, where the attempts are
    as_of = end + dt.timedelta(
        days=draw(st.one_of(st.integers(-240, 1100), st.integers(100, 1000)))
    )
    key = (
        draw(st.sampled_from(["flexible", "cluster", "a-la-carte", "generic"])),
        draw(st.sampled_from(["integrated", "separate"])),
    )
    return case, as_of, key


def _decide(decider_for, case, as_of, key):
    """The decision's JSON, the contract these properties are stated against."""
    decider = decider_for(*key)
    return decider.decide(case_from_data(copy.deepcopy(case), "acak.yaml"), as_of).to_json()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories())
def test_every_decision_in_a_history_keeps_the_invariants(decider_for, history):
    case, as_of, key = history
    try:
        decision = _decide(decider_for, case, as_of, key)
    except (
        InputError
    ) as exc:  # an impossible history, or a report dated after as_of, is refused by name
        assert str(exc).startswith("acak.yaml") and (
            "events[" in str(exc) or "assessments[" in str(exc)
        )
        return
    life = decision["lifecycle"]
    assert life["state"] is not None and life["next_step"]["action"] is not None
    start, end = (
        dt.date.fromisoformat(case["training"]["start"]),
        dt.date.fromisoformat(case["training"]["end"]),
    )
    for document in decision["documents"]:
        if document["attests"]:
            assert dt.date.fromisoformat(document["attests"]) <= as_of, document
        if document["until"]:
            assert as_of < dt.date.fromisoformat(document["until"]), document
        if document["type"] == "sttp":
            assert dt.date.fromisoformat(document["attests"]) >= end
    if as_of >= start:
        assert "permintaan_asesmen_awal" not in [d["type"] for d in decision["documents"]]
    _accepted_attempts_lie_inside_their_windows(life, key[1])


def _accepted_attempts_lie_inside_their_windows(life: dict, option: str) -> None:
    valid = [a for a in life["attempts"] if a["valid"]]
    if not valid:
        return
    first = valid[0]
    if option == "separate":
        assert first["kind"] == "uji"
        assert life["window"]["opens"] <= first["date"] <= life["window"]["closes"]
    else:
        assert first["kind"] in ("evaluasi_akhir", "remedial")
    for before, after in zip(valid, valid[1:]):
        assert after["kind"] == "uji"
        if not before["meets_skj"]:
            gap = dt.date.fromisoformat(after["date"]) - dt.date.fromisoformat(before["date"])
            assert gap.days >= DEVELOPMENT_DAYS


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories())
def test_a_rejected_attempt_changes_no_outcome(decider_for, history):
    case, as_of, key = history
    try:
        decision = _decide(decider_for, case, as_of, key)
    except InputError:
        return
    rejected = {
        a["date"]
        for a in decision["lifecycle"]["attempts"]
        if not a["valid"] and a["kind"] == "uji"
    }
    if not rejected:
        return
    without = dict(
        case,
        events=[
            e
            for e in case["events"]
            if not (e["type"] == "post_assessment" and e["date"] in rejected)
        ],
    )
    other = _decide(decider_for, without, as_of, key)
    assert other["lifecycle"]["result"] == decision["lifecycle"]["result"]
    assert other["lifecycle"]["post_meets_skj"] == decision["lifecycle"]["post_meets_skj"]
    kept = [a for a in decision["lifecycle"]["attempts"] if a["valid"] or a["kind"] != "uji"]
    assert [a for a in other["lifecycle"]["attempts"]] == kept
    certificates = {
        "sttp",
        "sertifikat_kompetensi",
        "sertifikat_keikutsertaan",
        "rekomendasi_pengembangan",
    }
    assert ({d["type"] for d in other["documents"]} & certificates) == (
        {d["type"] for d in decision["documents"]} & certificates
    )
