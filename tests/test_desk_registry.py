"""The desk's registry pages and auditor's view (issue 26, items 4 and 5) through the real app:
search and document pages within the institution, revoke with its confirmation, re-issue, the
monthly workbook, the auditor's record and replay; and the boundaries: an operator of another
institution cannot see or change LAN's documents through any URL, an auditor cannot write."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import pytest
import yaml
from desk_support import csrf_token, post, sign_in
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from aturan import app
from aturan.desk import create_desk_app

ROOT = Path(__file__).resolve().parents[1]
COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUED_ON = dt.date(2026, 2, 2)


def issue(client, folder: Path, source: Path = COHORT) -> list[dict]:
    """The cohort's first documents (DOCX) issued for the client's institution, as the CLI
    would; the registry's entries."""
    request = app.IssueRequest(
        source=source,
        out_dir=folder,
        as_of=dt.date(2026, 2, 1),
        issue_date=ISSUED_ON,
        registry=client.registry,
        config=client.config,
        operator="penerbit",
    )
    return app.issue(request).report.issued


def page(client, path: str, **query):
    return client.get(f"{path}?{urlencode(query)}" if query else path)


def documents_in(client, folder: Path) -> None:
    """The desk's documents folder (`desk.documents_folder`) set to `folder`."""
    data = yaml.safe_load(client.config.read_text(encoding="utf-8"))
    data["desk"] = {**(data.get("desk") or {}), "documents_folder": str(folder)}
    client.config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def lan(desk_client, tmp_path):
    """A LAN operator's desk with the sample cohort's designs issued."""
    client = desk_client("operator", "LAN", username="ani")
    documents_in(client, tmp_path / "dokumen-meja")
    client.issued = issue(client, tmp_path / "dok-lan")
    return client


def test_search_finds_by_name_nip_or_number_and_links_each_document(lan):
    first = lan.issued[0]
    by_name = page(lan, "/dokumen", cari=first["name"].split()[0].lower())
    assert by_name.status_code == 200
    assert first["number"] in by_name.text and "1 dokumen" in by_name.text
    assert first["number"] in page(lan, "/dokumen", cari=first["nip"]).text
    by_number = page(lan, "/dokumen", cari=first["number"].lower())
    assert f"/dokumen/lihat?{urlencode({'n': first['number']})}" in by_number.text


def test_filters_and_a_bad_filter_named_in_place(lan):
    everything = page(lan, "/dokumen")
    assert f"{len(lan.issued)} dokumen" in everything.text
    none_revoked = page(lan, "/dokumen", status="dicabut")
    assert "0 dokumen" in none_revoked.text
    other_month = page(lan, "/dokumen", bulan="2026-03")
    assert "0 dokumen" in other_month.text
    bad = page(lan, "/dokumen", status="hilang")
    assert bad.status_code == 400 and "status &#39;hilang&#39; tidak dikenal" in bad.text


def test_the_document_page_shows_status_link_qr_and_record(lan):
    first = lan.issued[0]
    shown = page(lan, "/dokumen/lihat", n=first["number"])
    assert shown.status_code == 200
    assert first["name"] in shown.text and first["nip"] in shown.text
    # DOCX only: no signed PDF recorded, so the public page cannot call it SAH
    assert "TIDAK SAH" in shown.text
    assert "/verifikasi?n=" in shown.text and "<svg" in shown.text
    assert "Catatan keputusan" in shown.text and "Dasar:" in shown.text
    explained = page(lan, "/dokumen/penjelasan", n=first["number"])
    assert "Langkah-langkah dan dasar hukumnya" in explained.text or "Ringkasan" in explained.text


def test_a_pdf_the_registry_did_not_record_is_not_offered(lan):
    first = lan.issued[0]
    stem = first["docx"].stem
    (lan.config.parent / "dokumen-meja").mkdir(exist_ok=True)
    (lan.config.parent / "dokumen-meja" / f"{stem}.pdf").write_bytes(b"%PDF-1.7 bukan aslinya")
    shown = page(lan, "/dokumen/lihat", n=first["number"])
    assert shown.status_code == 200 and "Unduh PDF bertanda tangan" not in shown.text
    assert "PDF yang tercatat di registri tidak ada di folder dokumen" in shown.text
    assert page(lan, "/dokumen/berkas", n=first["number"]).status_code == 404


