"""`aturan serve` as a public page (issue 25, items 3 and 5): security headers on every answer,
HEAD, no traceback, no other host, a rate limit shared by workers, the decide API off unless
turned on and bounded when on, a slow client cut, and an old registry left unmigrated. Every test
here serves a registry without documents (no LibreOffice); verdicts are in tests/test_web.py."""

import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT
from fastapi.testclient import TestClient

from aturan.cli import main
from aturan.documents import open_registry
from aturan.web import create_app

V1_REGISTRY = ROOT / "tests" / "data" / "registry-v1.sqlite"  # schema version 1, test keys
V1_KEYS = {"ATURAN_REGISTRY_KEY": "11" * 32, "ATURAN_REGISTRY_SIGNING_KEY": "33" * 32}
PAGES = ["/", "/verifikasi", "/verifikasi?n=9999/STTP/PKASN/2027&c=0000000000000000"]


@pytest.fixture(scope="module")
def empty_registry(tmp_path_factory):
    path = tmp_path_factory.mktemp("publik") / "reg.sqlite"
    store, _ = open_registry(path, None, create=True)
    store.close()
    return path


@pytest.fixture(scope="module")
def client(empty_registry):
    return TestClient(create_app(empty_registry, rate_limit="1000/minute"))


def answers(client):
    """An answer of every kind: pages, the API, a refusal, an unknown address and method."""
    yield from (client.get(path) for path in PAGES)
    yield client.get("/api/verify", params={"n": "x", "c": "y"})
    yield client.get("/openapi.json")
    yield client.get("/tidak-ada")
    yield client.delete("/verifikasi")
    yield client.post("/verifikasi", data={"lain": "x"})
    yield client.get("/verifikasi", params={"n": "x" * 500})  # a validation error


def test_every_answer_carries_the_security_headers(client):
    for answer in answers(client):
        headers = answer.headers
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
        assert not re.search(r"https?:", policy)  # no other host may serve anything
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"


def test_head_answers_like_get_without_a_body(client):
    for path in ["/verifikasi", "/openapi.json"]:
        answer = client.head(path)
        assert answer.status_code == 200 and answer.content == b""
        assert "content-security-policy" in answer.headers


def test_no_served_page_refers_to_another_host(client):
    for answer in answers(client):
        hosts = set(re.findall(r"https?://([^/\"'\s<>]+)", answer.text))
        assert hosts <= {"testserver"}, (answer.url, hosts)
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN
    assert client.get("/redoc").status_code == 404


