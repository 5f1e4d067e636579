"""`compare` says what its costs rest on (pay model, costs counted, unit costs, JP statuses, a
synthetic cohort) in the table, the CSV and the chart, counts the assessments, and its totals add
up by hand from the cost parameters (issue 22, items 2 and 8)."""

import csv

from conftest import ROOT
from PIL import Image

from aturan.law import load_rulebook

TWO_YEARS = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
MODELS = ("flexible", "cluster", "a-la-carte", "generic")
PARTS = ("berlaku", "reformasi", "selisih")
PROGRAMS = {"pkn_1": "PKN I", "pkn_2": "PKN II", "pka": "PKA", "pkp": "PKP"}

CAVEATS = (
    "KOHORT SINTETIS: 400 dari 400 peserta dibuat oleh `aturan sample`",
    "Cara bayar pelatihan: biaya penuh per peserta yang berlatih",
    "cost.pay_model = full_fee",
    "akan tetap membayar biaya pelatihan sesuai dengan ketentuan yang berlaku",
    "Biaya yang dihitung: pelatihan",
    "uji kompetensi pasca pelatihan (satu per peserta yang berlatih)",
    "Biaya satuan asesmen: asesmen awal Rp 5.000.000",
    "cost.assessment_unit, status asumsi",
    "JP: 54 dari 54 mata pelatihan memakai angka sementara",
    "PKA 290",
    "PKA 908 jampel",
)


