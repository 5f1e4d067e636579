"""Institutions sharing one registry act only on their own documents: the library refuses another
institution's revoke, replacement and fingerprints (SQLite and PostgreSQL), and on PostgreSQL the
database itself refuses, each institution connecting as its own role under row-level security."""

from pathlib import Path

import psycopg
import pytest
import yaml
from conftest import ROOT
from test_registry_api import NOW, issue

from aturan.documents import Registry
from aturan.errors import AturanError

CODES = {"sttp": "STTP", "undangan_uji": "UND"}
SHARED = "{seq:04d}/{code}/{institution}/{year}"
LAN_NUMBER = "0001/STTP/LAN/2026"
REFUSED = f"dokumen {LAN_NUMBER} milik institusi LAN; institusi BPSDM-JATIM tidak dapat mencabutnya"


def institution_config(folder: Path, code: str) -> Path:
    """The project's configuration for another institution, its key paths made absolute."""
    data = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    data["institution"] = {"code": code, "name": f"Institusi {code}"}
    data["numbering"] = {"format": SHARED}
    for field in ("key_file", "signing_key_file"):
        data["registry"][field] = str((ROOT / "config" / data["registry"][field]).resolve())
    data["signing"]["pkcs12"] = str((ROOT / "config" / data["signing"]["pkcs12"]).resolve())
    data["signing"]["trust_roots"] = [
        str((ROOT / "config" / root).resolve()) for root in data["signing"]["trust_roots"]
    ]
    path = folder / f"institution-{code.lower()}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def lan(target, keys) -> Registry:
    return Registry(target, SHARED, CODES, **keys, institution="LAN")


def jatim(target, keys) -> Registry:
    return Registry(target, SHARED, CODES, **keys, institution="BPSDM-JATIM")


# --- the library's boundary (SQLite and PostgreSQL) ---------------------------------------------


def test_revoke_with_another_institutions_config_is_refused_naming_the_owner(
    aturan, tmp_path, registry_keys
):
    registry = tmp_path / "registri.sqlite"
    issue(lan(registry, registry_keys))
    config = institution_config(tmp_path, "BPSDM-JATIM")

    result = aturan(
        "registry", "revoke", LAN_NUMBER, "--reason", "salah nama",
        "--registry", registry, "--config", config,
    )  # fmt: skip

    assert result.exit_code == 2, result.output
    assert REFUSED in " ".join(result.stderr.split())
    again = lan(registry, registry_keys)
    assert again.get(LAN_NUMBER)["status"] == "issued" and again.audit() == []


def test_the_library_refuses_another_institutions_revoke(registry_url, registry_keys):
    issue(lan(registry_url, registry_keys))
    with pytest.raises(AturanError, match=REFUSED):
        jatim(registry_url, registry_keys).revoke(LAN_NUMBER, "salah nama", NOW)
    assert lan(registry_url, registry_keys).get(LAN_NUMBER)["status"] == "issued"


def test_another_institution_cannot_replace_a_revoked_document(registry_url, registry_keys):
    owner = lan(registry_url, registry_keys)
    issue(owner)
    owner.revoke(LAN_NUMBER, "salah nama", NOW)
    other = jatim(registry_url, registry_keys)

    with pytest.raises(AturanError, match="milik institusi LAN; institusi BPSDM-JATIM tidak"):
        issue(other)
    assert [r["number"] for r in other.list()] == [LAN_NUMBER]
    assert owner.get(LAN_NUMBER)["replaced_by"] is None and owner.audit() == []


def test_another_institution_cannot_record_fingerprints_of_a_document(registry_url, registry_keys):
    owner = lan(registry_url, registry_keys)
    issue(owner)
    with pytest.raises(AturanError, match="milik institusi LAN"):
        jatim(registry_url, registry_keys).record_fingerprints(LAN_NUMBER, None, "f" * 64, NOW)
    assert owner.get(LAN_NUMBER)["pdf_fingerprint"] is None and owner.audit() == []


def test_registry_init_institution_is_refused_on_sqlite(aturan, tmp_path):
    registry = tmp_path / "registri.sqlite"
    result = aturan("registry", "init-institution", "BPSDM-JATIM", "--registry", registry)
    assert result.exit_code == 2
    assert "hanya untuk registri PostgreSQL" in " ".join(result.stderr.split())
    assert not registry.exists()


# --- the database's boundary (PostgreSQL) ---------------------------------------------------------


def init_institution(aturan, admin_url, code, folder: Path) -> str:
    """The institution's role made through the CLI; its connection URL, with the password."""
    password = folder / f"{code}.sandi"
    password.write_text(f"sandi-{code.lower()}\n", encoding="utf-8")
    result = aturan(
        "registry", "init-institution", code, "--registry", admin_url,
        "--password-file", password, "--tampilkan-sandi",
    )  # fmt: skip
    assert result.exit_code == 0, result.output + result.stderr
    return result.output.split("URL: ")[1].split()[0]


@pytest.fixture
def shared(aturan, new_database, tmp_path, registry_keys):
    """A PostgreSQL registry with a LAN document, LAN and BPSDM-JATIM each with its own role: the
    admin's URL and each institution's."""
    admin = new_database()
    codes = ("LAN", "BPSDM-JATIM")
    urls = {code: init_institution(aturan, admin, code, tmp_path) for code in codes}
    issue(lan(urls["LAN"], registry_keys))
    return admin, urls


