"""`explain` under a reform quotes the clause in force at each step: the reform's draft article
where the reform decides, the law in force where the step is judged before the reform; a value
tried with `--param` reads "diubah lewat --param" with the value, never the old clause."""

import re

from conftest import ROOT

REFORM = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
OLD_SENTENCE = "berlaku selama 3 (tiga) tahun"
DRAFT_SENTENCE = "paling lama 2 (dua) tahun sejak tanggal penilaian."
EXPIRED = "Laporan hasil asesmen sebelumnya sudah melewati masa berlakunya"


def _case(tmp_path, year, assessed):
    case = tmp_path / f"kasus-{year}.yaml"
    case.write_text(
        f"""\
nip: "198503152010011001"
name: Budi Santoso
position: {{tier: administrator, title: Kepala Bagian Umum, agency: Pemerintah Kabupaten Sumedang}}
role: incumbent
program: pka
training: {{start: {year}-03-01, end: {year}-06-30, batch: PKA Angkatan XX}}
assessments:
  - date: {assessed}
    purpose: seleksi
    institution: UPT Penilaian Kompetensi Pegawai BKN
    levels: {{integritas: 3, kerja_sama: 3, komunikasi: 2, orientasi_hasil: 3, pelayanan_publik: 3,
             pengembangan_diri: 2, mengelola_perubahan: 3, pengambilan_keputusan: 3}}
""",
        encoding="utf-8",
    )
    return case


def _explain(aturan, *args):
    result = aturan("explain", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def _step(text, title):
    """The block of one numbered step: its title line and the quotes under it, spaces squeezed."""
    block = re.search(rf"^\d+\. [^\n]*{re.escape(title)}.*?(?=^\d+\. |^\n|\Z)", text, re.M | re.S)
    assert block, f"no step '{title}' in:\n{text}"
    return " ".join(block.group(0).split())


def test_each_step_quotes_the_clause_in_force_on_its_date(aturan, tmp_path):
    case = _case(tmp_path, 2027, "2024-05-10")  # 3 years on: valid; 2 years: not
    text = _explain(aturan, case, "--as-of", "2027-02-01", "--reform", REFORM)
    step = _step(text, EXPIRED)
    assert "Pasal 12 ayat (2) (draf)" in step and DRAFT_SENTENCE in step
    assert OLD_SENTENCE not in step
    assert "menggantikan Perban BKN 26/2019 Pasal 29 ayat (4)" in step
    # every step: the superseded sentence is quoted nowhere, since every step is judged in 2027
    detail = " ".join(
        _explain(aturan, case, "--as-of", "2027-02-01", "--reform", REFORM, "--rinci").split()
    )
    assert OLD_SENTENCE not in detail and DRAFT_SENTENCE in detail
    # a step judged before the reform's date quotes the law then in force
    case = _case(tmp_path, 2026, "2022-05-10")  # past 3 years, judged in 2026
    text = _explain(aturan, case, "--as-of", "2026-02-01", "--reform", REFORM)
    step = _step(text, EXPIRED)
    assert OLD_SENTENCE in step and DRAFT_SENTENCE not in step


def test_explain_takes_param_and_names_it_as_the_source_of_the_value(aturan, tmp_path):
    case = _case(tmp_path, 2027, "2024-05-10")  # 3 years on: valid; 2 years: not
    text = _explain(aturan, case, "--as-of", "2027-02-01", "--param", "assessment.validity_years=2")
    step = _step(text, EXPIRED)
    assert "diubah lewat --param: assessment.validity_years = 2" in step
    assert OLD_SENTENCE not in step
    assert "Laporan asesmen sebelumnya: tidak berlaku (kedaluwarsa)" in text
    detail = _explain(
        aturan, case, "--as-of", "2027-02-01", "--param", "assessment.validity_years=2", "--rinci"
    )
    line = next(x for x in detail.splitlines() if "Parameter assessment.validity_years" in x)
    assert "diubah lewat --param" in line and "Perban BKN" not in line


def test_a_list_edit_quotes_its_draft_beside_the_clause_the_other_entries_rest_on(aturan, tmp_path):
    reform = tmp_path / "mp.yaml"
    reform.write_text(
        "name: Manajemen Perubahan wajib\n"
        "new_clauses:\n"
        "  - {id: 'rancangan:pasal-9', citation: Rancangan Pasal 9 (draf), text: Wajib diikuti.}\n"
        "parameters:\n"
        "  - id: curriculum.never_waivable_subjects\n"
        "    from: 2026-01-01\n"
        "    value: {add: [pka.manajemen_perubahan_sektor_publik]}\n"
        "    reference: ['rancangan:pasal-9']\n",
        encoding="utf-8",
    )
    case = _case(tmp_path, 2027, "2026-05-10")
    text = _explain(aturan, case, "--as-of", "2027-02-01", "--reform", reform)
    step = _step(text, "tidak pernah dapat dibebaskan")
    assert "Makalah Kebijakan LAN 2023, Bab IV.A.1.b" in step
    assert "Rancangan Pasal 9 (draf) [pasal belum dikonfirmasi] (mengubah Makalah" in step
    assert "menggantikan" not in step
