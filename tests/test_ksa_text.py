"""KSA text (Lampiran I) is printed whole: no line of a recommendation letter starts mid-word or
ends in an ellipsis; where the paper's own text is unreadable, the data records the damaged lines
and the letter prints the competency's description in place of the fragment."""

import datetime as dt
import re
from dataclasses import replace

import yaml
from conftest import ROOT

from aturan.cases import case_from_data
from aturan.decide.decision import _ksa_row
from aturan.documents.context import specific_context
from aturan.vocabulary import COMPETENCIES

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
LISTS = ("knowledge", "skill_personal", "skill_interpersonal", "attitude", "learning_models")
# a line that starts mid-word (lowercase continuation, leading dots, bullet or dash), holds an
# ellipsis (lost words) or ends in "..."
FRAGMENT = re.compile(r"^(?:[a-z]|\.\.\.|[•·○\-–]\s)|…|\.\.\.$")


def fragments(lines):
    return [line for line in lines if FRAGMENT.search(line.strip()) or not line.strip()]


def printed_rows(decider, rulebook):
    """Every competency at every level of Lampiran I, as the recommendation letter's context
    builder prints it (a real decision whose development rows are replaced by each level's)."""
    sari = yaml.safe_load(COHORT.read_text(encoding="utf-8"))["cases"][2]  # misses SKJ
    decision = decider.decide(case_from_data(sari), dt.date(2027, 1, 10))
    development = decision.lifecycle.development
    assert development is not None
    ksa = rulebook.annexes["ksa-matrix"]["competencies"]
    rows = tuple(
        dict(_ksa_row(ksa, key, level), achieved=1, gap=level - 1)
        for key in COMPETENCIES
        for level in range(1, 6)
    )
    lifecycle = replace(decision.lifecycle, development=replace(development, ksa=rows))
    context = specific_context("recommendation", replace(decision, lifecycle=lifecycle))
    return rows, context["gaps"]


def test_no_printed_ksa_line_starts_mid_word_or_ends_in_an_ellipsis(decider, rulebook):
    rows, gaps = printed_rows(decider, rulebook)
    assert len(gaps) == 40
    for row, gap in zip(rows, gaps):
        where = f"{row['competency']} level {row['level']}"
        for field in LISTS:
            assert not fragments(gap[field]), (where, field, fragments(gap[field]))


def test_an_unreadable_item_is_recorded_and_printed_as_the_competencys_description(
    decider, rulebook
):
    """Pengambilan Keputusan level 3: both knowledge items are cut in the paper (line 1245)."""
    rows, gaps = printed_rows(decider, rulebook)
    index = list(COMPETENCIES).index("pengambilan_keputusan") * 5 + 2
    row, gap = rows[index], gaps[index]
    assert {d["field"] for d in row["damaged"]} == {"knowledge"}
    assert all(d["read_at"] == "paper:1245" for d in row["damaged"])
    description = rulebook.annexes["ksa-matrix"]["competencies"]["pengambilan_keputusan"]["levels"]
    [line] = gap["knowledge"]
    assert description[3]["description"] in line and "baris 1245" in line
    assert "Kewenangan dan tanggung jawab yang" not in " ".join(gap["knowledge"])


def test_every_damaged_level_names_its_source_lines_and_has_a_whole_description_to_print(rulebook):
    for key, competency in rulebook.annexes["ksa-matrix"]["competencies"].items():
        for level, entry in competency["levels"].items():
            for damage in entry.get("damaged", []):
                assert re.fullmatch(r"paper:\d{4}(-\d{4})?", damage["read_at"]), (key, level)
                assert damage["visible"] and damage["field"], (key, level)
            items = [d for d in entry.get("damaged", []) if d["field"] != "description"]
            if items:
                row = _ksa_row(rulebook.annexes["ksa-matrix"]["competencies"], key, level)
                assert row["stand_in"] and not fragments([row["stand_in"]]), (key, level)
