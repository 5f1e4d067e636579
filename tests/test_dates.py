"""The date arithmetic the formulas rely on: terms in years and months, working days."""

import datetime as dt

import pytest

from aturan.decide.formulas import add_months, add_working_days, add_years, from_ymd, ymd

D = dt.date


@pytest.mark.parametrize(
    "start, years, expected",
    [
        (D(2024, 5, 10), 3, D(2027, 5, 10)),
        (D(2024, 2, 29), 1, D(2025, 3, 1)),  # no 29 February: the full term ends on 1 March
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
    ],
)
def test_add_years_keeps_the_day_and_moves_29_february_to_1_march(start, years, expected):
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 8, 31), 1, D(2026, 9, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # across a year
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
    ],
)
def test_add_months_falls_back_to_the_months_last_day(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "start, count, expected",
    [
        (D(2026, 7, 3), 1, D(2026, 7, 6)),  # Friday + 1 working day: Monday
        (D(2026, 7, 6), 5, D(2026, 7, 13)),  # Monday + 5: the next Monday
        (D(2026, 7, 4), 1, D(2026, 7, 7)),  # a Saturday counts from Monday
        (D(2026, 7, 4), 0, D(2026, 7, 6)),
        (D(2026, 7, 1), 0, D(2026, 7, 1)),
    ],
)
def test_add_working_days_skips_weekends(start, count, expected):
    assert add_working_days(start, count) == expected


def test_dates_travel_through_the_engine_as_yyyymmdd_numbers_and_back():
    assert ymd(D(2026, 2, 1)) == 20260201
    assert from_ymd(20260201) == D(2026, 2, 1)
    assert ymd(None) is None and from_ymd(None) is None
    assert ymd(D(2026, 1, 31)) < ymd(D(2026, 2, 1))  # the engine compares them as numbers
