"""Quoting a clause: whole sentences, or the citation alone. Explanations and documents both
quote this way, so a quote is never cut inside a sentence."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.;:?!])\s+(?=[A-Z0-9\"“(])")


def whole_sentences(text: str, limit: int = 400) -> str:
    """The clause's text when it is short enough, else its leading whole sentences up to `limit`
    characters; "" when even the first sentence is longer (the citation then stands alone). A
    quote is never cut inside a sentence."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    return kept if kept.endswith((".", "?", "!")) else ""


_ENUMERATOR = re.compile(r"^\(?[0-9a-z]{1,3}[.)]$")


def _sentences(text: str) -> list[str]:
    """Sentences, an enumerator ("3.", "b)") kept with the sentence it opens."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if out and _ENUMERATOR.match(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out