def lan_row(url):
    with psycopg.connect(url) as db:
        return db.execute("SELECT * FROM documents WHERE number=%s", (LAN_NUMBER,)).fetchone()


@pytest.mark.postgres
def test_init_institution_prints_the_roles_url_with_its_password_masked(
    aturan, new_database, tmp_path
):
    admin = new_database()
    password = tmp_path / "sandi"
    password.write_text("rahasia-jatim\n", encoding="utf-8")

    result = aturan(
        "registry", "init-institution", "BPSDM-JATIM", "--registry", admin,
        "--password-file", password,
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert "aturan_bpsdm_jatim:***@" in result.output and "rahasia-jatim" not in result.output
    url = admin.replace("postgres:aturan-uji@", "aturan_bpsdm_jatim:rahasia-jatim@")
    with psycopg.connect(url) as db:
        assert db.execute("SELECT current_user").fetchone()[0] == "aturan_bpsdm_jatim"


@pytest.mark.postgres
def test_init_institution_without_a_password_file_shows_a_generated_password_once(
    aturan, new_database
):
    admin = new_database()
    result = aturan("registry", "init-institution", "LAN", "--registry", admin)
    assert result.exit_code == 0, result.stderr
    assert "hanya ditampilkan sekali" in result.output
    url = result.output.split("URL: ")[1].split()[0]
    assert "***" not in url and url != admin
    with psycopg.connect(url) as db:
        assert db.execute("SELECT current_user").fetchone()[0] == "aturan_lan"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE documents SET status='revoked', revoked_reason='x' WHERE number=%s",
        "UPDATE documents SET institution='BPSDM-JATIM' WHERE number=%s",
        "DELETE FROM documents WHERE number=%s",
        "DELETE FROM decision_records WHERE number=%s",
        "UPDATE audit_log SET payload='{}' WHERE number=%s",
        "DELETE FROM audit_log WHERE number=%s",
        "DELETE FROM pdf_fingerprints WHERE number=%s",
        "INSERT INTO pdf_fingerprints (number, fingerprint, audit_id, recorded_at) "
        "VALUES (%s, 'palsu', 1, 'x')",
    ],
)
def test_the_database_refuses_another_institutions_raw_sql(shared, registry_keys, statement):
    admin, urls = shared
    before = lan_row(admin)
    with psycopg.connect(urls["BPSDM-JATIM"]) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute(statement, (LAN_NUMBER,))
    assert lan_row(admin) == before
    assert lan(admin, registry_keys).audit() == []


@pytest.mark.postgres
def test_the_database_refuses_a_row_or_a_counter_in_another_institutions_name(shared):
    _, urls = shared
    with psycopg.connect(urls["BPSDM-JATIM"]) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("UPDATE counters SET last_seq=0 WHERE institution='LAN'")
    with psycopg.connect(urls["BPSDM-JATIM"]) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute(
                "INSERT INTO documents (number, institution, doc_type, year, seq, nip, name, "
                "event_key, decision_id, rules_version, content_hash, doc_date, issued_at) "
                "VALUES ('0002/STTP/LAN/2026', 'LAN', 'sttp', 2026, 2, '1', 'X', 'e', 'd', "
                "'v', 'h', '2026-07-01', '2026-07-01')"
            )


@pytest.mark.postgres
def test_each_role_issues_its_own_and_the_library_refuses_the_others_revoke(shared, registry_keys):
    admin, urls = shared
    other = jatim(urls["BPSDM-JATIM"], registry_keys)
    assert issue(other, nip="199001012015031002").number == "0001/STTP/BPSDM-JATIM/2026"
    with pytest.raises(AturanError, match=REFUSED):
        other.revoke(LAN_NUMBER, "salah nama", NOW)
    assert lan_row(admin) is not None and lan(admin, registry_keys).audit() == []


@pytest.mark.postgres
def test_a_role_opened_with_another_institutions_config_is_refused(shared, registry_keys):
    _, urls = shared
    with pytest.raises(AturanError, match="peran aturan_bpsdm_jatim milik institusi BPSDM-JATIM"):
        lan(urls["BPSDM-JATIM"], registry_keys)


@pytest.mark.postgres
def test_a_role_keeps_its_documents_earlier_pdf_fingerprints(shared, registry_keys):
    """Issue 25: the fingerprint history (migration 0007) is written by the institution's own role,
    also for a role made before the migration (given its grants by the migration)."""
    admin, urls = shared
    with psycopg.connect(admin) as db:  # the registry as version 6 left it, the roles already made
        db.execute(
            "DROP TABLE pdf_fingerprints, lab_questions, desk_jobs, desk_login_attempts, "
            "desk_sessions, desk_accounts"
        )
        db.execute("DELETE FROM schema_version WHERE version>=7")
    lan(admin, registry_keys).close()  # the admin migrates it
    owner = lan(urls["LAN"], registry_keys)
    owner.record_fingerprints(LAN_NUMBER, None, "a" * 64, NOW)
    owner.record_fingerprints(LAN_NUMBER, None, "b" * 64, NOW)
    assert owner.issued_fingerprint(LAN_NUMBER, "a" * 64)
    assert owner.issued_fingerprint(LAN_NUMBER, "b" * 64)
    assert lan(admin, registry_keys).audit() == []
