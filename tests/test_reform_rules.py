"""A reform's rules are checked like its parameters: every fact and conclusion name, operator,
value and model name against the fact schema (schemas/facts.schema.json) and the parameters,
with file:line and a did-you-mean; rules of equal priority that conclude different values under
conditions that can both hold are refused. Checked by `rules check --reform` and on load, so
`decide`, `diff` and `compare` refuse the same reform."""

import pytest
from conftest import ROOT
from test_reforms import refused

BUDI = ROOT / "samples" / "budi-petahana-administrator.yaml"
COHORT = ROOT / "samples" / "cohort-contoh.csv"
HEAD = """name: Uji aturan
new_clauses:
  - id: rancangan:pasal-1
    citation: Rancangan Pasal 1 (draf)
    text: Contoh.
rules:
"""


def rule_reform(tmp_path, *rules, name="aturan.yaml"):
    """A reform adding the given rules (YAML text, indented as list items); the first rule starts
    on line 7."""
    path = tmp_path / name
    path.write_text(HEAD + "".join(rules), encoding="utf-8")
    return path


def rule(rule_id, when, then, priority=10):
    return (
        f"  - id: {rule_id}\n"
        f"    title: Contoh\n"
        f"    cites: [rancangan:pasal-1]\n"
        f"    priority: {priority}\n"
        f"    when:\n{when}"
        f"    then: {then}\n"
    )


CLUSTER_WHEN = (
    "      params: {integration.model: cluster, cluster.basis: category}\n"
    "      participant: {design_status: ditetapkan, category: {in: [MS, Optimal]}}\n"
)


def refused_everywhere(aturan, path, *parts):
    """Refused by rules check --reform and on load by decide and diff, each with file:line."""
    refused(aturan("rules", "check", "--reform", path), *parts)
    refused(aturan("decide", BUDI, "--reform", path), *parts)
    refused(aturan("diff", COHORT, "--reform", path, "--as-of", "2026-03-01"), *parts)


def test_a_misspelt_fact_is_refused_with_its_line_and_the_fact_meant(aturan, tmp_path):
    when = "      participant: {jpm: {gte: 85}}\n"
    path = rule_reform(tmp_path, rule("uji.jpm", when, "{category: MS}"))
    refused_everywhere(
        aturan, path, f"{path}:12", "fakta 'jpm' tidak dikenal", "maksud Anda 'measured_jpm'"
    )


def test_a_misspelt_model_name_is_refused_with_the_model_meant(aturan, tmp_path):
    when = CLUSTER_WHEN.replace("model: cluster", "model: klaster")
    path = rule_reform(tmp_path, rule("uji.model", when, "{cluster: A}"))
    refused_everywhere(
        aturan, path, f"{path}:12", "integration.model", "'klaster'", "maksud Anda 'cluster'"
    )


def test_a_cluster_that_does_not_exist_is_refused(aturan, tmp_path):
    path = rule_reform(tmp_path, rule("uji.klaster-d", CLUSTER_WHEN, "{cluster: D}"))
    refused_everywhere(
        aturan, path, f"{path}:14", "nilai 'D' tidak dikenal untuk 'cluster'", "A, B, C"
    )


def test_a_misspelt_category_is_refused_in_a_condition_and_in_a_conclusion(aturan, tmp_path):
    when = CLUSTER_WHEN.replace("in: [MS, Optimal]", "in: [MS, Optimum]")
    path = rule_reform(tmp_path, rule("uji.kategori", when, "{cluster: A}"))
    refused_everywhere(
        aturan, path, f"{path}:13", "nilai 'Optimum' tidak dikenal", "maksud Anda 'Optimal'"
    )
    concluded = rule_reform(
        tmp_path,
        rule("uji.kategori", "      participant: {in_scope: true}\n", "{category: Optimum}"),
        name="kesimpulan.yaml",
    )
    refused(
        aturan("rules", "check", "--reform", concluded),
        f"{concluded}:13",
        "nilai 'Optimum' tidak dikenal untuk 'category'",
        "maksud Anda 'Optimal'",
    )


