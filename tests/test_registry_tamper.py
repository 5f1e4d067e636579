"""The registry as someone with write access to the SQLite file but without the key would rewrite
it: every rewrite is detected by `registry audit`, and `verify` does not answer SAH for a document
whose row was altered."""

import hashlib
import hmac
import itertools
import json
import secrets
import sqlite3

import psycopg
import pytest
import yaml
from conftest import BACKENDS, DESIGN_RUN, ROOT, numbered, started_cases
from pg_cluster import new_database
from psycopg.rows import dict_row

from aturan.documents import Registry, Settings, status_of
from aturan.documents.registry_key import canonical
from aturan.documents.storage import is_url

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]
GENESIS = "0" * 64

# `make test` runs the module on one worker (xdist_group): the cohort is issued once per backend.
pytestmark = pytest.mark.xdist_group("registry_tamper")


@pytest.fixture(scope="module", params=BACKENDS)
def issued(request, tmp_path_factory):
    """The sample cohort issued once as DOCX (no LibreOffice needed), through the real CLI, into a
    SQLite file or a PostgreSQL database: (output folder, registry)."""
    from click.testing import CliRunner

    from aturan.cli import main

    out = tmp_path_factory.mktemp("tamper")
    target = out / "reg.sqlite"
    if request.param == "postgresql":
        target = new_database(request.getfixturevalue("postgres"), f"issued{next(_names)}")
    for source, dates in ((started_cases(COHORT, out), DESIGN_RUN), (COHORT, ISSUE)):
        result = CliRunner().invoke(
            main,
            ["issue", "--registri-baru", str(source), "--out", str(out), "--registry", str(target)]
            + dates,
            env={"ATURAN_ROOT": str(ROOT)},
        )
        assert result.exit_code == 0, result.output
    return out, target


_names = itertools.count(1)


@pytest.fixture
def registry(issued, tmp_path, request):
    """A private copy of the issued registry, to tamper with."""
    source = issued[1]
    if is_url(source):
        admin = request.getfixturevalue("postgres")
        return new_database(admin, f"copy{next(_names)}", template=source.rsplit("/", 1)[1])
    copy = tmp_path / "reg.sqlite"
    with sqlite3.connect(source) as original, sqlite3.connect(copy) as target:
        original.backup(target)
    return copy


def connect(target):
    """A raw connection to the registry, as an attacker with write access has: no key."""
    if is_url(target):
        return psycopg.connect(target, row_factory=dict_row)
    db = sqlite3.connect(target)
    db.row_factory = sqlite3.Row
    return db


def sql_of(target, statement):
    return statement.replace("?", "%s") if is_url(target) else statement


def attack(path, *statements):
    """Write to the registry as an attacker would: plain SQL, no key."""
    db = connect(path)
    for statement, *args in statements:
        db.execute(sql_of(path, statement), *args)
    db.commit()
    db.close()


def rows(path, sql, *args):
    db = connect(path)
    found = [dict(r) for r in db.execute(sql_of(path, sql), args)]
    db.close()
    return found


def postgres(path) -> bool:
    return is_url(path)


def document(path, doc_type):
    return rows(path, "SELECT * FROM documents WHERE doc_type=? ORDER BY seq", doc_type)[0]


def audit(aturan, path, *extra):
    return aturan("registry", "audit", "--registry", path, *extra)


def assert_detected(result, *fragments):
    """Audit exits 1, never says intact, names each fragment in its report, and never shows a
    traceback."""
    assert result.exit_code == 1, (result.output, result.stderr)
    assert "utuh" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)


def docx_of(issued, number):
    return numbered(issued, number, ".docx")


def standing(path, number):
    """The registry's word on a number, as the verification page and `verify` read it."""
    key = bytes.fromhex((ROOT / "keys" / "registry.key").read_text(encoding="ascii").strip())
    return status_of(number, open_registry(path, key))


def holder_keys(key):
    """The key holder's keys: this HMAC key and the project's signing key."""
    signing = (ROOT / "keys" / "registry-signing.key").read_text(encoding="ascii").strip()
    return {"key": key, "signing_key": bytes.fromhex(signing)}


