"""`diff` and `compare` say what they rest on: the model(s), the decision date, the cohort's
training dates and the reform's dates; when nothing changes because the reform's dates miss every
participant's decision dates, they say so. `aturan sample --tahun` sets the training years, and the
bundled reform's own example gives changes."""

import csv
import re
import shlex

from conftest import ROOT

COHORT = ROOT / "samples" / "cohort-contoh.csv"  # 20 rows, 3 of them refused on purpose
TWO_YEARS = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
MS_85 = ROOT / "reforms" / "batas-ms-85.yaml"


def starts(path):
    with open(path, encoding="utf-8") as handle:
        return [row["training_start"] for row in csv.DictReader(handle)]


def test_sample_tahun_sets_the_training_year(aturan, tmp_path):
    one = aturan("sample", "--size", 60, "--seed", 2, "--tahun", 2027, "--out", tmp_path / "a.csv")
    assert one.exit_code == 0, one.stderr
    assert {s[:4] for s in starts(tmp_path / "a.csv")} == {"2027"}


def test_sample_tahun_takes_a_range_of_years(aturan, tmp_path):
    out = tmp_path / "b.csv"
    result = aturan("sample", "--size", 200, "--seed", 2, "--tahun", "2026-2028", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert {s[:4] for s in starts(out)} == {"2026", "2027", "2028"}


def test_sample_without_tahun_keeps_the_2026_cohort(aturan, tmp_path):
    plain, same = tmp_path / "plain.csv", tmp_path / "same.csv"
    aturan("sample", "--size", 80, "--seed", 4, "--out", plain)
    aturan("sample", "--size", 80, "--seed", 4, "--tahun", 2026, "--out", same)
    assert plain.read_bytes() == same.read_bytes()


def test_sample_refuses_a_backwards_or_wordy_year(aturan, tmp_path):
    for bad in ("2028-2026", "dua ribu", "1800"):
        result = aturan("sample", "--size", 5, "--tahun", bad, "--out", tmp_path / "x.csv")
        assert result.exit_code == 2, result.output
        assert "--tahun" in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "x.csv").exists()


def test_diff_names_model_date_cohort_dates_and_reform_dates(aturan):
    result = aturan("diff", COHORT, "--reform", TWO_YEARS, "--as-of", "2027-06-30")
    assert "Traceback" not in result.stderr
    out = result.output
    assert "Model: Alternatif I Fleksibel (bawaan: parameter integration.model)" in out
    assert "Tanggal keputusan (--as-of): 30 Juni 2027" in out
    assert re.search(r"Kohort: 17 peserta; pelatihan mulai \d+ \w+ 2026 s\.d\. \d+ \w+ 2026", out)
    assert "Reformasi berlaku: sejak 1 Januari 2027 (parameter assessment.validity_years)" in out


def test_diff_says_why_nothing_changed_when_the_reform_starts_after_every_design(aturan):
    result = aturan("diff", COHORT, "--reform", TWO_YEARS, "--as-of", "2027-06-30")
    assert "0 peserta berubah" in result.output
    assert (
        "Tidak ada yang berubah karena tanggal reformasi tidak mengenai tanggal keputusan "
        "peserta mana pun: reformasi mengubah langkah desain" in result.output
    )
    assert "di luar masa berlaku reformasi (sejak 1 Januari 2027)" in result.output
    assert "aturan sample --tahun 2027" in result.output


def test_diff_says_nothing_of_dates_when_the_reform_reaches_the_cohort(aturan):
    result = aturan("diff", COHORT, "--reform", MS_85, "--as-of", "2026-06-30")
    assert "peserta berubah" in result.output and "0 peserta berubah" not in result.output
    assert "Reformasi berlaku: sejak 1 Januari 2026" in result.output
    assert "tidak mengenai tanggal keputusan" not in result.output


def test_diff_names_the_model_a_reform_rule_is_for(aturan, tmp_path):
    reform = tmp_path / "klaster.yaml"
    reform.write_text(
        """name: Klaster B untuk JPM di bawah 90
new_clauses:
  - {id: "rancangan:pasal-1", citation: Rancangan Pasal 1 (draf), text: Contoh.}
rules:
  - id: klaster.a-jpm-di-bawah-90
    title: Contoh
    cites: ["rancangan:pasal-1"]
    priority: 20
    when:
      params: {integration.model: cluster, cluster.basis: category}
      participant:
        {design_status: ditetapkan, category: {in: [MS, Optimal]}, measured_jpm: {lt: 90}}
    then: {cluster: B}
""",
        encoding="utf-8",
    )
    result = aturan("diff", COHORT, "--reform", reform, "--as-of", "2026-06-30")
    assert "0 peserta berubah" in result.output
    assert "aturan reformasi hanya untuk model cluster" in result.output
    assert "--model cluster" in result.output


def test_compare_names_models_date_cohort_dates_and_why_nothing_changed(aturan, tmp_path):
    result = aturan(
        "compare", COHORT, "--reform", TWO_YEARS, "--as-of", "2027-06-30", "--out", tmp_path
    )
    assert "Traceback" not in result.stderr
    out = result.output
    assert "Model: keempat model (flexible, cluster, a-la-carte, generic)" in out
    assert "Tanggal keputusan (--as-of): 30 Juni 2027" in out
    assert "Kohort: 17 peserta; pelatihan mulai" in out
    assert "Reformasi berlaku: sejak 1 Januari 2027" in out
    assert "Tidak ada yang berubah karena tanggal reformasi" in out


def test_the_bundled_reform_example_gives_changes(aturan, tmp_path, monkeypatch):
    """The reform's own "Try it" lines, run as written from a scratch folder."""
    (tmp_path / "reforms").symlink_to(ROOT / "reforms")
    monkeypatch.chdir(tmp_path)
    lines = TWO_YEARS.read_text(encoding="utf-8").splitlines()
    commands = [line.split("aturan ", 1)[1] for line in lines if line.startswith("#   aturan ")]
    assert len(commands) >= 2 and commands[-1].startswith("diff ")
    for command in commands:
        result = aturan(*shlex.split(command))
        assert result.exit_code == 0, command + result.stderr
    changed = re.search(r"(\d+) peserta berubah", result.output)
    assert changed and int(changed.group(1)) > 0, result.output
    assert "tidak mengenai tanggal keputusan" not in result.output
