"""Did-you-mean for a name a drafter wrote: the closest known names, by spelling or by an
Indonesian word for an English name."""

from __future__ import annotations

import difflib

# Indonesian words a drafter may write for a kind of fact or a fact, and what they mean.
ALIASES = {
    "peserta": "participant",
    "kompetensi": "competency",
    "mata_pelatihan": "subject",
    "jpm": "measured_jpm",
    "kategori": "category",
    "klaster": "cluster",
}


def suggest(word: str, known: list[str]) -> str:
    """ "; maksud Anda 'x'?" naming the closest known names, or "" when none is close."""
    alias = ALIASES.get(word)
    close = [alias] if alias in known else difflib.get_close_matches(word, known, n=2)
    if not close:
        close = [k for k in known if word in k.split("_") or word in k.split(".")][:2]
    return "; maksud Anda " + " atau ".join(f"'{c}'" for c in close) + "?" if close else ""