def open_registry(path, key=None, *, keys=None, **options):
    settings = Settings.load(ROOT / "config" / "institution.yaml")
    return Registry(
        path,
        settings.number_format,
        settings.codes,
        **(keys or holder_keys(key)),
        create=False,
        institution=settings.institution,
        **options,
    )


def test_an_untouched_registry_audits_intact_with_and_without_its_head(aturan, registry, tmp_path):
    result = audit(aturan, registry)
    assert result.exit_code == 0, result.stderr
    assert "utuh" in result.output
    head = tmp_path / "kepala.json"
    assert aturan("registry", "head", "--registry", registry, "--out", head).exit_code == 0
    assert audit(aturan, registry, "--head", head).exit_code == 0


def test_every_change_to_a_row_is_an_authenticated_entry(registry):
    documents = rows(registry, "SELECT number FROM documents")
    entries = rows(registry, "SELECT action, number FROM audit_log ORDER BY id")
    # each document: its issue, then its DOCX fingerprint, each an entry of its own
    assert sorted(e["action"] for e in entries) == sorted(["issue", "fingerprint"] * len(documents))


def test_issuing_again_adds_no_entry(aturan, registry, tmp_path):
    before = rows(registry, "SELECT id FROM audit_log")
    again = aturan(
        "issue",
        "--registri-baru",
        COHORT,
        "--out",
        tmp_path / "lagi",
        "--registry",
        registry,
        *ISSUE,
    )
    assert again.exit_code == 0 and "0 dokumen baru" in again.output
    assert rows(registry, "SELECT id FROM audit_log") == before
    assert audit(aturan, registry).exit_code == 0


def test_a_revoked_document_unrevoked_is_detected_and_not_sah(aturan, registry, issued):
    number = document(registry, "sttp")["number"]
    revoked = aturan(
        "registry", "revoke", "--ya", number, "--reason", "salah ketik", "--registry", registry
    )
    assert revoked.exit_code == 0
    attack(
        registry,
        (
            "UPDATE documents SET status='issued', revoked_reason=NULL, revoked_at=NULL "
            "WHERE number=?",
            (number,),
        ),
    )
    assert_detected(audit(aturan, registry), number, "status, revoked_reason, revoked_at")
    assert standing(registry, number).status == "diubah"


def test_an_unrevocation_that_also_drops_the_revocation_entry_is_caught_by_the_head(
    aturan, registry, tmp_path
):
    number = document(registry, "sttp")["number"]
    aturan("registry", "revoke", "--ya", number, "--reason", "salah ketik", "--registry", registry)
    head = tmp_path / "kepala.json"
    assert aturan("registry", "head", "--registry", registry, "--out", head).exit_code == 0
    attack(
        registry,
        (
            "UPDATE documents SET status='issued', revoked_reason=NULL, revoked_at=NULL "
            "WHERE number=?",
            (number,),
        ),
        ("DELETE FROM audit_log WHERE action='revoke'",),
    )
    assert_detected(audit(aturan, registry, "--head", head), "kepala rantai")


@pytest.mark.parametrize("also_the_entry", [False, True], ids=["row", "row-and-entry"])
def test_a_holders_name_and_nip_changed_are_detected_and_not_sah(
    aturan, registry, issued, also_the_entry
):
    row = document(registry, "sertifikat_kompetensi")
    number = row["number"]
    statements = [
        (
            "UPDATE documents SET name='Orang Lain', nip='200001012020011001' WHERE number=?",
            (number,),
        )
    ]
    if also_the_entry:  # the latest entry rewritten to match, its hash recomputed without the key
        entry = rows(
            registry, "SELECT * FROM audit_log WHERE number=? ORDER BY id DESC LIMIT 1", number
        )[0]
        body = json.loads(entry["payload"])
        body["row"].update(name="Orang Lain", nip="200001012020011001")
        payload = canonical(body)
        digest = hashlib.sha256((entry["prev_hash"] + payload).encode()).hexdigest()
        statements.append(
            ("UPDATE audit_log SET payload=?, hash=? WHERE id=?", (payload, digest, entry["id"]))
        )
    attack(registry, *statements)
    expected = "hash tidak cocok" if also_the_entry else "nip, name"
    assert_detected(audit(aturan, registry), number, expected)
    verdict = standing(registry, number)
    assert verdict.status == "diubah" and "tanpa otorisasi" in verdict.message