def test_an_unexpected_error_answers_500_without_trace_or_path(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError(f"gagal membaca {ROOT}/rahasia.py")

    monkeypatch.setattr("aturan.web.app.by_number", broken)
    for path in ["/verifikasi", "/api/verify"]:
        answer = client.get(path, params={"n": "0001/STTP/PKASN/2027", "c": "0" * 16})
        assert answer.status_code == 500
        assert "Traceback" not in answer.text and str(ROOT) not in answer.text
        assert "rahasia" not in answer.text and "kesalahan di server" in answer.text
        assert answer.headers["x-frame-options"] == "DENY"


def rate_store(kind, tmp_path, request):
    if kind == "sqlite":
        return f"aturan+sqlite:///{tmp_path / 'batas.sqlite'}"
    database = request.getfixturevalue("new_database")()
    return database.replace("postgresql://", "aturan+postgresql://", 1)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_workers_share_one_rate_limit(empty_registry, tmp_path, request, kind):
    """Two server processes (on one machine with SQLite, on any number with PostgreSQL) count
    one client once: the fourth request of three a minute is refused, by either."""
    store = rate_store(kind, tmp_path, request)
    first, second = (
        TestClient(create_app(empty_registry, rate_limit="3/minute", rate_limit_storage=store))
        for _ in range(2)
    )
    statuses = [
        worker.get("/api/verify", params={"n": "x", "c": "y"}).status_code
        for worker in (first, second, first, second)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = first.get("/api/verify", params={"n": "x", "c": "y"})
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_a_bad_rate_limit_store_is_one_message(empty_registry):
    result = CliRunner().invoke(
        main,
        ["serve", "--registry", str(empty_registry), "--rate-limit-storage", "bukan://apa-apa"],
    )
    assert result.exit_code == 2 and "--rate-limit-storage" in result.stderr
    assert "tidak dapat dipakai" in result.stderr
    assert "Traceback" not in result.stderr


def sample_case():
    data = yaml.safe_load((ROOT / "samples" / "budi-petahana-administrator.yaml").read_text())
    return json.loads(json.dumps(data, default=str))


def test_the_decide_api_is_off_unless_turned_on(client, empty_registry):
    body = {"case": sample_case(), "as_of": "2026-02-01"}
    assert client.post("/api/decide", json=body).status_code == 404
    assert client.post("/api/explain", json=body).status_code == 404
    assert "/api/decide" not in client.get("/openapi.json").json()["paths"]
    on = TestClient(create_app(empty_registry, rate_limit="1000/minute", api_decide=True))
    assert on.post("/api/decide", json=body).status_code == 200


@pytest.fixture(scope="module")
def deciding(empty_registry):
    return TestClient(create_app(empty_registry, rate_limit="1000/minute", api_decide=True))


def raw(client, text):
    return client.post("/api/decide", content=text, headers={"content-type": "application/json"})


def test_a_case_nested_900_deep_is_a_4xx_not_a_500(deciding):
    case = {**sample_case(), "catatan": "@"}  # today's code answers 500 (RecursionError)
    text = json.dumps({"case": case, "as_of": "2026-02-01"}).replace('"@"', "[" * 900 + "]" * 900)
    answer = raw(deciding, text)
    assert answer.status_code == 422 and "bersarang" in answer.json()["galat"]


def test_a_duplicate_key_is_refused_as_case_files_refuse_it(deciding):
    text = json.dumps({"case": sample_case(), "as_of": "2026-02-01"})
    doubled = text[:-1] + ', "as_of": "2026-03-01"}'
    answer = raw(deciding, doubled)
    assert answer.status_code == 422 and "as_of" in answer.json()["galat"]
    assert "dua kali" in answer.json()["galat"]


def test_too_many_events_or_too_large_a_body_is_refused(deciding):
    case = sample_case()
    case["events"] = [{"type": "mutasi", "date": "2020-01-01"}] * 300
    many = deciding.post("/api/decide", json={"case": case, "as_of": "2026-02-01"})
    assert many.status_code == 422 and "case.events" in many.json()["galat"]
    large = raw(deciding, '{"case": {}, "pad": "' + "x" * 300_000 + '"}')
    assert large.status_code == 413 and "terlalu besar" in large.json()["galat"]


def schema_versions(path):
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT version FROM schema_version")]


def test_an_old_registry_is_served_unmigrated_and_the_page_says_who_migrates_it(
    tmp_path, monkeypatch
):
    old = tmp_path / "lama.sqlite"
    shutil.copy(V1_REGISTRY, old)
    before = old.read_bytes()
    for name, value in V1_KEYS.items():
        monkeypatch.setenv(name, value)
    client = TestClient(create_app(old, rate_limit="1000/minute"))
    answer = client.get("/verifikasi", params={"n": "0001/STTP/PKASN/2026", "c": "0" * 16})
    assert answer.status_code == 503 and "perlu dimigrasi" in answer.text
    assert "aturan registry audit" in answer.text and "Traceback" not in answer.text
    api = client.get("/api/verify", params={"n": "0001/STTP/PKASN/2026", "c": "0" * 16})
    assert api.status_code == 503 and "perlu dimigrasi" in api.json()["galat"]
    assert old.read_bytes() == before  # not migrated, not written


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(empty_registry):
    """`aturan serve` on the empty registry with 1-second header and body deadlines: its port
    and its process."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aturan.cli", "serve", "--port", str(port)]
        + ["--registry", str(empty_registry)]
        + ["--batas-waktu-header", "1", "--batas-waktu-badan", "1"],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, server).close()
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_client_sending_its_headers_one_byte_at_a_time_is_cut(served):
    port, server = served
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    request = b"GET /verifikasi HTTP/1.1\r\nHost: x\r\nX-Lambat: " + b"a" * 40 + b"\r\n\r\n"
    cut = False
    for byte in request:  # 0.25 s a byte: the whole request would take over 20 s
        try:
            connection.sendall(bytes([byte]))
        except OSError:
            cut = True
            break
        if closed(connection, 0.25):
            cut = True
            break
    assert cut, "the slow client kept its connection for its whole request"
    server.terminate()
    server.wait(timeout=10)
    assert "perhatian: alamat verifikasi http://127.0.0.1:8000" in server.stderr.read().decode()


def test_a_body_that_never_comes_is_cut_at_its_deadline(served):
    port, _ = served
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(
        b"POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
        b"Content-Type: multipart/form-data; boundary=batas\r\n\r\n--batas\r\n"
        b'Content-Disposition: form-data; name="berkas"; filename="a.pdf"\r\n\r\n%PDF'
    )
    assert closed(connection, 5), "an upload stopped mid-body kept its connection open"


def test_headers_past_16_kb_are_refused(served):
    port, _ = served
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(b"GET /verifikasi HTTP/1.1\r\nHost: x\r\nX-Besar: " + b"a" * 20_000)
    answer = connection.recv(200)
    assert answer.startswith(b"HTTP/1.1 400"), answer
    assert closed(connection, 5)


def test_a_kept_alive_connection_answers_request_after_request(served):
    """The deadlines are a request's: a client that sends each request whole, on one connection
    (as browsers and load balancers do), is answered every time."""
    port, _ = served
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for _ in range(3):
        connection.request("GET", "/api/verify?n=0001/STTP/X/2027&c=" + "0" * 16)
        answer = connection.getresponse()
        assert answer.status == 200 and json.loads(answer.read())["status"] == "tidak_terdaftar"
        time.sleep(0.6)  # under the deadlines each time, over them in all
    connection.close()


def wait_for(port, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"aturan serve stopped: {server.stderr.read().decode()}")
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=2)
        except OSError:
            time.sleep(0.2)
    pytest.fail("aturan serve did not start within 60 s")


def closed(connection, wait):
    """Whether the server closed the connection (read within `wait` seconds)."""
    connection.settimeout(wait)
    try:
        return connection.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True
