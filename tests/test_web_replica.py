"""The verification service on a PostgreSQL read replica (issue 25, item 1): `aturan serve` given
a hot standby's URL answers from it, writes nothing (a standby refuses any write), and shows a
revocation made on the primary once the standby has replayed it."""

import time

import pg_cluster
import psycopg
import pytest
from fastapi.testclient import TestClient

from aturan.documents import open_registry
from aturan.web import create_app

pytestmark = pytest.mark.postgres


def issued(url):
    """One certificate with its PDF fingerprint, issued on the primary; (number, code)."""
    store, _ = open_registry(url, None, create=True)
    number = store.issue(
        doc_type="sttp",
        nip="198503152010011001",
        name="Budi Santoso",
        event_key="pka:2026-06-30",
        decision_id="d1",
        rules_version="v1",
        content_hash="ab" * 32,
        year=2026,
        doc_date="2026-07-01",
        now="2026-07-01T08:00:00+00:00",
        valid_until="2099-12-31",
    ).number
    store.record_fingerprints(number, None, "pdf-" + "ab" * 32)
    store.close()
    return number, ("ab" * 32)[:16]


def replayed(primary, standby):
    """Wait until the standby has replayed everything the primary wrote so far."""
    with psycopg.connect(primary, autocommit=True) as db:
        (target,) = db.execute("SELECT pg_current_wal_insert_lsn()").fetchone()
    deadline = time.monotonic() + 60
    with psycopg.connect(standby, autocommit=True) as db:
        while time.monotonic() < deadline:
            (done,) = db.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (str(target),)
            ).fetchone()
            if done:
                return
            time.sleep(0.1)
    pytest.fail("the standby did not catch up within 60 s")


def on(cluster_url, database):
    return cluster_url.rsplit("/", 1)[0] + "/" + database


def test_a_read_replica_serves_checks_and_shows_a_revocation_once_replayed(postgres, new_database):
    primary = new_database()
    number, code = issued(primary)
    with pg_cluster.replica(postgres) as standby_cluster:
        standby = on(standby_cluster, primary.rsplit("/", 1)[1])
        replayed(primary, standby)
        client = TestClient(create_app(standby, rate_limit="1000/minute"))
        found = client.get("/api/verify", params={"n": number, "c": code}).json()
        assert found["status"] == "sah", found
        store, _ = open_registry(primary, None)
        store.revoke(number, "salah nama", "2026-08-01T08:00:00+00:00")
        store.close()
        replayed(primary, standby)
        found = client.get("/api/verify", params={"n": number, "c": code}).json()
        assert found["status"] == "dicabut", found
        with psycopg.connect(standby, autocommit=True) as db:
            (in_recovery,) = db.execute("SELECT pg_is_in_recovery()").fetchone()
        assert in_recovery  # a standby: any write the server tried would have failed
