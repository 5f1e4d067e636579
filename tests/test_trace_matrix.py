"""The traceability matrix counts against golden cases chosen by hand (issue 22, item 7).

Every expected list below was read off golden/*.yaml by hand, not computed: a rule's cases are
those where it fired (its conclusion stood); a parameter's are those that set it or whose
decision read it."""

import re

import pytest
from click.testing import CliRunner
from conftest import ROOT

from aturan.cli import main

E = "80-riwayat.yaml: E. Terpisah, fleksibel: remedial sesudah tenggatnya tidak meluluskan dan "
E += "tidak menghasilkan STTP @ "
E_PRIME = "80-riwayat.yaml: E'. Alternatif tafsir: sesudah remedial gagal, penyelenggara memutuskan"
NO_STTP = "50-siklus.yaml: Tidak lulus remedial: tidak ada STTP"
GENERIC_GROUPS = (
    "60-kelompok-coaching.yaml: Generik: tiga peserta dengan kesenjangan tinggi yang sama berbagi "
    "kelompok; yang lain terpisah"
)
CAPPED_GROUPS = (
    "60-kelompok-coaching.yaml: A la carte: kelompok dibatasi dua orang, sehingga tiga peserta "
    "sama-kesenjangan menjadi dua kelompok"
)
NO_GROUPS = "60-kelompok-coaching.yaml: Fleksibel tidak membentuk kelompok coaching"
PROFILE_DATE_SET = (
    "20-masa-berlaku.yaml: Alternatif tafsir design.profile_date = decision_date: laporan dinilai "
    "pada tanggal keputusan"
)

EXACT = {
    # state remedial_terlambat at three points of history E
    ("aturan", "siklus.remedial-terlambat"): {E + "2026-08-20", E + "2026-10-01", E + "2027-07-01"},
    # state tidak_lulus_remedial: one case in 50-siklus, one in 80-riwayat
    ("aturan", "siklus.remedial-tidak-lulus"): {NO_STTP, E_PRIME},
    ("aturan", "siklus.remedial-terlewat"): {E + "2026-07-31"},
    # the cohort rule groups participants only where the model gives coaching
    ("aturan", "kohort.kelompok-coaching"): {GENERIC_GROUPS, CAPPED_GROUPS},
    # read by the three rules above as the next step; E' also sets it
    ("parameter", "remedial.after_failure"): {
        E + "2026-07-31",
        E + "2026-08-20",
        E + "2026-10-01",
        E + "2027-07-01",
        NO_STTP,
        E_PRIME,
    },
    ("parameter", "coaching.group_size_max"): {GENERIC_GROUPS, CAPPED_GROUPS},
    ("parameter", "coaching.same_gap_definition"): {GENERIC_GROUPS, CAPPED_GROUPS},
}

# `make test` runs the module on one worker (xdist_group): the matrix is written once.
pytestmark = pytest.mark.xdist_group("trace_matrix")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """The real CLI, run once for the module."""
    out = tmp_path_factory.mktemp("matriks")
    result = CliRunner().invoke(
        main, ["trace-matrix", "--out", str(out)], env={"ATURAN_ROOT": str(ROOT)}
    )
    assert result.exit_code == 0, result.output
    return (
        (out / "trace-matrix.md").read_text(encoding="utf-8"),
        (out / "trace-matrix.html").read_text(encoding="utf-8"),
    )


def _listed(markdown: str) -> dict[tuple[str, str], tuple[int, set[str]]]:
    """Each item's section in the Markdown: its stated count and its full list of cases."""
    found = {}
    for section in markdown.split("\n### ")[1:]:
        head, _, body = section.partition("\n")
        match = re.match(r"(\w+) `([^`]+)`.*?\((\d+) kasus", head)
        cases = []
        for line in body.splitlines():
            if line.startswith("- "):
                cases.append(line[2:])
            elif line.strip():
                break  # the list of the cases where the item counted ends here
        found[(match.group(1), match.group(2))] = (int(match.group(3)), set(cases))
    return found


@pytest.mark.parametrize("item", sorted(EXACT), ids=lambda i: i[1])
def test_counts_and_lists_match_the_golden_cases_chosen_by_hand(matrix, item):
    count, cases = _listed(matrix[0])[item]
    assert cases == EXACT[item]
    assert count == len(EXACT[item])


def test_a_parameter_read_before_any_rule_counts_where_the_decision_read_it(matrix):
    """design.profile_date picks the date the design is judged on; it is read only when the case
    has a training start, and the alternative-interpretation case sets it."""
    _, cases = _listed(matrix[0])[("parameter", "design.profile_date")]
    assert PROFILE_DATE_SET in cases
    assert (
        "20-masa-berlaku.yaml: Asesmen 3 tahun kurang sehari pada hari pelatihan dimulai masih "
        "berlaku" in cases
    )
    # no training scheduled: nothing to date the design by
    assert (
        "10-cakupan.yaml: Petahana dengan sertifikat kompetensi yang masih berlaku bukan sasaran"
        not in cases
    )


def test_a_rule_overridden_by_a_higher_priority_rule_did_not_decide_that_case(matrix):
    """The successor rule matches Sari in the default reading, but the program mismatch sets her
    scope instead: that case is listed apart, not among the cases where the rule decided."""
    section = matrix[0].split("\n### aturan `cakupan.suksesor`")[1].split("\n### ")[0]
    _, cases = _listed(matrix[0])[("aturan", "cakupan.suksesor")]
    overruled = (
        "10-cakupan.yaml: Bawaan: SKJ suksesor mengikuti jabatan proyeksi, sehingga PKA untuk "
        "proyeksi JPT Pratama tidak sesuai"
    )
    assert overruled not in cases and overruled in section
    assert (
        "10-cakupan.yaml: Suksesor yang dipersiapkan untuk JPT Pratama termasuk sasaran dengan SKJ "
        "jabatan proyeksi" in cases
    )


def test_a_clause_row_counts_only_the_cases_where_a_rule_citing_it_fired(matrix):
    """The leap-day clause is cited by a parameter only: its row names no rule case, while the
    parameter keeps its own count (before, the row said 173 cases)."""
    row = next(
        line
        for line in matrix[0].splitlines()
        if line.startswith("| `asumsi-aturan:tanggal-kabisat`")
    )
    assert row.rstrip(" |").endswith("| -")
    remedial = next(
        line
        for line in matrix[0].splitlines()
        if line.startswith("| `asumsi-aturan:remedial-gagal`")
    )
    assert remedial.rstrip(" |").endswith("| 6 kasus")


def test_html_gives_every_list_in_full(matrix):
    markdown, page = matrix
    assert not re.search(r"\d+ lagi", page)
    for name in EXACT[("parameter", "remedial.after_failure")]:
        assert name.replace("'", "&#x27;") in page
    # the leap-day parameter counts in well over a hundred cases: the page names every one
    count, cases = _listed(markdown)[("parameter", "validity.leap_day")]
    section = page.split('id="kasus-parameter-validity.leap_day"')[1].split("<h3")[0]
    assert count > 100 and section.count("<li>") == count == len(cases)