@pytest.mark.parametrize(
    "when, then, expected",
    [
        ("      participant: {in_scope: true}\n", "{klaster: A}", "kesimpulan 'klaster'"),
        ("      participant: {measured_jpm: {gte: banyak}}\n", "{in_scope: true}", "'banyak'"),
        ("      participant: {measured_jpm: {atleast: 85}}\n", "{in_scope: true}", "'gte'"),
        ("      participant: {category: {gte: MS}}\n", "{in_scope: true}", "tidak berurutan"),
        ("      peserta: {in_scope: true}\n", "{in_scope: true}", "maksud Anda 'participant'"),
        ("      params: {integration.modle: cluster}\n", "{cluster: A}", "'integration.model'"),
    ],
)
def test_other_mistakes_in_a_rule_are_refused_with_their_line(
    aturan, tmp_path, when, then, expected
):
    path = rule_reform(tmp_path, rule("uji.salah", when, then))
    message = refused(aturan("rules", "check", "--reform", path), expected)
    assert f"{path}:1" in message  # the rule's own lines: 7-14


def test_equal_priority_rules_concluding_different_values_are_refused(aturan, tmp_path):
    path = rule_reform(
        tmp_path,
        rule("uji.a", CLUSTER_WHEN, "{cluster: A}", priority=20),
        rule("uji.b", CLUSTER_WHEN, "{cluster: B}", priority=20),
    )
    refused_everywhere(
        aturan, path, f"{path}:15", "'uji.b'", "'uji.a'", f"{path}:7", "prioritas sama (20)"
    )


def test_a_reform_rule_clashing_with_a_rule_in_force_is_refused(aturan, tmp_path):
    path = rule_reform(tmp_path, rule("uji.b", CLUSTER_WHEN, "{cluster: B}"))
    refused(
        aturan("rules", "check", "--reform", path),
        f"{path}:7",
        "'klaster.a'",
        "rules/40-desain.yaml:",
        "'cluster'",
    )


def test_exclusive_conditions_or_a_higher_priority_are_not_a_conflict(aturan, tmp_path):
    higher = rule("uji.a", CLUSTER_WHEN, "{cluster: B}", priority=20)
    exclusive = rule(
        "uji.b",
        CLUSTER_WHEN.replace("in: [MS, Optimal]", "in: [MMS]"),
        "{cluster: C}",
        priority=20,
    )
    path = rule_reform(tmp_path, higher, exclusive)
    result = aturan("rules", "check", "--reform", path)
    assert result.exit_code == 0, result.output + result.stderr
    assert "0 galat" in result.output


@pytest.mark.slow
def test_the_bundled_rules_and_reforms_pass(aturan):
    result = aturan("rules", "check")
    assert result.exit_code == 0, result.stderr
    assert "0 galat" in result.output
    for path in sorted((ROOT / "reforms").glob("*.yaml")):
        result = aturan("rules", "check", "--reform", path)
        assert result.exit_code == 0, result.stderr


def test_a_conflict_in_rules_folder_is_an_error_of_rules_check(aturan, project_copy):
    rules = project_copy / "rules" / "40-desain.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace(
            "participant: {design_status: ditetapkan, category: {in: [MMS, Cukup Optimal]}}",
            "participant: {design_status: ditetapkan, category: {in: [MS, Cukup Optimal]}}",
        ),
        encoding="utf-8",
    )
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1
    assert "klaster.b" in result.stderr and "klaster.a" in result.stderr
    assert f"{rules}:" in result.stderr


def test_rules_reference_is_generated_from_the_schemas_and_current(aturan):
    result = aturan("rules", "reference")
    assert result.exit_code == 0, result.stderr
    written = (ROOT / "docs" / "rules-reference.md").read_text(encoding="utf-8")
    assert result.output == written, "docs/rules-reference.md is stale: aturan rules reference"
    for part in ("measured_jpm", "Cukup Optimal", "`gte`", "integration.model", "a-la-carte"):
        assert part in written


def test_the_fact_schema_names_every_fact_the_formulas_give(rulebook):
    from aturan.decide.formulas import DATE_FACTS
    from aturan.law import facts

    known = facts()["participant"]
    given = {name for formula in rulebook.formulas for name in formula.gives}
    assert given <= set(known), given - set(known)
    assert {
        n for n, f in known.items() if f.type == "date" and not f.concluded
    } == DATE_FACTS & given
