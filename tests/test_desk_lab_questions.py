"""Saved questions in the desk (issue 27, item 4), through the web app: a finished run is saved
under a name with a short description, listed with its author and date, and reopened; a name
already used in the institution is refused at its field; two saved questions are compared side by
side; one is exported as a memo (DOCX, read back with python-docx) holding the question, the
draft clause, the run's per-cause figures, the cohort and the as-of date. Another institution's
drafter finds none of it, by any URL; an operator without the drafter role is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re

import plotly
from conftest import ROOT
from desk_support import post
from docx import Document
from test_desk_lab_runs import QUESTION, desk_summary, run_jobs, start

NAME = "Masa berlaku 2 tahun"
DESCRIPTION = "Bagaimana jika hasil penilaian berlaku 2 tahun?"
CITATION = "Rancangan Peraturan LAN tentang Pelatihan Kepemimpinan Terintegrasi, Pasal 12 ayat (2)"
CLAUSE = "Laporan hasil penilaian kompetensi dapat digunakan dalam pelatihan paling lama 2 (dua)"


def finished(client, **changes) -> str:
    """A question run to the end on a sample of 200; its results page's address."""
    results = start(client, ukuran="200", **changes)
    run_jobs(client)
    return results


def save(client, results, name=NAME, description=DESCRIPTION, **kwargs):
    data = {"nama": name, "uraian": description}
    return post(client, f"{results}/simpan", data, follow_redirects=False, **kwargs)


def saved_id(client, name) -> str:
    listed = client.get("/lab/pertanyaan").text
    row = re.search(
        r'<tr id="q-([0-9a-f]{32})">(?:(?!</tr>).)*?>' + re.escape(name) + "<", listed, re.S
    )
    assert row, listed
    return row[1]


def test_a_finished_run_is_saved_listed_reopened_and_a_used_name_is_refused(desk_client):
    client = desk_client("drafter", username="rina")
    results = start(client, ukuran="200")
    assert 'id="simpan"' not in client.get(results).text, "not before its jobs are done"
    run_jobs(client)
    assert 'id="simpan"' in client.get(results).text

    assert save(client, results).status_code == 303
    listed = client.get("/lab/pertanyaan").text
    question = saved_id(client, NAME)
    row = re.search(f'<tr id="q-{question}">(.*?)</tr>', listed, re.S)[1]
    assert DESCRIPTION in html.unescape(row) and '<td class="penyusun">rina</td>' in row
    assert f'<td class="tanggal">{dt.datetime.now(dt.UTC).date().isoformat()}</td>' in row
    assert "masa-berlaku-2-tahun.yaml" in row and "sampel 200 peserta (benih 3)" in row
    reopened = client.get(f"/lab/pertanyaan/{question}", follow_redirects=False)
    assert reopened.status_code == 303 and reopened.headers["location"] == results
    assert client.get(f"/lab/pertanyaan/{question}").url.path == results

    again = save(client, finished(client), name="  masa BERLAKU 2   tahun ")
    assert again.status_code == 400
    error = re.search(r'data-isian="nama"[^>]*>(.*?)</p>', again.text, re.S)
    assert error and "sudah dipakai" in error[1], again.text
    assert 'value="  masa BERLAKU 2   tahun "' in again.text, "the drafter's input is kept"
    assert client.get("/lab/pertanyaan").text.count('<tr id="q-') == 1


def test_another_institution_s_drafter_finds_no_saved_question_and_an_operator_is_refused(
    desk_client,
):
    lan = desk_client("drafter", "LAN")
    assert save(lan, finished(lan)).status_code == 303
    question = saved_id(lan, NAME)
    other = desk_client("drafter", "BPSDM", registry=lan.registry)
    assert NAME not in other.get("/lab/pertanyaan").text
    for path in (
        f"/lab/pertanyaan/{question}",
        f"/lab/pertanyaan/{question}/memo.docx",
        f"/lab/pertanyaan/banding?pilih={question}&pilih={question[::-1]}",
    ):
        assert other.get(path).status_code == 404, path
    mine = finished(other)
    assert save(other, mine, name=NAME).status_code == 303, "names are unique per institution"
    operator = desk_client("operator", "LAN", registry=lan.registry)
    assert operator.get("/lab/pertanyaan").status_code == 403
    assert operator.get(f"/lab/pertanyaan/{question}/memo.docx").status_code == 403
    assert save(operator, mine, name="lain").status_code == 403


