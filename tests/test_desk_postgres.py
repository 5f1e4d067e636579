"""The desk on PostgreSQL (issue 26, item 1): sessions and throttling live in the database, so
desk processes need no sticky routing; an institution's own database role (0006) sees and
changes only its institution's accounts, enforced by row-level security (migration 0009)."""

import psycopg
import pytest
from desk_support import add_account, desk_config, post, sign_in
from fastapi.testclient import TestClient
from test_registry_institutions import init_institution

from aturan import app
from aturan.desk import create_desk_app
from aturan.documents import open_database

pytestmark = pytest.mark.postgres


def test_a_session_started_on_one_desk_process_holds_on_another(new_database, tmp_path):
    url = new_database()
    config = desk_config(tmp_path)
    add_account(url, config, "budi", "operator")
    first, second = (create_desk_app(config, url) for _ in range(2))
    browser = TestClient(first)
    assert sign_in(browser, "budi").status_code == 303
    cookies = dict(browser.cookies)
    elsewhere = TestClient(second, cookies=cookies)
    assert elsewhere.get("/", follow_redirects=False).status_code == 200
    assert post(elsewhere, "/keluar", follow_redirects=False).status_code == 303
    assert TestClient(first, cookies=cookies).get("/", follow_redirects=False).status_code == 303


def test_throttling_holds_across_desk_processes(new_database, tmp_path):
    url = new_database()
    config = desk_config(tmp_path)
    add_account(url, config, "budi", "operator")
    first, second = (create_desk_app(config, url) for _ in range(2))
    for _ in range(5):
        assert sign_in(TestClient(first), "budi", "bukan-sandinya-1").status_code == 401
    assert sign_in(TestClient(second), "budi").status_code == 429


def test_an_institutions_role_sees_and_changes_only_its_own_accounts(
    aturan, new_database, tmp_path
):
    """Also for roles made before migration 0009, which gives them their grants."""
    admin = new_database()
    urls = {
        code: init_institution(aturan, admin, code, tmp_path) for code in ("LAN", "BPSDM-JATIM")
    }
    lan_config, jatim_config = desk_config(tmp_path, "LAN"), desk_config(tmp_path, "BPSDM-JATIM")
    with psycopg.connect(admin) as db:  # as version 8 left it, the roles made before 0009
        db.execute(
            "DROP TABLE lab_questions, desk_jobs, desk_login_attempts, desk_sessions, desk_accounts"
        )
        db.execute("DELETE FROM schema_version WHERE version >= 9")
    add_account(admin, lan_config, "kepala-lan", "admin")  # the owner migrates it
    add_account(urls["LAN"], lan_config, "budi", "operator")
    add_account(urls["BPSDM-JATIM"], jatim_config, "kepala-jatim", "admin")

    jatim = TestClient(create_desk_app(jatim_config, urls["BPSDM-JATIM"]))
    assert sign_in(jatim, "kepala-jatim").status_code == 303
    assert "budi" not in jatim.get("/akun").text
    with psycopg.connect(urls["BPSDM-JATIM"]) as db:  # the database itself, as JATIM's role
        names = [r[0] for r in db.execute("SELECT username FROM desk_accounts")]
        changed = db.execute("UPDATE desk_accounts SET active = 0 WHERE username = 'budi'")
        assert names == ["kepala-jatim"] and changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("DELETE FROM desk_accounts")
    lan = TestClient(create_desk_app(lan_config, urls["LAN"]))
    assert sign_in(lan, "budi").status_code == 303


def test_the_desk_connects_again_after_the_server_drops_its_connection(new_database, tmp_path):
    url = new_database()
    config = desk_config(tmp_path)
    add_account(url, config, "budi", "operator")
    with TestClient(create_desk_app(config, url)) as browser:  # one event loop, as uvicorn's
        assert sign_in(browser, "budi").status_code == 303
        with psycopg.connect(url, autocommit=True) as db:  # as a server restart would
            dropped = db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        assert dropped
        assert browser.get("/", follow_redirects=False).status_code == 200


def test_an_institutions_role_sees_and_adds_only_its_own_saved_questions(
    aturan, new_database, tmp_path
):
    """Issue 27's saved questions (migration 0012): row-level security keeps an institution's
    role to its own questions, also for roles made before the migration."""
    admin = new_database()
    urls = {
        code: init_institution(aturan, admin, code, tmp_path) for code in ("LAN", "BPSDM-JATIM")
    }
    with psycopg.connect(admin) as db:  # as version 11 left it, the roles already made
        db.execute("DROP TABLE lab_questions")
        db.execute("DELETE FROM schema_version WHERE version >= 12")
    add_account(admin, desk_config(tmp_path, "LAN"), "kepala-lan", "admin")  # migrates it
    lan = app.QuestionStore(open_database(urls["LAN"]))
    saved = lan.save("LAN", "rina", "a" * 32, "Masa berlaku 2 tahun", "Bagaimana jika 2 tahun?")
    jatim = app.QuestionStore(open_database(urls["BPSDM-JATIM"]))
    assert jatim.listed("BPSDM-JATIM") == [] and jatim.get(saved.question_id, "LAN") is None
    assert jatim.save("BPSDM-JATIM", "sari", "b" * 32, "Masa berlaku 2 tahun").name
    with psycopg.connect(urls["BPSDM-JATIM"]) as db:  # the database itself, as JATIM's role
        names = [r[0] for r in db.execute("SELECT institution FROM lab_questions")]
        assert names == ["BPSDM-JATIM"]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("DELETE FROM lab_questions")
    with psycopg.connect(urls["BPSDM-JATIM"]) as db, pytest.raises(psycopg.Error):
        db.execute(
            "INSERT INTO lab_questions (id, institution, name, name_key, account, saved_at, run) "
            "VALUES ('x', 'LAN', 'palsu', 'palsu', 'sari', '2027-01-01', 'r')"
        )
    assert [q.name for q in lan.listed("LAN")] == ["Masa berlaku 2 tahun"]
