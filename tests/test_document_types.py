"""A document type is a template, one entry and the rules that call for it: three files."""

import docx
import yaml
from conftest import ROOT

BUDI = ROOT / "samples" / "budi-petahana-administrator.yaml"
ISSUE = ["--as-of", "2026-02-01", "--issue-date", "2026-02-02"]

ENTRY = """
  - type: surat_keterangan_peserta
    title: Surat Keterangan Peserta Pelatihan
    code: SKPP
    open_ended:
      reason: surat keterangan peserta tidak berbatas waktu
      reason_en: the participant's certificate has no last date
      cites: [paper-lan-2023:iv-a-1-b-skj-target]
"""
RULE = """
  - id: keterangan.peserta
    title: Peserta yang desain pelatihannya ditetapkan menerima surat keterangan peserta
    cites: [paper-lan-2023:iv-a-1-b-skj-target]
    priority: 10
    when:
      participant: {in_scope: true, prior_assessment_valid: true, holds_participation_cert: false}
    then:
      append: {documents: {type: surat_keterangan_peserta, attests: {fact: assessment_date}}}
"""


def _template(path):
    document = docx.Document()
    document.add_paragraph("{{ doc.title }}")
    document.add_paragraph("Nomor: {{ doc.number }}")
    document.add_paragraph("Nama: {{ participant.name }} (NIP {{ participant.nip }})")
    document.add_paragraph("Program: {{ training.program_name }}")
    document.save(str(path))


def _add_document_type(root):
    """Exactly three files: the template, the entry, the rule calling for it."""
    _template(root / "templates" / "docx" / "surat_keterangan_peserta.docx")
    with open(root / "rules" / "documents.yaml", "a", encoding="utf-8") as entries:
        entries.write(ENTRY)
    with open(root / "rules" / "40-desain.yaml", "a", encoding="utf-8") as rules:
        rules.write(RULE)


def _changed_files(root):
    return {
        str(path.relative_to(root))
        for folder in ("rules", "regulations", "templates")
        for path in (root / folder).rglob("*")
        if path.is_file()
        and (
            not (ROOT / path.relative_to(root)).is_file()
            or (ROOT / path.relative_to(root)).read_bytes() != path.read_bytes()
        )
    }


def test_a_new_document_type_is_a_template_an_entry_and_a_rule(aturan, project_copy, tmp_path):
    _add_document_type(project_copy)
    assert _changed_files(project_copy) == {
        "templates/docx/surat_keterangan_peserta.docx",
        "rules/documents.yaml",
        "rules/40-desain.yaml",
    }
    assert aturan("rules", "check", root=project_copy).exit_code == 0

    out = tmp_path / "out"
    result = aturan(
        "issue", "--registri-baru", BUDI, "--out", out, "--registry", tmp_path / "reg.sqlite",
        "--config", ROOT / "config" / "institution.yaml", *ISSUE, root=project_copy,
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert "2 dokumen baru" in result.output
    text = "\n".join(
        p.text
        for p in docx.Document(str(out / "0001-SKPP-PKASN-2026-Budi-Santoso.docx")).paragraphs
    )
    budi = yaml.safe_load(BUDI.read_text(encoding="utf-8"))
    assert "Surat Keterangan Peserta Pelatihan" in text
    assert "Nomor: 0001/SKPP/PKASN/2026" in text
    assert f"Nama: {budi['name']} (NIP {budi['nip']})" in text
    assert "Program: Pelatihan Kepemimpinan Administrator" in text


def test_a_rule_calling_for_an_undeclared_document_type_is_refused_by_rules_check(
    aturan, project_copy
):
    with open(project_copy / "rules" / "40-desain.yaml", "a", encoding="utf-8") as rules:
        rules.write(RULE)

    result = aturan("rules", "check", root=project_copy)

    assert result.exit_code == 1
    assert "meminta dokumen 'surat_keterangan_peserta' yang tidak dideklarasikan" in result.stderr


def test_a_declared_type_without_its_template_is_refused_by_rules_check(aturan, project_copy):
    with open(project_copy / "rules" / "documents.yaml", "a", encoding="utf-8") as entries:
        entries.write(ENTRY)

    result = aturan("rules", "check", root=project_copy)

    assert result.exit_code == 1
    assert "'surat_keterangan_peserta' tanpa templat surat_keterangan_peserta.docx" in result.stderr
