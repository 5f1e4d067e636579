"""Where the project is: its rules, regulations, templates and the institution's configuration.

A rulebook folder holds rules/ and regulations/, and may hold templates/docx/ and
config/institution.yaml. The one in use is, in this order:

- ATURAN_RULES (set by `aturan --rules DIR`): an institution's own rulebook folder;
- ATURAN_ROOT: a source checkout (the tests set it);
- the nearest folder upwards from the current one holding rules/ and regulations/ (a checkout
  one works in, where drafters edit the YAML);
- the rulebook shipped inside the installed package (aturan/rulebook/, built into the wheel from
  the repository's folders by setup.py);
- the source checkout this module lies in (an editable install run from elsewhere).

Templates and the configuration missing from the folder in use come from the shipped rulebook.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from aturan.errors import AturanError

RULES_ENV = "ATURAN_RULES"


def is_rulebook(folder: Path) -> bool:
    """Whether folder holds rules/ and regulations/."""
    return (folder / "rules").is_dir() and (folder / "regulations").is_dir()


def project_root() -> Path:
    """The rulebook folder in use (see the module's text)."""
    if os.environ.get(RULES_ENV):
        return _pointed_rulebook(Path(os.environ[RULES_ENV]))
    if os.environ.get("ATURAN_ROOT"):
        return Path(os.environ["ATURAN_ROOT"])
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if is_rulebook(folder):
            return folder
    return bundled_root()


def _pointed_rulebook(folder: Path) -> Path:
    if not is_rulebook(folder):
        raise AturanError(
            f"folder aturan {folder} tidak berisi rules/ dan regulations/ "
            f"(ditunjuk oleh --rules atau {RULES_ENV})",
            file=str(folder),
        )
    return folder


def bundled_root() -> Path:
    """The rulebook shipped in the package, else the source checkout holding this module."""
    shipped = resources.files("aturan") / "rulebook"
    if isinstance(shipped, Path) and is_rulebook(shipped):
        return shipped
    return Path(__file__).resolve().parents[2]


def templates_dir(root: Path | None = None) -> Path:
    """The DOCX templates: templates/docx/ of root (default: the rulebook in use), else the
    shipped ones."""
    own = (root or project_root()) / "templates" / "docx"
    return own if own.is_dir() else bundled_root() / "templates" / "docx"


def config_file(config_path: Path | None) -> Path:
    """The institution's configuration: the given file, else config/institution.yaml of the
    rulebook in use, else the shipped one."""
    if config_path:
        return config_path
    own = project_root() / "config" / "institution.yaml"
    return own if own.is_file() else bundled_root() / "config" / "institution.yaml"
