"""Every PDF fingerprint recorded for a number stays known (issue 25, item 2), on SQLite and
PostgreSQL: a re-issue that writes other bytes keeps the earlier fingerprint, each vouched for by
the authentic audit entry that recorded it; one written without the key is not."""

import pytest
from test_registry_api import CODES, FORMAT, NOW, issue

from aturan.documents import Registry

FIRST, SECOND, FORGED = "a" * 64, "b" * 64, "c" * 64


@pytest.fixture
def registry(registry_url, registry_keys):
    return Registry(registry_url, FORMAT, CODES, **registry_keys, create=True)


def raw(registry, sql, params=()):
    """SQL written straight into the database, without the registry's key."""
    registry.db.begin_write()
    registry.db.execute(sql, params)
    registry.db.commit()


def test_a_reissued_pdf_keeps_the_earlier_fingerprint_known(registry):
    number = issue(registry).number
    registry.record_fingerprints(number, None, FIRST, NOW)
    registry.record_fingerprints(number, None, SECOND, NOW)
    assert registry.get(number)["pdf_fingerprint"] == SECOND
    assert registry.issued_fingerprint(number, FIRST)
    assert registry.issued_fingerprint(number, SECOND)
    assert not registry.issued_fingerprint(number, FORGED)
    assert registry.audit() == []


def test_a_fingerprint_added_without_the_key_vouches_for_nothing(registry):
    number = issue(registry).number
    registry.record_fingerprints(number, None, FIRST, NOW)
    other = issue(registry, nip="199001012015031002").number
    raw(
        registry,
        "INSERT INTO pdf_fingerprints (number, fingerprint, audit_id, recorded_at) "
        "SELECT ?, ?, MAX(id), ? FROM audit_log",
        (number, FORGED, NOW),
    )
    assert not registry.issued_fingerprint(number, FORGED)
    assert any(f"dokumen {number}: sidik PDF {FORGED[:16]}" in p for p in registry.audit())
    raw(  # another document's authentic entry, pointed at by hand
        registry,
        "UPDATE pdf_fingerprints SET number=? WHERE number=? AND fingerprint=?",
        (other, number, FIRST),
    )
    assert not registry.issued_fingerprint(other, FIRST)
    assert any(f"dokumen {other}: sidik PDF {FIRST[:16]}" in p for p in registry.audit())


def test_a_registry_of_version_6_keeps_its_current_fingerprints_from_migration_on(
    registry_url, registry_keys
):
    store = Registry(registry_url, FORMAT, CODES, **registry_keys, create=True)
    number = issue(store).number
    store.record_fingerprints(number, None, FIRST, NOW)
    for table in (
        "pdf_fingerprints",
        "lab_questions",
        "desk_jobs",
        "desk_login_attempts",
        "desk_sessions",
        "desk_accounts",
    ):
        raw(store, f"DROP TABLE {table}")  # as before version 7
    raw(store, "DELETE FROM schema_version WHERE version>=7")
    store.close()
    migrated = Registry(registry_url, FORMAT, CODES, **registry_keys, create=False)
    migrated.record_fingerprints(number, None, SECOND, NOW)
    assert migrated.issued_fingerprint(number, FIRST)
    assert migrated.issued_fingerprint(number, SECOND)
    assert migrated.audit() == []
