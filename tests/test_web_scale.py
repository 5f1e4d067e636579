"""A check by number costs the same at any registry size (issue 25, item 1): the page and the JSON
API authenticate the number's own audit entries, never the whole log (`registry audit` walks
it). Counted, not timed: the audit entries authenticated per request on a registry of 50 and of
3,000 documents. Registered through the library, without PDFs (no LibreOffice)."""

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from conftest import ROOT
from fastapi.testclient import TestClient
from test_web_public import closed, free_port, wait_for

from aturan.documents import open_registry
from aturan.documents.registry_log import AuditLog
from aturan.documents.storage import sqlite as sqlite_backend
from aturan.web import create_app

AUTHENTIC = AuditLog._authentic  # the unpatched check, counted by each test's own wrapper


def registry_of(folder, count):
    path = folder / f"reg-{count}.sqlite"
    store, _ = open_registry(path, None, create=True)
    for i in range(count):
        store.issue(
            doc_type="sttp",
            nip=f"19850315201001{i:04d}",
            name=f"Peserta {i}",
            event_key="pka:2026-06-30",
            decision_id=f"d{i}",
            rules_version="v1",
            content_hash=f"{i:016x}" + "ab" * 24,
            year=2026,
            doc_date="2026-07-01",
            now="2026-07-01T08:00:00+00:00",
            valid_until="2099-12-31",
        )
    row = store.list()[count // 2]
    store.record_fingerprints(row["number"], None, "pdf-" + row["content_hash"])
    store.close()
    return path, row["number"], row["content_hash"][:16]


def entries_read_per_check(path, number, code, monkeypatch):
    """Audit entries authenticated by each of four checks of one number (page and API, twice)."""
    counted = []

    def counting(self, entry):
        counted[-1] += 1
        return AUTHENTIC(self, entry)

    monkeypatch.setattr(AuditLog, "_authentic", counting)
    client = TestClient(create_app(path, rate_limit="1000/minute"))
    for address in ("/verifikasi", "/api/verify", "/verifikasi", "/api/verify"):
        counted.append(0)
        answer = client.get(address, params={"n": number, "c": code})
        assert answer.status_code == 200
    return counted


@pytest.fixture(scope="module")
def registries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("skala")
    return registry_of(folder, 50), registry_of(folder, 3000)


def test_a_check_by_number_reads_as_many_audit_entries_at_any_registry_size(
    registries, monkeypatch
):
    small, large = registries
    on_small = entries_read_per_check(*small, monkeypatch)
    on_large = entries_read_per_check(*large, monkeypatch)
    assert on_small == on_large
    assert max(on_large) <= 5  # the number's entries and the link after them, not the log


def steps_per_check(path, number, code, monkeypatch):
    """SQLite's work (virtual machine steps, in thousands) for each of three checks of one
    number: a table scanned for it grows with the registry, an index lookup barely does."""
    steps = [0]
    connect = sqlite_backend.sqlite3.connect

    def counting_connect(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + 1) or 0, 1000)
        return connection

    monkeypatch.setattr(sqlite_backend.sqlite3, "connect", counting_connect)
    client = TestClient(create_app(path, rate_limit="1000/minute"))
    client.get("/api/verify", params={"n": number, "c": code})  # the thread's connection opened
    counted = []
    for _ in range(3):
        steps[0] = 0
        assert client.get("/api/verify", params={"n": number, "c": code}).json()["status"] == "sah"
        counted.append(steps[0])
    return max(counted)


def test_a_check_by_number_finds_its_rows_by_index_not_by_scanning(registries, monkeypatch):
    small, large = registries
    on_small = steps_per_check(*small, monkeypatch)
    on_large = steps_per_check(*large, monkeypatch)
    assert on_large <= on_small + 2, (on_small, on_large)  # 60 times the documents


def test_the_number_found_is_still_judged_authentic(registries):
    """The cheap check still finds the row as the key authenticated it: SAH with the holder
    masked, and a wrong code hides the details."""
    path, number, code = registries[1]
    client = TestClient(create_app(path, rate_limit="1000/minute"))
    found = client.get("/api/verify", params={"n": number, "c": code}).json()
    assert found["status"] == "sah" and found["document"]["holder"] == "Pe***** 15**"
    wrong = client.get("/api/verify", params={"n": number, "c": "0" * 16}).json()
    assert wrong["status"] == "kode_tidak_cocok" and wrong["document"] is None


