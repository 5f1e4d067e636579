"""The rulebook, the decider and the participants every action starts from."""

from __future__ import annotations

from pathlib import Path

from aturan.cases import Case, case_from_data, read_cohort
from aturan.decide import Decider
from aturan.errors import InputError
from aturan.files import load_data
from aturan.law import Rulebook, apply_params, apply_reform, load_rulebook
from aturan.project import project_root


def rulebook(reform_path: Path | None = None, param_pairs: tuple[str, ...] = ()) -> Rulebook:
    return reformed(load_rulebook(project_root()), reform_path, param_pairs)


def reformed(
    book: Rulebook, reform_path: Path | None = None, param_pairs: tuple[str, ...] = ()
) -> Rulebook:
    """The rulebook with the reform file, then the --param values, applied (each checked)."""
    book = apply_reform(book, reform_path) if reform_path else book
    return apply_params(book, param_pairs)


def decider(
    model: str | None = None,
    assessment: str | None = None,
    reform_path: Path | None = None,
    param_pairs: tuple[str, ...] = (),
) -> Decider:
    return Decider(rulebook(reform_path, param_pairs), model=model, assessment=assessment)


def load_participants(path: Path) -> tuple[list[tuple[int | None, Case]], list[InputError]]:
    """A single case file, or a cohort (CSV, XLSX, YAML/JSON list): ((row, case) pairs, bad rows).
    For a single case the row is None."""
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        data = load_data(path, InputError, allow_aliases=False)
        if isinstance(data, dict) and "nip" in data:
            return [(None, case_from_data(data, str(path)))], []
    read: list[tuple[int | None, Case]] = []
    bad: list[InputError] = []
    for r in read_cohort(path):
        if r.error is not None:
            bad.append(r.error)
        elif r.case is not None:
            read.append((r.row, r.case))
    return read, bad
