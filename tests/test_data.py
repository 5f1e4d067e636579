"""The transcribed annexes and the interpretive defaults are complete and consistent."""

import json

from aturan.vocabulary import COMPETENCIES, PROGRAMS


def test_ksa_matrix_has_all_forty_entries_filled_where_the_source_has_content(rulebook):
    ksa = rulebook.annexes["ksa-matrix"]["competencies"]
    assert list(ksa) == list(COMPETENCIES)
    for key, competency in ksa.items():
        assert sorted(competency["levels"]) == [1, 2, 3, 4, 5], key
        for level, entry in competency["levels"].items():
            where = f"{key} level {level}"
            damaged = {d["field"] for d in entry.get("damaged", [])}
            assert (entry["description"] or "").strip() or "description" in damaged, where
            assert entry["knowledge"] or "knowledge" in damaged, where
            assert not damaged or entry.get("source_gap"), f"{where}: damaged text is a source gap"
            assert entry["skill"]["personal"] or entry["skill"]["interpersonal"], where
            assert entry["attitude"], where
            assert entry["learning_models"] or entry.get("source_gap"), (
                f"{where}: empty models without source_gap"
            )
            if entry.get("source_gap"):
                assert entry.get("gap_note"), f"{where}: a source gap must say what is missing"


def test_every_curriculum_subject_has_exactly_one_catalogue_entry_and_back(rulebook):
    curriculum = rulebook.annexes["kurikulum"]["programs"]
    catalogue = rulebook.parameters["curriculum.subjects"].values[-1].value
    subjects = [s["id"] for p in curriculum.values() for a in p["agendas"] for s in a["subjects"]]
    assert len(subjects) == len(set(subjects))
    assert set(subjects) == set(catalogue)
    for sid, info in catalogue.items():
        assert set(info["stages"]) <= {"mandiri", "elearning", "klasikal"} and info["stages"], sid
        assert set(info["competencies"]) <= set(COMPETENCIES) and info["competencies"], sid
        assert set(info["jp"]) == set(info["stages"]), sid


def test_every_program_serves_all_eight_competencies(rulebook):
    curriculum = rulebook.annexes["kurikulum"]["programs"]
    catalogue = rulebook.parameters["curriculum.subjects"].values[-1].value
    assert set(curriculum) == set(PROGRAMS)
    for program, data in curriculum.items():
        served = {
            c
            for a in data["agendas"]
            for s in a["subjects"]
            for c in catalogue[s["id"]]["competencies"]
        }
        assert served == set(COMPETENCIES), program


def test_competency_groups_partition_the_eight_competencies(rulebook):
    groups = rulebook.parameters["curriculum.competency_groups"].values[-1].value
    members = [c for g in groups.values() for c in g["competencies"]]
    assert sorted(members) == sorted(COMPETENCIES)


def test_interpretations_lists_every_open_choice_of_the_paper(aturan):
    items = json.loads(
        aturan("interpretations", "--format", "json", "--as-of", "2026-06-01").output
    )
    ids = {item["id"] for item in items}
    assert {
        "skj.meets_definition",
        "jpm.cap_per_competency",
        "curriculum.subjects",
        "gap.high_min",
        "separate.participation_certificate_on_unmet",
        "cluster.basis",
        "integration.model",
        "integration.assessment_option",
        "scope.successor_target",
        "curriculum.never_waivable_subjects",
        "curriculum.competency_groups",
    } <= ids
    for item in items:
        assert item["question"] and item["alternatives"] and item["citations"], item["id"]


def test_every_parameter_value_has_a_resolvable_reference_and_a_date(rulebook):
    for param in rulebook.parameters.values():
        for value in param.values:
            assert value.start and value.reference, param.id
            assert all(rulebook.corpus.clause(c) for c in value.reference), param.id
