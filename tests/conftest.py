import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aturan.cli import main
from aturan.decide import Decider
from aturan.law import load_rulebook

ROOT = Path(__file__).resolve().parents[1]
os.environ["ATURAN_ROOT"] = str(ROOT)


class Result:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.output = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception


@pytest.fixture(scope="session", autouse=True)
def signing_keys():
    """The demo keys under the project's keys/ (gitignored), as `make demo` makes them: issuing
    a PDF signs it, and verify needs the trust root."""
    result = CliRunner().invoke(main, ["keys", "init"], env={"ATURAN_ROOT": str(ROOT)})
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def registry_key(signing_keys):
    """The project's registry key, as `aturan keys init` wrote it."""
    return bytes.fromhex((ROOT / "keys" / "registry.key").read_text(encoding="ascii").strip())


@pytest.fixture
def aturan():
    """Run the real CLI; returns exit code, stdout and stderr separately."""

    def run(*args, root=None):
        env = {"ATURAN_ROOT": str(root or ROOT)}
        return Result(CliRunner().invoke(main, [str(a) for a in args], env=env))

    return run


@pytest.fixture(scope="session")
def rulebook():
    """The project's rulebook, loaded once per test session."""
    return load_rulebook(ROOT)


@pytest.fixture(scope="session")
def decider(rulebook):
    """A Decider under the project's rules and its default choices, compiled once per session."""
    return Decider(rulebook)


@pytest.fixture(scope="session")
def decider_for(rulebook):
    """decider_for(model, assessment_option): one Decider per choice, compiled on first use."""
    made = {}

    def get(model, assessment):
        if (model, assessment) not in made:
            made[(model, assessment)] = Decider(rulebook, model=model, assessment=assessment)
        return made[(model, assessment)]

    return get


@pytest.fixture
def project_copy(tmp_path):
    """A scratch copy of rules/ and regulations/ that a test may break."""
    for folder in ("rules", "regulations", "templates"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


# Tests that convert to PDF with a real LibreOffice; `make test-fast` leaves them out.
LIBREOFFICE_TESTS = {"test_names_at_the_limits_keep_every_certificate_on_one_page"}
LIBREOFFICE_FILES = {
    "test_documents.py",
    "test_forgery.py",
    "test_browser.py",
    "test_web.py",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in LIBREOFFICE_FILES or item.originalname in LIBREOFFICE_TESTS:
            item.add_marker(pytest.mark.libreoffice)