def test_revoke_needs_a_reason_and_a_confirmation(lan):
    number = lan.issued[0]["number"]
    no_reason = post(lan, "/dokumen/cabut", {"n": number, "alasan": " "})
    assert no_reason.status_code == 400 and "Alasan pencabutan wajib diisi" in no_reason.text
    asked = post(lan, "/dokumen/cabut", {"n": number, "alasan": "nama salah ketik"})
    assert asked.status_code == 200 and "Ya, cabut dokumen ini" in asked.text
    assert app.show_document(number, lan.registry, lan.config).row["status"] == "issued"

    done = post(
        lan, "/dokumen/cabut/konfirmasi", {"n": number, "alasan": "nama salah ketik"},
        follow_redirects=False,
    )  # fmt: skip

    assert done.status_code == 303
    row = app.show_document(number, lan.registry, lan.config).row
    assert (row["status"], row["revoked_by"], row["revoked_reason"]) == (
        "revoked", "ani", "nama salah ketik",
    )  # fmt: skip
    assert "DICABUT" in lan.get(done.headers["location"]).text


def test_reissue_offers_the_recorded_case_and_issues_only_the_replacement(lan):
    first = lan.issued[0]
    form = page(lan, "/dokumen/terbit-ulang", n=first["number"])
    assert form.status_code == 200 and f'value="{first["name"]}"' in form.text
    fixed = first["name"] + " Putra"

    done = post(lan, "/dokumen/terbit-ulang", {
        "n": first["number"], "nama": fixed, "jabatan": "", "instansi": "",
        "alasan": "nama salah ketik", "tanggal_terbit": ISSUED_ON.isoformat(),
    })  # fmt: skip

    assert done.status_code == 200, done.text
    assert "1 dokumen baru diterbitkan" in done.text
    old = app.show_document(first["number"], lan.registry, lan.config).row
    new = app.show_document(old["replaced_by"], lan.registry, lan.config).row
    assert (old["status"], new["name"], new["operator"], new["replaces"]) == (
        "revoked", fixed, "ani", first["number"],
    )  # fmt: skip
    stem = old["replaced_by"].replace("/", "-")
    assert list((lan.config.parent / "dokumen-meja").glob(f"{stem}-*.docx"))


def test_the_monthly_workbook_counts_each_type_and_status(lan):
    post(lan, "/dokumen/cabut/konfirmasi", {"n": lan.issued[0]["number"], "alasan": "salah"})
    download = page(lan, "/laporan/unduh", bulan="2026-02")
    assert download.status_code == 200
    assert "laporan-LAN-2026-02.xlsx" in download.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    totals = [tuple(c.value for c in row) for row in book["Rekap"].iter_rows()]
    issued = len(lan.issued)
    assert totals[0] == ("Jenis", "Terbit", "Dicabut", "Jumlah")
    assert totals[-1] == ("Jumlah", issued - 1, 1, issued)
    assert book["Dokumen"].max_row == issued + 1
    assert "0 " not in page(lan, "/laporan", bulan="2026-02").text.split("rekap")[0][-3:]


def test_an_auditor_sees_the_record_its_replay_and_the_audit(desk_client, lan):
    auditor = desk_client("auditor", "LAN", username="audi")
    number = lan.issued[0]["number"]
    record = page(auditor, "/audit/dokumen", n=number)
    assert record.status_code == 200
    assert "SAMA" in record.text and "Kasus yang tercatat" in record.text
    assert lan.issued[0]["nip"] in record.text and "Dasar:" in record.text
    audit = auditor.get("/audit")
    assert "UTUH" in audit.text and "Log audit utuh" in audit.text
    head = auditor.get("/audit/kepala")
    assert head.status_code == 200 and head.json()["registry"] == "aturan"
    assert page(lan, "/audit/dokumen", n=number).status_code == 403  # an operator is no auditor


# --- boundaries ---------------------------------------------------------------------------------


MINE = {"/dokumen", "/dokumen/lihat", "/dokumen/penjelasan", "/dokumen/berkas", "/dokumen/cabut",
        "/dokumen/cabut/konfirmasi", "/dokumen/terbit-ulang", "/laporan", "/laporan/unduh",
        "/audit", "/audit/kepala", "/audit/dokumen"}  # fmt: skip


