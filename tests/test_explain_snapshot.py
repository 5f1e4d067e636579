"""Snapshots of `aturan explain`: what an auditor reads. Review changes to them like law changes."""

import pytest
from conftest import ROOT

SAMPLES = [
    "budi-petahana-administrator.yaml",
    "sari-suksesor-jpt-pratama.yaml",
    "joko-tanpa-asesmen.yaml",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_explain_indonesian(aturan, snapshot, sample):
    result = aturan("explain", ROOT / "samples" / sample, "--as-of", "2026-02-01")
    assert result.exit_code == 0
    assert _stable(result.output) == snapshot


def test_explain_english(aturan, snapshot):
    result = aturan(
        "explain", ROOT / "samples" / SAMPLES[0], "--as-of", "2026-02-01", "--lang", "en"
    )
    assert _stable(result.output) == snapshot


def _stable(text: str) -> str:
    """The rules version line changes with every edit of rules/ or regulations/; the rest must not
    drift silently."""
    return "\n".join(
        line for line in text.splitlines() if not line.startswith(("Versi aturan", "Rules version"))
    )


def test_explain_in_detail(aturan, snapshot):
    """--rinci: every step, with its facts and parameters (tables by their size only)."""
    result = aturan("explain", ROOT / "samples" / SAMPLES[0], "--as-of", "2026-02-01", "--rinci")
    assert result.exit_code == 0
    assert _stable(result.output) == snapshot
