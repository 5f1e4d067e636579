"""Many processes of two institutions issuing into one PostgreSQL registry at once, also killed
with SIGKILL at random moments and rerun: no duplicate number, no gap in any institution's
sequence, each (participant, type, event) issued once, and the audit intact. Also with each
institution connecting as its own role: neither can then touch the other's rows."""

import os
import random
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from conftest import ROOT
from pg_cluster import PASSWORD
from registry_worker import CODES, FORMAT

from aturan.documents import Registry

WORKERS = [("LAN", "a"), ("LAN", "b"), ("BPSDM-JABAR", "a"), ("BPSDM-JABAR", "b")]
EACH = 200
KEY = "22" * 32
SIGNING_KEY = "44" * 32
pytestmark = pytest.mark.postgres


def start(url, institution, worker):
    env = dict(
        os.environ,
        ATURAN_REGISTRY_KEY=KEY,
        ATURAN_REGISTRY_SIGNING_KEY=SIGNING_KEY,
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    )
    script = str(ROOT / "tests" / "registry_worker.py")
    return subprocess.Popen(
        [sys.executable, script, url, institution, worker, str(EACH)],
        env=env,
        stderr=subprocess.PIPE,
    )


def keys():
    return {"key": bytes.fromhex(KEY), "signing_key": bytes.fromhex(SIGNING_KEY)}


def assert_consistent(url):
    with psycopg.connect(url) as db:
        documents = db.execute("SELECT number, institution, seq, nip FROM documents").fetchall()
        events = db.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT nip, doc_type, event_key FROM documents) e"
        ).fetchone()[0]
    assert len(documents) == len(WORKERS) * EACH == events, "each (NIP, type, event) once"
    assert len({number for number, *_ in documents}) == len(documents), "no duplicate number"
    for institution in {i for i, _ in WORKERS}:
        seqs = sorted(seq for _, inst, seq, _ in documents if inst == institution)
        assert seqs == list(range(1, 2 * EACH + 1)), f"no gap in {institution}'s numbering"
    registry = Registry(url, FORMAT, CODES, **keys(), create=False)
    assert registry.audit() == []


def test_four_processes_of_two_institutions_number_without_gaps_or_duplicates(new_database):
    url = new_database()
    runs = [start(url, institution, worker) for institution, worker in WORKERS]
    for run in runs:
        assert run.wait(timeout=120) == 0, run.stderr.read().decode()
    assert_consistent(url)


def run_with_random_kills(url_of, seed):
    """Start every worker (at `url_of(institution)`), kill some at random in the first rounds,
    rerun the killed until all have finished; the number of kills."""
    rng, kills, rounds, pending = random.Random(seed), 0, 0, list(WORKERS)
    while pending:
        runs = {spec: start(url_of(spec[0]), *spec) for spec in pending}
        rounds += 1
        for _ in range(2 if rounds <= 3 else 0):  # two volleys in each of the first 3 rounds
            time.sleep(rng.uniform(0.7, 1.8))
            for run in runs.values():
                if run.poll() is None and rng.random() < 0.5:
                    run.send_signal(signal.SIGKILL)
                    kills += 1
        pending = [spec for spec, run in runs.items() if run.wait(timeout=120) != 0]
        assert all(runs[spec].returncode == -signal.SIGKILL for spec in pending), [
            runs[spec].stderr.read().decode() for spec in pending
        ]
    return kills


def test_workers_killed_at_random_and_rerun_leave_no_gap_or_duplicate(new_database):
    url = new_database()
    assert run_with_random_kills(lambda _: url, 12) > 0, "at least one worker was killed mid-run"
    assert_consistent(url)


# What one institution's role tries on the other's rows: each refused by the database.
TRESPASSES = (
    "UPDATE documents SET status='revoked', revoked_reason='x' WHERE institution=%s",
    "UPDATE documents SET pdf_fingerprint='x' WHERE institution=%s",
    "DELETE FROM documents WHERE institution=%s",
    "UPDATE counters SET last_seq=0 WHERE institution=%s",
    "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log LIMIT 1) AND %s <> ''",
)


def test_two_institutions_each_with_its_own_role_killed_at_random(new_database):
    admin = new_database()
    owner = Registry(admin, FORMAT, CODES, **keys())
    urls = {}
    for institution in {i for i, _ in WORKERS}:
        password = f"sandi-{institution.lower()}"
        role = owner.add_institution(institution, password)
        urls[institution] = admin.replace(f"postgres:{PASSWORD}@", f"{role}:{password}@")
    owner.close()

    assert run_with_random_kills(urls.get, 7) > 0, "at least one worker was killed mid-run"
    assert_consistent(admin)
    for mine, theirs in (("LAN", "BPSDM-JABAR"), ("BPSDM-JABAR", "LAN")):
        for statement in TRESPASSES:
            with psycopg.connect(urls[mine]) as db:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    db.execute(statement, (theirs,))
    assert_consistent(admin)
