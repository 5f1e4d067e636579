"""Running a policy question in the desk (issue 27, item 3), through the web app: a sample of
2,000 and the example reform `masa-berlaku-2-tahun.yaml` run as the lab's jobs to the end; the
per-cause summary equals what `aturan diff` prints for the same sample, reform and options; a
participant of a cause has their two explanations side by side, as `aturan explain` gives them;
the compare table, the charts' figures and the downloads are there. A drafter sees only its
institution's runs, by any URL; an operator without the drafter role is refused."""

from __future__ import annotations

import html
import io
import os
import re
import socket
import subprocess
import sys

import yaml
from conftest import ROOT
from desk_support import post
from openpyxl import load_workbook

from aturan.desk import jobs
from aturan.lab import generate

REFORM = "masa-berlaku-2-tahun.yaml"
QUESTION = {
    "kohort_dari": "sampel",
    "ukuran": "2000",
    "benih": "3",
    "tahun": "2027",
    "reformasi_contoh": REFORM,
    "tanggal_keputusan": "2027-12-31",
}


def cli(*args, cwd=None):
    done = subprocess.run(
        [sys.executable, "-m", "aturan.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
        cwd=cwd,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def start(client, **changes) -> str:
    """Post the question; the address of its results page."""
    started = post(client, "/lab/jalankan", {**QUESTION, **changes}, follow_redirects=False)
    assert started.status_code == 303, started.text
    return started.headers["location"]


def run_jobs(client) -> None:
    """Run the desk's queued jobs to the end, as its worker thread does."""
    worker = jobs.runner(client.app.state.desk)
    while worker.run_next() is not None:
        pass


def cli_summary(tmp_path) -> list[tuple[str, int]]:
    """`aturan diff`'s per-cause summary lines for the question: (label, participants)."""
    cohort = tmp_path / "kohort-2027.csv"
    cli("sample", "--size", 2000, "--seed", 3, "--tahun", 2027, "--out", cohort)
    printed = cli("diff", cohort, "--reform", ROOT / "reforms" / REFORM, "--as-of", "2027-12-31")
    summary = printed.split("Ringkasan per sebab:\n", 1)[1]
    changed = int(re.search(r"\n(\d+) peserta berubah\. Ringkasan", printed)[1])
    lines = re.findall(r"^  (.+): (\d+) peserta$", summary, re.M)
    return [("peserta berubah", changed)] + [(label, int(n)) for label, n in lines]


def cli_explanations(nip, tmp_path) -> tuple[str, str]:
    """`aturan explain` of the sample's participant `nip`, without and with the reform."""
    case = next(c for c in generate(2000, 3, (2027, 2027)) if c["nip"] == nip)
    path = tmp_path / "peserta.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    options = ("--as-of", "2027-12-31")
    baseline = cli("explain", path, *options)
    reformed = cli("explain", path, *options, "--reform", ROOT / "reforms" / REFORM)
    return baseline.rstrip(), reformed.rstrip()


def desk_summary(page: str) -> list[tuple[str, int]]:
    changed = int(re.search(r'<p id="berubah"><strong>(\d+)</strong>', page)[1])
    rows = re.findall(r'<tr><td><a href="[^"]+">([^<]+)</a></td><td class="angka">(\d+)</td>', page)
    return [("peserta berubah", changed)] + [(html.unescape(t), int(n)) for t, n in rows]


def test_a_sample_run_shows_the_cli_s_diff_and_a_participant_s_two_explanations(
    desk_client, tmp_path
):
    client = desk_client("drafter")
    results = start(client)
    assert "menunggu" in client.get(results).text
    run_jobs(client)
    page = client.get(results).text
    assert 'http-equiv="refresh"' not in page, "both jobs ended"
    summary = desk_summary(page)
    assert summary == cli_summary(tmp_path)
    assert summary[0][1] > 0 and summary[1][0].startswith("sebab: parameter assessment.validity")

    cause = re.search(r'<a href="(/lab/hasil/[0-9a-f]+/peserta\?sebab=[^"]+)">sebab: ', page)[1]
    listed = client.get(html.unescape(cause)).text
    nips = re.findall(r'<a href="/lab/hasil/[0-9a-f]+/peserta/(\d+)">', listed)
    assert len(nips) == summary[1][1], "the cause's participants, each once"
    one = client.get(f"{results}/peserta/{nips[0]}").text
    baseline = html.unescape(re.search(r'id="penjelasan-berlaku">(.*?)</pre>', one, re.S)[1])
    reformed = html.unescape(re.search(r'id="penjelasan-reformasi">(.*?)</pre>', one, re.S)[1])
    assert baseline != reformed
    assert (baseline.rstrip(), reformed.rstrip()) == cli_explanations(nips[0], tmp_path)
    assert "hasil asesmen sebelumnya berlaku" in one and "<td>ya</td><td>tidak</td>" in one

    assert page.count('class="banding"') == 4, "the compare table of each model"
    assert 'id="grafik-biaya" data-gambar="{' in page and 'id="grafik-klaster"' in page
    assert 'src="/lab/statis/plotly.min.js?v=' in page
    assert client.get("/lab/statis/plotly.min.js").status_code == 200
    workbook = client.get(f"{results}/unduh/xlsx")
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.content))
    assert sheets["Ringkasan diff"]["B2"].value == summary[0][1]
    changes = client.get(f"{results}/unduh/perubahan-csv").text.splitlines()
    assert changes[0] == "nip,nama,isian,aturan_berlaku,reformasi,sebab"
    assert sum(1 for line in changes if line.startswith(nips[0])) > 1


