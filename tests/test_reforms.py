"""Reforms are checked before they decide anything: a schema with file:line errors, each
parameter's type and range, the constraints between parameters, list and table edits, a
`contains` condition, `rules check --reform` and `--param`."""

import json

import pytest
from conftest import ROOT
from test_engine import engine, fired, rule

BUDI = ROOT / "samples" / "budi-petahana-administrator.yaml"
CLAUSE = "paper-lan-2023:iv-a-1-b-rpl"
WAWASAN = "pka.wawasan_kebangsaan_kepemimpinan_pancasila_dan_integritas"


def reform(tmp_path, pid, value, name="uji.yaml"):
    path = tmp_path / name
    path.write_text(
        "name: Uji\nparameters:\n"
        f"  - id: {pid}\n    from: 2026-01-01\n    value: {value}\n    reference: [{CLAUSE}]\n",
        encoding="utf-8",
    )
    return path


def refused(result, *parts):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    message = result.stderr.strip()
    assert message.count("\n") == 0, message  # one message
    for part in parts:
        assert part in message, message
    return message


def test_a_patch_on_the_never_waivable_list_is_refused_not_a_silent_replacement(aturan, tmp_path):
    path = reform(tmp_path, "curriculum.never_waivable_subjects", f"{{patch: [{WAWASAN}]}}")
    refused(
        aturan("decide", BUDI, "--reform", path),
        f"{path}:5",
        "isian 'parameters[0].value'",
        "{patch: ...} hanya untuk tabel",
        "{add: [...]} atau {remove: [...]}",
    )


def test_a_word_where_a_number_belongs_is_one_message_not_a_traceback(aturan, tmp_path):
    path = reform(tmp_path, "assessment.validity_years", '"dua"')
    refused(
        aturan("decide", BUDI, "--reform", path),
        f"{path}:5",
        "nilai 'dua' harus berupa bilangan bulat",
    )
    refused(aturan("rules", "check", "--reform", path), "nilai 'dua' harus berupa bilangan bulat")


@pytest.mark.parametrize(
    "pid, value",
    [("jpm.selection.ms_min", 0.85), ("jpm.selection.mms_min", 90)],
)
def test_cut_offs_that_invert_the_categories_are_refused(aturan, tmp_path, pid, value):
    path = reform(tmp_path, pid, value)
    message = refused(
        aturan("decide", BUDI, "--reform", path),
        f"{path}:5",
        "batas bawah MS harus di atas batas bawah MMS (skala persen 0-100)",
    )
    assert f"{pid} = {value}" in message


def test_a_percent_outside_0_to_100_is_refused_by_its_range(aturan, tmp_path):
    path = reform(tmp_path, "jpm.mapping.cukup_min", 120)
    refused(aturan("decide", BUDI, "--reform", path), "di luar rentang yang diizinkan (0..100)")


def test_an_unknown_key_is_named_with_its_line_and_a_suggestion(aturan, tmp_path):
    path = tmp_path / "salah.yaml"
    path.write_text("name: Uji\nparamters: []\n", encoding="utf-8")
    refused(
        aturan("rules", "check", "--reform", path),
        f"{path}:2",
        "isian tidak dikenal: paramters; maksud Anda 'parameters'?",
    )


def test_an_unknown_subject_in_a_list_edit_gets_a_did_you_mean(aturan, tmp_path):
    result = aturan(
        "decide", BUDI, "--param", "curriculum.never_waivable_subjects={add: [pka.bela_negara]}"
    )
    refused(result, "--param", "butir tidak dikenal di curriculum.subjects: pka.bela_negara")


def test_remove_from_a_list_changes_exactly_that_item(aturan, tmp_path):
    """{remove: [...]} takes one subject off the never-waivable list, keeping the 14 others;
    the change shows as that subject, named, in the diff."""
    path = reform(tmp_path, "curriculum.never_waivable_subjects", f"{{remove: [{WAWASAN}]}}")
    check = aturan("rules", "check", "--reform", path)
    assert check.exit_code == 0, check.output + check.stderr
    assert f"dihapus {WAWASAN}" in check.output
    result = aturan(
        "diff", ROOT / "samples" / "cohort-contoh.csv", "--reform", path, "--as-of", "2026-06-30"
    )
    assert "mata pelatihan dibebaskan, ditambah: Wawasan Kebangsaan" in result.output
    assert "sebab: parameter curriculum.never_waivable_subjects" in result.output


