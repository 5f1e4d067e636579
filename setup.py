"""Build hook: the rulebook kept at the repository root, where drafters edit it (rules/,
regulations/, templates/docx/, config/), goes into the wheel as the package data aturan/rulebook/,
which `aturan.project` finds with importlib.resources. An editable install reads the checkout."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
RULEBOOK = {
    "rules": "*.yaml",
    "regulations": "*.yaml",
    "templates/docx": "*.docx",
    "config": "*.yaml",
}


class BuildWithRulebook(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib, "aturan", "rulebook")
        shutil.rmtree(target, ignore_errors=True)  # a file deleted here leaves no stale copy
        for folder, pattern in RULEBOOK.items():
            for source in sorted((HERE / folder).rglob(pattern)):
                copy = target / source.relative_to(HERE)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)


setup(cmdclass={"build_py": BuildWithRulebook})
