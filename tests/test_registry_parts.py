"""The registry's parts, each used on its own: storage (schema, transactions), numbering, the audit
log and its head, decision records. `Registry` is their one face (tests/test_registry_*.py)."""

import json

import pytest

from aturan.documents import Registry
from aturan.documents.registry_key import RegistryKeys
from aturan.documents.registry_log import AuditLog, load_head
from aturan.documents.registry_numbering import Numbering
from aturan.documents.registry_records import DecisionRecords
from aturan.documents.registry_storage import RegistryStorage
from aturan.errors import AturanError

FORMAT = "{seq:04d}/{code}/{institution}/{year}"
CODES = {"sttp": "STTP"}
NOW = "2026-07-01T08:00:00+00:00"


def nothing_to_check() -> None:
    """A write transaction's check that lets every write through (the log's is tested below)."""


@pytest.fixture
def keys(registry_key, registry_signing_key):
    return RegistryKeys.of(registry_key, registry_signing_key, None)


@pytest.fixture
def storage(registry_url, keys):
    """A new, empty registry's storage, on SQLite and on PostgreSQL."""
    return RegistryStorage(registry_url, True, "LAN", keys)


def issued_registry(path, registry_keys, count=3):
    registry = Registry(path, FORMAT, CODES, **registry_keys)
    for i in range(count):
        registry.issue(
            doc_type="sttp",
            nip=f"19850315201001100{i}",
            name="Budi Santoso",
            event_key="pka:2026-06-30",
            decision_id=f"d{i}",
            rules_version="v1",
            content_hash=f"hash-{i}",
            year=2026,
            doc_date="2026-07-01",
            now=NOW,
            record=("v1", json.dumps({"decision": i})),
        )
    return registry


# --- storage -------------------------------------------------------------------------------------


def test_storage_makes_the_schema_and_records_the_key_that_made_it(storage):
    assert {"documents", "counters", "audit_log", "decision_records"} <= storage.db.tables()
    assert storage.meta()["log_format"] == "hmac-sha256/1"
    assert len(storage.meta()["key_id"]) > 0


def test_storage_opening_a_missing_registry_to_read_is_a_message(tmp_path, keys):
    with pytest.raises(AturanError, match="registri tidak ditemukan"):
        RegistryStorage(tmp_path / "tidak-ada.sqlite", False, "LAN", keys)
    assert not (tmp_path / "tidak-ada.sqlite").exists()


def test_storage_a_failed_write_transaction_leaves_nothing_behind(storage):
    with pytest.raises(RuntimeError), storage.write(nothing_to_check):
        storage.db.execute(
            "INSERT INTO counters (institution, doc_type, year, last_seq) VALUES ('LAN','x',1,5)"
        )
        raise RuntimeError("gagal di tengah")
    with storage.snapshot():
        assert storage.db.execute("SELECT * FROM counters").fetchall() == []


def test_storage_a_refused_check_writes_nothing(storage):
    def refuse():
        raise AturanError("ditolak")

    with pytest.raises(AturanError, match="ditolak"), storage.write(refuse):
        storage.db.execute("INSERT INTO registry_meta (name, value) VALUES ('x', 'y')")
    assert "x" not in storage.meta()


def test_storage_a_broken_constraint_is_one_message_and_nothing_is_written(storage):
    insert = "INSERT INTO counters (institution, doc_type, year, last_seq) VALUES ('LAN','x',1,?)"
    with storage.write(nothing_to_check):
        storage.db.execute(insert, (1,))
    with pytest.raises(AturanError, match="(?s)registri tidak konsisten.*tidak ada yang ditulis"):
        with storage.write(nothing_to_check):
            storage.db.execute("UPDATE counters SET last_seq=2")
            storage.db.execute(insert, (3,))  # the same (institution, type, year) again
    assert [r["last_seq"] for r in storage.db.execute("SELECT last_seq FROM counters")] == [1]


# --- numbering -----------------------------------------------------------------------------------


