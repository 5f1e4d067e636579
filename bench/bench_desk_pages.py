"""The desk's pages with 20,000 documents in the registry (issue 26): the search page, a filtered
list and a document page, p50/p95/p99 in ms over HTTP against `aturan desk` (goal: p95 under
200 ms).

The registry (SQLite, kept in FOLDER for the next run) is filled through the library's
`Registry.issue` in a loop, no DOCX, no PDF, no LibreOffice: two institutions (LAN 16,000,
BPSDM-JABAR 4,000), eight types, document dates over 2025 and 2026, one in fifty revoked,
competency certificates valid for a year. RECORDED of LAN's documents carry a real decision
record (the sample Budi's, issued once into a scratch registry), so their pages show a record's
summary and fired rules as real ones do; the document pages measured are theirs.

Then `aturan desk` runs as a subprocess over it, signed in as a LAN operator, and one client
(sequential keep-alive requests, httpx) asks REQUESTS of each page after a warm-up:
- search: /dokumen?cari=<a name fragment, a NIP or a number>
- filtered list: /dokumen?jenis=<type>&status=<state>&bulan=<month>
- document: /dokumen/lihat?n=<number>
The load average before each kind is printed: the machine is shared; read the numbers against it.

Usage: python bench/bench_desk_pages.py [--folder DIR] [--size 20000] [--requests 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

from aturan import app
from aturan.desk import open_accounts
from aturan.documents import Search, numbering_codes, open_registry

ROOT = Path(__file__).resolve().parents[1]
RECORDED = 200
INSTITUTIONS = (("LAN", 0.8), ("BPSDM-JABAR", 0.2))
PASSWORD = "kata-sandi-bench-1"
STATES = ("berlaku", "kedaluwarsa", "dicabut", "terbit")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def config_for(folder: Path, institution: str) -> Path:
    """The project's configuration for `institution`, numbers carrying its code, the registry
    keys from the environment (kept with the registries)."""
    data = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    data["institution"]["code"] = institution
    data["numbering"]["format"] = "{seq:04d}/{code}/{institution}/{year}"
    data["registry"] = {"key_env": "ATURAN_REGISTRY_KEY",
                        "signing_key_env": "ATURAN_REGISTRY_SIGNING_KEY"}  # fmt: skip
    data["desk"] = {"documents_folder": str(folder / "dokumen")}
    path = folder / f"institution-{institution}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def a_record(folder: Path, config: Path) -> tuple[str, str]:
    """(version, text) of a real decision record: the sample Budi's certificate's."""
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        request = app.IssueRequest(
            source=ROOT / "samples" / "budi-petahana-administrator.yaml",
            out_dir=Path(scratch) / "dok",
            as_of=dt.date(2026, 2, 1),
            issue_date=dt.date(2026, 2, 2),
            registry=Path(scratch) / "r.sqlite",
            config=config,
            new_registry=True,
        )
        number = app.issue(request).report.issued[0]["number"]
        store, _ = open_registry(Path(scratch) / "r.sqlite", config)
        stored = store.decision_record(number)
        store.close()
    assert stored is not None
    return stored["version"], stored["record"]


def build(folder: Path, size: int) -> Path:
    """The registry of `size` documents (made once, reused)."""
    path = folder / f"meja-{size}.sqlite"
    if path.exists():
        return path
    configs = {code: config_for(folder, code) for code, _ in INSTITUTIONS}
    record = a_record(folder, configs["LAN"])
    kinds = list(numbering_codes(app.rulebook(), {}))
    rng = random.Random(size)
    started = time.perf_counter()
    made = 0
    for code, share in INSTITUTIONS:
        store, _ = open_registry(path, configs[code], create=True)
        for i in range(int(size * share)):
            _issue(
                store, code, made, kinds[made % len(kinds)], rng, record if i < RECORDED else None
            )
            made += 1
        store.close()
    print(f"  {made} documents issued in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _issue(store, code: str, index: int, kind: str, rng, record) -> None:
    day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(730))
    until = day + dt.timedelta(days=365) if kind == "sertifikat_kompetensi" else None
    number = store.issue(
        doc_type=kind,
        nip=f"19850101{index:010d}",
        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        event_key=f"pka:{index}",
        decision_id=f"d{index}",
        rules_version="v1",
        content_hash=secrets.token_hex(32),
        year=day.year,
        doc_date=day.isoformat(),
        now=f"{day.isoformat()}T08:00:00+00:00",
        valid_until=until.isoformat() if until else None,
        record=record,
        operator="bench",
    ).number
    if index % 50 == 49:
        store.revoke(number, "uji beban", f"{day.isoformat()}T09:00:00+00:00", "bench")


FIRST = "Budi Sari Dewi Rudi Joko Ani Siti Agus Rina Hendra Wati Yusuf Putri Eko Nur".split()
LAST = "Santoso Wulandari Lestari Hartono Prasetyo Saputra Nugroho Kusuma Hidayat Wibowo".split()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(path: Path, config: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "aturan.cli", "desk", "--registry", str(path)]
    command += ["--config", str(config), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode() if server.stderr else "") from None
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("aturan desk did not start")


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = CSRF.search(client.get("/masuk").text)
    assert token
    data = {"nama_pengguna": "bench-operator", "kata_sandi": PASSWORD, "csrf": token[1]}
    answer = client.post("/masuk", data=data)
    assert answer.status_code == 303, answer.text[:300]
    return client


def percentiles(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100)
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


def measure(client: httpx.Client, paths: list[str]) -> dict[str, float]:
    for path in paths[:20]:  # warm-up
        client.get(path)
    times = []
    for path in paths:
        begin = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - begin)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
    return {"load_before": os.getloadavg()[0], **percentiles(times)}


def pages(path: Path, config: Path, requests: int) -> dict[str, list[str]]:
    """REQUESTS paths of each kind, from LAN's own documents."""
    store, _ = open_registry(path, config)
    rows = store.search(Search(institution="LAN"), 100_000)[0]
    store.close()
    recorded = [r for r in rows if r["operator"] == "bench" and r["decision_id"] in RECORDED_IDS]
    rng = random.Random(7)
    codes = list(numbering_codes(app.rulebook(), {}).values())
    search, listed, shown = [], [], []
    for _ in range(requests):
        row = rng.choice(rows)
        asked = rng.choice([row["name"].split()[0].lower(), row["nip"], row["number"]])
        search.append("/dokumen?" + str(httpx.QueryParams({"cari": asked})))
        month = f"{rng.choice([2025, 2026])}-{rng.randrange(1, 13):02d}"
        query = {"jenis": rng.choice(codes), "status": rng.choice(STATES), "bulan": month}
        listed.append("/dokumen?" + str(httpx.QueryParams(query)))
        shown.append(
            "/dokumen/lihat?" + str(httpx.QueryParams({"n": rng.choice(recorded)["number"]}))
        )
    return {"search": search, "filtered list": listed, "document": shown}


