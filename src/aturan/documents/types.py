"""The document types as the rulebook declares them (`document_types:` in rules/documents.yaml):
looking one up, the event a document is about, and the numbering codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from aturan.decide import Decision
from aturan.errors import AturanError
from aturan.law import DocumentType, Rulebook


def document_type(book: Rulebook, name: str) -> DocumentType:
    kind = book.document_types.get(name)
    if kind is None:
        raise AturanError(
            f"jenis dokumen '{name}' tidak dideklarasikan di document_types (rules/documents.yaml)"
        )
    return kind


def event_key(kind: DocumentType, decision: Decision) -> str:
    """What one document of this type is about, so the same event never gets two numbers: the
    program, then the parts its entry names (`event`): the dates of the intent (`attests`,
    `until`), the design's model, the recommendations."""
    called = decision.document(kind.name)
    values: dict[str, Callable[[], object]] = {
        "attests": lambda: called.attests,
        "until": lambda: called.until,
        "model": lambda: decision.design.model,
        "recommendations": lambda: ",".join(decision.lifecycle.recommendations),
    }
    parts = [values[part]() for part in kind.event]
    return ":".join([decision.program or "-"] + [str(p) for p in parts])


def last_day_in_force(kind: DocumentType, decision: Decision) -> dt.date | None:
    """The last day a document of this type is in force, as the decision dates it: the day before
    its intent's `until` (the first day it no longer holds) for a type that `expires`; None for a
    document without an end of validity. The document prints this day ("berlaku sampai dengan")
    and the registry records it."""
    until = decision.document(kind.name).until
    if not kind.expires or until is None:
        return None
    return until - dt.timedelta(days=1)


def numbering_codes(book: Rulebook, overrides: dict[str, str]) -> dict[str, str]:
    """Each type's numbering code: the institution's (`numbering.codes`) or else its default."""
    return {name: kind.code for name, kind in book.document_types.items()} | overrides


def document_titles(book: Rulebook) -> dict[str, str]:
    """Each declared type's title, by type."""
    return {name: kind.title for name, kind in book.document_types.items()}
