"""For drafters: golden cases, the trace matrix, and `rules check`."""

from aturan.drafting.check import check_reform, check_rulebook, check_templates
from aturan.drafting.golden import golden_files, load_golden, run_golden, run_test
from aturan.drafting.matrix import build_matrix, to_html, to_markdown
from aturan.drafting.reference import rules_reference

__all__ = [
    "check_reform",
    "check_rulebook",
    "check_templates",
    "golden_files",
    "load_golden",
    "run_golden",
    "run_test",
    "build_matrix",
    "to_html",
    "to_markdown",
    "rules_reference",
]
