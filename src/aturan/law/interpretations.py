"""Every open interpretive choice of the paper, in one place, for the drafters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from aturan.law.rulebook import Rulebook


def interpretations(book: Rulebook, as_of: dt.date) -> list[dict[str, Any]]:
    out = []
    for param in book.parameters.values():
        if not param.interpretive:
            continue
        current = param.at(as_of)
        out.append(
            {
                "id": param.id,
                "title": param.title,
                "question": param.question,
                "value": current.value if current else None,
                "since": current.start.isoformat() if current else None,
                "status": current.status if current else None,
                "citations": [book.citation(cid) for cid in (current.reference if current else ())],
                "read_at": _read_at(book, current.reference if current else ()),
                "alternatives": list(param.alternatives),
                "file": f"{_relative(book, param.file)}:{param.line}",
            }
        )
    return out


def _relative(book: Rulebook, path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(book.root.resolve()))
    except ValueError:
        return path


def _read_at(book: Rulebook, clause_ids: tuple[str, ...]) -> list[str]:
    """Where the cited clauses were read (paper lines, `paper:NNN`): the text that leaves the choice
    open."""
    found = (book.corpus.clause(cid) for cid in clause_ids)
    return list(dict.fromkeys(c.read_at for c in found if c is not None and c.read_at))
