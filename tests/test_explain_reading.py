"""What a reader of `aturan explain` gets: a summary first, labels not codes, Indonesian only,
quotes in whole sentences, and the reform's draft article where a reformed parameter decides."""

import re

import pytest
from conftest import ROOT

SAMPLES = [
    "budi-petahana-administrator.yaml",
    "sari-suksesor-jpt-pratama.yaml",
    "joko-tanpa-asesmen.yaml",
]
CASE = """\
nip: "198503152010011001"
name: Budi Santoso
position: {tier: administrator, title: Kepala Bagian Umum, agency: Pemerintah Kabupaten Sumedang}
role: incumbent
program: pka
training: {start: 2027-03-01, end: 2027-06-30, batch: PKA Angkatan XX}
assessments:
  - date: 2024-05-10
    purpose: seleksi
    institution: UPT Penilaian Kompetensi Pegawai BKN
    levels: {integritas: 3, kerja_sama: 3, komunikasi: 2, orientasi_hasil: 3, pelayanan_publik: 3,
             pengembangan_diri: 2, mengelola_perubahan: 3, pengambilan_keputusan: 3}
"""


def _explain(aturan, *args):
    result = aturan("explain", *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_summary_is_short_and_names_the_decisive_steps(aturan, sample):
    text = _explain(aturan, ROOT / "samples" / sample, "--as-of", "2026-02-01")
    assert len(text) < 12_000
    assert "Langkah yang menentukan" in text
    detail = _explain(aturan, ROOT / "samples" / sample, "--as-of", "2026-02-01", "--rinci")
    assert len(detail) > len(text)
    assert "Langkah-langkah dan dasar hukumnya" in detail


@pytest.mark.parametrize("flag", [[], ["--rinci"]])
def test_indonesian_output_has_no_english_rationale_nor_codes(aturan, flag):
    text = _explain(aturan, ROOT / "samples" / SAMPLES[0], "--as-of", "2026-02-01", *flag)
    for english in ("rationale", "never waivable", "self-development", "the content of"):
        assert english not in text
    summary = text.split("Langkah-langkah dan dasar hukumnya")[0]
    for code in (
        "menunggu_pelatihan",
        "petahana_tanpa_bukti",
        "fleksibel.dibebaskan",
        "flexible",
        "elearning",
        "desain_pelatihan",
    ):
        assert code not in summary, code


def test_hours_are_not_read_as_a_number_of_subjects(aturan):
    text = _explain(aturan, ROOT / "samples" / SAMPLES[0], "--as-of", "2026-02-01")
    assert not re.search(r"\d+ mata pelatihan", text)
    assert "164 JP diikuti, 126 JP dibebaskan, dari 290 JP" in text


@pytest.mark.parametrize("flag", [[], ["--rinci"]])
def test_quotes_are_whole_sentences(aturan, rulebook, flag):
    """Each quote is a clause's whole text, or its leading sentences ending at a sentence end."""
    text = _explain(aturan, ROOT / "samples" / SAMPLES[0], "--as-of", "2026-02-01", *flag)
    quotes = re.findall(r'^\s+"(.+?)"$', text.replace("\n      ", " "), re.M)
    texts = [c.text for i in rulebook.corpus.instruments.values() for c in i.clauses]
    assert quotes
    for quote in quotes:
        assert not quote.endswith("..."), quote
        whole = any(quote == t for t in texts)
        leading = quote[-1] in ".?!" and any(t.startswith(quote) for t in texts)
        assert whole or leading, quote


def test_a_reformed_parameter_quotes_the_draft_article(aturan, tmp_path):
    case = tmp_path / "kasus.yaml"
    case.write_text(CASE, encoding="utf-8")
    reform = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
    text = " ".join(_explain(aturan, case, "--as-of", "2027-02-01", "--reform", reform).split())
    assert "Parameter yang diubah reformasi" in text
    assert "Pasal 12 ayat (2) (draf)" in text
    assert "paling lama 2 (dua) tahun sejak tanggal penilaian." in text
    plain = _explain(aturan, case, "--as-of", "2027-02-01")
    assert "Parameter yang diubah reformasi" not in plain


def test_a_reported_jpm_just_below_a_cut_off_is_printed_as_reported_beside_its_category(
    aturan, tmp_path
):
    case = tmp_path / "kasus.yaml"
    case.write_text(CASE + "    jpm: 79.996\n", encoding="utf-8")
    text = _explain(aturan, case, "--as-of", "2027-02-01")
    assert "JPM: 79,996 % (laporan)" in text
    assert "Kategori: MMS" in text
    assert "80,00 %" not in text
