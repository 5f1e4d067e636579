"""Issuing from a spreadsheet in the desk (issue 26, items 2 and 3), through the web app: the
preview shows refused rows with their reasons in place and each row's documents; the dates are
checked as the command line checks them; the issue run is queued as a job of the account's
institution, which an operator of another institution can neither see, rerun nor download from,
by any URL; a job that fails ends failed with its message while the desk keeps answering."""

from __future__ import annotations

import re
import time

import yaml
from conftest import ROOT
from desk_support import post
from fastapi.testclient import TestClient

from aturan import app
from aturan.desk import create_desk_app

COHORT = ROOT / "samples" / "cohort-contoh.csv"
DATES = {"tanggal_keputusan": "2026-03-01", "tanggal_terbit": "2026-03-02"}


def upload(client, content=None, name="kohort.csv", follow_redirects=True, **dates):
    data = content if content is not None else COHORT.read_bytes()
    files = {"berkas": (name, data)}
    return post(
        client, "/terbitkan", {**DATES, **dates}, files=files, follow_redirects=follow_redirects
    )


def uploaded(client, **dates) -> str:
    """Upload the sample cohort; the preview's address."""
    response = upload(client, follow_redirects=False, **dates)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_the_preview_shows_each_row_refused_rows_with_their_reasons_in_place(desk_client):
    client = desk_client("operator")
    page = client.get(uploaded(client))
    assert page.status_code == 200
    rows = re.findall(r'<tr class="(ditolak|diterima)" data-baris="(\d+)">', page.text)
    assert [int(row) for _, row in rows] == list(range(2, 22))
    assert {int(row) for kind, row in rows if kind == "ditolak"} == {9, 15, 19}
    assert "(kolom nip): NIP 197710251998031946 sudah muncul di baris 6" in page.text
    assert "(kolom komunikasi): nilai &#39;7&#39; di luar rentang 1..5" in page.text
    assert "20</strong> baris:\n<strong>17</strong> diterima, <strong>3</strong> ditolak" in (
        page.text
    )
    assert page.text.count("nomor baru") == 17, "each accepted row's document"


def test_dates_are_checked_as_the_command_line_checks_them(desk_client):
    client = desk_client("operator")
    bad = upload(client, tanggal_terbit="2026-02-30")
    assert bad.status_code == 400
    assert (
        "isian &#39;tanggal terbit (--issue-date)&#39;: &#39;2026-02-30&#39; bukan tanggal ISO"
        in (bad.text)
    )
    far = upload(client, tanggal_keputusan="1899-01-01")
    assert far.status_code == 400 and "di luar rentang tanggal yang masuk akal" in far.text
    wrong = upload(client, name="kohort.pdf")
    assert wrong.status_code == 400 and "XLSX atau CSV" in wrong.text