def test_authentic_row_refuses_an_altered_row(registry, registry_key):
    number = document(registry, "sttp")["number"]
    assert open_registry(registry, registry_key).authentic_row(number)["number"] == number
    attack(registry, ("UPDATE documents SET name='Orang Lain' WHERE number=?", (number,)))
    store = open_registry(registry, registry_key)
    assert store.get(number)["name"] == "Orang Lain"
    assert store.authentic_row(number) is None
    assert open_registry(registry, secrets.token_bytes(32)).authentic_row(number) is None


def test_the_last_document_deleted_with_its_entries_is_caught_by_the_head(
    aturan, registry, tmp_path
):
    head = tmp_path / "kepala.json"
    assert aturan("registry", "head", "--registry", registry, "--out", head).exit_code == 0
    last = rows(registry, "SELECT number FROM audit_log ORDER BY id DESC LIMIT 1")[0]["number"]
    row = rows(registry, "SELECT * FROM documents WHERE number=?", last)[0]
    # a careful attacker: the row, its entries, its counter step and the id sequence, all undone
    attack(
        registry,
        ("DELETE FROM decision_records WHERE number=?", (last,)),
        ("DELETE FROM documents WHERE number=?", (last,)),
        ("DELETE FROM audit_log WHERE number=?", (last,)),
        (
            "UPDATE counters SET last_seq=last_seq-1 WHERE doc_type=? AND year=?",
            (row["doc_type"], row["year"]),
        ),
        (
            "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), "
            "(SELECT MAX(id) FROM audit_log))"
            if postgres(registry)
            else "UPDATE sqlite_sequence SET seq=(SELECT MAX(id) FROM audit_log) "
            "WHERE name='audit_log'",
        ),
    )
    assert_detected(audit(aturan, registry, "--head", head), "kepala rantai", "dihapus")


def test_a_document_deleted_but_its_entries_kept_is_detected(aturan, registry):
    number = document(registry, "sttp")["number"]
    attack(
        registry,
        ("DELETE FROM decision_records WHERE number=?", (number,)),
        ("DELETE FROM documents WHERE number=?", (number,)),
    )
    assert_detected(audit(aturan, registry), number, "tidak ada di registri")


@pytest.mark.parametrize("forger", ["unkeyed", "wrong-key"])
def test_the_whole_chain_recomputed_from_genesis_is_detected(aturan, registry, issued, forger):
    target = document(registry, "sertifikat_kompetensi")["number"]
    other_key = secrets.token_bytes(32)

    def mac(prev, payload):
        if forger == "unkeyed":
            return hashlib.sha256((prev + payload).encode()).hexdigest()
        return hmac.new(other_key, (prev + payload).encode(), hashlib.sha256).hexdigest()

    statements, prev = (
        [("UPDATE documents SET name='Orang Lain' WHERE number=?", (target,))],
        GENESIS,
    )
    for entry in rows(registry, "SELECT * FROM audit_log ORDER BY id"):
        body = json.loads(entry["payload"])
        if body["number"] == target:
            body["row"]["name"] = "Orang Lain"
        payload = canonical(body)
        digest = mac(prev, payload)
        statements.append(
            (
                "UPDATE audit_log SET payload=?, prev_hash=?, hash=? WHERE id=?",
                (payload, prev, digest, entry["id"]),
            )
        )
        prev = digest
    attack(registry, *statements)
    result = audit(aturan, registry)
    assert_detected(result, "entri 1: hash tidak cocok", "entri lain", "tidak satu pun dari")
    assert len(result.output.splitlines()) < 30, "listed up to 20 entries, then counted"
    assert standing(registry, target).status == "diubah"


