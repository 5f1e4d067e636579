"""Property test on issued documents (issue 21, "Done when"): random histories (the strategy of
test_history_properties.py) decided on a random date and issued (DOCX only) on a random date into
a fresh registry, through the library API `aturan issue` uses.

Invariants, each a function of (case, decision, issued entries), so more can be added here:
1. no issued document is dated before the event it attests, or on or after its last timely date,
   with the dates computed here from the case's own facts (training start, final evaluation,
   assessments), never read from the decision's `dated_before`/`until`;
2. no recommendation targets a level at or below the participant's current one (read from the
   letter's own text: "level saat ini X, sasaran level Y");
3. no printed name differs from the case's (a random plausible name of up to 120 characters,
   found whole in every document's text).
"""

import calendar
import copy
import datetime as dt
import re
import tempfile
from pathlib import Path

import docx
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_history_properties import histories

from aturan.cases import case_from_data
from aturan.documents import Issuer
from aturan.documents.institution import open_registry
from aturan.errors import InputError

# The defaults in force in the generated years, as the paper and rules/parameters state them.
REMEDIAL_DAYS = 30  # remedial.deadline_days (an assumption)
DEVELOPMENT_DAYS = 60  # development.days, calendar days from the result (paper:564)
WINDOW_MONTHS = 12  # post_assessment.window_max_months (paper:527-529)
VALIDITY_YEARS = 3  # certificate.validity_years (Perban BKN 26/2019)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _months_later(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _years_later(day: dt.date, years: int) -> dt.date:
    if (day.month, day.day) == (2, 29) and not calendar.isleap(day.year + years):
        return dt.date(day.year + years, 3, 1)
    return day.replace(year=day.year + years)


def _events(case: dict, kind: str) -> list[dict]:
    return [e for e in case["events"] if e["type"] == kind]


def _attempt_days(case: dict) -> list[dt.date]:
    """Every date an assessment may have been taken: post-training tests, and a final evaluation
    or remedial carrying levels."""
    return [
        _day(e["date"]) for e in case["events"] if e["type"] == "post_assessment" or e.get("levels")
    ]


def _passed_on(case: dict) -> dt.date | None:
    end = _day(case["training"]["end"])
    for kind in ("remedial", "final_evaluation"):
        passed = [e for e in _events(case, kind) if e["result"] == "lulus"]
        if passed:
            return max(end, _day(passed[-1]["date"]))
    return None


def _within_some_attempt(case: dict, day: dt.date, span) -> bool:
    """Some assessment of the case lies on or before `day`, and `day` is before `span(it)`."""
    return any(t <= day < span(t) for t in _attempt_days(case))


def _timely(case: dict, decision, as_of: dt.date, doc_type: str, day: dt.date) -> bool:
    """Whether a document of this type may bear `day`, from the case's facts."""
    start, end = _day(case["training"]["start"]), _day(case["training"]["end"])
    if doc_type == "desain_pelatihan":
        report = max(_day(a["date"]) for a in case["assessments"])
        return report <= day < start
    if doc_type == "permintaan_asesmen_awal":
        return as_of <= day < start
    if doc_type == "penundaan_kelulusan":
        final = _day(_events(case, "final_evaluation")[-1]["date"])
        return final <= day < final + dt.timedelta(days=REMEDIAL_DAYS)
    if doc_type == "sttp":
        passed = _passed_on(case)
        return passed is not None and passed <= day
    if doc_type == "sertifikat_kompetensi":
        return _within_some_attempt(case, day, lambda t: _years_later(t, VALIDITY_YEARS))
    if doc_type == "rekomendasi_pengembangan":
        if "tempat_kerja" in decision.lifecycle.recommendations:
            return _within_some_attempt(
                case, day, lambda t: t + dt.timedelta(days=DEVELOPMENT_DAYS)
            )
        return _within_some_attempt(case, day, lambda t: _years_later(t, VALIDITY_YEARS))
    if doc_type == "sertifikat_keikutsertaan":
        return end <= day and any(t <= day for t in _attempt_days(case))
    if doc_type == "undangan_uji":
        if decision.lifecycle.result is None:  # invited into the window, never after it
            passed = _passed_on(case)
            return passed is not None and passed <= day < _months_later(end, WINDOW_MONTHS)
        return any(t <= day for t in _attempt_days(case))  # a re-test: no closing date
    raise AssertionError(f"a document type this test does not know: {doc_type}")


def no_document_is_dated_outside_its_timely_range(case, decision, as_of, issued) -> None:
    for entry in issued:
        assert _timely(case, decision, as_of, entry["type"], entry["date"]), (
            entry["type"],
            entry["date"],
            decision.document(entry["type"]),
        )


def no_recommendation_targets_a_level_reached(case, decision, as_of, issued) -> None:
    for entry in issued:
        if entry["type"] == "rekomendasi_pengembangan":
            pairs = re.findall(r"level saat ini (\d), sasaran level (\d)", entry["text"])
            assert all(int(target) > int(now) for now, target in pairs), pairs


def no_printed_name_differs_from_the_case(case, decision, as_of, issued) -> None:
    name = " ".join(case["name"].split())
    for entry in issued:
        assert name in " ".join(entry["text"].split()), (entry["type"], case["name"])


INVARIANTS = [
    no_document_is_dated_outside_its_timely_range,
    no_recommendation_targets_a_level_reached,
    no_printed_name_differs_from_the_case,
]


def _text(path: Path) -> str:
    """Every paragraph of a DOCX, its tables' (nested ones too) included."""
    document = docx.Document(str(path))

    def cell(c) -> list[str]:
        return [c.text] + [x for t in c.tables for r in t.rows for c2 in r.cells for x in cell(c2)]

    cells = [x for t in document.tables for r in t.rows for c in r.cells for x in cell(c)]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _issue(rulebook, decision_pairs, issue_date: dt.date) -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        registry, config = open_registry(Path(folder) / "reg.sqlite", create=True, book=rulebook)
        issuer = Issuer(
            rulebook, config, registry, ROOT / "templates" / "docx", Path(folder) / "out"
        )
        report = issuer.issue(decision_pairs, issue_date, pdf=False)
        return [dict(entry, text=_text(entry["docx"])) for entry in report.issued]


# Plausible names as personnel records hold them: letters (accented too), titles' punctuation,
# up to 120 characters, never starting or ending with a space.
names = (
    st.text(
        alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéÑñü .,'-"),
        min_size=1,
        max_size=120,
    )
    .map(str.strip)
    .filter(lambda n: any(ch.isalpha() for ch in n))
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories(), offset=st.integers(-500, 500), name=names)
@pytest.mark.slow
def test_issued_documents_keep_the_invariants(decider_for, history, offset, name):
    case_data, as_of, key = history
    case_data = dict(case_data, name=name)
    decider = decider_for(*key)
    case = case_from_data(copy.deepcopy(case_data), "acak.yaml")
    try:
        decision = decider.decide(case, as_of)
    except InputError:  # an impossible history is refused by name (test_history_properties)
        return
    issue_date = as_of + dt.timedelta(days=offset)
    issued = _issue(decider.rulebook, [(case, decision)], issue_date)
    for invariant in INVARIANTS:
        invariant(case_data, decision, as_of, issued)
