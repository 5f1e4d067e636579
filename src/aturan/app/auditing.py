"""The registry's audit as users read it (`aturan registry audit` and the desk's auditor view):
what was audited and how, every problem, what the keys at hand could not check, one verdict;
and the signed chain head to keep outside the registry (`aturan registry head`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from aturan.cases import clean
from aturan.documents import MAC_LINES, now_iso, open_registry


class AuditFindings(Protocol):
    """What the audit's words read of its report (the documents' AuditReport)."""

    problems: list[str]
    unchecked: list[str]
    mode: str
    notes: list[str]


@dataclass(frozen=True)
class AuditStatus:
    label: str  # the registry, as users name it
    mode: str  # how it was audited (keys, format)
    problems: list[str]
    unchecked: list[str]
    notes: list[str] = field(default_factory=list)
    verdict: str = ""
    at: str = ""  # when (ISO 8601, UTC)

    @property
    def intact(self) -> bool:
        return not self.problems and not self.unchecked

    def text(self) -> str:
        """The report as the command line prints it."""
        lines = [f"Audit registri {self.label} ({self.at})", self.mode]
        lines += [f"GALAT: {problem}" for problem in self.problems]
        lines += [f"PERLU PEMEGANG KUNCI: {line}" for line in self.unchecked]
        lines += [f"CATATAN: {line}" for line in self.notes]
        return "\n".join(clean(line) for line in [*lines, self.verdict]) + "\n"


def audit_verdict(report: AuditFindings) -> str:
    if report.problems:
        return f"{len(report.problems)} masalah." + (
            f" {len(report.unchecked)} hal lain tidak dapat diperiksa dengan kunci ini."
            if report.unchecked
            else ""
        )
    if report.unchecked:
        return (
            "BELUM TERVERIFIKASI: tidak ada masalah pada yang dapat diperiksa, tetapi "
            f"{len(report.unchecked)} hal tidak dapat diperiksa dengan kunci publik (perlu "
            "pemegang kunci registri)."
        )
    return "Log audit utuh dan penomoran tanpa celah."


def audit_registry(
    registry: Path | str | None,
    config: Path | None = None,
    head: dict[str, Any] | None = None,
    public_key: Path | None = None,
    limit: int | None = MAC_LINES,
) -> AuditStatus:
    """Audit the registry (every signature and link, every row against its latest entry, the
    numbering, the counters and, with an exported `head`, the log's tail). Reads only."""
    store, _ = open_registry(registry, config, public_key=public_key)
    try:
        report = store.audit_report(head, limit=limit)
    finally:
        store.close()
    return AuditStatus(
        store.label,
        report.mode,
        report.problems,
        report.unchecked,
        report.notes,
        audit_verdict(report),
        now_iso(),
    )


def export_head(registry: Path | str | None, config: Path | None = None) -> dict[str, object]:
    """The chain head signed with the registry's signing key; refused while the registry is not
    intact. It writes nothing: the holder keeps it outside the registry."""
    store, _ = open_registry(registry, config)
    try:
        return store.head(now_iso())
    finally:
        store.close()