def test_a_fake_document_with_a_correctly_chained_entry_is_detected(aturan, registry):
    model = document(registry, "sttp")
    counter = rows(registry, "SELECT last_seq FROM counters WHERE doc_type='sttp' AND year=2027")[
        0
    ]["last_seq"]
    fake = dict(
        model,
        seq=counter + 1,
        number=f"{counter + 1:04d}/STTP/PKASN/2027",
        nip="200001012020011001",
        name="Pemalsu",
        event_key="palsu",
    )
    last = rows(registry, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")[0]["hash"]
    payload = canonical(
        {
            "action": "issue",
            "at": fake["issued_at"],
            "number": fake["number"],
            "row": fake,
            "counter": counter + 1,
        }
    )
    columns = ", ".join(fake)
    attack(
        registry,
        (
            f"INSERT INTO documents ({columns}) VALUES ({', '.join('?' * len(fake))})",
            tuple(fake.values()),
        ),
        ("UPDATE counters SET last_seq=? WHERE doc_type='sttp' AND year=2027", (counter + 1,)),
        (
            "INSERT INTO audit_log (at, action, number, payload, prev_hash, hash) "
            "VALUES (?,?,?,?,?,?)",
            (
                fake["issued_at"],
                "issue",
                fake["number"],
                payload,
                last,
                hashlib.sha256((last + payload).encode()).hexdigest(),
            ),
        ),
    )
    assert_detected(
        audit(aturan, registry),
        "tanpa tanda tangan Ed25519",
        f"dokumen {fake['number']}: tidak ada entri",
    )


def joko_again(tmp_path):
    """A participant like the sample's first, under a new NIP: the next issue takes a new ASW
    number."""
    cases = yaml.safe_load(COHORT.read_text(encoding="utf-8"))["cases"]
    case = dict(cases[0], nip="199105052016031009", name="Joko Baru")
    path = tmp_path / "joko.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    return path


def test_a_counter_rolled_back_is_detected_and_the_next_issue_refuses_cleanly(
    aturan, registry, tmp_path
):
    attack(
        registry,
        (
            "UPDATE counters SET last_seq=last_seq-1 WHERE doc_type='permintaan_asesmen_awal' "
            "AND year=2027",
        ),
    )
    assert_detected(audit(aturan, registry), "penghitung permintaan_asesmen_awal 2027")
    before = rows(registry, "SELECT * FROM documents")
    result = aturan(
        "issue",
        "--registri-baru",
        joko_again(tmp_path),
        "--out",
        tmp_path / "o",
        "--registry",
        registry,
        *ISSUE,
    )
    assert result.exit_code == 2, (result.output, result.stderr)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    assert "registri tidak konsisten: penghitung permintaan_asesmen_awal 2027" in result.stderr
    assert "registry audit" in result.stderr
    assert rows(registry, "SELECT * FROM documents") == before, "no number was taken"


def test_a_constraint_the_registry_breaks_is_a_message_not_a_traceback(aturan, registry, tmp_path):
    model = document(registry, "permintaan_asesmen_awal")
    squatter = dict(model, number="0002/ASW/PKASN/2027", seq=-5, nip="1", event_key="x")
    attack(
        registry,
        (
            f"INSERT INTO documents ({', '.join(squatter)}) "
            f"VALUES ({', '.join('?' * len(squatter))})",
            tuple(squatter.values()),
        ),
    )
    before = rows(registry, "SELECT * FROM counters")
    result = aturan(
        "issue",
        "--registri-baru",
        joko_again(tmp_path),
        "--out",
        tmp_path / "o",
        "--registry",
        registry,
        *ISSUE,
    )
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "registri tidak konsisten" in result.stderr and "UNIQUE" in result.stderr.upper()
    assert rows(registry, "SELECT * FROM counters") == before, "no number was taken"


def test_an_entry_removed_from_the_middle_breaks_the_chain(aturan, registry):
    attack(registry, ("DELETE FROM audit_log WHERE id=3",))
    assert_detected(audit(aturan, registry), "entri 4: tautan ke entri sebelumnya putus")


def test_a_tampered_or_foreign_head_is_a_problem_and_a_bad_head_file_is_refused(
    aturan, registry, tmp_path
):
    head = tmp_path / "kepala.json"
    assert aturan("registry", "head", "--registry", registry, "--out", head).exit_code == 0
    data = json.loads(head.read_text())
    data["entries"] -= 2
    data["last_id"] -= 2
    forged = tmp_path / "palsu.json"
    forged.write_text(json.dumps(data))
    assert_detected(
        audit(aturan, registry, "--head", forged), "kepala rantai", "tanda tangan tidak sah"
    )
    broken = tmp_path / "rusak.json"
    broken.write_text('{"registry": "aturan", "entries": "banyak"}')
    result = audit(aturan, registry, "--head", broken)
    assert result.exit_code == 2 and str(broken) in result.stderr and "entries" in result.stderr


def test_printing_the_head_and_refusing_one_for_a_tampered_registry(aturan, registry):
    printed = aturan("registry", "head", "--registry", registry)
    head = json.loads(printed.output)
    assert printed.exit_code == 0 and head["registry"] == "aturan" and len(head["signature"]) == 128
    assert head["entries"] == head["last_id"] == len(rows(registry, "SELECT id FROM audit_log"))
    attack(registry, ("UPDATE documents SET name='Orang Lain' WHERE seq=1",))
    refused = aturan("registry", "head", "--registry", registry)
    assert refused.exit_code == 2 and "tidak utuh" in refused.stderr and not refused.output


def test_a_registry_of_the_old_unkeyed_format_is_reported_not_trusted(aturan, registry, issued):
    number = document(registry, "sttp")["number"]
    attack(registry, ("DROP TABLE registry_meta",))
    assert_detected(audit(aturan, registry), "format lama tanpa kunci")
    assert standing(registry, number).status != "sah"
    refused = aturan(
        "registry", "revoke", "--ya", number, "--reason", "uji", "--registry", registry
    )
    assert refused.exit_code == 2 and "format lama" in refused.stderr


def test_another_key_is_told_apart_and_writes_nothing(aturan, registry, monkeypatch):
    monkeypatch.setenv("ATURAN_REGISTRY_KEY", secrets.token_hex(32))
    monkeypatch.setenv("ATURAN_REGISTRY_SIGNING_KEY", secrets.token_hex(32))
    result = audit(aturan, registry)
    assert_detected(result, "bukan kunci yang membuat registri", "tidak satu pun dari")
    problems = [line for line in result.output.splitlines() if line.startswith("GALAT")]
    assert len(problems) == 2, "said once, not once per entry"
    number = document(registry, "sttp")["number"]
    before = rows(registry, "SELECT * FROM audit_log")
    refused = aturan(
        "registry", "revoke", "--ya", number, "--reason", "uji", "--registry", registry
    )
    assert refused.exit_code == 2 and "bukan kunci yang membuat registri" in refused.stderr
    assert rows(registry, "SELECT * FROM audit_log") == before


@pytest.mark.parametrize(
    "setting, message",
    [
        ({"key_file": "tidak-ada.key"}, "kunci registri tidak ditemukan"),
        ({"key_file": "pendek.key"}, "64 karakter heksadesimal"),
        ({"key_file": 7}, "registry.key_file"),
    ],
)
def test_a_missing_or_malformed_key_is_one_message(
    aturan, registry, tmp_path, monkeypatch, setting, message
):
    monkeypatch.delenv("ATURAN_REGISTRY_KEY", raising=False)
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    config["registry"] = setting
    path = tmp_path / "institution.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (tmp_path / "pendek.key").write_text("abc123\n")
    result = aturan("registry", "audit", "--registry", registry, "--config", path)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert message in result.stderr and str(tmp_path) in result.stderr  # names the file
    assert "jalankan `aturan keys init`" in result.stderr or "key_file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_concurrent_issues_into_one_new_registry_audit_intact(aturan, tmp_path, registry_url):
    """Processes racing to create and fill one registry still leave one intact chain."""
    import os
    import subprocess
    import sys

    from aturan.lab import generate, write_cohort

    registry = registry_url
    env = dict(os.environ, ATURAN_ROOT=str(ROOT), PYTHONPATH=str(ROOT / "src"))
    runs = []
    for seed in (1, 2, 3):
        cohort = tmp_path / f"kohort-{seed}.csv"
        write_cohort(generate(8, seed=seed), cohort)
        runs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "aturan.cli",
                    "issue",
                    "--registri-baru",
                    cohort,
                    "--out",
                    tmp_path / "out",
                    "--registry",
                    registry,
                    "--as-of",
                    "2028-12-31",
                    "--issue-date",
                    "2029-01-02",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    for run in runs:
        code, stderr = run.wait(timeout=300), run.stderr.read().decode()
        assert code in (0, 2) and "Traceback" not in stderr and "registri" not in stderr, stderr
    result = audit(aturan, registry)
    assert result.exit_code == 0, result.stderr
    assert rows(registry, "SELECT COUNT(*) n FROM documents")[0]["n"] > 0


def test_a_registry_whose_tables_were_altered_is_a_message_not_a_traceback(
    aturan, registry, issued, tmp_path
):
    number = document(registry, "sttp")["number"]
    attack(registry, ("ALTER TABLE documents DROP COLUMN revoked_reason",))
    assert_detected(audit(aturan, registry), "strukturnya diubah")
    for args in (
        ["registry", "revoke", "--ya", number, "--reason", "uji"],
        ["issue", "--registri-baru", joko_again(tmp_path), "--out", tmp_path / "o", *ISSUE],
    ):
        result = aturan(*args, "--registry", registry)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.stderr
        assert "strukturnya diubah" in result.stderr


def test_a_certificates_validity_extended_behind_the_registry_is_caught(
    aturan, registry, registry_key
):
    """The last day in force (`valid_until`) is authenticated like every other column: extending
    an expired competency certificate's validity by SQL is DIUBAH, never SAH."""
    number = document(registry, "sertifikat_kompetensi")["number"]
    assert open_registry(registry, registry_key).authentic_row(number)["valid_until"] == (
        "2029-10-14"
    )
    attack(registry, ("UPDATE documents SET valid_until='2099-12-31' WHERE number=?", (number,)))
    assert_detected(audit(aturan, registry), number, "valid_until")
    assert open_registry(registry, registry_key).authentic_row(number) is None
    assert standing(registry, number).status == "diubah"


# --- laundering: no write touches a row that is not what its latest entry vouches for ----------

RENAMED = "UPDATE documents SET name='Orang Lain' WHERE number=?"


def assert_refused(result, number):
    """One message naming the row and what to restore, exit 2, no traceback."""
    assert result.exit_code == 2, (result.output, result.stderr)
    assert isinstance(result.exception, SystemExit), result.exception
    assert f"dokumen {number}" in result.stderr and "name" in result.stderr
    assert "pulihkan ke nilai yang diautentikasi" in result.stderr
    assert "tidak ada yang ditulis" in result.stderr


def assert_still_unauthentic(aturan, registry, number, entries_before):
    assert rows(registry, "SELECT id FROM audit_log") == entries_before, "nothing was written"
    assert_detected(audit(aturan, registry), number, "Orang Lain", "pulihkan")
    assert standing(registry, number).status == "diubah"


def test_a_renamed_row_is_not_laundered_by_a_revocation(aturan, registry):
    number = document(registry, "sttp")["number"]
    attack(registry, (RENAMED, (number,)))
    before = rows(registry, "SELECT id FROM audit_log")
    refused = aturan(
        "registry", "revoke", "--ya", number, "--reason", "salah ketik", "--registry", registry
    )
    assert_refused(refused, number)
    assert document(registry, "sttp")["status"] == "issued"
    assert_still_unauthentic(aturan, registry, number, before)


def test_a_renamed_row_is_not_laundered_by_issuing_again(aturan, registry, tmp_path):
    number = document(registry, "sttp")["number"]
    attack(registry, (RENAMED, (number,)))
    before = rows(registry, "SELECT id FROM audit_log")
    again = aturan("issue", COHORT, "--out", tmp_path / "lagi", "--registry", registry, *ISSUE)
    assert_refused(again, number)
    assert_still_unauthentic(aturan, registry, number, before)


@pytest.mark.libreoffice
def test_a_renamed_row_is_not_laundered_by_issuing_its_pdf(aturan, registry, tmp_path):
    number = document(registry, "sttp")["number"]
    attack(registry, (RENAMED, (number,)))
    before = rows(registry, "SELECT id FROM audit_log")
    again = aturan(
        "issue", COHORT, "--pdf", "--out", tmp_path / "pdf", "--registry", registry, *ISSUE
    )
    assert_refused(again, number)
    assert_still_unauthentic(aturan, registry, number, before)


# --- rollback: a witness outside the database, refreshed on every write -----------------------


def witness_config(tmp_path):
    """The project's configuration with its keys named absolutely and a witness file beside it:
    (configuration, witness)."""
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    keys = ROOT / "keys"
    config["registry"].update(
        key_file=str(keys / "registry.key"),
        signing_key_file=str(keys / "registry-signing.key"),
        witness_file="saksi.json",
    )
    config["signing"].update(
        pkcs12=str(keys / "demo-penandatangan.p12"), trust_roots=[str(keys / "demo-akar.pem")]
    )
    path = tmp_path / "institution.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path, tmp_path / "saksi.json"


def witnessed_standing(path, number, witness):
    key = bytes.fromhex((ROOT / "keys" / "registry.key").read_text(encoding="ascii").strip())
    return status_of(number, open_registry(path, key, witness=witness))


def revoked_with_a_witness(aturan, registry, tmp_path):
    """A document revoked through the CLI under a configuration with a witness: (number,
    configuration, witness)."""
    config, witness = witness_config(tmp_path)
    key = bytes.fromhex((ROOT / "keys" / "registry.key").read_text(encoding="ascii").strip())
    for doc_type in ("sttp", "sertifikat_kompetensi"):  # as `issue --pdf` records a signed PDF
        open_registry(registry, key).record_fingerprints(
            document(registry, doc_type)["number"], None, "ab" * 32
        )
    made = aturan("registry", "head", "--registry", registry, "--out", witness)
    assert made.exit_code == 0, made.stderr
    number = document(registry, "sttp")["number"]
    revoked = aturan(
        "registry", "revoke", "--ya", number, "--reason", "salah ketik",
        "--registry", registry, "--config", config,
    )  # fmt: skip
    assert revoked.exit_code == 0, revoked.stderr
    head = json.loads(witness.read_text(encoding="utf-8"))
    assert head["entries"] == len(rows(registry, "SELECT id FROM audit_log")), "refreshed"
    assert witnessed_standing(registry, number, witness).status == "dicabut"
    return number, config, witness


UNREVOKE = (
    "UPDATE documents SET status='issued', revoked_reason=NULL, revoked_at=NULL, revoked_by=NULL "
    "WHERE number=?"
)


def test_a_revocation_undone_with_its_entry_is_not_sah_against_the_witness(
    aturan, registry, tmp_path
):
    number, config, witness = revoked_with_a_witness(aturan, registry, tmp_path)
    attack(registry, (UNREVOKE, (number,)), ("DELETE FROM audit_log WHERE action='revoke'",))
    assert standing(registry, number).status == "sah", "without the witness the attack holds"
    verdict = witnessed_standing(registry, number, witness)
    assert verdict.status == "tidak_sah"
    assert "tidak dapat dipastikan mutakhir" in verdict.message and "dihapus" in verdict.message
    result = aturan("registry", "audit", "--registry", registry, "--config", config)
    assert_detected(result, "berkas saksi", "kepala rantai")
    # and no routine write re-signs the cut-back log
    refused = aturan(
        "registry", "revoke", "--ya", document(registry, "sertifikat_kompetensi")["number"],
        "--reason", "uji", "--registry", registry, "--config", config,
    )  # fmt: skip
    assert refused.exit_code == 2 and "berkas saksi" in refused.stderr
    assert witnessed_standing(registry, number, witness).status == "tidak_sah"


def test_a_truncated_log_is_not_sah_against_the_witness(aturan, registry, tmp_path):
    number, _, witness = revoked_with_a_witness(aturan, registry, tmp_path)
    other = document(registry, "sertifikat_kompetensi")["number"]
    attack(registry, ("DELETE FROM audit_log WHERE id=(SELECT MAX(id) FROM audit_log)",))
    for each in (number, other):
        verdict = witnessed_standing(registry, each, witness)
        assert verdict.status == "tidak_sah" and "berkas saksi" in verdict.message


def test_a_configured_witness_missing_is_not_sah_and_no_witness_is_said(aturan, registry, tmp_path):
    number = document(registry, "sttp")["number"]
    missing = tmp_path / "tidak-ada.json"
    verdict = witnessed_standing(registry, number, missing)
    assert verdict.status == "tidak_sah" and "tidak ditemukan" in verdict.message
    plain = audit(aturan, registry)
    assert plain.exit_code == 0 and "CATATAN: tanpa berkas saksi" in plain.output
