"""The registry's API: numbering per type and year, idempotent issue, revocation, lookups."""

import pytest

from aturan.documents import Registry
from aturan.errors import AturanError

FORMAT = "{seq:04d}/{code}/PKASN/{year}"
CODES = {"sttp": "STTP", "undangan_uji": "UND"}
NOW = "2026-07-01T08:00:00+00:00"


@pytest.fixture
def registry(registry_url, registry_keys):
    """A new registry under the project's key (conftest), so the CLI can open it too; once on
    SQLite and once on PostgreSQL."""
    return Registry(registry_url, FORMAT, CODES, **registry_keys, create=True)


def issue(registry, nip="198503152010011001", doc_type="sttp", key="pka:2026-06-30", **extra):
    fields = {
        "doc_type": doc_type,
        "nip": nip,
        "name": "Budi Santoso",
        "event_key": key,
        "decision_id": "d1",
        "rules_version": "v1",
        "content_hash": "hash-1",
        "year": 2026,
        "doc_date": "2026-07-01",
        "now": NOW,
    }
    return registry.issue(**(fields | extra))


def test_numbers_run_per_type_and_year_without_gaps(registry):
    first = issue(registry, nip="198503152010011001")
    second = issue(registry, nip="199001012015031002")
    invitation = issue(registry, doc_type="undangan_uji")
    next_year = issue(registry, nip="199202022016032003", year=2027, doc_date="2027-01-05")

    assert [first.number, second.number] == ["0001/STTP/PKASN/2026", "0002/STTP/PKASN/2026"]
    assert invitation.number == "0001/UND/PKASN/2026"
    assert next_year.number == "0001/STTP/PKASN/2027"
    assert all(i.created for i in (first, second, invitation, next_year))


def test_a_type_without_a_code_is_numbered_under_its_name_in_capitals(registry):
    assert issue(registry, doc_type="surat_baru").number == "0001/SURAT_BARU/PKASN/2026"


def test_the_same_event_keeps_its_number_and_first_content(registry):
    first = issue(registry, content_hash="hash-1")
    again = issue(registry, content_hash="hash-2")
    other = issue(registry, key="pka:2027-06-30")

    assert again.number == first.number and not again.created
    assert again.content_hash == "hash-1"  # what was issued, for the caller to compare
    assert other.number == "0002/STTP/PKASN/2026"  # the repeat took no number


def test_numbering_continues_after_the_registry_is_reopened(registry, registry_keys):
    issue(registry)
    reopened = Registry(registry.path, FORMAT, CODES, **registry_keys, create=False)

    assert issue(reopened, nip="199001012015031002").number == "0002/STTP/PKASN/2026"


def test_find_and_get_return_the_registered_document(registry):
    issued = issue(registry)

    found = registry.find("198503152010011001", "sttp", "pka:2026-06-30")
    assert found["number"] == issued.number and found["status"] == "issued"
    assert registry.get(issued.number)["name"] == "Budi Santoso"
    assert registry.find("198503152010011001", "sttp", "pka:2099-01-01") is None
    assert registry.get("9999/STTP/PKASN/2026") is None


def test_list_gives_documents_by_type_then_year_then_number(registry):
    issue(registry, nip="199202022016032003", year=2027, doc_date="2027-01-05")
    issue(registry, doc_type="undangan_uji")
    issue(registry)

    assert [r["number"] for r in registry.list()] == [
        "0001/STTP/PKASN/2026",
        "0001/STTP/PKASN/2027",
        "0001/UND/PKASN/2026",
    ]
    assert [r["number"] for r in registry.list("undangan_uji")] == ["0001/UND/PKASN/2026"]


def test_revoking_records_when_and_why_and_keeps_the_number_taken(registry):
    issued = issue(registry)
    registry.revoke(issued.number, "salah cetak nama", "2026-07-02T09:00:00+00:00")

    row = registry.get(issued.number)
    assert row["status"] == "revoked"
    assert row["revoked_reason"] == "salah cetak nama"
    assert row["revoked_at"] == "2026-07-02T09:00:00+00:00"
    assert issue(registry, key="pka:2027-06-30").number == "0002/STTP/PKASN/2026"


@pytest.mark.parametrize(
    "number, reason, message",
    [
        ("0001/STTP/PKASN/2026", "  ", "alasan pencabutan wajib diisi"),
        ("0404/STTP/PKASN/2026", "salah", "tidak terdaftar"),
    ],
)
def test_a_revocation_without_reason_or_of_an_unknown_number_is_refused(
    registry, number, reason, message
):
    issue(registry)
    with pytest.raises(AturanError, match=message):
        registry.revoke(number, reason, NOW)
    assert registry.get("0001/STTP/PKASN/2026")["status"] == "issued"


def test_a_document_is_revoked_only_once(registry):
    issued = issue(registry)
    registry.revoke(issued.number, "salah cetak", NOW)

    with pytest.raises(AturanError, match="sudah dicabut"):
        registry.revoke(issued.number, "lagi", NOW)
    assert registry.get(issued.number)["revoked_reason"] == "salah cetak"


def test_registry_list_shows_each_state_in_indonesian(aturan, registry):
    issue(registry)
    revoked = issue(registry, nip="199001012015031002")
    registry.revoke(revoked.number, "salah cetak", NOW)

    listed = aturan("registry", "list", "--registry", registry.path).output

    assert "terbit" in listed and "dicabut" in listed
    assert "issued" not in listed and "revoked" not in listed
