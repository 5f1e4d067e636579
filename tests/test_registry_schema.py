"""The registry's schema, kept by versioned migrations, and institutions sharing one registry:
each numbers its own documents, and any number in the registry verifies, whoever issued it."""

import shutil
import sqlite3

import pytest
from conftest import ROOT
from test_registry_api import NOW, issue

from aturan.documents import Registry, status_of
from aturan.documents.storage.migrate import latest
from aturan.errors import AturanError

CODES = {"sttp": "STTP", "undangan_uji": "UND"}
PLAIN = "{seq:04d}/{code}/PKASN/{year}"
SHARED = "{seq:04d}/{code}/{institution}/{year}"
# A registry made by aturan before versioned migrations (commit d06769b): three documents, a
# fingerprint and a revocation, its log keyed under this test key.
V1_REGISTRY = ROOT / "tests" / "data" / "registry-v1.sqlite"
V1_KEY = bytes.fromhex("11" * 32)
# The signing key a holder of that registry adds when it moves to Ed25519 (migration 0005).
V1_SIGNING_KEY = bytes.fromhex("33" * 32)


@pytest.fixture
def v1(tmp_path):
    copy = tmp_path / "lama.sqlite"
    shutil.copy(V1_REGISTRY, copy)
    return copy


def versions(path):
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT version FROM schema_version ORDER BY version")]


def test_a_registry_of_the_previous_version_is_migrated_on_open_and_audits_intact(v1):
    store = Registry(v1, PLAIN, CODES, key=V1_KEY, signing_key=V1_SIGNING_KEY, create=False)

    assert versions(v1) == list(range(1, latest("sqlite") + 1))
    assert store.audit() == []
    row = store.authentic_row("0001/STTP/PKASN/2026")
    assert row["institution"] == "LAN" and row["operator"] is None
    assert store.authentic_row("0002/STTP/PKASN/2026")["status"] == "revoked"
    assert status_of("0002/STTP/PKASN/2026", store).status == "dicabut"
    assert issue(store, nip="199202022016032003").number == "0003/STTP/PKASN/2026"
    assert store.audit() == []


def test_a_migrated_registry_reopens_without_migrating_again(v1):
    Registry(v1, PLAIN, CODES, key=V1_KEY, signing_key=V1_SIGNING_KEY, create=False)
    again = Registry(v1, PLAIN, CODES, key=V1_KEY, signing_key=V1_SIGNING_KEY, create=False)
    assert versions(v1) == list(range(1, latest("sqlite") + 1)) and again.audit() == []


def test_a_legacy_rows_institution_changed_after_migration_is_detected(v1):
    store = Registry(v1, PLAIN, CODES, key=V1_KEY, signing_key=V1_SIGNING_KEY, create=False)
    with sqlite3.connect(v1) as db:
        db.execute("UPDATE documents SET institution='BPSDM' WHERE seq=1 AND doc_type='sttp'")

    assert any("isian institution" in p for p in store.audit())
    assert store.authentic_row("0001/STTP/PKASN/2026") is None


def test_a_new_registry_has_the_whole_schema(registry_url, registry_keys):
    store = Registry(registry_url, PLAIN, CODES, **registry_keys)
    tables = store.db.tables()
    assert {"documents", "counters", "audit_log", "schema_version"} <= tables
    assert {"decision_records", "coaching_groups"} <= tables
    columns = set(store.db.execute("SELECT * FROM documents WHERE 1=0").description or [])
    names = {getattr(c, "name", None) or c[0] for c in columns}
    assert {"institution", "operator", "revoked_by", "replaces", "replaced_by"} <= names


def test_a_registry_of_a_newer_version_is_refused(registry_url, registry_keys):
    store = Registry(registry_url, PLAIN, CODES, **registry_keys)
    store.db.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, ?)", (NOW,))
    store.close()
    with pytest.raises(AturanError, match="lebih baru dari versi aturan ini"):
        Registry(registry_url, PLAIN, CODES, **registry_keys, create=False)


def two_institutions(target, keys, number_format=SHARED):
    return (
        Registry(target, number_format, CODES, **keys, institution="LAN"),
        Registry(target, number_format, CODES, **keys, institution="BPSDM-JABAR"),
    )


def test_each_institution_numbers_its_own_documents(registry_url, registry_keys):
    lan, bpsdm = two_institutions(registry_url, registry_keys)
    numbers = [
        issue(lan, nip="1").number,
        issue(bpsdm, nip="2").number,
        issue(bpsdm, nip="3").number,
        issue(lan, nip="4").number,
    ]
    assert numbers == [
        "0001/STTP/LAN/2026",
        "0001/STTP/BPSDM-JABAR/2026",
        "0002/STTP/BPSDM-JABAR/2026",
        "0002/STTP/LAN/2026",
    ]
    assert lan.audit() == [] and bpsdm.audit() == []


