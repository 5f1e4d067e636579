"""`aturan serve`: the verification page and the JSON API, through FastAPI's test client (issue 11,
item 4). The real server in a real browser is tests/test_browser.py."""

import datetime as dt
import json
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from conftest import DESIGN_RUN, ROOT, started_cases
from fastapi.testclient import TestClient

from aturan.cli import main
from aturan.documents import Settings
from aturan.errors import AturanError
from aturan.web import create_app
from aturan.web.lookup import mask_name, mask_nip

# Its module fixture issues the sample cohort as signed PDFs: every test needs LibreOffice, and
# `make test` runs the module on one worker (xdist_group) so the cohort is issued once.
pytestmark = [pytest.mark.libreoffice, pytest.mark.xdist_group("web")]

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]
REVOKED = "0002/STTP/PKASN/2027"


def cli(*args, warnings=None):
    result = CliRunner().invoke(main, [str(a) for a in args], env={"ATURAN_ROOT": str(ROOT)})
    assert result.exit_code == 0, result.output + result.stderr
    if warnings is not None:
        warnings.append(result.stderr)
    return result.stdout


PDF_RUN_STDERR: list[str] = []  # what `issue --pdf` said on stderr in the module's fixture


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The sample cohort issued as signed PDFs (a number stands only with a signed PDF recorded),
    and one STTP revoked."""
    out = tmp_path_factory.mktemp("web")
    designs = started_cases(COHORT, out)
    cli(
        "issue",
        "--registri-baru",
        designs,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        *DESIGN_RUN,
    )
    cli(
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        out,
        "--registry",
        out / "reg.sqlite",
        "--pdf",
        *ISSUE,
        warnings=PDF_RUN_STDERR,
    )
    cli(
        "registry",
        "revoke",
        "--ya",
        REVOKED,
        "--reason",
        "Salah cetak",
        "--registry",
        out / "reg.sqlite",
    )
    return out / "reg.sqlite"


@pytest.fixture(scope="module")
def client(registry):
    return TestClient(create_app(registry, rate_limit="1000/minute", api_decide=True))


def row_of(registry, number=None, doc_type="sttp"):
    db = sqlite3.connect(registry)
    db.row_factory = sqlite3.Row
    sql, args = (
        ("SELECT * FROM documents WHERE number=?", (number,))
        if number
        else ("SELECT * FROM documents WHERE doc_type=? AND status='issued'", (doc_type,))
    )
    return dict(db.execute(sql, args).fetchone())


def page(client, number, code):
    response = client.get("/verifikasi", params={"n": number, "c": code})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    return response.text


def test_the_qr_url_of_a_registered_document_shows_sah_with_the_holder_masked(client, registry):
    row = row_of(registry)
    url = cli("serve", "--registry", registry, "--print-url", row["number"]).strip()
    assert url.startswith("http://127.0.0.1:8000/verifikasi?")
    query = parse_qs(urlsplit(url).query)
    assert query == {"n": [row["number"]], "c": [row["content_hash"][:16]]}
    text = page(client, query["n"][0], query["c"][0])
    assert 'id="status">SAH<' in text
    assert "Surat Tanda Tamat Pelatihan" in text and "11 Januari 2027" in text
    assert mask_name(row["name"]) in text and mask_nip(row["nip"]) in text
    assert row["name"] not in text and row["nip"] not in text


def test_a_revoked_document_shows_dicabut_with_reason_and_date(client, registry):
    row = row_of(registry, REVOKED)
    text = page(client, REVOKED, row["content_hash"][:16])
    assert 'id="status">DICABUT<' in text and "SAH<" not in text
    assert "Salah cetak" in text and dt.date.today().year == int(row["revoked_at"][:4])
    assert "Dicabut pada" in text


def test_an_unknown_number_is_tidak_terdaftar(client):
    text = page(client, "9999/STTP/PKASN/2027", "0" * 16)
    assert 'id="status">TIDAK TERDAFTAR<' in text and "Pemegang" not in text


@pytest.mark.parametrize("code", ["", "0" * 16, "zz", "x" * 64])
def test_a_wrong_code_shows_nothing_about_the_holder(client, registry, code):
    row = row_of(registry)
    text = page(client, row["number"], code)
    assert 'id="status">KODE TIDAK COCOK<' in text
    for secret in (mask_name(row["name"]), mask_nip(row["nip"]), row["name"], "Pemegang"):
        assert secret not in text
    found = client.get("/api/verify", params={"n": row["number"], "c": code or "-"}).json()
    assert found["status"] == "kode_tidak_cocok" and found["document"] is None


def test_the_code_may_be_typed_in_capitals(client, registry):
    row = row_of(registry)
    assert 'id="status">SAH<' in page(client, row["number"], row["content_hash"][:16].upper())


def test_the_page_without_a_number_offers_both_checks_and_needs_no_script(client):
    text = client.get("/verifikasi").text
    assert 'action="/verifikasi"' in text and 'type="file"' in text and 'name="n"' in text
    assert "<script" not in text and "http" not in text.split("<body>")[1]
    assert client.get("/", follow_redirects=False).headers["location"] == "/verifikasi"


def test_posting_the_page_without_a_file_is_a_400_page(client):
    answer = client.post("/verifikasi", data={"lain": "x"})
    assert answer.status_code == 400 and "Pilih satu berkas PDF" in answer.text


def test_masking_keeps_two_letters_a_word_and_four_and_three_digits():
    assert mask_name("Budi Santoso") == "Bu** Sa*****"
    assert mask_name("Ni Made  Ayu") == "Ni Ma** Ay*"
    assert mask_nip("198503152010011001") == "1985***********001"


def test_the_api_verifies_a_number_and_its_code(client, registry):
    row = row_of(registry)
    found = client.get("/api/verify", params={"n": row["number"], "c": row["content_hash"][:16]})
    body = found.json()
    assert found.status_code == 200 and body["status"] == "sah" and body["label"] == "SAH"
    assert body["document"]["holder"] == mask_name(row["name"])
    assert body["document"]["type"] == "sttp"


@pytest.mark.parametrize(
    "name,data,status",
    [
        ("bukan.pdf", b"PK\x03\x04 not a pdf", "tidak_sah"),
        ("rusak.pdf", b"%PDF-1.7\n1 0 obj garbage", "tidak_sah"),
        ("kosong.pdf", b"", "tidak_sah"),
    ],
)
def test_an_upload_that_is_not_a_readable_pdf_is_never_sah(client, name, data, status):
    found = client.post("/api/verify", files={"berkas": (name, data, "application/pdf")})
    assert found.status_code == 200 and found.json()["status"] == status
    html = client.post("/verifikasi", files={"berkas": (name, data, "application/pdf")})
    assert html.status_code == 200 and 'id="status">TIDAK SAH<' in html.text


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read(registry):
    small = TestClient(create_app(registry, max_upload_mb=0.1, rate_limit="1000/minute"))
    big = b"%PDF-1.7\n" + b"0" * 200_000
    refused = small.post("/api/verify", files={"berkas": ("besar.pdf", big)})
    assert refused.status_code == 413 and "0.1 MB" in refused.json()["galat"]
    page_refused = small.post("/verifikasi", files={"berkas": ("besar.pdf", big)})
    assert page_refused.status_code == 413 and "TERLALU BESAR" in page_refused.text
    lying = small.post(
        "/api/verify", content=b"x", headers={"content-length": "999999999", "content-type": "x"}
    )
    assert lying.status_code == 413

    def chunks():  # no Content-Length: counted while read
        for _ in range(50):
            yield b"0" * 10_000

    multipart = {"content-type": "multipart/form-data; boundary=batas"}
    streamed = small.post("/api/verify", content=chunks(), headers=multipart)
    assert streamed.status_code == 413


def test_a_client_past_the_rate_limit_gets_429_in_indonesian(registry):
    limited = TestClient(create_app(registry, rate_limit="3/minute"))
    answers = [limited.get("/api/verify", params={"n": "x", "c": "y"}) for _ in range(4)]
    answers = [a.status_code for a in answers]
    assert answers == [200, 200, 200, 429]
    refused = limited.get("/api/verify", params={"n": "x", "c": "y"})
    assert "Terlalu banyak permintaan" in refused.json()["galat"]
    page_refused = limited.get("/verifikasi")
    assert page_refused.status_code == 429 and "TERLALU BANYAK PERMINTAAN" in page_refused.text
    assert limited.get("/openapi.json").status_code == 200  # the documentation is not limited


def sample_case():
    data = yaml.safe_load((ROOT / "samples" / "budi-petahana-administrator.yaml").read_text())
    return json.loads(json.dumps(data, default=str))  # YAML dates as ISO text, as JSON has them


def test_the_decide_api_gives_what_aturan_decide_gives(client):
    case_file = ROOT / "samples" / "budi-petahana-administrator.yaml"
    expected = json.loads(cli("decide", case_file, "--as-of", "2026-02-01", "--format", "json"))
    answer = client.post("/api/decide", json={"case": sample_case(), "as_of": "2026-02-01"})
    assert answer.status_code == 200
    decision = answer.json()
    assert decision["decision_id"] == expected["decision_id"]
    assert decision["design"] == expected["design"] and decision["trace"] == expected["trace"]


def test_the_explain_api_gives_the_text_of_aturan_explain(client):
    case_file = ROOT / "samples" / "budi-petahana-administrator.yaml"
    expected = cli("explain", case_file, "--as-of", "2026-02-01", "--model", "cluster")
    answer = client.post(
        "/api/explain", json={"case": sample_case(), "as_of": "2026-02-01", "model": "cluster"}
    )
    assert answer.status_code == 200 and answer.json()["text"] + "\n" == expected  # echo's newline


@pytest.mark.parametrize(
    "change,field,words",
    [
        ({"as_of": "2026-02-31"}, "as_of", "tanggal ISO"),
        ({"as_of": "1800-01-01"}, "as_of", "di luar rentang"),
        ({"as_of": None}, "as_of", "tanggal ISO"),
        ({"model": "bebas"}, "model", "tidak dikenal"),
        ({"lang": "fr"}, "lang", "tidak dikenal"),
        ({"case": "budi"}, "case", "objek JSON"),
        ({"extra": 1}, "extra", "tidak dikenal"),
        ({"case": {"nip": "1"}}, "case", "isian"),
        ({"tier": "raja"}, "case.position.tier", "tidak dikenal"),
        ({"assessment_date": "2026-03-01"}, "case.assessments[0].date", "sesudah tanggal"),
    ],
)
def test_bad_input_to_the_api_is_a_422_naming_the_field_in_indonesian(client, change, field, words):
    body = {"case": sample_case(), "as_of": "2026-02-01", **change}
    if "tier" in change:
        body["case"]["position"]["tier"] = body.pop("tier")
    if "assessment_date" in change:
        body["case"]["assessments"][0]["date"] = body.pop("assessment_date")
    answer = client.post("/api/explain", json=body)
    assert answer.status_code == 422, answer.text
    error = answer.json()
    assert error["isian"].startswith(field) and words in error["galat"]
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(
    "content",
    [b"{bukan json", b"[1, 2]", b""],
)
def test_a_body_that_is_not_a_json_object_is_a_422(client, content):
    answer = client.post(
        "/api/decide", content=content, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422 and "galat" in answer.json()


def test_unknown_addresses_and_methods_answer_in_indonesian(client):
    assert client.get("/tidak-ada").json() == {"galat": "alamat tidak ditemukan"}
    assert client.delete("/api/decide").status_code == 405


def test_openapi_describes_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    assert {
        ("/verifikasi", "get"),
        ("/verifikasi", "post"),
        ("/api/verify", "get"),
        ("/api/verify", "post"),
        ("/api/decide", "post"),
        ("/api/explain", "post"),
    } <= {(path, method) for path, methods in spec["paths"].items() for method in methods}
    assert client.get("/docs").status_code == 404  # Swagger UI loads from a CDN: not served


def dump(path):
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def test_no_endpoint_writes_to_the_registry(registry):
    app = TestClient(create_app(registry, rate_limit="1000/minute"))
    before = dump(registry)
    row = row_of(registry)
    app.get("/verifikasi", params={"n": row["number"], "c": row["content_hash"][:16]})
    app.get("/api/verify", params={"n": REVOKED, "c": "0" * 16})
    app.post("/verifikasi", files={"berkas": ("a.pdf", b"%PDF-1.7 x")})
    app.post("/api/verify", files={"berkas": ("a.pdf", b"%PDF-1.7 x")})
    app.post("/api/decide", json={"case": sample_case(), "as_of": "2026-02-01"})
    assert dump(registry) == before
    with _reader(registry) as store:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("DELETE FROM documents")


def _reader(registry):
    from aturan.web.app import Server

    return Server(registry, None).registry()


def test_a_missing_registry_or_a_bad_base_url_fails_at_start(tmp_path, registry):
    with pytest.raises(AturanError, match="registri tidak ditemukan"):
        create_app(tmp_path / "tidak-ada.sqlite")
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text())
    for bad in (None, "ftp://contoh", "verifikasi.contoh.go.id", "http://contoh/?a=1"):
        config["verification"] = {"base_url": bad}
        path = tmp_path / "institution.yaml"
        path.write_text(yaml.safe_dump(config))
        with pytest.raises(AturanError, match="alamat verifikasi"):
            Settings.load(path)


def test_issue_pdf_warns_that_a_local_base_url_cannot_be_opened_by_recipients(registry):
    (said,) = PDF_RUN_STDERR
    assert "perhatian: alamat verifikasi http://127.0.0.1:8000 adalah alamat lokal" in said


def test_official_documents_are_refused_with_a_local_or_plain_http_base_url(tmp_path):
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text())
    config["signing"]["demo"] = False
    config["registry"]["key_file"] = str(ROOT / "keys" / "registry.key")
    config["registry"]["signing_key_file"] = str(ROOT / "keys" / "registry-signing.key")
    for bad in ("http://127.0.0.1:8000", "http://verifikasi.contoh.go.id", "https://10.0.0.5"):
        config["verification"] = {"base_url": bad}
        path = tmp_path / "institution.yaml"
        path.write_text(yaml.safe_dump(config))
        result = CliRunner().invoke(
            main,
            ["issue", "--registri-baru", str(COHORT), "--out", str(tmp_path / "keluar")]
            + ["--registry", str(tmp_path / "reg.sqlite"), "--config", str(path), *ISSUE],
            env={"ATURAN_ROOT": str(ROOT)},
        )
        assert result.exit_code == 2 and "verification.base_url" in result.stderr, bad
        assert "Traceback" not in result.stderr and not (tmp_path / "reg.sqlite").exists()


def test_the_verification_note_names_the_configured_address(tmp_path):
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text())
    config["verification"] = {"base_url": "https://verifikasi.contoh.go.id/"}
    path = tmp_path / "institution.yaml"
    path.write_text(yaml.safe_dump(config))
    settings = Settings.load(path)
    assert settings.verification_base_url == "https://verifikasi.contoh.go.id"
    assert "https://verifikasi.contoh.go.id/verifikasi" in settings.verification_note


def test_a_row_altered_without_the_key_is_never_sah_and_its_holder_is_not_shown(tmp_path):
    designs = started_cases(COHORT, tmp_path)
    cli(
        "issue",
        "--registri-baru",
        designs,
        "--out",
        tmp_path,
        "--registry",
        tmp_path / "reg.sqlite",
        *DESIGN_RUN,
    )
    cli(
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        tmp_path,
        "--registry",
        tmp_path / "reg.sqlite",
        *ISSUE,
    )
    row = row_of(tmp_path / "reg.sqlite")
    db = sqlite3.connect(tmp_path / "reg.sqlite")
    with db:
        db.execute("UPDATE documents SET name='Nama Palsu' WHERE number=?", (row["number"],))
    db.close()
    client = TestClient(create_app(tmp_path / "reg.sqlite", rate_limit="1000/minute"))
    text = page(client, row["number"], row["content_hash"][:16])
    assert 'id="status">DIUBAH<' in text and "diubah tanpa wewenang" in text
    assert mask_name("Nama Palsu") not in text and "Pemegang" not in text
