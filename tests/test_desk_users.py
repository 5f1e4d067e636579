"""`aturan users`: the desk's accounts from the command line (issue 26, item 1), through the real
CLI; the accounts it makes sign in at the desk."""

import pytest
from click.testing import CliRunner
from conftest import ROOT
from desk_support import desk_config, sign_in
from fastapi.testclient import TestClient

from aturan.cli import main
from aturan.desk import create_desk_app


@pytest.fixture
def users(tmp_path, signing_keys):
    """users(*args, input=None): `aturan users ARGS --registry ... --config ...` on a registry in
    tmp_path; (exit code, stdout, stderr)."""
    config = desk_config(tmp_path)
    registry = tmp_path / "registri.sqlite"

    def run(*args, input=None):
        result = CliRunner().invoke(
            main,
            ["users", *args, "--registry", str(registry), "--config", str(config)],
            input=input,
            env={"ATURAN_ROOT": str(ROOT)},
        )
        return result.exit_code, result.stdout, result.stderr

    run.config, run.registry = config, registry
    return run


def add(users, name="siti", roles="admin,operator", password="kata-sandi-siti-1", *extra):
    return users(
        "add", name, "--nama", "Siti Aminah", "--peran", roles, "--kata-sandi-stdin",
        "--registri-baru", *extra, input=password + "\n",
    )  # fmt: skip


def test_add_then_list_then_sign_in_at_the_desk(users):
    code, out, err = add(users)
    assert code == 0, err
    assert "Akun siti ditambahkan: institusi LAN, peran admin, operator." in out
    code, out, _ = users("list")
    assert code == 0
    assert "siti\tLAN\tadmin,operator\taktif\tSiti Aminah\t" in out
    desk = TestClient(create_desk_app(users.config, users.registry))
    assert sign_in(desk, "siti", "kata-sandi-siti-1").status_code == 303


def test_the_password_comes_from_a_hidden_prompt_asked_twice(users):
    code, out, err = users(
        "add", "budi", "--nama", "Budi", "--peran", "operator", "--registri-baru",
        input="kata-sandi-budi-1\nkata-sandi-budi-1\n",
    )  # fmt: skip
    assert code == 0, err
    assert "kata-sandi-budi-1" not in out  # hidden
    desk = TestClient(create_desk_app(users.config, users.registry))
    assert sign_in(desk, "budi", "kata-sandi-budi-1").status_code == 303


def test_disable_ends_sessions_and_sign_in(users):
    add(users)
    desk = TestClient(create_desk_app(users.config, users.registry))
    sign_in(desk, "siti", "kata-sandi-siti-1")
    assert desk.get("/", follow_redirects=False).status_code == 200
    code, out, _ = users("disable", "siti")
    assert code == 0 and "Akun siti dinonaktifkan" in out
    assert desk.get("/", follow_redirects=False).status_code == 303
    assert sign_in(TestClient(desk.app), "siti", "kata-sandi-siti-1").status_code == 401
    assert "\tnonaktif\t" in users("list")[1]


def test_reset_password_replaces_the_old_one(users):
    add(users)
    code, out, err = users(
        "reset-password", "siti", "--kata-sandi-stdin", input="sandi-baru-siti-2\n"
    )
    assert code == 0, err
    assert "Kata sandi akun siti diganti" in out
    desk = create_desk_app(users.config, users.registry)
    assert sign_in(TestClient(desk), "siti", "kata-sandi-siti-1").status_code == 401
    assert sign_in(TestClient(desk), "siti", "sandi-baru-siti-2").status_code == 303


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("Siti",), "kata-sandi-siti-1", "isian 'NAMA_PENGGUNA': nama pengguna 2-40 karakter"),
        (("siti", "pengawas"), "kata-sandi-siti-1", "isian '--peran': peran harus satu atau"),
        (("siti", "operator"), "pendek", "kata sandi harus 10 sampai 200 karakter"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(users, args, password, message):
    code, out, err = add(users, *args, password=password)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not users.registry.exists() or "siti" not in users("list")[1]


def test_an_account_twice_or_a_missing_one_is_exit_2(users):
    add(users)
    code, _, err = add(users)
    assert code == 2 and "akun siti sudah ada" in err
    code, _, err = users("disable", "tidak-ada")
    assert code == 2 and "akun tidak-ada tidak ada" in err
    code, _, err = users("add", "x1", "--nama", "X", "--peran", "admin", "--institusi", "lan")
    assert code == 2 and "kode institusi 'lan' tidak valid" in err


def test_a_missing_registry_is_not_made_without_registri_baru(users):
    code, _, err = users("add", "siti", "--nama", "S", "--peran", "admin", "--kata-sandi-stdin",
                         input="kata-sandi-siti-1\n")  # fmt: skip
    assert code == 2 and "registri tidak ditemukan" in err
    assert not users.registry.exists()


def test_demo_accounts_are_marked_and_made_again_without_failing(users):
    add(users)  # the registry exists, as `make demo` leaves it
    first = users("demo")
    second = users("demo")
    assert first[0] == second[0] == 0, first[2] + second[2]
    assert "AKUN DEMO" in second[1] and "kata sandi DEMO:" in second[1]
    assert "aturan desk --registry" in second[1] and "http://127.0.0.1:8100/masuk" in second[1]
    password = second[1].split("kata sandi DEMO: ")[1].split()[0]
    desk = create_desk_app(users.config, users.registry)
    for name in ("demo-admin", "demo-operator", "demo-auditor", "demo-perumus"):
        assert sign_in(TestClient(desk), name, password).status_code == 303


def test_a_bad_desk_setting_stops_aturan_desk_before_it_serves(users, tmp_path):
    add(users)
    config = desk_config(tmp_path, "LAN", session_idle_minutes=0)
    result = CliRunner().invoke(
        main,
        ["desk", "--registry", str(users.registry), "--config", str(config)],
        env={"ATURAN_ROOT": str(ROOT)},
    )
    assert result.exit_code == 2
    assert "isian 'desk.session_idle_minutes': isi bilangan lebih dari 0" in result.stderr


def test_a_drafter_account_comes_from_the_cli_and_sees_only_the_lab(users):
    code, out, err = add(users, "rina", "drafter", "kata-sandi-rina-1")
    assert code == 0, err
    assert "peran drafter." in out
    desk = TestClient(create_desk_app(users.config, users.registry))
    assert sign_in(desk, "rina", "kata-sandi-rina-1").status_code == 303
    home = desk.get("/").text
    assert 'href="/lab"' in home and 'href="/akun"' not in home
    code, _, err = add(users, "eko", "perumus", "kata-sandi-eko-12")
    assert code == 2 and "admin, drafter" in err
