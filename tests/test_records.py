"""Decision records and replay, revoke and replace, operators, listings and coaching group ids:
through the real CLI, on SQLite and on PostgreSQL where the registry is involved."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import DESIGN_RUN, ROOT, numbered, started_cases
from test_registry_tamper import assert_detected, attack, audit, rows, standing

from aturan.documents.record import version_parts

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]
# Nearly every test issues the sample cohort and replays it: seconds each, left to `make test`.
pytestmark = pytest.mark.slow


def issue(aturan, source, out, registry, *extra, root=None):
    if "cases" in yaml.safe_load(Path(source).read_text(encoding="utf-8")):
        # the designs first, before their trainings start
        designs = started_cases(Path(source), Path(out).parent)
        first = aturan(
            "issue",
            "--registri-baru",
            designs,
            "--out",
            out,
            "--registry",
            registry,
            *DESIGN_RUN,
            *extra,
            root=root,
        )
        assert first.exit_code == 0, (first.output, first.stderr)
    result = aturan(
        "issue",
        "--registri-baru",
        source,
        "--out",
        out,
        "--registry",
        registry,
        *ISSUE,
        *extra,
        root=root,
    )
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


def listing(aturan, registry, *filters, root=None):
    result = aturan(
        "registry", "list", "--registry", registry, "--format", "json", *filters, root=root
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def numbers(aturan, registry, *filters):
    return [row["number"] for row in listing(aturan, registry, *filters)]


def test_replay_reproduces_every_document_the_demo_issues(aturan, registry_url, tmp_path):
    issue(aturan, COHORT, tmp_path / "dok", registry_url)
    issued = numbers(aturan, registry_url)
    assert len(issued) == 15
    for number in issued:
        result = aturan("replay", number, "--registry", registry_url)
        assert result.exit_code == 0, (number, result.output, result.stderr)
        assert "identik" in result.output and "Versi sama" in result.output
    assert audit(aturan, registry_url).exit_code == 0


def test_registry_show_displays_the_record(aturan, tmp_path):
    registry = tmp_path / "r.sqlite"
    issue(aturan, COHORT, tmp_path / "dok", registry)
    number = numbers(aturan, registry, "--nip", "198503152010011001", "--type", "sttp")[0]
    shown = aturan("registry", "show", number, "--registry", registry)
    assert shown.exit_code == 0, shown.stderr
    for fragment in (
        "Kasus: NIP 198503152010011001 (Budi Santoso)",
        "Tanggal keputusan (as-of): 2027-01-10",
        "Model: flexible",
        "Reformasi: tidak ada",
        "kode program:",
        "konfigurasi institusi:",
    ):
        assert fragment in shown.output


def test_the_record_keeps_the_reform_content_and_replays_under_it(aturan, tmp_path):
    reform = next((ROOT / "reforms").glob("*.yaml"))
    registry = tmp_path / "r.sqlite"
    issue(aturan, COHORT, tmp_path / "dok", registry, "--reform", reform)
    number = numbers(aturan, registry)[0]
    record = json.loads(rows(registry, "SELECT record FROM decision_records")[0]["record"])
    assert record["reform"]["content"] == reform.read_text(encoding="utf-8")
    assert record["reform"]["name"] == reform.name
    assert (
        f"Reformasi: {reform.name}"
        in aturan("registry", "show", number, "--registry", registry).output
    )
    assert aturan("replay", number, "--registry", registry).exit_code == 0


def project(tmp_path):
    """A scratch project: rules, regulations, templates, configuration and the keys."""
    root = tmp_path / "proyek"
    for folder in ("rules", "regulations", "templates", "config", "keys"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def test_replay_names_the_version_mismatch_and_the_difference(aturan, tmp_path):
    root = project(tmp_path)
    registry = tmp_path / "r.sqlite"
    issue(aturan, COHORT, tmp_path / "dok", registry, root=root)
    number = listing(aturan, registry, "--type", "sertifikat_kompetensi", root=root)[0]["number"]
    core = root / "rules" / "parameters" / "core.yaml"
    text = core.read_text(encoding="utf-8")
    marker = "  - id: certificate.validity_years"
    head, tail = text.split(marker)
    core.write_text(head + marker + tail.replace("value: 3", "value: 4", 1), encoding="utf-8")
    result = aturan("replay", number, "--registry", registry, root=root)
    assert result.exit_code == 1, (result.output, result.stderr)
    assert "Versi berbeda dari saat terbit: aturan (rules/)" in result.output
    assert "kode program" not in result.output
    assert "BERBEDA" in result.output
    changed = [
        line.strip().split(":")[0] for line in result.output.splitlines() if line.startswith("  ")
    ]
    assert "rules_version" in changed and "decision_id" in changed
    assert any(field.startswith("lifecycle") for field in changed), changed
    # each with its recorded and new value, and the parameter that changed them
    assert "  parameter certificate.validity_years: 3 → 4 (dibaca aturan" in result.output


def test_the_version_covers_code_templates_and_config(tmp_path):
    code = tmp_path / "aturan"
    shutil.copytree(ROOT / "src" / "aturan", code, ignore=shutil.ignore_patterns("__pycache__"))
    root = project(tmp_path)
    config = root / "config" / "institution.yaml"
    before = version_parts(root, config, code)
    formulas = code / "decide" / "formulas.py"
    formulas.write_text(formulas.read_text(encoding="utf-8") + "\n# + 1 hari\n", encoding="utf-8")
    (root / "templates" / "docx" / "sttp.docx").write_bytes(
        (ROOT / "templates" / "docx" / "sertifikat_kompetensi.docx").read_bytes()
    )
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = version_parts(root, config, code)
    assert [p for p in before if before[p] != after[p]] == ["code", "templates", "config"]
    # what is not loaded is not versioned: the build script beside the templates
    (root / "templates" / "build_templates.py").write_text("# x\n", encoding="utf-8")
    assert version_parts(root, config, code) == after


def test_an_altered_record_is_detected_by_the_audit(aturan, registry_url, tmp_path):
    issue(aturan, COHORT, tmp_path / "dok", registry_url)
    number = numbers(aturan, registry_url, "--type", "sttp")[0]
    attack(
        registry_url,
        (
            "UPDATE decision_records SET record=REPLACE(record, '2027-01-10', '2027-01-09') "
            "WHERE number=?",
            (number,),
        ),
    )
    assert_detected(audit(aturan, registry_url), f"catatan keputusan {number}", "diubah")
    for command in ("replay", ("registry", "show")):  # trust fails closed
        result = aturan(
            *((command,) if isinstance(command, str) else command),
            number,
            "--registry",
            registry_url,
        )
        assert result.exit_code == 2 and "tidak terautentikasi" in result.stderr, result.stderr


def test_revoke_then_issue_again_gives_a_replacement(aturan, registry_url, tmp_path):
    out = tmp_path / "dok"
    issue(aturan, COHORT, out, registry_url, "--operator", "Ani Operator")
    old = numbers(aturan, registry_url, "--type", "sttp", "--nip", "198503152010011001")[0]
    revoked = aturan(
        "registry",
        "revoke",
        "--ya",
        old,
        "--reason",
        "salah ketik nama",
        "--registry",
        registry_url,
        "--operator",
        "Budi Pengawas",
    )
    assert revoked.exit_code == 0, revoked.stderr
    # corrected data: the name fixed in the cohort file
    data = yaml.safe_load(COHORT.read_text(encoding="utf-8"))
    for case in data["cases"]:
        if case["nip"] == "198503152010011001":
            case["name"] = "Budi Santosa"
    fixed = tmp_path / "kohort.yaml"
    fixed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    again = issue(aturan, fixed, out, registry_url)
    sttp = listing(aturan, registry_url, "--type", "sttp", "--nip", "198503152010011001")
    new = next(row for row in sttp if row["status"] == "terbit")
    assert new["number"] != old and new["replaces"] == old
    assert f"{new['number']}: Menggantikan dokumen nomor {old}" in again.output
    assert f"Menggantikan dokumen nomor {old}" in letter_text(out, new["number"])
    assert "Menggantikan" not in letter_text(out, old)
    old_row = next(row for row in sttp if row["number"] == old)
    assert old_row["status"] == "dicabut" and old_row["replaced_by"] == new["number"]
    assert old_row["operator"] == "Ani Operator"
    verdict = standing(registry_url, old)
    assert verdict.status == "dicabut" and f"diganti dengan dokumen nomor {new['number']}" in (
        verdict.message
    )
    shown = aturan("registry", "show", old, "--registry", registry_url).output
    assert '"revoked_by": "Budi Pengawas"' in shown
    page = web_verdict(registry_url, old)
    assert (
        page["status"] == "dicabut"
        and f"diganti dengan dokumen nomor {new['number']}" in (page["message"])
    )
    assert audit(aturan, registry_url).exit_code == 0
    # issuing once more changes nothing: the replacement is the document in force
    third = issue(aturan, fixed, out, registry_url)
    assert "0 dokumen baru" in third.output
    assert len(numbers(aturan, registry_url, "--type", "sttp")) == 4


def web_verdict(registry, number):
    """What the public verification API answers for a number with its verification code."""
    from fastapi.testclient import TestClient

    from aturan.web.app import create_app

    code = rows(registry, "SELECT content_hash FROM documents WHERE number=?", number)[0]
    client = TestClient(create_app(registry, rate_limit="1000/minute"))
    return client.get("/api/verify", params={"n": number, "c": code["content_hash"][:16]}).json()


def test_issuing_again_keeps_the_record(aturan, tmp_path):
    registry = tmp_path / "r.sqlite"
    issue(aturan, COHORT, tmp_path / "dok", registry)
    before = rows(registry, "SELECT * FROM decision_records ORDER BY number")
    issue(aturan, COHORT, tmp_path / "dok", registry, "--operator", "lain")
    assert rows(registry, "SELECT * FROM decision_records ORDER BY number") == before
    assert len(before) == 15


def test_the_operator_is_authenticated(aturan, registry_url, tmp_path):
    issue(aturan, COHORT, tmp_path / "dok", registry_url, "--operator", "Ani")
    number = numbers(aturan, registry_url)[0]
    attack(registry_url, ("UPDATE documents SET operator='Mallory' WHERE number=?", (number,)))
    assert_detected(audit(aturan, registry_url), number, "operator")


def test_the_operator_comes_from_the_configuration(aturan, tmp_path):
    root = project(tmp_path)
    config = root / "config" / "institution.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "operator: Sari Admin\n", "utf-8")
    registry = tmp_path / "r.sqlite"
    issue(aturan, COHORT, tmp_path / "dok", registry, root=root)
    assert {row["operator"] for row in listing(aturan, registry, root=root)} == {"Sari Admin"}


def test_a_bad_operator_is_one_message(aturan, tmp_path):
    result = aturan(
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        tmp_path,
        "--registry",
        tmp_path / "r.sqlite",
        *ISSUE,
        "--operator",
        "ani\x1b[31m",
    )
    assert result.exit_code == 2 and "operator" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "r.sqlite").exists()


def test_replay_of_an_unknown_number_is_one_message(aturan, tmp_path):
    registry = tmp_path / "r.sqlite"
    issue(aturan, COHORT, tmp_path / "dok", registry)
    result = aturan("replay", "9999/X/2027", "--registry", registry)
    assert result.exit_code == 2 and "tidak terdaftar" in result.stderr


def test_listing_filters_and_exports(aturan, registry_url, tmp_path):
    issue(aturan, COHORT, tmp_path / "dok", registry_url)
    everything = listing(aturan, registry_url)
    assert len(everything) == 15
    sari = listing(aturan, registry_url, "--name", "SARI wul")
    assert {row["nip"] for row in sari} == {"197911222005012003"} and len(sari) == 5
    assert len(listing(aturan, registry_url, "--nip", "197911222005012003", "--type", "sttp")) == 1
    # the 4 designs were dated before their trainings started, the 11 others on 11 January 2027
    assert len(listing(aturan, registry_url, "--from", "2027-01-11", "--to", "2027-01-11")) == 11
    assert len(listing(aturan, registry_url, "--to", "2026-02-02")) == 4
    assert listing(aturan, registry_url, "--from", "2027-01-12") == []
    assert len(listing(aturan, registry_url, "--institution", "LAN")) == 15
    assert listing(aturan, registry_url, "--institution", "BPSDM") == []
    number = everything[0]["number"]
    aturan("registry", "revoke", "--ya", number, "--reason", "uji", "--registry", registry_url)
    assert [r["number"] for r in listing(aturan, registry_url, "--status", "dicabut")] == [number]
    assert len(listing(aturan, registry_url, "--status", "terbit")) == 14
    exported = tmp_path / "daftar.csv"
    result = aturan(
        "registry", "list", "--registry", registry_url, "--format", "csv", "--out", exported
    )
    assert result.exit_code == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert [row["Nomor"] for row in table] == [row["number"] for row in everything]


def test_the_table_never_cuts_a_number(aturan, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    registry = tmp_path / "r.sqlite"
    issue(aturan, COHORT, tmp_path / "dok", registry)
    shown = aturan("registry", "list", "--registry", registry).output
    for number in numbers(aturan, registry):
        assert number in shown


def cohort_of(tmp_path, name, nips):
    data = yaml.safe_load(COHORT.read_text(encoding="utf-8"))
    data["cases"] = [case for case in data["cases"] if case["nip"] in nips]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def letter_text(out, number):
    with zipfile.ZipFile(numbered(out, number, ".docx")) as docx:
        return docx.read("word/document.xml").decode("utf-8")


def test_two_cohorts_issued_one_after_the_other_get_distinct_group_ids(
    aturan, registry_url, tmp_path
):
    out = tmp_path / "dok"
    first = cohort_of(tmp_path, "a.yaml", {"198503152010011001"})
    second = cohort_of(tmp_path, "b.yaml", {"198807172012122004"})
    letters = []
    for cohort in (first, second):
        issue(aturan, cohort, out, registry_url, "--model", "generic")
        nip = yaml.safe_load(cohort.read_text(encoding="utf-8"))["cases"][0]["nip"]
        letters += numbers(aturan, registry_url, "--type", "desain_pelatihan", "--nip", nip)
    texts = [letter_text(out, number) for number in letters]
    # the groups are numbered in the year their designs are issued, before the trainings start
    assert "KC-LAN-PKA-2026-001" in texts[0] and "KC-LAN-PKA-2026-002" in texts[1]
    assert "KC-LAN-PKA-2026-002" not in texts[0] and "KC-PKA-01" not in texts[0] + texts[1]
    # issuing the first cohort again keeps its id: nothing changes
    again = issue(aturan, first, out, registry_url, "--model", "generic")
    assert "0 dokumen baru" in again.output and "0 terdaftar dengan isi berbeda" in again.output
    for number in letters:
        assert aturan("replay", number, "--registry", registry_url).exit_code == 0


@pytest.mark.libreoffice
def test_revoke_and_replace_end_to_end_with_verify_and_the_print_bundle(aturan, tmp_path):
    out, registry = tmp_path / "dok", tmp_path / "r.sqlite"
    single = cohort_of(tmp_path, "budi.yaml", {"198503152010011001"})
    issue(aturan, single, out, registry, "--pdf")
    old = numbers(aturan, registry, "--type", "sttp")[0]
    old_pdf = numbered(out, old, ".pdf")
    kept = tmp_path / "lama.pdf"
    shutil.copy(old_pdf, kept)
    aturan("registry", "revoke", "--ya", old, "--reason", "salah data", "--registry", registry)
    issue(aturan, single, out, registry, "--pdf")
    new = next(r for r in listing(aturan, registry, "--type", "sttp") if r["status"] == "terbit")
    assert new["replaces"] == old
    verdict = aturan("verify", kept, "--registry", registry)
    assert verdict.exit_code == 1 and verdict.output.startswith("DICABUT")
    assert f"diganti dengan dokumen nomor {new['number']}" in verdict.output
    fresh = aturan("verify", numbered(out, new["number"], ".pdf"), "--registry", registry)
    assert fresh.exit_code == 0 and fresh.output.startswith("SAH"), fresh.output
    bundle = bundle_text(out / "bundel-cetak.pdf")
    assert f"Menggantikan dokumen nomor {old}" in bundle
    assert bundle.count(old) == 1  # only on the replacement's line, never the revoked document
    assert bundle.count(new["number"]) >= 1


def bundle_text(path):
    import subprocess

    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_formula_changed_in_the_code_is_named_by_replay(aturan, tmp_path):
    """An auditor's check: one line of formulas.py changed (every term of validity one day
    longer), and replay, run by that code, names the program code and the decision's difference."""
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "aturan", src / "aturan", ignore=shutil.ignore_patterns("__pycache__")
    )
    formulas = src / "aturan" / "decide" / "formulas.py"
    line = (
        "    return add_years(first, int(ctx.params[years_param]), "
        'str(ctx.params["validity.leap_day"]))\n'
    )
    text = formulas.read_text(encoding="utf-8")
    assert line in text
    formulas.write_text(
        text.replace(line, line.replace("))\n", ")) + dt.timedelta(days=1)\n")), encoding="utf-8"
    )
    registry = tmp_path / "r.sqlite"
    issue(aturan, COHORT, tmp_path / "dok", registry)
    number = listing(aturan, registry, "--type", "sertifikat_kompetensi")[0]["number"]
    replay = subprocess.run(
        [
            sys.executable,
            "-c",
            "from aturan.cli import main; main()",
            "replay",
            number,
            "--registry",
            str(registry),
        ],
        env={**os.environ, "PYTHONPATH": str(src), "ATURAN_ROOT": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Versi berbeda dari saat terbit: kode program" in replay.stdout, replay.stderr
    assert replay.returncode == 1 and "BERBEDA" in replay.stdout, replay.stdout
