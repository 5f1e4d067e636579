"""The regulations corpus: what the law (and the 2023 policy paper) says.

One YAML file per instrument in `regulations/`; each holds clauses with a stable
id, a lawyer's citation, the text, and where the text was read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aturan.errors import RulebookError
from aturan.files import line_of, load_yaml

INSTRUMENT_STATUSES = {"in_force", "proposal", "practice", "assumption", "repealed"}
# Clause status, from where the clause's text was read (`read_at`):
#   confirmed    read in the instrument's own text (an official or unofficial copy of it; for the
#                paper and the project's own instruments, in that document);
#   secondary    the article is named but its text was read only elsewhere (the 2023 paper quoting
#                it, BKN's FAQ, another regulation's mengingat): the regulation itself was not read;
#   unconfirmed  the article itself is not confirmed (or, for practice/assumption, no written
#                source).
CLAUSE_STATUSES = {"confirmed", "secondary", "unconfirmed"}
# Instruments whose clauses are law (read in a regulation) rather than the paper, practice or ours.
LAW_STATUSES = {"in_force", "repealed"}
# Where a practice was read in writing; read anywhere else (the paper's silence), it is ours.
_WRITTEN = ("http://", "https://")
INSTRUMENT_FIELDS = ("id", "type", "short", "title", "status", "clauses")
CLAUSE_FIELDS = ("id", "citation", "text", "read_at", "status")


@dataclass(frozen=True)
class Clause:
    id: str
    citation: str
    text: str
    read_at: str
    status: str
    instrument: str
    file: str
    line: int
    note: str = ""
    unformalized: str = ""  # why this clause is deliberately not a rule (Catala's principle)
    implemented_in: str = (
        ""  # where it is implemented when not as a rule (input validation, vocabulary)
    )
    # parameter values under which the clause speaks at all (the paper's text for one
    # post-training option): a document decided under other values does not cite it
    applies_when: tuple[tuple[str, str], ...] = ()

    def applies(self, value_of: Callable[[str], object]) -> bool:
        return all(value_of(pid) == value for pid, value in self.applies_when)


@dataclass
class Instrument:
    id: str
    short: str
    title: str
    status: str
    file: str
    data: dict[str, Any]
    clauses: list[Clause] = field(default_factory=list)


@dataclass
class Corpus:
    instruments: dict[str, Instrument]
    clauses: dict[str, Clause]
    problems: list[RulebookError]

    def clause(self, clause_id: str) -> Clause | None:
        return self.clauses.get(clause_id)


def status_words(clause: Clause, instrument_status: str) -> str:
    """The status of a clause in the words of the domain, in Indonesian: confirmed only when read in
    the regulation itself; the paper's own clauses are stated in the paper, a proposal; practice is
    practice only with a written source, else an assumption."""
    if instrument_status in LAW_STATUSES:
        return {
            "confirmed": "terkonfirmasi (dibaca pada peraturannya)",
            "secondary": "sumber sekunder (teks peraturan belum dibaca)",
        }.get(clause.status, "pasal belum dikonfirmasi")
    if instrument_status == "proposal":
        return "dinyatakan dalam makalah (usulan)"
    if instrument_status == "practice" and clause.read_at.startswith(_WRITTEN):
        return "praktik"
    return "asumsi"


def load_corpus(directory: Path) -> Corpus:
    """Load every instrument; structural problems are collected, not raised, so `rules check`
    can list them all."""
    instruments: dict[str, Instrument] = {}
    clauses: dict[str, Clause] = {}
    problems: list[RulebookError] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            data = load_yaml(path, RulebookError)
        except RulebookError as exc:
            problems.append(exc)
            continue
        instrument = _instrument(path, data, problems)
        if instrument is None:
            continue
        if instrument.id in instruments:
            problems.append(
                RulebookError(
                    f"id instrumen '{instrument.id}' ganda",
                    file=str(path),
                    line=line_of(data, "id"),
                )
            )
        instruments[instrument.id] = instrument
        for clause in instrument.clauses:
            if clause.id in clauses:
                problems.append(
                    RulebookError(
                        f"id klausul '{clause.id}' ganda (juga di {clauses[clause.id].file})",
                        file=clause.file,
                        line=clause.line,
                    )
                )
            clauses[clause.id] = clause
    return Corpus(instruments, clauses, problems)


def _instrument(path: Path, data: Any, problems: list[RulebookError]) -> Instrument | None:
    if not isinstance(data, dict):
        problems.append(RulebookError("instrumen harus berupa mapping YAML", file=str(path)))
        return None
    missing = [key for key in INSTRUMENT_FIELDS if key not in data]
    if missing:
        problems.append(
            RulebookError(
                f"isian wajib tidak ada: {', '.join(missing)}", file=str(path), line=line_of(data)
            )
        )
        return None
    if data["status"] not in INSTRUMENT_STATUSES:
        problems.append(
            RulebookError(
                f"status '{data['status']}' tidak dikenal; harus salah satu dari "
                f"{sorted(INSTRUMENT_STATUSES)}",
                file=str(path),
                line=line_of(data, "status"),
            )
        )
    instrument = Instrument(
        data["id"], data["short"], data["title"], data["status"], str(path), data
    )
    for raw in data["clauses"] or []:
        clause = _clause(path, instrument, raw, problems)
        if clause:
            instrument.clauses.append(clause)
    return instrument


def _clause(
    path: Path, instrument: Instrument, raw: Any, problems: list[RulebookError]
) -> Clause | None:
    missing = [key for key in CLAUSE_FIELDS if not isinstance(raw, dict) or key not in raw]
    if missing:
        problems.append(
            RulebookError(
                f"klausul tanpa isian wajib: {', '.join(missing)}",
                file=str(path),
                line=line_of(raw),
            )
        )
        return None
    if not str(raw["id"]).startswith(instrument.id + ":"):
        problems.append(
            RulebookError(
                f"id klausul '{raw['id']}' harus diawali '{instrument.id}:'",
                file=str(path),
                line=line_of(raw, "id"),
            )
        )
    if raw["status"] not in CLAUSE_STATUSES:
        problems.append(
            RulebookError(
                f"status klausul '{raw['status']}' tidak dikenal; harus {sorted(CLAUSE_STATUSES)}",
                file=str(path),
                line=line_of(raw, "status"),
            )
        )
    return Clause(
        str(raw["id"]),
        str(raw["citation"]),
        " ".join(str(raw["text"]).split()),
        str(raw["read_at"]),
        str(raw["status"]),
        instrument.id,
        str(path),
        line_of(raw) or 0,
        str(raw.get("note") or ""),
        str(raw.get("unformalized") or ""),
        str(raw.get("implemented_in") or ""),
        _applies_when(path, raw, problems),
    )


def _applies_when(
    path: Path, raw: dict[str, Any], problems: list[RulebookError]
) -> tuple[tuple[str, str], ...]:
    conditions = raw.get("applies_when") or {}
    if not isinstance(conditions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in conditions.items()
    ):
        problems.append(
            RulebookError(
                "applies_when harus berupa pemetaan parameter: nilai, "
                "mis. {integration.assessment_option: separate}",
                file=str(path),
                line=line_of(raw, "applies_when"),
            )
        )
        return ()
    return tuple(sorted(conditions.items()))
