"""The desk's accounts, sessions, CSRF and throttling (issue 26, item 1), through the real app."""

import re
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


def _from(app, address):
    return TestClient(app, client=(address, 50000))


def test_login_is_throttled_per_account_across_desk_processes(desk_client):
    client = desk_client("operator", "LAN", username="budi")
    for number in range(5):  # desk.login_failures_per_account: 5
        failed = sign_in(_from(client.app, f"10.0.0.{number}"), "budi", "bukan-sandinya-1")
        assert failed.status_code == 401
    # another desk process over the same registry, from yet another address, right password
    second = create_desk_app(client.config, client.registry)
    refused = sign_in(_from(second, "10.0.1.1"), "budi")
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan masuk" in refused.text and "Coba lagi dalam" in refused.text
    assert "aturan_meja=" not in refused.headers.get("set-cookie", "")
    add_account(client.registry, client.config, "sari", "operator")
    assert sign_in(_from(second, "10.0.1.1"), "sari").status_code == 303  # others still sign in


def test_login_is_throttled_per_address(desk_client):
    client = desk_client("operator", "LAN", username="budi")
    attacker = _from(client.app, "10.9.9.9")
    for number in range(20):  # desk.login_failures_per_address: 20, each a different name
        assert sign_in(attacker, f"tebakan{number}", "bukan-sandinya-1").status_code == 401
    refused = sign_in(attacker, "budi")
    assert refused.status_code == 429 and "Coba lagi dalam" in refused.text
    assert sign_in(_from(client.app, "10.1.1.1"), "budi").status_code == 303


def test_a_name_with_html_in_it_shows_as_text(tmp_path, signing_keys):
    config = desk_config(tmp_path)
    registry = tmp_path / "r.sqlite"
    name = '<script>alert("x")</script><b>Siti</b>'
    add_account(registry, config, "siti", "admin", full_name=name)
    client = TestClient(create_desk_app(config, registry))
    sign_in(client, "siti")
    for path in ("/", "/akun"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<b>Siti</b>" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;Siti&lt;/b&gt;" in page


def _session_cookie(response):
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith("aturan_meja=")]
    assert len(found) == 1, response.headers
    return [part.strip() for part in found[0].split(";")]


def test_the_session_cookie_is_httponly_and_samesite_strict(tmp_path, signing_keys):
    config = desk_config(tmp_path)
    add_account(tmp_path / "r.sqlite", config, "budi", "operator")
    client = TestClient(create_desk_app(config, tmp_path / "r.sqlite"))
    flags = _session_cookie(sign_in(client, "budi"))
    assert "HttpOnly" in flags and "SameSite=Strict" in flags
    assert "Secure" not in flags  # plain http (a local desk): a Secure cookie would never return


def test_the_session_cookie_is_secure_over_https(tmp_path, signing_keys):
    config = desk_config(tmp_path)
    add_account(tmp_path / "r.sqlite", config, "budi", "operator")
    app = create_desk_app(config, tmp_path / "r.sqlite")
    flags = _session_cookie(sign_in(TestClient(app, base_url="https://meja.contoh"), "budi"))
    assert {"HttpOnly", "SameSite=Strict", "Secure"} <= set(flags)


def test_secure_cookies_always_marks_cookies_secure_even_over_plain_http(tmp_path, signing_keys):
    """Behind a web server that ends TLS and talks plain http to the desk (and does not send
    X-Forwarded-Proto, which uvicorn would read), `desk.secure_cookies: always` keeps the cookies
    Secure."""
    config = desk_config(tmp_path, secure_cookies="always")
    add_account(tmp_path / "r.sqlite", config, "budi", "operator")
    app = create_desk_app(config, tmp_path / "r.sqlite")
    cookie = TestClient(app).get("/masuk").headers["set-cookie"]
    assert cookie.startswith("aturan_meja_pra=") and "Secure" in cookie.split("; ")
    flags = _session_cookie(sign_in(TestClient(app, base_url="https://meja.contoh"), "budi"))
    assert "Secure" in flags


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(desk_client):
    admin = desk_client("admin", "LAN", username="kepala")
    operator = desk_client("operator", "LAN", username="budi")
    assert operator.get("/", follow_redirects=False).status_code == 200
    page = post(admin, "/akun/budi/nonaktifkan")
    assert page.status_code == 200 and "dinonaktifkan" in page.text
    assert operator.get("/", follow_redirects=False).status_code == 303  # its session ended
    again = sign_in(TestClient(operator.app), "budi")
    assert again.status_code == 401 and "Nama pengguna atau kata sandi salah" in again.text


