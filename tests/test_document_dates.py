"""Every document knows when it stops being timely (issue 21, item 1): `issue` refuses a later
date for it, by name, with the reason and the deadline, and still issues the documents that are
due; `explain` shows each document's range of dates; `rules check` refuses a bound no document
type explains."""

import sqlite3

import pytest
import yaml
from conftest import ROOT, numbered

BUDI = yaml.safe_load((ROOT / "samples" / "kohort-dokumen.yaml").read_text())["cases"][1]
TRAINED = {"type": "final_evaluation", "date": "2026-06-30", "result": "lulus"}
DEFERRED = {"type": "final_evaluation", "date": "2026-06-30", "result": "ditunda"}


def _case(tmp_path, events):
    """Budi of the sample cohort (training 2 March to 30 June 2026) with these events."""
    path = tmp_path / "kasus.yaml"
    path.write_text(yaml.safe_dump(dict(BUDI, events=events), allow_unicode=True))
    return path


def _issue(aturan, case, out, as_of, issue_date, *extra):
    return aturan(
        "issue",
        "--registri-baru",
        case,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--assessment",
        "separate",
        "--as-of",
        as_of,
        "--issue-date",
        issue_date,
        *extra,
    )


def _issued(out):
    db = sqlite3.connect(out / "reg.sqlite")
    return {row[0]: row[1] for row in db.execute("SELECT doc_type, number FROM documents")}


# A refusal names the type by its title and the code printed in its number (never its key).
CODES = {
    "desain_pelatihan": "DSN",
    "penundaan_kelulusan": "PNT",
    "undangan_uji": "UND",
    "sttp": "STTP",
    "sertifikat_kompetensi": "SKM",
    "permintaan_asesmen_awal": "ASW",
}


def _refusal(result, doc_type):
    code = CODES[doc_type]
    lines = [line for line in result.stderr.splitlines() if f"({code}) untuk" in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_design_dated_after_its_training_started_is_refused_and_the_rest_issued(aturan, tmp_path):
    post = {"type": "post_assessment", "date": "2026-10-15", "levels": BUDI["events"][1]["levels"]}
    out = tmp_path / "out"
    result = _issue(aturan, _case(tmp_path, [TRAINED, post]), out, "2027-01-10", "2026-11-01")
    assert result.exit_code == 2
    refusal = _refusal(result, "desain_pelatihan")
    assert "Penetapan Desain Pelatihan Peserta" in refusal
    assert "NIP 198503152010011001 (Budi Santoso)" in refusal
    assert "1 November 2026" in refusal and "dimulai pada 2 Maret 2026" in refusal
    assert "paling lambat bertanggal 1 Maret 2026" in refusal
    issued = _issued(out)
    assert "desain_pelatihan" not in issued
    assert {"sttp", "sertifikat_kompetensi", "rekomendasi_pengembangan"} <= set(issued)
    assert not list(out.glob("*DSN*"))
    assert all((numbered(out, n, ".docx")).exists() for n in issued.values())


def test_a_deferral_notice_dated_after_the_remedial_deadline_is_refused(aturan, tmp_path):
    out = tmp_path / "out"
    result = _issue(aturan, _case(tmp_path, [DEFERRED]), out, "2026-07-20", "2026-08-15")
    assert result.exit_code == 2
    refusal = _refusal(result, "penundaan_kelulusan")
    assert "NIP 198503152010011001 (Budi Santoso)" in refusal
    assert "tenggat remedial pada 30 Juli 2026" in refusal
    assert "paling lambat bertanggal 29 Juli 2026" in refusal
    assert "penundaan_kelulusan" not in _issued(out)
    on_time = tmp_path / "tepat"
    result = _issue(aturan, _case(tmp_path, [DEFERRED]), on_time, "2026-07-20", "2026-07-29")
    assert "(PNT)" not in result.stderr
    assert "penundaan_kelulusan" in _issued(on_time)


def test_an_invitation_dated_after_its_window_closed_is_refused_and_the_sttp_issued(
    aturan, tmp_path
):
    out = tmp_path / "out"
    result = _issue(aturan, _case(tmp_path, [TRAINED]), out, "2027-06-01", "2027-07-15")
    assert result.exit_code == 2
    refusal = _refusal(result, "undangan_uji")
    assert "Undangan Uji Kompetensi" in refusal and "15 Juli 2027" in refusal
    assert "jendela uji kompetensi pada 30 Juni 2027" in refusal
    issued = _issued(out)
    assert "undangan_uji" not in issued and "sttp" in issued
    assert not list(out.glob("*UND*"))


def test_an_invitation_is_timely_until_the_day_before_the_window_closes(aturan, tmp_path):
    case = _case(tmp_path, [TRAINED])
    last = _issue(aturan, case, tmp_path / "a", "2027-06-01", "2027-06-29")
    assert "(UND)" not in last.stderr and "undangan_uji" in _issued(tmp_path / "a")
    closing = _issue(aturan, case, tmp_path / "b", "2027-06-01", "2027-06-30")
    assert "(UND)" in closing.stderr and "undangan_uji" not in _issued(tmp_path / "b")


@pytest.mark.libreoffice
def test_with_pdfs_the_due_document_gets_its_pdf_and_the_late_one_none(aturan, tmp_path):
    out = tmp_path / "out"
    result = _issue(aturan, _case(tmp_path, [TRAINED]), out, "2027-06-01", "2027-07-15", "--pdf")
    assert result.exit_code == 2 and "(UND)" in result.stderr
    issued = _issued(out)
    assert (numbered(out, issued["sttp"], ".pdf")).exists()
    assert "undangan_uji" not in issued
    assert not list(out.glob("*UND*.pdf"))


def test_explain_shows_each_documents_range_of_dates(aturan, tmp_path):
    case = _case(tmp_path, [TRAINED])
    args = ["explain", case, "--as-of", "2027-06-01", "--assessment", "separate"]
    indonesian = aturan(*args)
    assert indonesian.exit_code == 0, indonesian.stderr
    text = indonesian.output
    assert "Undangan Uji Kompetensi: bertanggal 2026-06-30 s.d. 2027-06-29" in text
    assert "jendela uji kompetensi pada 2027-06-30" in text
    assert "Penetapan Desain Pelatihan Peserta: bertanggal 2025-01-15 s.d. 2026-03-01" in text
    assert "Surat Tanda Tamat Pelatihan: bertanggal mulai 2026-06-30, tanpa tanggal akhir" in text
    english = aturan(*args, "--lang", "en").output
    assert "Undangan Uji Kompetensi: dated 2026-06-30 to 2027-06-29" in english
    assert "before the last day of the assessment window on 2027-06-30" in english
    assert "Surat Tanda Tamat Pelatihan: dated from 2026-06-30, no last date" in english


def test_rules_check_refuses_a_date_bound_no_document_type_explains(aturan, project_copy):
    path = project_copy / "rules" / "documents.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      window_closes:\n", "      window_closes_x:\n"))
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code != 0
    said = result.output + result.stderr
    assert "undangan_uji" in said and "window_closes" in said
    assert "terpisah.menunggu-uji" in said