def test_two_saved_questions_are_compared_side_by_side(desk_client):
    client = desk_client("drafter")
    first, second = finished(client), finished(client, reformasi_contoh="batas-ms-85.yaml")
    assert save(client, first).status_code == 303
    assert save(client, second, name="Batas MS 85", description="").status_code == 303
    ids = saved_id(client, NAME), saved_id(client, "Batas MS 85")
    alone = client.get(f"/lab/pertanyaan/banding?pilih={ids[0]}")
    assert alone.status_code == 400 and "pilih tepat dua" in alone.text

    page = client.get(f"/lab/pertanyaan/banding?pilih={ids[0]}&pilih={ids[1]}").text
    for results, side in ((first, "sisi-1"), (second, "sisi-2")):
        part = re.search(f'<section class="kotak" id="{side}">(.*?)</section>', page, re.S)[1]
        shown = [(html.unescape(t), int(n)) for t, n in re.findall(
            r'<tr><td>([^<]+)</td><td class="angka">(\d+)</td>', part
        )]  # fmt: skip
        assert shown == desk_summary(client.get(results).text)
        assert "tanggal keputusan 2027-12-31" in part and "sampel sintetis 200 peserta" in part
    assert page.count('class="banding-dua"') == 4, "each model"
    table = re.search(r'data-model="flexible">(.*?)</table>', page, re.S)[1]
    cells = re.search(r"<tr><td>Perlu asesmen awal</td>(.*?)</tr>", table)[1]
    base_a, reform_a, base_b, reform_b, between = map(int, re.findall(r">(-?\d+)<", cells))
    assert base_a == base_b and between == reform_b - reform_a and reform_a != base_a

    address = html.unescape(re.search(r'<a href="([^"]+)" id="memo-banding">', page)[1])
    memo = client.get(address)
    assert memo.status_code == 200
    assert (
        'filename="memo-banding-masa-berlaku-2-tahun-batas-ms-85.docx"'
        in memo.headers["content-disposition"]
    )
    text, rows = memo_text(memo.content)
    assert "bukan dokumen resmi" in text and "Pertanyaan A: " + NAME in text
    assert "Pertanyaan B: Batas MS 85" in text and "Pasal 8 (draf)" in text
    printed = [r for r in rows if len(r) == 6 and r[0] == "Perlu asesmen awal"]
    assert printed[0][1:] == [str(n) for n in (base_a, reform_a, base_b, reform_b, between)]
    assert "selisih B\u2212A hanya beda reformasi" in text
    other = desk_client("drafter", "BPSDM", registry=client.registry)
    assert other.get(address).status_code == 404


def memo_text(content: bytes) -> tuple[str, list[list[str]]]:
    document = Document(io.BytesIO(content))
    tables = [[cell.text for cell in row.cells] for t in document.tables for row in t.rows]
    return "\n".join(p.text for p in document.paragraphs), tables


def test_the_memo_holds_the_question_the_draft_clause_the_figures_and_what_they_rest_on(
    desk_client,
):
    client = desk_client("drafter", username="rina")
    results = finished(client)
    assert save(client, results).status_code == 303
    memo = client.get(f"/lab/pertanyaan/{saved_id(client, NAME)}/memo.docx")
    assert memo.status_code == 200
    assert 'filename="memo-masa-berlaku-2-tahun.docx"' in memo.headers["content-disposition"]
    text, rows = memo_text(memo.content)
    flat = text + "\n" + "\n".join(" | ".join(r) for r in rows)
    assert "MEMO KEBIJAKAN" in text and "bukan dokumen resmi" in text
    assert NAME in flat and DESCRIPTION in flat and "rina" in flat
    assert CITATION in flat and CLAUSE in flat
    assert "assessment.validity_years" in flat and "3 \u2192 2" in flat
    assert "Perban BKN" in flat or "perban" in flat.lower(), "the replaced value's reference"
    summary = [(r[0], int(r[1])) for r in rows if len(r) == 2 and r[1].isdigit()]
    assert summary == desk_summary(client.get(results).text)
    assert "31 Desember 2027" in flat and "sampel sintetis 200 peserta" in flat
    assert "benih 3" in flat and "Versi aturan" in flat
    assert any(r[0] == "Perlu asesmen awal" for r in rows), "the compare table per model"
    assert "Cara bayar pelatihan" in text, "the cost's footing"
    footing = [line for line in text.splitlines() if line.startswith("Reformasi berlaku:")]
    assert footing and set(footing) == {
        "Reformasi berlaku: sejak 1 Januari 2027 (parameter assessment.validity_years)"
    }, "as `aturan diff` says it: only what the reform changes, no rule said replaced"
    again = client.get(f"/lab/pertanyaan/{saved_id(client, NAME)}/memo.docx")
    assert again.content == memo.content, "deterministic"