RECORDED_IDS = {f"d{i}" for i in range(RECORDED)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=ROOT / "bench" / ".registries")
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    keys = args.folder / "keys.json"  # the registries' keys, kept with them
    if not keys.exists():
        keys.write_text(json.dumps({"key": secrets.token_hex(32), "sign": secrets.token_hex(32)}))
    known = json.loads(keys.read_text())
    os.environ["ATURAN_REGISTRY_KEY"] = known["key"]
    os.environ["ATURAN_REGISTRY_SIGNING_KEY"] = known["sign"]
    print(f"registry of {args.size} documents in {args.folder}", flush=True)
    path = build(args.folder, args.size)
    config = config_for(args.folder, "LAN")
    accounts = open_accounts(path, config)
    if not any(row.account.username == "bench-operator" for row in accounts.listing()):
        accounts.add("bench-operator", "LAN", ["operator"], "Operator Bench", PASSWORD)
    accounts.db.close()
    port = free_port()
    server = serve(path, config, port)
    results = {}
    try:
        client = signed_in(f"http://127.0.0.1:{port}")
        for kind, paths in pages(path, config, args.requests).items():
            results[kind] = measure(client, paths)
            print(kind, json.dumps(results[kind]), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{args.requests} requests of each page, one client, {args.size} documents")


if __name__ == "__main__":
    main()