def test_numbering_runs_1_2_3_per_type_and_year(storage):
    numbering = Numbering(storage, FORMAT, CODES, "LAN")
    with storage.write(nothing_to_check):
        taken = [numbering.take("sttp", 2026) for _ in range(3)]
        other_type = numbering.take("undangan", 2026)
        next_year = numbering.take("sttp", 2027)
    assert taken == [
        (1, "0001/STTP/LAN/2026"),
        (2, "0002/STTP/LAN/2026"),
        (3, "0003/STTP/LAN/2026"),
    ]
    assert other_type == (1, "0001/UNDANGAN/LAN/2026")
    assert next_year == (1, "0001/STTP/LAN/2027")


def test_numbering_a_number_taken_in_a_transaction_rolled_back_is_given_again(storage):
    numbering = Numbering(storage, FORMAT, CODES, "LAN")
    with storage.write(nothing_to_check):
        numbering.take("sttp", 2026)
    with pytest.raises(RuntimeError), storage.write(nothing_to_check):
        assert numbering.take("sttp", 2026)[0] == 2
        raise RuntimeError("dokumen gagal dicatat")
    with storage.write(nothing_to_check):
        assert numbering.take("sttp", 2026) == (2, "0002/STTP/LAN/2026")  # no gap


def test_numbering_coaching_group_ids_follow_each_other(storage):
    numbering = Numbering(storage, FORMAT, CODES, "LAN")
    with storage.write(nothing_to_check):
        ids = [numbering.coaching_group("pka", 2027, NOW) for _ in range(2)]
        other = numbering.coaching_group("pkp", 2027, NOW)
    assert ids == ["KC-LAN-PKA-2027-001", "KC-LAN-PKA-2027-002"]
    assert other == "KC-LAN-PKP-2027-001"


def test_numbering_refuses_a_format_without_institution_once_another_has_numbered(storage):
    with storage.write(nothing_to_check):
        Numbering(storage, FORMAT, CODES, "BPSDM").take("sttp", 2026)
    plain = Numbering(storage, "{seq:04d}/{code}/{year}", CODES, "LAN")
    with pytest.raises(AturanError, match="harus memuat \\{institution\\}"):
        with storage.write(nothing_to_check):
            plain.take("sttp", 2026)
    assert [r["institution"] for r in storage.db.execute("SELECT * FROM counters")] == ["BPSDM"]


def test_numbering_audit_finds_a_gap_and_a_counter_rolled_back(tmp_path, registry_keys, keys):
    issued_registry(tmp_path / "r.sqlite", registry_keys)
    storage = RegistryStorage(tmp_path / "r.sqlite", False, "LAN", keys)
    numbering = Numbering(storage, FORMAT, CODES, "LAN")
    assert numbering.gaps() == [] and numbering.counter_problems({}) == []
    storage.db.execute("DELETE FROM documents WHERE seq=2")
    storage.db.execute("UPDATE counters SET last_seq=1")
    assert numbering.gaps() == ["penomoran sttp 2026 LAN: 2 dokumen, nomor 1 s.d. 3 (ada celah)"]
    assert numbering.counter_problems({("LAN", "sttp", 2026): 3}) == [
        "penghitung sttp 2026 LAN bernilai 1, nomor terakhir yang terbit 3 (penghitung diubah "
        "atau dimundurkan)",
        "penghitung sttp 2026 LAN bernilai 1, log audit terakhir mencatat 3 (penghitung diubah "
        "atau dimundurkan)",
    ]


# --- the audit log and its head ------------------------------------------------------------------


@pytest.fixture
def logged(tmp_path, registry_keys, keys):
    """A registry with three documents issued, its log opened on its own."""
    issued_registry(tmp_path / "r.sqlite", registry_keys)
    storage = RegistryStorage(tmp_path / "r.sqlite", False, "LAN", keys)
    return storage, AuditLog(storage, keys)


def test_log_walk_reads_each_documents_latest_entry_and_counter(logged):
    _, log = logged
    walk = log.walk()
    assert walk.problems == [] and walk.forged == [] and log.chain_intact()
    assert sorted(walk.latest) == ["0001/STTP/LAN/2026", "0002/STTP/LAN/2026", "0003/STTP/LAN/2026"]
    assert walk.counters == {("LAN", "sttp", 2026): 3}
    assert walk.signed_from == 1


