"""What the desk's tests share (issue 26): a configuration per institution, accounts made through
the library, and `desk_client`, a FastAPI TestClient signed in as an account of a given role and
institution, on a fresh registry in tmp_path. conftest.py loads this module as a plugin, so
`desk_client` is a fixture of every test module; the helpers are imported:

    from desk_support import post

    def test_something(desk_client):
        client = desk_client("operator", "LAN")
        post(client, "/keluar")  # carries the CSRF token
"""

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from fastapi.testclient import TestClient

from aturan.desk import create_desk_app, open_accounts

PASSWORD = "kata-sandi-uji-123"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def desk_config(folder: Path, institution: str = "LAN", **desk) -> Path:
    """The project's configuration for `institution` (its code; numbers carry the code, so
    institutions can share one registry), keys by absolute path, `desk` settings changed as given
    (e.g. session_idle_minutes=5), written in `folder`."""
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    config["desk"] = {**config.get("desk", {}), **desk}
    config["institution"]["code"] = institution
    config["institution"]["name"] = f"Institusi {institution}"
    config["numbering"]["format"] = "{seq:04d}/{code}/{institution}/{year}"
    keys = ROOT / "keys"
    config["signing"].update(
        pkcs12=str(keys / "demo-penandatangan.p12"), trust_roots=[str(keys / "demo-akar.pem")]
    )
    config["registry"]["key_file"] = str(keys / "registry.key")
    config["registry"]["signing_key_file"] = str(keys / "registry-signing.key")
    path = folder / f"institution-{institution}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def add_account(registry, config, username, roles, full_name=None, password=PASSWORD):
    """An account made as `aturan users add` makes it (the registry made when new)."""
    accounts = open_accounts(registry, config, create=True)
    try:
        code = yaml.safe_load(config.read_text(encoding="utf-8"))["institution"]["code"]
        roles = roles.split(",") if isinstance(roles, str) else roles
        return accounts.add(username, code, roles, full_name or f"Pengguna {username}", password)
    finally:
        accounts.db.close()


def csrf_token(client: TestClient, path: str = "/masuk") -> str:
    """The CSRF token of the page at `path`, as a browser reads it from the form."""
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found[1]


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    """Posts the sign-in form as a browser does; the response (303 to / when signed in)."""
    data = {"nama_pengguna": username, "kata_sandi": password, "csrf": csrf_token(client)}
    return client.post("/masuk", data=data, follow_redirects=False)


def post(client: TestClient, path: str, data=None, files=None, **kwargs):
    """A POST with the signed-in browser's CSRF token in its form."""
    token = client.csrf if hasattr(client, "csrf") else csrf_token(client)
    return client.post(path, data={**(data or {}), "csrf": token}, files=files, **kwargs)


@pytest.fixture
def desk_client(tmp_path, signing_keys):
    """desk_client(roles="operator", institution="LAN", username=None, registry=None,
    clock=None, base_url="http://testserver"): a TestClient signed in as a new account with
    `roles` (comma-separated) of `institution`, on the registry `registry` (default: one fresh
    SQLite registry in tmp_path, shared by every client this test makes). The client carries
    `.account`, `.config`, `.registry` and `.csrf` (its forms' token)."""

    def make(
        roles="operator",
        institution="LAN",
        username=None,
        registry=None,
        clock=None,
        base_url="http://testserver",
    ):
        registry = registry or tmp_path / "registri.sqlite"
        config = desk_config(tmp_path, institution)
        username = username or f"{roles.replace(',', '-')}-{institution}".lower()
        account = add_account(registry, config, username, roles)
        client = TestClient(create_desk_app(config, registry, clock=clock), base_url=base_url)
        response = sign_in(client, username)
        assert response.status_code == 303, response.text
        client.account, client.config, client.registry = account, config, registry
        client.csrf = csrf_token(client, "/")
        return client

    return make
