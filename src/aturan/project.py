"""Where the project is: its rules, regulations, templates and the institution's configuration."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """ATURAN_ROOT, else the nearest folder upwards holding rules/ and regulations/, else the
    source checkout."""
    if os.environ.get("ATURAN_ROOT"):
        return Path(os.environ["ATURAN_ROOT"])
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "rules").is_dir() and (folder / "regulations").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


def config_file(config_path: Path | None) -> Path:
    """The institution's configuration: the given file, else config/institution.yaml."""
    return config_path or project_root() / "config" / "institution.yaml"