def test_log_detects_an_edited_entry(logged, keys):
    storage, log = logged
    assert log.chain_intact()
    intruder = RegistryStorage(storage.path, False, "LAN", keys).db  # another process
    entry = intruder.execute("SELECT payload FROM audit_log WHERE id=2").fetchone()
    edited = entry["payload"].replace("Budi Santoso", "Budi Santosa")
    intruder.execute("UPDATE audit_log SET payload=? WHERE id=2", (edited,))
    assert not log.chain_intact()  # the chain checked earlier is checked again
    walk = log.walk()
    assert walk.forged == ["entri 2: hash tidak cocok dengan isinya (isi entri diubah)"]
    assert "0002/STTP/LAN/2026" not in walk.latest


def test_log_a_public_key_alone_cannot_write(tmp_path, registry_keys, keys):
    issued_registry(tmp_path / "r.sqlite", registry_keys)
    auditor = RegistryKeys.of(None, None, keys.public)
    storage = RegistryStorage(tmp_path / "r.sqlite", False, "LAN", auditor)
    log = AuditLog(storage, auditor)
    assert log.walk().forged == []  # signed entries check with the public key
    with pytest.raises(AturanError, match="kunci publik hanya untuk memeriksa"):
        with storage.write(log.check_writable):
            pass


def test_log_head_exported_then_log_cut_back_is_detected(logged, tmp_path):
    storage, log = logged
    head = log.export_head(NOW)
    assert (head["entries"], head["last_id"], head["signed_from"]) == (3, 3, 1)
    path = tmp_path / "kepala.json"
    path.write_text(json.dumps(head), encoding="utf-8")
    loaded = load_head(path)
    assert log.head_problems(loaded, 1) == ([], [])
    storage.db.execute("DELETE FROM audit_log WHERE id=3")
    problems, _ = log.head_problems(loaded, 1)
    assert problems and "entri itu tidak ada lagi di log" in problems[0]


def test_log_a_head_with_its_signature_edited_is_refused(logged):
    _, log = logged
    head = {**log.export_head(NOW), "entries": 2}
    problems, _ = log.head_problems(head, 1)
    assert problems == [
        f"kepala rantai (entri 3, diekspor {NOW}): tanda tangan tidak sah (diubah, atau dibuat "
        "dengan kunci lain)"
    ]


def test_load_head_names_the_missing_field(tmp_path):
    path = tmp_path / "kepala.json"
    path.write_text(json.dumps({"registry": "aturan", "entries": 1}), encoding="utf-8")
    with pytest.raises(AturanError) as error:
        load_head(path)
    assert error.value.field == "last_id" and "wajib" in str(error.value)


# --- decision records ----------------------------------------------------------------------------


def test_records_round_trip_and_match_the_hash_their_entry_holds(storage):
    records = DecisionRecords(storage)
    text = json.dumps({"decision": {"status": "lulus"}})
    with storage.write(nothing_to_check):
        storage.db.execute(
            "INSERT INTO documents (number, institution, doc_type, year, seq, nip, name, "
            "event_key, decision_id, rules_version, content_hash, doc_date, issued_at) "
            "VALUES ('N1','LAN','sttp',2026,1,'1','A','e','d','v','h','2026-07-01',?)",
            (NOW,),
        )
        logged_hash = records.store("N1", ("v1", text))
    stored = records.get("N1")
    assert stored == {"record": text, "version": "v1"}
    assert records.matches(stored, logged_hash)
    assert not records.matches({**stored, "record": text.replace("lulus", "gagal")}, logged_hash)
    assert records.get("N2") is None and records.store("N2", None) is None


def test_records_audit_finds_an_edited_and_a_deleted_record(logged):
    storage, log = logged
    records = DecisionRecords(storage)
    walk = log.walk()
    assert records.problems(walk.records, set(), []) == []
    storage.db.execute("UPDATE decision_records SET record='{}' WHERE number='0001/STTP/LAN/2026'")
    storage.db.execute("DELETE FROM decision_records WHERE number='0003/STTP/LAN/2026'")
    assert records.problems(walk.records, set(), []) == [
        "catatan keputusan 0001/STTP/LAN/2026: berbeda dari yang diautentikasi entri log audit 1: "
        "diubah tanpa otorisasi",
        "catatan keputusan 0003/STTP/LAN/2026: tercatat di log audit (entri 3) tetapi tidak ada "
        "di registri (dihapus)",
    ]
