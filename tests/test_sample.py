"""Synthetic cohorts: valid, unique, shaped like Tabel 2, deterministic, streaming, and round-trip
through files."""

import collections
import datetime as dt
import inspect
import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aturan.cases import case_from_data, parse_nip, read_cohort
from aturan.errors import InputError
from aturan.lab import (
    ALUMNI_2018_2021,
    PROGRAM_TIER,
    STANDARD_LEVEL,
    TIER_BELOW,
    case_to_row,
    generate,
    write_cohort,
)

AS_OF = dt.date(2026, 6, 30)
TABEL_2 = {"pkn_1": 514, "pkn_2": 5983, "pka": 20838, "pkp": 38874}


@pytest.fixture(scope="module")
def cohort():
    return list(generate(500, seed=1))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_every_case_is_valid(cohort):
    assert len(cohort) == 500
    for case in cohort:
        case_from_data(case, "<sample>")


def test_nips_are_unique_and_plausible(cohort):
    nips = [case["nip"] for case in cohort]
    assert len(set(nips)) == len(nips)
    for text in nips:
        parsed = parse_nip(text)
        assert dt.date(1965, 1, 1) <= parsed.birth_date <= dt.date(1998, 12, 31)
        age_at_appointment = (
            parsed.appointed[0]
            - parsed.birth_date.year
            + (parsed.appointed[1] - parsed.birth_date.month) / 12
        )
        assert 20 <= age_at_appointment <= 35
        assert parsed.appointed <= (2025, 12) and 1 <= int(parsed.serial) <= 999
    assert {parse_nip(text).gender for text in nips} == {"L", "P"}


def test_programs_follow_tabel_2():
    assert ALUMNI_2018_2021 == TABEL_2 and sum(TABEL_2.values()) == 66209
    total = sum(TABEL_2.values())
    for size, tolerance in ((500, 0.04), (20000, 0.01)):
        counts = collections.Counter(case["program"] for case in generate(size, seed=1))
        for program, alumni in TABEL_2.items():
            assert abs(counts[program] / size - alumni / total) <= tolerance, (
                size,
                program,
                counts,
            )


def test_roles_tiers_and_levels(cohort):
    roles = collections.Counter()
    for case in cohort:
        target, tier = PROGRAM_TIER[case["program"]], case["position"]["tier"]
        if case["role"] == "successor":
            assert tier == TIER_BELOW[target] and case["projected_position"] == {"tier": target}
            roles["successor"] += 1
        else:
            roles["incumbent" if tier == target else "out_of_scope"] += 1
        standard = STANDARD_LEVEL[target]
        for assessment in case.get("assessments", []):
            assert all(
                max(1, standard - 2) <= level <= min(5, standard + 1)
                for level in assessment["levels"].values()
            )
        assert "Contoh" in case["position"]["agency"]
    assert 0.75 <= roles["incumbent"] / 500 <= 0.90
    assert 0.10 <= roles["successor"] / 500 <= 0.20
    assert roles["out_of_scope"] / 500 <= 0.05


def test_assessments_and_lifecycle(cohort):
    assessed = [case["assessments"][0] for case in cohort if case.get("assessments")]
    assert all(len(case.get("assessments", [])) <= 1 for case in cohort)
    assert 0.62 <= len(assessed) / 500 <= 0.78
    ages = [(AS_OF - day(a["date"])).days for a in assessed]
    assert all(365 <= age <= 5 * 365 for age in ages)
    assert any(age > 3 * 365 for age in ages) and any(
        age < 3 * 365 for age in ages
    )  # some expired, some not
    assert 0.30 <= sum(a["purpose"] == "seleksi" for a in assessed) / len(assessed) <= 0.50
    assert 0.20 <= sum("jpm" in a for a in assessed) / len(assessed) <= 0.40

    with_events = [case for case in cohort if case.get("events")]
    assert 0.72 <= len(with_events) / 500 <= 0.88
    post_months = []
    for case in cohort:
        start, end = day(case["training"]["start"]), day(case["training"]["end"])
        assert start.year == 2026 and 2 <= start.month <= 9 and 85 <= (end - start).days <= 155
        for event in case.get("events", []):
            if event["type"] == "final_evaluation":
                assert event["date"] == case["training"]["end"]
            else:
                post_months.append((day(event["date"]) - end).days / 30.44)
    results = collections.Counter(case["events"][0]["result"] for case in with_events)
    assert 0.85 <= results["lulus"] / len(with_events) <= 0.97
    assert all(2 <= months <= 14.1 for months in post_months)
    assert any(months < 3 for months in post_months) and any(months > 12 for months in post_months)
    assert any(3 <= months <= 12 for months in post_months)


def test_one_batch_one_schedule(cohort):
    schedules = collections.defaultdict(set)
    for case in cohort:
        training = case["training"]
        schedules[training["batch"]].add((training["start"], training["end"]))
    assert len(schedules) > 4 and all(len(dates) == 1 for dates in schedules.values())


def test_same_seed_same_cohort_other_seed_other_cohort(cohort):
    assert list(generate(500, seed=1)) == cohort
    assert list(generate(500, seed=2)) != cohort


def test_generator_streams():
    cases = generate(10_000_000, seed=3)
    assert inspect.isgenerator(cases)
    started = time.perf_counter()
    first = list(itertools.islice(cases, 5))
    assert len(first) == 5 and time.perf_counter() - started < 1.0


@pytest.mark.parametrize("suffix", [".csv", ".yaml", ".json"])
def test_write_then_read_round_trips(tmp_path, cohort, suffix):
    path = tmp_path / f"kohort{suffix}"
    assert write_cohort(iter(cohort), path) == 500
    rows = list(read_cohort(path))
    assert [row.error for row in rows if row.error] == []
    assert [row.case.data for row in rows] == cohort
    if suffix == ".csv":
        assert [row.row for row in rows] == list(range(2, 502))


def test_write_refuses_what_one_row_cannot_hold(tmp_path, cohort):
    case = next(case for case in cohort if case.get("assessments"))
    twice = {**case, "assessments": case["assessments"] * 2}
    with pytest.raises(InputError, match="lebih dari satu"):
        case_to_row(twice)
    with pytest.raises(InputError, match="tidak dikenal"):
        write_cohort([case], tmp_path / "kohort.txt")


@settings(max_examples=25, deadline=None)
@given(size=st.integers(0, 30), seed=st.integers(0, 2**32))
def test_any_seed_gives_valid_unique_cases(size, seed):
    cases = list(generate(size, seed))
    assert len(cases) == size and len({case["nip"] for case in cases}) == size
    for case in cases:
        case_from_data(case)
