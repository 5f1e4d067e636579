"""The import graph keeps the packages' boundaries (docs/architecture.md, "The import rule"):
a module of one package imports another package only through its face, `aturan.<package>`,
never one of its modules; the top-level shared modules (aturan.errors, aturan.project,
aturan.vocabulary, aturan.formatting) may be imported by anyone."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import aturan.errors

PACKAGE = Path(aturan.errors.__file__).parent  # aturan is a namespace package


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module name the file imports (`import a.b`, `from a.b import c`, relative imports,
    inside functions too), with its line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from aturan.documents import registry` names a module too, unless the face
            # exports that name (aturan.decide's `explain` is a function)
            if base.count(".") == 1:
                found += [
                    (node.lineno, f"{base}.{alias.name}")
                    for alias in node.names
                    if alias.name not in _exported(base)
                ]
    return found


def _exported(module: str) -> set[str]:
    if not module.startswith("aturan.") or module.count(".") != 1:
        return set()
    try:
        return set(getattr(importlib.import_module(module), "__all__", ()))
    except ImportError:
        return set()


def _top_packages() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}


def bypasses() -> list[str]:
    """`file:line imports module` for every import of another package's module."""
    packages = _top_packages()
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        own = module.split(".")[1] if module.count(".") else None
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, name in _imported(tree, module, path.name == "__init__.py"):
            parts = name.split(".")
            if parts[0] != "aturan" or len(parts) < 3 or parts[1] not in packages:
                continue  # another library, a face, a shared module or a name from a face
            if parts[1] == own:
                continue  # within a package, modules import each other freely
            if (PACKAGE / parts[1] / f"{parts[2]}.py").is_file() or (
                PACKAGE / parts[1] / parts[2] / "__init__.py"
            ).is_file():
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    return problems


def test_no_package_imports_another_packages_module():
    problems = bypasses()
    assert not problems, "imports past a package's face:\n" + "\n".join(problems)


def test_interfaces_call_the_application_layer():
    """The command line issues, records and replays through aturan.app: none of its modules
    builds an Issuer or a decision record itself."""
    cli = PACKAGE / "cli"
    for path in cli.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("Issuer(", "make_record(", "decide_for_issue(", "registry_groups("):
            assert word not in text, f"{path.name} still calls {word}"