def test_verification_answers_for_any_institutions_number(registry_url, registry_keys):
    lan, bpsdm = two_institutions(registry_url, registry_keys)
    theirs = issue(bpsdm, nip="2").number
    bpsdm.record_fingerprints(theirs, None, "f" * 64, NOW)
    assert status_of(theirs, lan).status == "sah"
    assert lan.authentic_row(theirs)["institution"] == "BPSDM-JABAR"


def test_a_format_without_institution_is_refused_once_another_institution_issued(
    registry_url, registry_keys
):
    lan, bpsdm = two_institutions(registry_url, registry_keys, PLAIN)
    issue(lan, nip="1")
    with pytest.raises(AturanError, match=r"harus memuat \{institution\}") as refused:
        issue(bpsdm, nip="2")
    assert "tidak ada nomor yang diambil" in str(refused.value)
    assert [r["number"] for r in lan.list()] == ["0001/STTP/PKASN/2026"]
    assert lan.audit() == []


def test_another_institutions_document_for_the_same_event_is_not_issued_again(
    registry_url, registry_keys
):
    lan, bpsdm = two_institutions(registry_url, registry_keys)
    issue(lan)
    with pytest.raises(AturanError, match="sudah diterbitkan oleh institusi LAN"):
        issue(bpsdm)


@pytest.mark.parametrize("code", ["lan", "", "A" * 21, "LAN/X", 7])
def test_a_bad_institution_code_is_refused(tmp_path, registry_keys, code):
    with pytest.raises(AturanError, match="kode institusi"):
        Registry(tmp_path / "r.sqlite", SHARED, CODES, **registry_keys, institution=code)
    assert not (tmp_path / "r.sqlite").exists()


def test_a_format_may_name_the_institution():
    from aturan.documents import check_number_format

    check_number_format(SHARED)
    with pytest.raises(AturanError, match="tidak dikenal"):
        check_number_format("{seq}/{code}/{instansi}")


@pytest.mark.postgres
def test_bad_postgresql_addresses_are_one_message_each(aturan, postgres):
    wrong_password = postgres.replace(":aturan-uji@", ":salah@")
    missing_database = postgres.rsplit("/", 1)[0] + "/tidak_ada"
    cases = [
        ("postgresql://a b@@:x/", "alamat tidak valid"),
        ("postgresql://aturan@127.0.0.1:1/registri", "server tidak menerima sambungan"),
        (wrong_password, "sandi atau pengguna salah"),
        (missing_database, "tidak ada"),
    ]
    for url, message in cases:
        result = aturan("registry", "list", "--registry", url)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "salah@" not in result.stderr, "the password is never shown"


@pytest.mark.postgres
def test_the_environment_selects_a_postgresql_registry(aturan, new_database, monkeypatch):
    url = new_database()
    store = Registry(
        url,
        PLAIN,
        CODES,
        key=bytes.fromhex((ROOT / "keys" / "registry.key").read_text(encoding="ascii").strip()),
        signing_key=bytes.fromhex(
            (ROOT / "keys" / "registry-signing.key").read_text(encoding="ascii").strip()
        ),
    )
    issue(store)
    monkeypatch.setenv("ATURAN_REGISTRY", url)
    result = aturan("registry", "audit")
    assert result.exit_code == 0 and "utuh" in result.output, result.stderr


@pytest.mark.postgres
def test_the_verification_page_reads_a_postgresql_registry_and_writes_nothing(
    new_database, registry_keys
):
    from fastapi.testclient import TestClient

    from aturan.web import create_app
    from aturan.web.app import Server

    url = new_database()
    store = Registry(url, PLAIN, CODES, **registry_keys)
    content = "ab" * 32
    number = issue(store, content_hash=content).number
    store.record_fingerprints(number, None, "f" * 64, NOW)
    client = TestClient(create_app(url, rate_limit="1000/minute"))
    page = client.get("/verifikasi", params={"n": number, "c": content[:16]})
    assert page.status_code == 200 and 'id="status">SAH<' in page.text
    store.revoke(number, "salah cetak", NOW)
    page = client.get("/verifikasi", params={"n": number, "c": content[:16]})
    assert 'id="status">DICABUT<' in page.text
    with Server(url, None).registry() as reader, pytest.raises(Exception, match="read-only"):
        reader.db.execute("DELETE FROM audit_log")


@pytest.mark.postgres
def test_a_postgresql_registry_busy_or_gone_is_one_message(
    new_database, postgres, registry_keys, monkeypatch
):
    import psycopg

    from aturan.documents.storage import postgres as backend

    monkeypatch.setattr(backend, "TIMEOUT", 1)
    url = new_database()
    store = Registry(url, PLAIN, CODES, **registry_keys)
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute(f"BEGIN; SELECT pg_advisory_xact_lock({backend.WRITE_LOCK})")
        with pytest.raises(AturanError, match="sedang dipakai proses lain lebih dari 1 detik"):
            issue(store)
        holder.execute("ROLLBACK")
    assert issue(store).created and store.audit() == []
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s",
            (url.rsplit("/", 1)[1],),
        )
    with pytest.raises(AturanError, match="sambungan ke registri PostgreSQL terputus"):
        issue(store, nip="199001012015031002")
