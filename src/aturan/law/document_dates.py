"""The last date each document type may bear, as rules/documents.yaml declares it.

A rule calling for a document gives its dates: `attests` (never dated before it), `until` (the
day it no longer holds: a certificate's expiry) and `dated_before` (the first day it is no longer
timely: a design once its training has started). Both `until` and `dated_before` bound the issue
date, each as `{fact: <name>}`; the document type declares, under `dated_before:`, why each such
fact bounds it and which clause says so, and under `open_ended:` why a call without either has no
last date. `rules check` refuses a call whose bound the type does not explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aturan.errors import RulebookError
from aturan.files import line_of

# The keys of a document call (`append: {documents: {...}}`) that bound its issue date.
BOUNDING_KEYS = ("until", "dated_before")


@dataclass(frozen=True)
class DateLimit:
    """Why a document type's issue date is bounded by one fact (or, `open_ended`, by none)."""

    reason: str  # Indonesian, read before the date: "... sebelum pelatihan dimulai pada"
    reason_en: str
    cites: tuple[str, ...]
    note: str = ""  # what the paper leaves open, in Indonesian; "" when it says it
    note_en: str = ""
    file: str = ""
    line: int = 0


def date_limits(
    path: Path, raw: Any, problems: list[RulebookError]
) -> tuple[dict[str, DateLimit], DateLimit | None]:
    """A document type's `dated_before:` (fact -> limit) and `open_ended:` entries."""
    name = raw.get("type")
    declared = raw.get("dated_before") or {}
    if not isinstance(declared, dict):
        problems.append(
            RulebookError(
                f"jenis dokumen '{name}': dated_before harus mapping fakta -> alasan",
                file=str(path),
                line=line_of(raw, "dated_before"),
            )
        )
        declared = {}
    limits = {
        str(fact): limit
        for fact, entry in declared.items()
        if (limit := _limit(path, entry, f"{name}.dated_before.{fact}", problems))
    }
    open_ended = (
        _limit(path, raw["open_ended"], f"{name}.open_ended", problems)
        if raw.get("open_ended") is not None
        else None
    )
    if not limits and open_ended is None:
        problems.append(
            RulebookError(
                f"jenis dokumen '{name}' tidak menyatakan batas tanggalnya: tulis dated_before "
                "(fakta yang membatasi tanggal dokumen, dengan alasan dan klausulnya) atau "
                "open_ended (mengapa tidak berbatas)",
                file=str(path),
                line=line_of(raw),
            )
        )
    return limits, open_ended


def _limit(path: Path, entry: Any, where: str, problems: list[RulebookError]) -> DateLimit | None:
    missing = (
        [k for k in ("reason", "reason_en", "cites") if not entry.get(k)]
        if isinstance(entry, dict)
        else ["reason", "reason_en", "cites"]
    )
    if missing:
        problems.append(
            RulebookError(
                f"batas tanggal '{where}' tanpa {', '.join(missing)}",
                file=str(path),
                line=line_of(entry) or 0,
            )
        )
        return None
    cites = entry["cites"] if isinstance(entry["cites"], list) else [entry["cites"]]
    return DateLimit(
        str(entry["reason"]),
        str(entry["reason_en"]),
        tuple(str(c) for c in cites),
        str(entry.get("note") or ""),
        str(entry.get("note_en") or ""),
        str(path),
        line_of(entry) or 0,
    )


def bounding_facts(call: dict[str, Any]) -> dict[str, str]:
    """The facts a document call bounds its issue date by: {"until": "cert_expires_on", ...}."""
    out = {}
    for key in BOUNDING_KEYS:
        value = call.get(key)
        if isinstance(value, dict) and isinstance(value.get("fact"), str):
            out[key] = value["fact"]
    return out
