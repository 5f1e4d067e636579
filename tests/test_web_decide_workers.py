"""The decide API apart from verification (issue 25, item 5): its own worker processes, a
bounded queue and a time limit. A flood of decide requests fills its workers (503 past the queue)
while the verification API keeps answering; a request past its time limit is cut and the next
one is answered by a fresh worker."""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
import yaml
from conftest import ROOT

from aturan.documents import open_registry
from aturan.web.decide_pool import DecidePool, DecideUnavailable


def sample_case():
    data = yaml.safe_load((ROOT / "samples" / "budi-petahana-administrator.yaml").read_text())
    return json.loads(json.dumps(data, default=str))


def test_a_decision_past_its_time_limit_is_cut_and_the_next_is_answered():
    pool = DecidePool(workers=1, timeout=0.001)  # no decision is made within a millisecond
    body = {"case": sample_case(), "as_of": "2026-02-01"}
    try:
        with pytest.raises(DecideUnavailable, match="tidak selesai dalam 0.001 detik"):
            pool.answer("decide", body)
        pool.timeout = 60
        answer = pool.answer("decide", body)  # the cut worker was replaced
        assert answer["nip"] == "198503152010011001"
        text = pool.answer("explain", {**body, "lang": "id"})["text"]
        assert "Budi Santoso" in text
    finally:
        pool.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def deciding_server(tmp_path):
    registry = tmp_path / "reg.sqlite"
    store, _ = open_registry(registry, None, create=True)
    store.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aturan.cli", "serve", "--port", str(port)]
        + ["--registry", str(registry), "--api-putusan", "--pekerja-putusan", "1"]
        + ["--rate-limit", "1000000/minute"],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    server.terminate()
    server.wait(timeout=20)


def request(port, method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"content-type": "application/json"} if body else {}
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    return answer.status, data


def test_a_decide_flood_fills_its_own_workers_while_verification_answers(deciding_server):
    port = deciding_server
    body = {"case": sample_case(), "as_of": "2026-02-01"}
    flooding = threading.Event()
    flooding.set()
    statuses: list[int] = []

    def flood():
        while flooding.is_set():
            statuses.append(request(port, "POST", "/api/decide", body)[0])

    threads = [threading.Thread(target=flood) for _ in range(12)]
    for thread in threads:
        thread.start()
    try:
        give_up = time.monotonic() + 120
        while 503 not in statuses:  # the flood is past its queue: decide workers saturated
            assert time.monotonic() < give_up, f"no request refused: {set(statuses)}"
            time.sleep(0.05)
        verdicts = [
            request(port, "GET", "/api/verify?n=0001/STTP/PKASN/2026&c=0000000000000000")
            for _ in range(20)
        ]
        still_flooding = 503 in statuses and all(thread.is_alive() for thread in threads)
    finally:
        flooding.clear()
        for thread in threads:
            thread.join(timeout=120)
    assert still_flooding
    assert all(status == 200 for status, _ in verdicts)
    assert all(json.loads(data)["status"] == "tidak_terdaftar" for _, data in verdicts)
    assert 200 in statuses and set(statuses) <= {200, 503}