def test_the_charts_scripts_are_cached_under_a_versioned_address_and_pages_are_not(desk_client):
    client = desk_client("drafter")
    results = finished(client)
    page = client.get(results)
    assert page.headers["cache-control"] == "no-store"
    script = re.search(r'src="(/lab/statis/plotly\.min\.js\?v=[^"]+)"', page.text)[1]
    assert script.endswith(f"?v={plotly.__version__}")
    cached = client.get(script)
    assert cached.status_code == 200
    assert cached.headers["cache-control"] == "public, max-age=86400, immutable"
    own = re.search(r'src="(/lab/statis/grafik\.js\?v=[^"]+)"', page.text)[1]
    assert client.get(own).headers["cache-control"] == "public, max-age=86400, immutable"
    stale = client.get("/lab/statis/plotly.min.js?v=0.0.1")
    assert stale.headers["cache-control"] == "no-store", "an old address is not kept for ever"
    assert client.get("/lab/jalankan").headers["cache-control"] == "no-store"


def test_a_name_with_markup_is_printed_as_text_in_the_list_and_the_memo(desk_client):
    client = desk_client("drafter")
    name, description = "A & B <b>tebal</b> {{ x }}", 'Jika "2" < 3 & {% if %}?'
    assert save(client, finished(client), name, description).status_code == 303
    listed = client.get("/lab/pertanyaan").text
    assert "A &amp; B &lt;b&gt;tebal&lt;/b&gt;" in listed and "<b>tebal</b>" not in listed
    question = re.search(r'<tr id="q-([0-9a-f]{32})">', listed)[1]
    memo = client.get(f"/lab/pertanyaan/{question}/memo.docx")
    assert 'filename="memo-a-b-b-tebal-b-x.docx"' in memo.headers["content-disposition"]
    text, rows = memo_text(memo.content)
    cells = [cell for row in rows for cell in row]
    assert name in cells and description in cells


def test_the_memo_of_an_uploaded_cohort_names_the_file_and_its_sha256(desk_client):
    client = desk_client("drafter")
    cohort = (ROOT / "samples" / "cohort-contoh.csv").read_bytes()
    question = {"kohort_dari": "unggah", "yang_dijalankan": "diff"}
    files = {"kohort": ("angkatan 3.csv", cohort)}
    started = post(client, "/lab/jalankan", {**QUESTION, **question}, files=files,
                   follow_redirects=False)  # fmt: skip
    run_jobs(client)
    assert save(client, started.headers["location"]).status_code == 303
    memo = client.get(f"/lab/pertanyaan/{saved_id(client, NAME)}/memo.docx")
    text, rows = memo_text(memo.content)
    printed = [r[2] for r in rows if len(r) == 3 and r[0] == "Kohort"]
    assert printed == [
        f"berkas unggahan angkatan 3.csv (SHA-256 {hashlib.sha256(cohort).hexdigest()})"
    ]


def test_a_memo_made_after_the_rules_changed_says_so(desk_client):
    """The figures are the run's; the draft clauses' old values and references are read from the
    rules in force when the memo is made. When those are not the rules the run used, the memo
    says which is which."""
    import sqlite3

    client = desk_client("drafter")
    assert save(client, finished(client)).status_code == 303
    question = saved_id(client, NAME)
    with sqlite3.connect(client.registry) as db:  # as if saved under an earlier rules version
        db.execute("UPDATE lab_questions SET rules_version='versi-lama' WHERE id=?", (question,))
    text, rows = memo_text(client.get(f"/lab/pertanyaan/{question}/memo.docx").content)
    flat = text + "\n" + "\n".join(" | ".join(r) for r in rows)
    assert "versi-lama (aturan telah berubah sejak pertanyaan dijalankan" in flat
    assert "angkanya tetap hasil versi versi-lama" in flat