def test_add_an_item_already_there_or_remove_one_absent_is_refused(aturan, tmp_path):
    present = reform(tmp_path, "curriculum.never_waivable_subjects", f"{{add: [{WAWASAN}]}}")
    refused(aturan("decide", BUDI, "--reform", present), "sudah ada dalam daftar")
    absent = reform(
        tmp_path, "curriculum.never_waivable_subjects", "{remove: [pkn_2.integritas_kepemimpinan]}"
    )
    refused(aturan("decide", BUDI, "--reform", absent), "tidak ada dalam daftar")


def test_a_patch_on_a_table_changes_only_the_named_entry(aturan, tmp_path):
    path = reform(tmp_path, "cost.unit_per_participant", "{patch: {pka: 25000000}}")
    result = aturan("rules", "check", "--reform", path)
    assert result.exit_code == 0, result.stderr
    assert "'pka': 22125000" in result.output and "'pka': 25000000" in result.output
    bad = reform(tmp_path, "cost.unit_per_participant", "{patch: {pka: -1}}", "neg.yaml")
    refused(aturan("decide", BUDI, "--reform", bad), "di luar rentang")


def test_rules_check_reform_lists_the_changes_of_a_good_reform(aturan):
    result = aturan("rules", "check", "--reform", ROOT / "reforms" / "masa-berlaku-2-tahun.yaml")
    assert result.exit_code == 0, result.stderr
    assert "parameter assessment.validity_years sejak 2027-01-01: 3 -> 2" in result.output
    assert "0 galat" in result.output


def test_param_tries_an_alternative_without_a_file(aturan):
    base = json.loads(aturan("decide", BUDI, "--as-of", "2026-03-01", "--format", "json").output)
    tried = aturan(
        "decide",
        BUDI,
        "--as-of",
        "2026-03-01",
        "--format",
        "json",
        "--param",
        "jpm.selection.ms_min=75",
    )
    assert tried.exit_code == 0, tried.stderr
    assert json.loads(tried.output)["rules_version"] == base["rules_version"] + "+param"
    refused(aturan("decide", BUDI, "--param", "jpm.selection.ms_min=dua"), "--param", "ms_min")
    refused(aturan("decide", BUDI, "--param", "tidak.ada=1"), "parameter 'tidak.ada' tidak dikenal")
    refused(aturan("decide", BUDI, "--param", "tanpa-sama-dengan"), "bukan bentuk id=nilai")


def test_contains_tests_one_item_of_a_list_fact():
    rules = engine(
        rule("punya", {"subject": {"competencies": {"contains": "integritas"}}}, {"hit": True})
    )
    holding = {"subject": [{"id": "a", "competencies": ["komunikasi", "integritas"]}]}
    lacking = {"subject": [{"id": "b", "competencies": ["komunikasi"]}]}
    assert fired(rules.evaluate({}, holding)) == ["punya"]
    assert fired(rules.evaluate({}, lacking)) == []


def test_contains_with_more_than_one_value_is_refused_by_rules_check(tmp_path):
    from aturan.errors import RulebookError
    from aturan.law.rulebook import _rule

    problems: list[RulebookError] = []
    raw = {
        "id": "x",
        "title": "x",
        "cites": ["a:b"],
        "when": {"subject": {"competencies": {"contains": ["a", "b"]}}},
        "then": {"y": 1},
    }
    _rule(tmp_path / "r.yaml", raw, problems)
    assert problems and "satu nilai teks" in problems[0].message


@pytest.mark.parametrize("command", ["batch", "compare", "diff"])
def test_param_is_checked_on_every_lab_command(aturan, tmp_path, command):
    cohort = ROOT / "samples" / "cohort-contoh.csv"
    result = aturan(
        command, cohort, "--out", tmp_path / "out", "--param", "coaching.group_size_max=0"
    )
    refused(result, "--param", "nilai 0 di luar rentang yang diizinkan (1..100)")
    assert not (tmp_path / "out").exists()