def test_a_drafter_sees_only_its_institution_s_runs(desk_client):
    lan = desk_client("drafter", "LAN")
    results = start(lan, ukuran="20")
    run_id = results.rsplit("/", 1)[1]
    assert run_id in lan.get("/lab/jalankan").text
    other = desk_client("drafter", "BPSDM", registry=lan.registry)
    for path in (
        results,
        f"{results}/peserta?sebab=x",
        f"{results}/peserta/196501011990031001",
        f"{results}/unduh/xlsx",
        f"{results}/unduh/perubahan-csv",
    ):
        assert other.get(path).status_code == 404, path
    assert run_id not in other.get("/lab/jalankan").text
    operator = desk_client("operator", "LAN", registry=lan.registry)
    assert operator.get("/lab/jalankan").status_code == 403
    assert operator.get(results).status_code == 403
    assert post(operator, "/lab/jalankan", QUESTION).status_code == 403
    assert operator.get("/tugas").status_code == 200
    assert run_id not in operator.get("/tugas").text, "the lab's jobs are not issue jobs"


def test_a_bad_reform_or_sample_shows_on_the_form_naming_the_file(desk_client):
    client = desk_client("drafter")
    bad = b"name: Coba\nparameters:\n  - id: assessment.validity_years\n    value: 2\n"
    files = {"reformasi": ("usulan saya.yaml", bad)}
    page = post(client, "/lab/jalankan", {**QUESTION, "reformasi_contoh": ""}, files=files)
    assert page.status_code == 400
    assert "usulan saya.yaml" in page.text and 'id="galat"' in page.text
    assert "/lab/" not in re.search(r'id="galat">(.*?)</p>', page.text, re.S)[1]
    years = post(client, "/lab/jalankan", {**QUESTION, "tahun": "2027-2025"})
    assert years.status_code == 400 and "tahun pelatihan (--tahun)" in years.text


def test_an_uploaded_cohort_s_bad_rows_are_named_by_the_drafter_s_file(desk_client):
    client = desk_client("drafter")
    cohort = (ROOT / "samples" / "cohort-contoh.csv").read_bytes()
    files = {"kohort": ("angkatan 3.csv", cohort)}
    question = {**QUESTION, "kohort_dari": "unggah", "yang_dijalankan": "diff"}
    started = post(client, "/lab/jalankan", question, files=files, follow_redirects=False)
    assert started.status_code == 303, started.text
    run_jobs(client)
    page = client.get(started.headers["location"]).text
    assert "3 baris kohort ditolak" in page
    refused = re.search(r"3 baris kohort ditolak:(.*?)</p>", page, re.S)[1]
    assert "angkatan 3.csv, baris 9" in refused and "desk-berkas" not in refused
    assert 'id="status-banding"' not in page, "only the diff was asked for"


def test_an_interrupted_lab_job_is_run_again_from_the_results_page(desk_client):
    """A desk that died while its diff ran leaves the job interrupted; the results page offers
    its rerun, which ends with the same figures as an uninterrupted run."""
    client = desk_client("drafter")
    results = start(client, ukuran="200", yang_dijalankan="diff")
    store = jobs.store(client.app.state.desk)
    dead = f"{socket.gethostname()}/{2**22 + 12345}/mati"  # a process of this machine, gone
    assert store.claim(dead, ["lab_diff"]) is not None
    page = client.get(results).text
    assert 'class="status-interrupted">terputus' in page and 'id="ulang-lab_diff"' in page
    again = post(client, f"{results}/ulang/lab_diff", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == results
    run_jobs(client)
    page = client.get(results).text
    assert 'class="status-done">selesai' in page and 'id="ulang-lab_diff"' not in page
    other = start(client, ukuran="200", yang_dijalankan="diff")
    run_jobs(client)
    assert desk_summary(page) == desk_summary(client.get(other).text)
    refused = post(client, f"{results}/ulang/lab_diff")
    assert refused.status_code == 400 and "hanya tugas yang terputus atau gagal" in refused.text