def test_issuing_queues_a_job_of_the_account_s_institution(desk_client):
    client = desk_client("operator")
    preview = uploaded(client)
    started = post(client, preview.split("?")[0], DATES, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/tugas/")
    job_id = started.headers["location"].rsplit("/", 1)[1]
    store = app.open_jobs(client.registry, client.config)
    job = store.get(job_id)
    store.close()
    assert (job.state, job.institution, job.account) == (app.QUEUED, "LAN", "operator-lan")
    assert (job.params["as_of"], job.params["issue_date"], job.params["pdf"]) == (
        "2026-03-01",
        "2026-03-02",
        True,
    )
    page = client.get(f"/tugas/{job_id}")
    assert "menunggu" in page.text and 'http-equiv="refresh"' in page.text
    assert job_id in client.get("/tugas").text


def finished_job(client) -> str:
    """A job of the client's institution, done, with a ZIP in its folder (no PDFs made)."""
    preview = uploaded(client)
    started = post(client, preview.split("?")[0], DATES, follow_redirects=False)
    job_id = started.headers["location"].rsplit("/", 1)[1]
    store = app.open_jobs(client.registry, client.config)
    job = store.claim("uji/1/x")
    folder = client.registry.parent / "desk-berkas" / job.params["out"]
    folder.mkdir(parents=True)
    (folder / app.PDF_ZIP).write_bytes(b"PK\x05\x06" + bytes(18))
    store.finish(job_id, "uji/1/x", {"issued": 0, "files": {"zip": app.PDF_ZIP}})
    store.close()
    return job_id


def test_an_operator_of_another_institution_cannot_see_rerun_or_download_a_job(desk_client):
    lan = desk_client("operator", "LAN")
    job_id = finished_job(lan)
    upload_id = uploaded(lan).split("/")[2].split("?")[0]
    assert lan.get(f"/tugas/{job_id}/unduh/zip").status_code == 200
    other = desk_client("operator", "BPSDM", registry=lan.registry)
    for path in (
        f"/tugas/{job_id}",
        f"/tugas/{job_id}/unduh/zip",
        f"/tugas/{job_id}/unduh/manifest",
        f"/terbitkan/{upload_id}",
    ):
        assert other.get(path).status_code == 404, path
    assert post(other, f"/tugas/{job_id}/ulang").status_code == 404
    assert post(other, f"/terbitkan/{upload_id}", DATES).status_code == 404
    assert job_id not in other.get("/tugas").text
    auditor = desk_client("auditor", "LAN", registry=lan.registry)
    assert auditor.get(f"/tugas/{job_id}").status_code == 403
    assert auditor.get("/terbitkan").status_code == 403


def test_a_failing_job_ends_failed_with_its_message_and_the_desk_keeps_answering(desk_client):
    client = desk_client("operator")
    broken = b"nama,bukan_kolom\nA,1\n"
    preview = upload(client, broken, name="angkatan 3.csv", follow_redirects=False)
    preview = preview.headers["location"]
    shown = client.get(preview)
    assert shown.status_code == 400 and "angkatan 3.csv, baris 1: header" in shown.text
    assert "unggahan" not in shown.text, "the operator's file by its name, not the server's path"
    with TestClient(create_desk_app(client.config, client.registry)) as running:
        running.cookies = client.cookies
        started = post(running, preview.split("?")[0], DATES, follow_redirects=False)
        job_page = started.headers["location"]
        deadline = time.monotonic() + 60
        while "gagal" not in (page := running.get(job_page)).text:
            assert time.monotonic() < deadline, page.text
            time.sleep(0.2)
        assert 'id="galat"' in page.text and "angkatan 3.csv, baris 1: header" in page.text
        assert "unggahan" not in page.text
        assert 'id="ulang"' in page.text, "a failed job may run again"
        assert running.get("/tugas").status_code == 200
        assert running.get("/terbitkan").status_code == 200


def test_a_bad_desk_jobs_section_is_one_message_naming_its_field(desk_client, caplog):
    client = desk_client("operator")
    config = yaml.safe_load(client.config.read_text(encoding="utf-8"))
    config["desk_jobs"] = {"workers": -1}
    client.config.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with TestClient(create_desk_app(client.config, client.registry)) as running:
        running.cookies = client.cookies
        page = running.get("/tugas")
        assert page.status_code == 400
        assert "isian &#39;desk_jobs.workers&#39;: isi bilangan paling sedikit 0" in page.text
        assert running.get("/").status_code == 200, "the other pages keep answering"
    assert "desk_jobs.workers" in caplog.text and "Traceback" not in caplog.text


def test_an_xlsx_cohort_is_previewed_as_its_csv_twin(desk_client):
    client = desk_client("operator")
    xlsx = (ROOT / "samples" / "cohort-contoh.xlsx").read_bytes()
    page = upload(client, xlsx, name="Kohort PKP (contoh).xlsx")
    assert page.status_code == 200 and "Pratinjau penerbitan: Kohort PKP (contoh).xlsx" in page.text
    as_csv = client.get(uploaded(client)).text
    accepted = re.compile(r'<tr class="diterima" data-baris="\d+">.*?</tr>', re.S)
    assert accepted.findall(page.text) == accepted.findall(as_csv)
    refused = re.compile(r'<tr class="ditolak" data-baris="(\d+)">')
    assert refused.findall(page.text) == refused.findall(as_csv) == ["9", "15", "19"]
