import fcntl
import itertools
import os
import shutil
from pathlib import Path

import pg_cluster
import pytest
from click.testing import CliRunner

from aturan.cli import main
from aturan.decide import Decider
from aturan.documents import pdf
from aturan.law import load_rulebook

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["desk_support"]  # the desk's fixtures (desk_client), for every test module
os.environ["ATURAN_ROOT"] = str(ROOT)


# A training design is dated before its training starts (rules/documents.yaml), so a cohort whose
# trainings have started gets its designs in an earlier run, as an operator issues them: the
# later run re-issues them under the same numbers and dates.
DESIGN_RUN = ["--as-of", "2026-02-01", "--issue-date", "2026-02-02"]


def started_cases(source: Path, folder: Path, by: str = "2027-01-11") -> Path:
    """The cases of a cohort file whose training starts before `by`, as a file in `folder`."""
    import yaml

    cases = yaml.safe_load(source.read_text(encoding="utf-8"))["cases"]
    started = [c for c in cases if str(c.get("training", {}).get("start", "9999")) < by]
    path = Path(folder) / "dimulai.yaml"
    path.write_text(yaml.safe_dump({"cases": started}, allow_unicode=True), encoding="utf-8")
    return path


def numbered(folder: Path, number: str, suffix: str) -> Path:
    """The document file of `number` in `folder`: named by its number, then its holder's name
    (0006-SKM-PKASN-2026-Budi-Santoso.pdf)."""
    stem = number.replace("/", "-")
    found = sorted(Path(folder).glob(f"{stem}-*{suffix}"))
    assert len(found) == 1, (number, [p.name for p in found])
    return found[0]


def copy_registry(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite registry, with what its write-ahead log still holds (copying
    the file alone can miss the last documents while another connection keeps the log open)."""
    import sqlite3

    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    return target


class Result:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.output = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception


@pytest.fixture(scope="session", autouse=True)
def signing_keys():
    """The demo keys under the project's keys/ (gitignored), as `make demo` makes them: issuing
    a PDF signs it, and verify needs the trust root. Made under a lock: the parallel workers of
    `make test` start together, and two of them making the keys at once would each keep a
    different registry key or pair a certificate with the other's private key."""
    (ROOT / "keys").mkdir(exist_ok=True)
    with open(ROOT / "keys" / ".init.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = CliRunner().invoke(main, ["keys", "init"], env={"ATURAN_ROOT": str(ROOT)})
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def registry_key(signing_keys):
    """The project's registry key, as `aturan keys init` wrote it."""
    return bytes.fromhex((ROOT / "keys" / "registry.key").read_text(encoding="ascii").strip())


@pytest.fixture(scope="session")
def registry_signing_key(signing_keys):
    """The project's registry signing key (Ed25519), as `aturan keys init` wrote it."""
    path = ROOT / "keys" / "registry-signing.key"
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


@pytest.fixture(scope="session")
def registry_keys(registry_key, registry_signing_key):
    """The key holder's keys, as Registry takes them."""
    return {"key": registry_key, "signing_key": registry_signing_key}


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


# Markers select tests and never skip one (pyproject.toml lists them): a test, or a fixture it
# uses, that converts with LibreOffice is marked `libreoffice`; one that uses the PostgreSQL
# cluster, `postgres`. A test doing either unmarked fails here, so `make test-fast` stays free of
# both: mark the module (`pytestmark = pytest.mark.libreoffice`) or the test. Only what runs in
# the test's process is seen: a conversion in a child process (`python -m aturan.cli issue --pdf`)
# is not, so a module fixture issuing PDFs that way marks its module by hand.
_running: list[pytest.Item] = []
_unmarked: dict[str, set[str]] = {}


def _uses(marker: str) -> None:
    if _running and _running[-1].get_closest_marker(marker) is None:
        _unmarked.setdefault(_running[-1].nodeid, set()).add(marker)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _running[:] = [item]


def _soffice_in_a_marked_test(find=pdf.soffice):
    _uses("libreoffice")
    return find()


pdf.soffice = _soffice_in_a_marked_test


@pytest.fixture(autouse=True)
def _marked_for_what_it_uses(request):
    yield
    missing = _unmarked.pop(request.node.nodeid, set())
    if missing:
        marks = " and ".join(f"@pytest.mark.{m}" for m in sorted(missing))
        pytest.fail(f"{request.node.nodeid} is not marked {marks} (pyproject.toml)", pytrace=False)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster for this session (its superuser database's URL), stopped and
    removed at the end. Missing PostgreSQL fails the tests that need it: CI installs it
    (`make setup-db`). Each worker of `make test` (pytest-xdist) starts its own, on its own free
    port."""
    _uses("postgres")
    try:
        context = pg_cluster.cluster()
        url = context.__enter__()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield url
    finally:
        context.__exit__(None, None, None)


_databases = itertools.count(1)


@pytest.fixture
def new_database(postgres):
    """new_database(template=None): the URL of a new database on the session's cluster (a copy of
    `template`, a database name, when given)."""
    _uses("postgres")
    return lambda template=None: pg_cluster.new_database(postgres, f"t{next(_databases)}", template)


# The PostgreSQL variant of each registry test is marked `postgres` (left out by `make test-fast`).
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def registry_url(request, tmp_path):
    """Where a new registry goes, once per backend: a SQLite file, or an empty PostgreSQL
    database's URL."""
    if request.param == "sqlite":
        return tmp_path / "registri.sqlite"
    return request.getfixturevalue("new_database")()
