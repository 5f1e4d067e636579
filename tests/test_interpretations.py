"""`aturan interpretations` lists every choice the engine makes where the texts leave it open
(issue 21, item 9), and an alternative documented but not built is refused by name."""

import json

import pytest
from conftest import ROOT

BUDI = ROOT / "samples" / "budi-petahana-administrator.yaml"

# choice -> its default (the engine's behaviour before it was named)
CHOICES = {
    "assessment.validity_start": "assessment_date",
    "validity.leap_day": "1_maret",
    "certificate.validity_start": "assessment_date",
    "post_assessment.window_from": "training_end",
    "retest.limit": "tanpa_batas",
    "remedial.max_count": "satu_kali",
    "participation.test_from": "certificate_date",
    "talent_pool.input": "memenuhi_skj",
    "coaching.without_high_gap": "kesenjangan_tertinggi",
    "gap.high_min": 2,
}


@pytest.mark.slow
def test_interpretations_list_each_choice_with_default_alternatives_and_paper_line(aturan):
    result = aturan("interpretations", "--as-of", "2027-01-10", "--format", "json")
    assert result.exit_code == 0, result.stderr
    listed = {item["id"]: item for item in json.loads(result.output)}
    for pid, default in CHOICES.items():
        item = listed[pid]
        assert item["value"] == default, pid
        assert len(item["alternatives"]) >= 2, pid
        assert any(where.startswith("paper:") for where in item["read_at"]), pid
    text = aturan("interpretations", "--as-of", "2027-01-10").output
    assert all(f". {pid}:" in text for pid in CHOICES)
    assert "Dibaca di: paper:935" in text  # the talent-pool line that feeds every result


def test_an_alternative_not_built_is_refused_by_name(aturan, tmp_path):
    reform = tmp_path / "laporan.yaml"
    reform.write_text(
        "name: Masa berlaku sejak tanggal laporan\nparameters:\n"
        "  - id: assessment.validity_start\n    from: 2019-01-01\n    value: report_date\n"
        "    reference: [asumsi-aturan:masa-berlaku-sejak]\n",
        encoding="utf-8",
    )
    result = aturan("decide", BUDI, "--as-of", "2026-02-01", "--reform", reform)
    assert result.exit_code == 2
    assert "'report_date'" in result.stderr and "belum diimplementasikan" in result.stderr
    assert "Traceback" not in result.stderr
