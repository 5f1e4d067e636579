"""Locked dependencies (issue 23, item 5): every library src/ imports is declared, every direct
dependency is bounded above, requirements.lock pins each within its bounds with hashes, and
`make setup` installs from the lock, with durable-rules built from its patched source."""

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements.lock"
# Run by /usr/bin/python3 with Debian's python3-uno (LibreOffice's bridge), never in the venv.
OUTSIDE_THE_VENV = {ROOT / "src" / "aturan" / "documents" / "uno_worker.py"}


def requirements(extra=None):
    listed = PYPROJECT["project"]["optional-dependencies"][extra] if extra else None
    return [Requirement(r) for r in listed or PYPROJECT["project"]["dependencies"]]


def imported_top_levels():
    """{top-level module: a file importing it} for every absolute import in src/."""
    found = {}
    for path in sorted((ROOT / "src").rglob("*.py")):
        if path in OUTSIDE_THE_VENV:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], path.relative_to(ROOT))
    return found


def locked():
    """{distribution: (version, number of hashes)} from requirements.lock."""
    entries = re.findall(
        r"^([A-Za-z0-9._-]+)==(\S+)[^\n\\]*((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)",
        LOCK.read_text(encoding="utf-8"),
        re.M,
    )
    return {canonicalize_name(n): (v, hashes.count("--hash=")) for n, v, hashes in entries}


def test_every_library_src_imports_is_a_declared_dependency():
    declared = {canonicalize_name(r.name) for r in requirements()}
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for module, where in imported_top_levels().items():
        if module in sys.stdlib_module_names or module == "aturan":
            continue
        names = {canonicalize_name(d) for d in providers.get(module, [module])}
        if not names & declared:
            undeclared[module] = f"{sorted(names)} ({where})"
    assert not undeclared, f"imported by src/ but not in [project] dependencies: {undeclared}"


def test_every_direct_dependency_has_an_upper_bound():
    unbounded = [
        str(r)
        for r in requirements() + requirements("test")
        if not any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)
    ]
    assert not unbounded


def test_the_lock_pins_every_dependency_within_its_bounds_with_hashes():
    pins = locked()
    assert pins, "requirements.lock holds no pinned, hashed entry"
    for requirement in requirements() + requirements("test"):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version), (name, version, str(requirement))
        assert hashes, f"{name} has no hash in requirements.lock"
    assert all(hashes for _, hashes in pins.values())


def test_the_installed_versions_are_the_locked_ones():
    for name, (version, _) in locked().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # only for other platforms (colorama on Windows)
        assert installed == version, (name, installed, version)


def test_make_setup_installs_the_lock_with_hashes_and_the_patched_durable_rules(tmp_path):
    venv = tmp_path / "venv"
    plan = subprocess.run(
        ["make", "-n", "-B", "setup", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True
    )
    assert plan.returncode == 0, plan.stderr
    commands = plan.stdout
    assert f"patches/build_durable_rules.py requirements.lock {venv}/wheels" in commands
    assert f"{venv}/bin/pip install --quiet --require-hashes -r requirements.lock" in commands
    assert f"{venv}/bin/pip install --quiet --no-deps -e ." in commands
    assert commands.index("build_durable_rules.py") < commands.index("--require-hashes")


def test_the_installed_rules_engine_is_built_with_the_python_313_patch():
    """Python 3.13 removed PyEval_CallObject: an engine built without the patch imports on 3.11
    but not on 3.13. Every Python gets the patched build, so 3.11 tests the same code."""
    import durable_rules_engine

    assert b"PyEval_CallObject" not in Path(durable_rules_engine.__file__).read_bytes()
    patch = (ROOT / "patches" / "durable-rules-2.0.28-py313.patch").read_text(encoding="utf-8")
    assert "+    result = PyObject_CallObject(callback, arglist);" in patch
