"""The desk's accounts, sessions, CSRF and throttling (issue 26, item 1), through the real app."""

import sqlite3

from desk_support import PASSWORD, add_account, desk_config, post, sign_in
from fastapi.testclient import TestClient

from aturan.desk import create_desk_app


def test_signed_in_page_shows_the_account_and_institution(desk_client):
    client = desk_client("operator", "LAN", username="budi")
    page = client.get("/")
    assert page.status_code == 200
    assert "budi" in page.text and "LAN" in page.text
    assert 'action="/keluar"' in page.text


def test_without_a_session_pages_send_to_sign_in(tmp_path, signing_keys):
    config = desk_config(tmp_path)
    add_account(tmp_path / "r.sqlite", config, "budi", "operator")
    client = TestClient(create_desk_app(config, tmp_path / "r.sqlite"))
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/masuk"


def test_wrong_password_and_unknown_user_get_the_same_answer(desk_client):
    client = desk_client("operator", "LAN", username="budi")
    other = TestClient(client.app)
    wrong = sign_in(other, "budi", "bukan-sandinya-1")
    nobody = sign_in(other, "tidak-ada", "bukan-sandinya-1")
    assert wrong.status_code == nobody.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in wrong.text
    assert wrong.text.replace("budi", "X") == nobody.text.replace("tidak-ada", "X")
    assert "aturan_meja=" not in wrong.headers.get("set-cookie", "")


def test_a_form_without_the_csrf_token_is_refused(desk_client):
    client = desk_client("operator", "LAN", username="budi")
    response = client.post("/keluar", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert client.get("/", follow_redirects=False).status_code == 200  # still signed in
    forged = client.post("/keluar", data={"csrf": "0" * 64}, follow_redirects=False)
    assert forged.status_code == 403


def test_the_login_form_needs_its_csrf_token_too(tmp_path, signing_keys):
    config = desk_config(tmp_path)
    add_account(tmp_path / "r.sqlite", config, "budi", "operator")
    client = TestClient(create_desk_app(config, tmp_path / "r.sqlite"))
    client.get("/masuk")
    data = {"nama_pengguna": "budi", "kata_sandi": PASSWORD}
    response = client.post("/masuk", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "aturan_meja=" not in response.headers.get("set-cookie", "")


def test_signing_out_ends_the_session_on_the_server(desk_client):
    client = desk_client("operator", "LAN", username="budi")
    cookie = client.cookies.get("aturan_meja")
    assert post(client, "/keluar", follow_redirects=False).status_code == 303
    replayed = TestClient(client.app, cookies={"aturan_meja": cookie})
    assert replayed.get("/", follow_redirects=False).status_code == 303


def _age_sessions(registry, seconds):
    with sqlite3.connect(registry) as db:
        db.execute(
            "UPDATE desk_sessions SET last_seen = last_seen - ?, started = started - ?",
            (seconds, seconds),
        )


def test_an_idle_session_expires(desk_client):
    client = desk_client("operator", "LAN", username="budi")
    _age_sessions(client.registry, 31 * 60)  # desk.session_idle_minutes: 30
    assert client.get("/", follow_redirects=False).headers["location"] == "/masuk"


def test_a_session_ends_after_its_longest_life_even_when_used(desk_client):
    client = desk_client("operator", "LAN", username="budi")
    with sqlite3.connect(client.registry) as db:  # started 8 h 1 min ago, used a minute ago
        db.execute(
            "UPDATE desk_sessions SET started = started - ?, last_seen = last_seen - 60",
            (8 * 3600 + 60,),
        )
    assert client.get("/", follow_redirects=False).status_code == 303