def _run(aturan, tmp_path, *extra):
    """A 2027 cohort under the 2-year validity reform: more initial assessments (item 8)."""
    cohort = tmp_path / "kohort.csv"
    made = aturan("sample", "--size", 400, "--seed", 5, "--tahun", 2027, "--out", cohort)
    assert made.exit_code == 0, made.stderr
    out = tmp_path / "cmp"
    result = aturan(
        "compare", cohort, "--reform", TWO_YEARS, "--as-of", "2027-12-31", "--out", out, *extra
    )
    assert result.exit_code == 0, result.stderr
    with open(out / "perbandingan.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return result.output, rows, out / "perbandingan.png"


def _value(table, measure, model, part="berlaku"):
    return float(table[measure][MODELS.index(model) * 3 + PARTS.index(part)])


def test_compare_states_its_caveats_in_the_table_the_csv_and_the_chart(aturan, tmp_path):
    printed, rows, chart = _run(aturan, tmp_path)
    notes = "\n".join(row[1] for row in rows if row[0] == "catatan")
    metadata = Image.open(chart).text
    described = metadata["Description"]
    for caveat in CAVEATS:
        assert caveat in printed, caveat
        assert caveat in notes, caveat
        assert caveat in described, caveat
    assert "Masa berlaku hasil asesmen 2 tahun" in metadata["Title"]
    # the assessment rows are in the table and the CSV
    table = {row[0]: row[1:] for row in rows}
    for measure in (
        "Biaya asesmen awal (Rp)",
        "Biaya uji kompetensi pasca pelatihan (Rp)",
        "Biaya uji ulang (Rp)",
        "Biaya total (Rp)",
    ):
        assert measure in table
        assert measure.removesuffix(" (Rp)") in printed


def test_compare_totals_add_up_by_hand_from_the_cost_parameters(aturan, tmp_path):
    _, rows, _ = _run(aturan, tmp_path)
    table = {row[0]: row[1:] for row in rows}
    values = load_rulebook(ROOT).parameters
    unit = values["cost.unit_per_participant"].values[-1].value
    assessment = values["cost.assessment_unit"].values[-1].value
    assert values["cost.pay_model"].values[-1].value == "full_fee"
    for model in MODELS:
        for part in ("berlaku", "reformasi"):

            def get(measure, model=model, part=part):
                return _value(table, measure, model, part)

            training = sum(
                get(f"Peserta yang berlatih, {name}") * unit[program]
                for program, name in PROGRAMS.items()
                if f"Peserta yang berlatih, {name}" in table
            )
            assert get("Biaya pelatihan dihitung (Rp)") == round(training)  # full fee
            assert get("Biaya penuh (Rp)") == round(training)
            initial = get("Perlu asesmen awal") * assessment["initial"]
            post = get("Peserta yang berlatih (dasar biaya)") * assessment["post_training"]
            retest = get("Uji ulang (orang)") * assessment["retest"]
            assert get("Biaya asesmen awal (Rp)") == initial
            assert get("Biaya uji kompetensi pasca pelatihan (Rp)") == post
            assert get("Biaya uji ulang (Rp)") == retest
            assert get("Biaya total (Rp)") == round(training) + initial + post + retest
    # the reform's main effect: more initial assessments, and their cost is in the total
    more = _value(table, "Perlu asesmen awal", "flexible", "selisih")
    assert more > 0
    assert _value(table, "Biaya total (Rp)", "flexible", "selisih") == (
        more * assessment["initial"]
    )


def test_per_jp_pay_model_moves_the_training_cost_to_the_jp_taken(aturan, tmp_path):
    printed, rows, _ = _run(aturan, tmp_path, "--param", "cost.pay_model=per_jp")
    table = {row[0]: row[1:] for row in rows}
    assert "cost.pay_model = per_jp" in printed
    assert "biaya satuan dikali bagian JP yang diikuti" in printed
    by_jp = _value(table, "Biaya menurut JP diikuti (Rp)", "flexible", "reformasi")
    full = _value(table, "Biaya penuh (Rp)", "flexible", "reformasi")
    assert by_jp < full  # the flexible model waives JP, so the two pay models differ
    assert _value(table, "Biaya pelatihan dihitung (Rp)", "flexible", "reformasi") == by_jp


def test_the_chart_shows_assessments_cluster_mix_and_cost_beside_jp(tmp_path):
    from aturan.lab import compare_chart
    from aturan.lab.runs import Pricing, Tally

    def tally(initial, clusters):
        t = Tally(decided=10, with_design=4, jp_waived=12, initial_assessment=initial)
        t.clusters.update(clusters)
        t.training, t.cost_full = 10, 2_000_000_000
        return t

    series = {
        "Aturan berlaku": {m: tally(3, {"A": 4, "B": 5, "C": 1}) for m in MODELS},
        "Reformasi": {m: tally(7, {"A": 2, "B": 3, "C": 1}) for m in MODELS},
    }
    price = Pricing("full_fee", (("initial", 1e8), ("post_training", 0), ("retest", 0)))
    footing = ["Cara bayar pelatihan: biaya penuh", "KOHORT SINTETIS: 10 dari 10 peserta"]
    texts = compare_chart(
        series,
        tmp_path / "c.png",
        (10, "same_focus_competencies"),
        "Judul",
        {"Aturan berlaku": price, "Reformasi": price},
        footing,
    )
    assert "Perlu asesmen awal (orang)" in texts and "3" in texts and "7" in texts
    assert "Campuran klaster (Alternatif II Klaster), peserta" in texts
    assert {"A: 4", "B: 5", "C: 1", "A: 2", "B: 3"} <= set(texts)
    assert "JP dibebaskan per peserta berdesain" in texts and "3" in texts  # 12 / 4
    assert "2,3\n(asesmen 0,3)" in texts and "2,7\n(asesmen 0,7)" in texts  # billions
    assert any("Cara bayar pelatihan: biaya penuh" in t for t in texts)
    assert Image.open(tmp_path / "c.png").text["Description"] == "\n".join(footing)


def test_diff_and_batch_say_a_sample_cohort_is_synthetic(aturan, tmp_path):
    cohort = tmp_path / "kohort.csv"
    aturan("sample", "--size", 50, "--seed", 3, "--out", cohort)
    for result in (
        aturan("diff", cohort, "--reform", TWO_YEARS, "--as-of", "2026-12-31"),
        aturan("batch", cohort, "--out", tmp_path / "batch", "--as-of", "2026-12-31"),
    ):
        assert "KOHORT SINTETIS: 50 dari 50 peserta dibuat oleh `aturan sample`" in result.output
    real = aturan("compare", ROOT / "samples" / "cohort-contoh.csv", "--out", tmp_path / "real")
    assert "Kohort: 17 peserta" in real.output and "SINTETIS" not in real.output


def test_a_wrong_synthetic_marker_is_refused_with_its_row_and_column(aturan, tmp_path):
    cohort = tmp_path / "kohort.csv"
    aturan("sample", "--size", 3, "--seed", 3, "--out", cohort)
    lines = cohort.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].removesuffix("ya") + "mungkin"
    cohort.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = aturan("batch", cohort, "--out", tmp_path / "b", "--as-of", "2026-12-31")
    assert result.exit_code == 2
    assert "baris 3" in result.stderr and "synthetic" in result.stderr
    assert "'mungkin' bukan penanda kohort sintetis" in result.stderr
    assert "Traceback" not in result.stderr
