"""A recommendation letter names, per competency, only a level above the one reached; at the top
level it says so, with no target (issue 21, item 3). Read from the rendered PDF."""

import re

import pytest
import yaml
from conftest import DESIGN_RUN
from pypdf import PdfReader

from aturan.vocabulary import COMPETENCIES

pytestmark = pytest.mark.libreoffice

LEVELS = tuple(COMPETENCIES)


def _case(nip, name, tier, program, after):
    return {
        "nip": nip,
        "name": name,
        "position": {"tier": tier, "title": "Kepala", "agency": "Instansi Contoh"},
        "role": "incumbent",
        "program": program,
        "training": {"start": "2026-03-02", "end": "2026-06-30"},
        "assessments": [
            {"date": "2024-05-10", "purpose": "seleksi", "levels": dict.fromkeys(LEVELS, 2)}
        ],
        "events": [
            {"type": "final_evaluation", "date": "2026-06-30", "result": "lulus"},
            {"type": "post_assessment", "date": "2026-10-15", "levels": after},
        ],
    }


def _letters(aturan, tmp_path) -> dict[str, str]:
    madya = dict.fromkeys(LEVELS, 5)
    admin = dict(dict.fromkeys(LEVELS, 3), kerja_sama=4, pengambilan_keputusan=5)
    cohort = {
        "cases": [
            _case("197001012000031001", "Sri Rahayu", "jpt_madya", "pkn_1", madya),
            _case("198503152010011001", "Budi Santoso", "administrator", "pka", admin),
        ]
    }
    path = tmp_path / "kohort.yaml"
    path.write_text(yaml.safe_dump(cohort, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    args = ["issue", "--registri-baru", path, "--out", out, "--registry", out / "reg.sqlite"]
    assert aturan(*args, *DESIGN_RUN).exit_code == 0  # the designs, before the trainings
    result = aturan(*args, "--pdf", "--as-of", "2027-01-10", "--issue-date", "2027-01-11")
    assert result.exit_code == 0, result.stderr
    letters = {}
    for pdf in out.glob("*-REK-*.pdf"):  # the recommendation letters' numbers: NNNN/REK/...
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(pdf)).pages)
        letters["madya" if "Sri Rahayu" in text else "admin"] = text
    return letters


def test_recommendations_name_only_levels_above_the_one_reached(aturan, tmp_path):
    letters = _letters(aturan, tmp_path)
    madya, admin = letters["madya"], letters["admin"]
    # JPT Madya at 5 everywhere: no target at all, and the letter says the top is reached
    assert "sasaran level" not in madya
    assert "level tertinggi (level 5)" in madya and "Pengambilan Keputusan" in madya
    # Administrator: each target is one above that competency's own level, never at or below it
    assert "Integritas (level saat ini 3, sasaran level 4)" in admin
    assert "Kerja Sama (level saat ini 4, sasaran level 5)" in admin
    for current, target in re.findall(r"level saat ini (\d), sasaran level (\d)", admin):
        assert int(target) == int(current) + 1
    assert "Pengambilan Keputusan (level saat ini 5, sasaran" not in admin
    assert "level tertinggi (level 5)" in admin
