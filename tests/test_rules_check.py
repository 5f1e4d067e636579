def test_shipped_rules_pass_check(aturan):
    result = aturan("rules", "check")
    assert result.exit_code == 0, result.stderr
    assert "0 galat" in result.output


def test_cite_of_missing_clause_fails_with_file_and_line(aturan, project_copy):
    path = project_copy / "rules" / "10-cakupan.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "cites: [paper-lan-2023:iv-a-1-a-input]\n    priority: 10\n    when:\n      participant: "
        "{role: successor}",
        "cites: [paper-lan-2023:pasal-yang-tidak-ada]\n    priority: 10\n    when:\n      "
        "participant: {role: successor}",
    )
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - id: cakupan.suksesor") + 1
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1
    assert f"10-cakupan.yaml:{line}" in result.stderr
    assert "paper-lan-2023:pasal-yang-tidak-ada" in result.stderr


def test_parameter_value_without_reference_fails(aturan, project_copy):
    path = project_copy / "rules" / "parameters" / "core.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "        reference: [perban-bkn-26-2019:masa-berlaku-hasil, "
            "asumsi-aturan:masa-berlaku-sejak]\n",
            "",
            1,
        ),
        encoding="utf-8",
    )
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1
    assert "assessment.validity_years" in result.stderr and "reference" in result.stderr


def test_duplicate_rule_id_fails(aturan, project_copy):
    path = project_copy / "rules" / "10-cakupan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("id: cakupan.suksesor", "id: cakupan.petahana-tanpa-bukti"), encoding="utf-8"
    )
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1
    assert "ganda" in result.stderr and "cakupan.petahana-tanpa-bukti" in result.stderr


def test_uncited_clause_is_a_warning_not_an_error(aturan, project_copy):
    path = project_copy / "regulations" / "perka-bkn-22-2007.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text
        + """  - id: perka-bkn-22-2007:klausul-uji
    citation: Perka BKN 22/2007 (uji)
    text: teks uji
    text_kind: paraphrase
    read_at: tes
    status: unconfirmed
""",
        encoding="utf-8",
    )
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 0
    assert "PERINGATAN" in result.output and "perka-bkn-22-2007:klausul-uji" in result.output


def test_malformed_rules_yaml_names_file_and_line(aturan, project_copy):
    path = project_copy / "rules" / "20-asesmen-awal.yaml"
    path.write_text("rules:\n  - id: x\n    title: [unclosed\n", encoding="utf-8")
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1
    assert "20-asesmen-awal.yaml:" in result.stderr and "YAML tidak valid" in result.stderr
