"""An institution's own rulebook folder (`aturan --rules DIR` or ATURAN_RULES) replaces the
shipped one: its rules decide, and the version hashes its files; templates and configuration it
lacks come from the shipped rulebook."""

import shutil

from click.testing import CliRunner
from conftest import ROOT

from aturan.cli import main
from aturan.documents.record import version_parts
from aturan.law import load_rulebook

CASE = ROOT / "samples" / "budi-petahana-administrator.yaml"


def invoke(*args, rules=None):
    env = {"ATURAN_ROOT": str(ROOT), "ATURAN_RULES": rules}  # restored after each run
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def own_rulebook(tmp_path):
    """The shipped rules and regulations, with the certificate valid 4 years instead of 3."""
    folder = tmp_path / "institusi"
    for part in ("rules", "regulations"):
        shutil.copytree(ROOT / part, folder / part)
    core = folder / "rules" / "parameters" / "core.yaml"
    head, tail = core.read_text(encoding="utf-8").split("  - id: certificate.validity_years")
    tail = tail.replace("value: 3", "value: 4", 1)
    core.write_text(f"{head}  - id: certificate.validity_years{tail}", encoding="utf-8")
    return folder


def version_lines(output):
    """`aturan --version`'s parts: {"rules": hash, ...}."""
    pairs = (line.split() for line in output.splitlines() if line.startswith("  "))
    return {words[0].rstrip(":"): words[1] for words in pairs}


def test_the_option_and_the_variable_replace_the_shipped_rules(tmp_path):
    folder = own_rulebook(tmp_path)
    ours = load_rulebook(folder).version
    assert ours != load_rulebook(ROOT).version
    for result in (
        invoke("--rules", folder, "decide", CASE, "--as-of", "2026-02-01"),
        invoke("decide", CASE, "--as-of", "2026-02-01", rules=str(folder)),
    ):
        assert result.exit_code == 0, result.output
        assert f"Versi aturan: {ours}" in result.output


def test_the_version_hashes_the_folder_in_use(tmp_path):
    folder = own_rulebook(tmp_path)
    shipped = version_parts(ROOT, ROOT / "config" / "institution.yaml")
    shown = version_lines(invoke("--rules", folder, "--version").output)
    assert shown["rules"] != shipped["rules"]
    for part in ("regulations", "code", "templates", "config"):  # not in the folder: shipped
        assert shown[part] == shipped[part], part
    assert version_lines(invoke("--version").output)["rules"] == shipped["rules"]


def test_a_folder_without_rules_and_regulations_is_one_message(tmp_path):
    (tmp_path / "rules").mkdir()
    for result in (
        invoke("--rules", tmp_path, "rules", "check"),
        invoke("rules", "check", rules=str(tmp_path)),
        invoke("--rules", tmp_path / "tidak-ada", "rules", "check"),
    ):
        assert result.exit_code == 2
        assert "tidak berisi rules/ dan regulations/" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