def test_an_operator_cannot_open_the_accounts_page(desk_client):
    operator = desk_client("operator", "LAN", username="budi")
    page = operator.get("/akun")
    assert page.status_code == 403 and "hanya untuk akun berperan admin" in page.text
    assert post(operator, "/akun/tambah", {"nama_pengguna": "x1"}).status_code == 403


def test_an_admin_adds_and_resets_accounts_of_its_institution(desk_client):
    admin = desk_client("admin", "LAN", username="kepala")
    form = {"nama_pengguna": "dewi", "nama_lengkap": "Dewi Lestari", "kata_sandi": PASSWORD}
    added = post(admin, "/akun/tambah", {**form, "peran": ["operator", "auditor"]})
    assert added.status_code == 200 and "Akun dewi ditambahkan" in added.text
    assert sign_in(TestClient(admin.app), "dewi").status_code == 303
    reset = post(admin, "/akun/dewi/sandi", {"kata_sandi": "sandi-baru-yang-panjang"})
    assert "Kata sandi akun dewi diganti" in reset.text
    assert sign_in(TestClient(admin.app), "dewi").status_code == 401
    assert sign_in(TestClient(admin.app), "dewi", "sandi-baru-yang-panjang").status_code == 303
    short = post(
        admin,
        "/akun/tambah",
        {**form, "nama_pengguna": "eko", "peran": "operator", "kata_sandi": "pendek"},
    )
    assert short.status_code == 400 and "kata sandi harus 10 sampai" in short.text


def test_an_admin_of_b_cannot_list_or_change_accounts_of_a(desk_client):
    a_operator = desk_client("operator", "LAN", username="budi")
    b_admin = desk_client("admin", "BPSDM-JABAR", username="kepala-b")
    listing = b_admin.get("/akun").text
    assert "kepala-b" in listing and "budi" not in listing
    for action, form in (("nonaktifkan", {}), ("sandi", {"kata_sandi": "sandi-curian-123"})):
        refused = post(b_admin, f"/akun/budi/{action}", form)
        assert refused.status_code == 404 and "tidak ada di institusi ini" in refused.text
    assert a_operator.get("/", follow_redirects=False).status_code == 200  # untouched
    assert sign_in(TestClient(a_operator.app), "budi").status_code == 303
    # nor can B's admin sign in at A's desk
    at_a = sign_in(TestClient(a_operator.app), "kepala-b")
    assert at_a.status_code == 403 and "meja kerja ini melayani institusi LAN" in at_a.text


def test_an_areas_router_is_included_with_its_nav_and_csrf(monkeypatch, desk_client):
    """The contract B and C build on: a route module of the desk is included by its file alone,
    its NAV link shows to the role it names, and its forms need the CSRF token too."""
    import sys
    import types

    from fastapi import APIRouter, Depends

    import aturan.desk.app as desk_app
    from aturan.desk.auth import requires

    area = types.ModuleType("aturan.desk.routes_uji")
    area.router = APIRouter()
    area.NAV = [("Uji", "/uji", "auditor")]

    @area.router.post("/uji")
    def uji(account=Depends(requires("auditor"))):  # noqa: B008
        return {"oleh": account.username}

    monkeypatch.setitem(sys.modules, "aturan.desk.routes_uji", area)
    monkeypatch.setattr(desk_app, "ROUTE_MODULES", (*desk_app.ROUTE_MODULES, "routes_uji"))
    auditor = desk_client("auditor", "LAN", username="audi")
    operator = desk_client("operator", "LAN", username="budi")
    assert 'href="/uji"' in auditor.get("/").text and 'href="/uji"' not in operator.get("/").text
    assert post(auditor, "/uji").json() == {"oleh": "audi"}
    assert auditor.post("/uji").status_code == 403  # no token
    assert post(operator, "/uji").status_code == 403  # not an auditor


def test_a_successful_sign_in_clears_the_accounts_earlier_failures(desk_client):
    client = desk_client("operator", "LAN", username="budi")  # signed in once already
    for _ in range(4):
        assert sign_in(TestClient(client.app), "budi", "bukan-sandinya-1").status_code == 401
    assert sign_in(TestClient(client.app), "budi").status_code == 303
    for _ in range(4):  # four more: nine in the window, four since the last success
        assert sign_in(TestClient(client.app), "budi", "bukan-sandinya-1").status_code == 401
    assert sign_in(TestClient(client.app), "budi").status_code == 303


def test_an_account_with_two_roles_sees_each_page_once_in_the_navigation(desk_client):
    both = desk_client("operator,auditor", "LAN", username="dua-peran")
    links = re.findall(r'<a href="(/[^"]*)"', both.get("/").text.split("</nav>")[0])
    assert links and len(links) == len(set(links)), links