SIGN_IN_OUT = ("/masuk", "/keluar")


def _routes(client) -> list[APIRoute]:
    """Every route of the app, however FastAPI nests the included routers."""
    found, waiting = [], list(client.app.routes)
    while waiting:
        route = waiting.pop()
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            waiting.extend(route.original_router.routes)
    assert MINE <= {r.path for r in found}
    return found


def _path(route: APIRoute, number: str) -> str:
    """The route's path with each parameter filled with LAN's number."""
    path = route.path
    for name in route.param_convertors:
        path = path.replace("{" + name + "}", number.replace("/", "-"))
    return path


def test_another_institutions_operator_sees_and_changes_nothing_of_lan_through_any_url(
    desk_client, lan
):
    target = lan.issued[0]
    jatim = desk_client("operator,auditor", "BPSDM-JATIM", username="budi")
    assert page(lan, "/dokumen/lihat", n=target["number"]).status_code == 200  # LAN sees it
    form = {"n": target["number"], "alasan": "uji", "nama": "Diubah", "bulan": "2026-02"}
    form |= {"tanggal_terbit": "2026-02-02", "nomor": target["number"]}
    secrets = (target["name"], target["nip"])
    for route in _routes(jatim):
        if route.path in SIGN_IN_OUT:
            continue  # signing out would end the walk
        path = _path(route, target["number"])
        for method in route.methods:
            for asked in (target["number"], target["nip"], target["name"]):
                query = {**form, "cari": asked, "q": asked}
                if method == "GET":
                    answer = jatim.get(f"{path}?{urlencode(query)}")
                else:
                    answer = post(jatim, path, query)
                shown = answer.text.replace(asked, "")
                leaked = [s for s in secrets if s != asked and s in shown]
                assert not leaked, (method, path, asked, leaked)
                if path.startswith("/dokumen/") and path != "/dokumen":
                    assert answer.status_code in (403, 404), (method, path, answer.status_code)
    row = app.show_document(target["number"], lan.registry, lan.config).row
    assert row["status"] == "issued" and row["replaced_by"] is None
    report = page(jatim, "/laporan/unduh", bulan="2026-02")
    rows = openpyxl.load_workbook(io.BytesIO(report.content))["Dokumen"].max_row
    assert rows == 1  # only the header: BPSDM-JATIM issued nothing


def test_an_auditor_cannot_write_through_any_post_route(desk_client, lan):
    auditor = desk_client("auditor", "LAN", username="audi")
    target = lan.issued[0]
    form = {
        "n": target["number"],
        "alasan": "uji",
        "nama": "Diubah",
        "tanggal_terbit": "2026-02-02",
    }
    posts = [r for r in _routes(auditor) if "POST" in r.methods]
    assert any(r.path == "/dokumen/cabut/konfirmasi" for r in posts)
    for route in posts:
        if route.path in SIGN_IN_OUT:
            continue
        answer = post(auditor, _path(route, target["number"]), form)
        assert answer.status_code == 403, (route.path, answer.status_code)
    row = app.show_document(target["number"], lan.registry, lan.config).row
    assert row["status"] == "issued"


def test_the_auditor_scope_is_set_in_the_configuration(desk_client, lan):
    scoped = desk_client("auditor", "BPSDM-JATIM", username="audi-jatim")
    number = lan.issued[0]["number"]
    assert page(scoped, "/audit/dokumen", n=number).status_code == 404
    assert number not in page(scoped, "/dokumen").text
    data = yaml.safe_load(scoped.config.read_text(encoding="utf-8"))
    data["desk"] = {**(data.get("desk") or {}), "auditor_scope": "semua"}
    scoped.config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    everyone = TestClient(create_desk_app(scoped.config, scoped.registry))
    assert sign_in(everyone, "audi-jatim").status_code == 303
    everyone.csrf = csrf_token(everyone, "/")

    assert page(everyone, "/audit/dokumen", n=number).status_code == 200
    assert number in page(everyone, "/dokumen").text
    refused = post(everyone, "/dokumen/cabut/konfirmasi", {"n": number, "alasan": "x"})
    assert refused.status_code == 403
