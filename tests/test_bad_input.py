"""Bad input: a clear message naming file, field and line; exit status 2; never a traceback."""

import pytest

BASE = """nip: "198503152010011001"
name: Budi Santoso
position: {tier: administrator}
role: incumbent
program: pka
training: {start: 2026-03-02, end: 2026-06-30}
assessments:
  - date: 2025-05-10
    purpose: seleksi
    levels: {integritas: 3, kerja_sama: 3, komunikasi: 2, orientasi_hasil: 3, pelayanan_publik: 3,
             pengembangan_diri: 2, mengelola_perubahan: 3, pengambilan_keputusan: 3}
"""

CASES = {
    "nip_short": (('nip: "198503152010011001"', 'nip: "19850315201001100"'), "nip", 1, "18 angka"),
    "nip_letters": (
        ('nip: "198503152010011001"', 'nip: "19850315201001100X"'),
        "nip",
        1,
        "18 angka",
    ),
    "nip_birth_date": (
        ('nip: "198503152010011001"', 'nip: "198502302010011001"'),
        "nip",
        1,
        "tanggal lahir",
    ),
    "nip_cpns_month": (
        ('nip: "198503152010011001"', 'nip: "198503152010131001"'),
        "nip",
        1,
        "bulan pengangkatan",
    ),
    "nip_cpns_before_birth": (
        ('nip: "198503152010011001"', 'nip: "198503151980011001"'),
        "nip",
        1,
        "sebelum tanggal lahir",
    ),
    "nip_gender": (
        ('nip: "198503152010011001"', 'nip: "198503152010013001"'),
        "nip",
        1,
        "jenis kelamin",
    ),
    "level_too_high": (
        ("integritas: 3,", "integritas: 6,"),
        "assessments[0].levels.integritas",
        10,
        "rentang",
    ),
    "level_zero": (
        ("komunikasi: 2,", "komunikasi: 0,"),
        "assessments[0].levels.komunikasi",
        10,
        "rentang",
    ),
    "unknown_competency": (
        ("integritas: 3,", "integritas: 3, kepemimpinan: 3,"),
        "assessments[0].levels",
        10,
        "kepemimpinan",
    ),
    "missing_competency": (("integritas: 3, ", ""), "assessments[0].levels", 10, "integritas"),
    "training_end_before_start": (
        ("end: 2026-06-30", "end: 2026-02-01"),
        "training.end",
        6,
        "sebelum tanggal mulai",
    ),
    "unknown_program": (("program: pka", "program: pkx"), "program", 5, "pkx"),
    "bad_date": (("date: 2025-05-10", "date: 2025-13-40"), "assessments[0].date", 8, "tanggal"),
    "successor_without_projection": (
        ("role: incumbent", "role: successor"),
        None,
        None,
        "projected_position",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_case_is_named_precisely(aturan, tmp_path, name):
    (old, new), field, line, words = CASES[name]
    assert old in BASE
    path = tmp_path / "kasus.yaml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    result = aturan("decide", path, "--as-of", "2026-02-01")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and result.output == ""
    assert str(path) in result.stderr
    assert words in result.stderr
    if field:
        assert f"'{field}'" in result.stderr
    if line:
        assert f"kasus.yaml:{line}" in result.stderr


def test_assessment_after_the_decision_date_is_refused(aturan, tmp_path):
    path = tmp_path / "kasus.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = aturan("decide", path, "--as-of", "2025-01-01")
    assert result.exit_code == 2
    assert (
        "sesudah tanggal keputusan 2025-01-01" in result.stderr and "kasus.yaml:8" in result.stderr
    )


def test_malformed_yaml_names_the_line(aturan, tmp_path):
    path = tmp_path / "kasus.yaml"
    path.write_text(BASE.replace("role: incumbent", "role: [incumbent"), encoding="utf-8")
    result = aturan("decide", path)
    assert result.exit_code == 2
    assert "YAML tidak valid" in result.stderr and "kasus.yaml:" in result.stderr


def test_malformed_json_names_the_line(aturan, tmp_path):
    path = tmp_path / "kasus.json"
    path.write_text('{"nip": "198503152010011001",\n "name": }', encoding="utf-8")
    result = aturan("decide", path)
    assert result.exit_code == 2
    assert "JSON tidak valid" in result.stderr and "kasus.json:2" in result.stderr


def test_missing_file_is_named(aturan, tmp_path):
    result = aturan("decide", tmp_path / "tidak-ada.yaml")
    assert result.exit_code == 2
    assert "tidak-ada.yaml" in result.stderr and "tidak ditemukan" in result.stderr


LEVELS = (
    "{integritas: 3, kerja_sama: 3, komunikasi: 3, orientasi_hasil: 3, pelayanan_publik: 3, "
    "pengembangan_diri: 3, mengelola_perubahan: 3, pengambilan_keputusan: 3}"
)
LOWER = LEVELS.replace("komunikasi: 3", "komunikasi: 2")
IMPOSSIBLE = {
    # name: (events, field named, words the message must hold)
    "final_before_training": (
        ["{type: final_evaluation, date: 2026-02-01, result: lulus}"],
        "events[0].date",
        "sebelum pelatihan dimulai",
    ),
    "final_without_training": (None, "events[0].date", "tanpa tanggal mulai"),
    "two_finals": (
        [
            "{type: final_evaluation, date: 2026-06-30, result: ditunda}",
            "{type: final_evaluation, date: 2026-07-02, result: lulus}",
        ],
        "events[1].date",
        "evaluasi akhir kedua",
    ),
    "remedial_before_deferral": (
        [
            "{type: remedial, date: 2026-06-20, result: lulus}",
            "{type: final_evaluation, date: 2026-06-30, result: ditunda}",
        ],
        "events[0].date",
        "tanpa evaluasi akhir",
    ),
    "remedial_after_a_pass": (
        [
            "{type: final_evaluation, date: 2026-06-30, result: lulus}",
            "{type: remedial, date: 2026-07-10, result: lulus}",
        ],
        "events[1].date",
        "menyatakan lulus",
    ),
    "remedial_same_day_as_deferral": (
        [
            "{type: final_evaluation, date: 2026-06-30, result: ditunda}",
            "{type: remedial, date: 2026-06-30, result: lulus}",
        ],
        "events[1].date",
        "hari yang sama",
    ),
    "two_remedials": (
        [
            "{type: final_evaluation, date: 2026-06-30, result: ditunda}",
            "{type: remedial, date: 2026-07-05, result: tidak_lulus}",
            "{type: remedial, date: 2026-07-10, result: lulus}",
        ],
        "events[2].date",
        "remedial kedua",
    ),
    "assessment_before_training": (
        [f"{{type: post_assessment, date: 2026-01-10, levels: {LEVELS}}}"],
        "events[0].date",
        "sebelum pelatihan dimulai",
    ),
    "two_assessments_same_day": (
        [
            f"{{type: post_assessment, date: 2026-10-15, levels: {LEVELS}}}",
            f"{{type: post_assessment, date: 2026-10-15, levels: {LOWER}}}",
        ],
        "events[1].levels",
        "level berbeda",
    ),
    "final_tidak_lulus": (
        ["{type: final_evaluation, date: 2026-06-30, result: tidak_lulus}"],
        "events[0].result",
        "ditunda",
    ),
    "remedial_ditunda": (
        [
            "{type: final_evaluation, date: 2026-06-30, result: ditunda}",
            "{type: remedial, date: 2026-07-10, result: ditunda}",
        ],
        "events[1].result",
        "tidak_lulus",
    ),
    "post_assessment_without_levels": (
        ["{type: post_assessment, date: 2026-10-15}"],
        "events[0]",
        "levels",
    ),
}


@pytest.mark.parametrize("name", sorted(IMPOSSIBLE))
def test_an_impossible_history_is_refused_naming_the_event(aturan, tmp_path, name):
    events, field, words = IMPOSSIBLE[name]
    text = BASE
    if events is None:  # a final evaluation without training dates
        text = text.replace("training: {start: 2026-03-02, end: 2026-06-30}\n", "")
        events = ["{type: final_evaluation, date: 2026-06-30, result: lulus}"]
    case = tmp_path / "riwayat.yaml"
    case.write_text(text + "events:\n" + "".join(f"  - {e}\n" for e in events), encoding="utf-8")
    for command in ("decide", "issue"):
        extra = (
            ["--out", tmp_path / "out", "--registry", tmp_path / "r.sqlite", "--registri-baru"]
            if command == "issue"
            else []
        )
        result = aturan(command, case, "--as-of", "2027-01-10", *extra)
        assert result.exit_code == 2, (command, result.output, result.stderr)
        assert "Traceback" not in result.stderr
        assert (
            "riwayat.yaml" in result.stderr
            and f"'{field}'" in result.stderr
            and words in result.stderr
        ), result.stderr