def test_a_revocation_undone_in_the_middle_of_the_log_is_not_sah(tmp_path):
    """Without walking the log: the revoke entry deleted (others written after it) and the row's
    columns reset leave the row's latest entry unlinked to the entry after it."""
    path, number, code = registry_of(tmp_path, 5)
    store, _ = open_registry(path, None)
    store.revoke(number, "salah nama", "2026-08-01T08:00:00+00:00")
    store.record_fingerprints(store.list()[0]["number"], None, "pdf-lain")  # an entry after
    store.db.execute("DELETE FROM audit_log WHERE action='revoke'")
    store.db.execute(
        "UPDATE documents SET status='issued', revoked_at=NULL, revoked_reason=NULL, "
        "revoked_by=NULL WHERE number=?",
        (number,),
    )
    store.close()
    client = TestClient(create_app(path, rate_limit="1000/minute"))
    found = client.get("/api/verify", params={"n": number, "c": code}).json()
    assert found["status"] == "diubah" and found["document"] is None


def test_serve_with_two_workers_answers_checks_and_cuts_a_slow_client(registries):
    """`aturan serve --workers 2`: uvicorn's worker processes each make the app from the
    settings the command put in the environment, with the header deadline it was given."""
    path, number, code = registries[0]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aturan.cli", "serve", "--port", str(port), "--workers", "2"]
        + ["--registry", str(path), "--batas-waktu-header", "1"],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        slow = wait_for(port, server)
        query = urllib.parse.urlencode({"n": number, "c": code})
        for _ in range(4):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/verify?{query}") as answer:
                assert json.load(answer)["status"] == "sah"
        slow.sendall(b"GET /verifikasi HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        assert closed(slow, 5), "the slow client kept its connection past the 1 s deadline"
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "setiap proses menghitung batas permintaannya sendiri" in server.stderr.read().decode()


def entries_read_for_an_earlier_copy(path, number, monkeypatch):
    """Audit entries authenticated to accept the PDF fingerprint a number had before its latest
    one (an earlier genuine copy, uploaded), on a copy of the registry."""
    copy = path.with_name(f"awal-{path.name}")
    copy.write_bytes(path.read_bytes())
    store, _ = open_registry(copy, None)
    store.record_fingerprints(number, None, "pdf-kedua")  # the first copy is now the earlier one
    counted = [0]

    def counting(self, entry):
        counted[0] += 1
        return AUTHENTIC(self, entry)

    monkeypatch.setattr(AuditLog, "_authentic", counting)
    earlier = store.get(number) and "pdf-" + store.get(number)["content_hash"]
    assert store.issued_fingerprint(number, earlier)
    assert not store.issued_fingerprint(number, "pdf-tidak-pernah")
    store.close()
    monkeypatch.undo()
    return counted[0]


def test_an_earlier_copy_is_accepted_reading_as_many_entries_at_any_registry_size(
    registries, monkeypatch
):
    small, large = registries
    on_small = entries_read_for_an_earlier_copy(small[0], small[1], monkeypatch)
    on_large = entries_read_for_an_earlier_copy(large[0], large[1], monkeypatch)
    assert on_small == on_large and on_large <= 3, (on_small, on_large)


@pytest.mark.postgres
def test_a_check_by_number_on_postgresql_is_one_round_trip_at_any_size(
    registries, new_database, monkeypatch
):
    """Counted, not timed: the statements a check by number sends to PostgreSQL (its four reads,
    the row among them, as one statement, which is its own snapshot: no BEGIN, no ROLLBACK), on
    registries of 50 and 3,000 documents copied from the SQLite ones."""
    import psycopg
    from pg_cluster import copy_to_postgres

    sent = []
    execute = psycopg.Connection.execute

    def counting(self, query, params=None, **kwargs):
        sent.append(str(query))
        return execute(self, query, params, **kwargs)

    counts = []
    for path, number, code in registries:
        url = new_database()
        copy_to_postgres(str(path), url)
        with TestClient(create_app(url, rate_limit="1000/minute")) as client:  # one event loop
            client.get("/api/verify", params={"n": number, "c": code})  # the connection opened
            monkeypatch.setattr(psycopg.Connection, "execute", counting)
            sent.clear()
            found = client.get("/api/verify", params={"n": number, "c": code}).json()
            counts.append(len(sent))
            monkeypatch.setattr(psycopg.Connection, "execute", execute)
        assert found["status"] == "sah"
    assert counts[0] == counts[1] and counts[1] == 1, (counts, sent)
