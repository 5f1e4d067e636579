"""Saved questions (issue 27, item 4): a finished lab run kept under a name (unique per
institution), with a short description of the policy question, its author and date, in the
registry's database (migration 0012, table `lab_questions`); and the memo of one question, a DOCX
made by the document layer (template memo_kebijakan.docx): the question, the draft clauses, the
figures and what they rest on. The run's reform, cohort, models, as-of date and results stay in
the run's files and jobs: a question only points to its run."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aturan.documents import Backend, indonesian_date, render_memo
from aturan.errors import AturanError
from aturan.lab import value_text
from aturan.law import DatedValue, Rulebook, status_words
from aturan.vocabulary import MODEL_SHORT, VALUE_STATUS_WORDS

NAME_FIELD, DESCRIPTION_FIELD = "nama pertanyaan", "uraian pertanyaan"
NAME_MAX, DESCRIPTION_MAX = 120, 500  # characters
NOT_OFFICIAL = (
    "Memo ini bukan dokumen resmi: kertas kerja para perumus, tidak ditandatangani dan tidak "
    "mengikat. Angka-angkanya hasil simulasi aturan (aturan diff dan aturan compare) atas kohort "
    "yang disebut di bawah."
)


@dataclass(frozen=True)
class Question:
    question_id: str
    institution: str
    name: str
    description: str
    account: str
    saved_at: str  # UTC, ISO 8601
    run: str
    rules_version: str = ""

    @property
    def saved_on(self) -> dt.date:
        return dt.datetime.fromisoformat(self.saved_at).date()


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _question(row: Any) -> Question:
    return Question(
        row["id"],
        row["institution"],
        row["name"],
        row["description"],
        row["account"],
        row["saved_at"],
        row["run"],
        row["rules_version"],
    )


class QuestionStore:
    """The saved questions of one registry database, each institution's apart."""

    def __init__(self, db: Backend):
        self.db = db

    def save(
        self,
        institution: str,
        account: str,
        run: str,
        name: str,
        description: str = "",
        rules_version: str = "",
    ) -> Question:
        """Keep the run `run` under `name`; a missing, too long or already used name (in this
        institution, ignoring case and spaces) is refused at its field."""
        name, description = re.sub(r"\s+", " ", name).strip(), description.strip()
        _check(name, description)
        if self.named(institution, name) is not None:
            raise AturanError(
                f"nama '{name}' sudah dipakai pertanyaan lain di institusi ini; pilih nama lain",
                field=NAME_FIELD,
            )
        question_id = uuid.uuid4().hex
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.db.execute(
            "INSERT INTO lab_questions (id, institution, name, name_key, description, account, "
            "saved_at, run, rules_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (question_id, institution, name, _key(name), description, account, at, run)
            + (rules_version,),
        )
        found = self.get(question_id, institution)
        assert found is not None  # just written
        return found

    def named(self, institution: str, name: str) -> Question | None:
        row = self.db.execute(
            "SELECT * FROM lab_questions WHERE institution=? AND name_key=?",
            (institution, _key(name)),
        ).fetchone()
        return _question(row) if row else None

    def get(self, question_id: str, institution: str) -> Question | None:
        """The question, or None when there is none or it is another institution's."""
        row = self.db.execute(
            "SELECT * FROM lab_questions WHERE id=? AND institution=?", (question_id, institution)
        ).fetchone()
        return _question(row) if row else None

    def listed(self, institution: str) -> list[Question]:
        """The institution's questions, newest first."""
        rows = self.db.execute(
            "SELECT * FROM lab_questions WHERE institution=? ORDER BY saved_at DESC, id DESC",
            (institution,),
        )
        return [_question(row) for row in rows]


def _check(name: str, description: str) -> None:
    if not name:
        raise AturanError("isi nama pertanyaan", field=NAME_FIELD)
    if len(name) > NAME_MAX:
        raise AturanError(f"nama paling panjang {NAME_MAX} karakter", field=NAME_FIELD)
    if len(description) > DESCRIPTION_MAX:
        raise AturanError(
            f"uraian paling panjang {DESCRIPTION_MAX} karakter", field=DESCRIPTION_FIELD
        )


def draft_clauses(book: Rulebook, reformed: Rulebook) -> list[dict[str, Any]]:
    """Each value the reform gives a parameter: the parameter, its value in force before and the
    new one, from when, and the clauses each cites (the draft's citation and text), with the
    references and status of the value it replaces."""
    out = []
    for pid, param in sorted(reformed.parameters.items()):
        before = book.parameters.get(pid)
        for value in param.values:
            if before is not None and value in before.values:
                continue
            old = before.at(value.start) if before is not None else None
            old_text, new_text = _values(old.value if old else None, value.value)
            out.append(
                {
                    "parameter": pid,
                    "title": param.title,
                    "start_text": indonesian_date(value.start),
                    "old_value": old_text if old else "(parameter baru)",
                    "new_value": new_text,
                    "clauses": _clauses(reformed, value),
                    "old_basis": _basis(book, old) if old else "-",
                }
            )
    return out


def _values(old: object, new: object) -> tuple[str, str]:
    """The old and new value as a drafter reads them; a list by the items the reform adds and
    removes, a table by the entries it changes."""
    if isinstance(old, list) and isinstance(new, list):
        added = [str(x) for x in new if x not in old]
        removed = [str(x) for x in old if x not in new]
        change = [f"ditambah {', '.join(added)}"] if added else []
        change += [f"dihapus {', '.join(removed)}"] if removed else []
        return f"daftar {len(old)} butir", f"daftar {len(new)} butir ({'; '.join(change)})"
    if isinstance(old, dict) and isinstance(new, dict):
        keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
        return (
            "; ".join(f"{k}: {_plain(old.get(k))}" for k in keys),
            "; ".join(f"{k}: {_plain(new.get(k))}" for k in keys),
        )
    return _plain(old), _plain(new)


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value_text(value)


def _clauses(book: Rulebook, value: DatedValue) -> list[dict[str, str]]:
    out = []
    for cid in value.reference:
        clause = book.corpus.clause(cid)
        if clause is None:
            out.append({"citation": cid, "text": "", "status": "klausul tidak ditemukan"})
            continue
        instrument = book.corpus.instruments.get(clause.instrument)
        status = status_words(clause, instrument.status) if instrument else clause.status
        out.append({"citation": clause.citation, "text": clause.text, "status": status})
    return out


def _basis(book: Rulebook, value: DatedValue) -> str:
    """A value's references (citations, never an article number they do not give) and the
    status words it carries."""
    cited = [c["citation"] + f" ({c['status']})" for c in _clauses(book, value)]
    status = VALUE_STATUS_WORDS.get(value.status, value.status)
    return f"{'; '.join(cited) or 'tanpa rujukan'}; status nilai: {status} ({value.status})"


def cohort_text(folder: Path, params: dict[str, Any]) -> str:
    """The run's cohort as the memo names it: a sample's size, years and seed, or the uploaded
    file's name and SHA-256."""
    sample = params.get("sample")
    if sample:
        first, last = sample["years"]
        years = str(first) if first == last else f"{first}-{last}"
        return (
            f"sampel sintetis {sample['size']} peserta (aturan sample: tahun pelatihan {years}, "
            f"benih {sample['seed']}); bukan orang sungguhan"
        )
    digest = hashlib.sha256((folder / params["cohort"]).read_bytes()).hexdigest()
    return f"berkas unggahan {params.get('cohort_name')} (SHA-256 {digest})"


def memo_context(
    question: Question,
    params: dict[str, Any],
    results: tuple[dict[str, Any] | None, dict[str, Any] | None],
    books: tuple[Rulebook, Rulebook],
    cohort: str,
) -> dict[str, Any]:
    """What memo_kebijakan.docx prints: the question, the draft clauses, the figures of the
    run's diff and compare as the jobs recorded them, and what they rest on."""
    diff, compare = results
    models = params.get("models") or []
    return {
        "doc": {"title": "Memo Kebijakan", "number": f"memo-{question.question_id}"},
        "question": {
            "name": question.name,
            "description": question.description or "-",
            "author": question.account,
            "date_text": indonesian_date(question.saved_on),
        },
        "not_official": NOT_OFFICIAL,
        "reform_name": params.get("reform_name", ""),
        "clauses": draft_clauses(*books),
        "summary": [
            {"label": label, "count": count} for label, count in (diff or {}).get("rows", [])
        ],
        "compare": _compare(compare),
        "costs": list((compare or {}).get("costs", [])),
        "footing": [*(diff or {}).get("footing", []), *(compare or {}).get("footing", [])],
        "basis": {
            "cohort": cohort,
            "as_of_text": indonesian_date(dt.date.fromisoformat(params["as_of"])),
            "models": ", ".join(MODEL_SHORT.get(m, m) for m in models) or "-",
            "diff_model": MODEL_SHORT.get(params.get("model") or "", "")
            or "bawaan (parameter integration.model)",
            "rules_version": _rules_version(question, books[1]),
        },
    }


def _rules_version(question: Question, reformed: Rulebook) -> str:
    """The version the run used; when the rules have changed since, the memo says that its
    draft clauses' old values and references are today's (the figures stay the run's)."""
    used = question.rules_version or reformed.version
    if used == reformed.version:
        return used
    return (
        f"{used} (aturan telah berubah sejak pertanyaan dijalankan: nilai lama dan rujukan "
        f"di bagian 1 (rancangan klausul) menurut versi {reformed.version}; angkanya tetap hasil "
        f"versi {used})"
    )


def _compare(compare: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not compare:
        return []
    return [
        {
            "model": MODEL_SHORT.get(model, model),
            "rows": _cells(rows),
        }
        for model, rows in compare.get("tables", {}).items()
    ]


def _cell(value: object) -> str:
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return str(value)


def memo_docx(context: dict[str, Any], saved_on: dt.date) -> bytes:
    """The memo as DOCX bytes, rendered as the letters are (deterministic for its context)."""
    return render_memo(context, saved_on)


def compare_tables(
    first: dict[str, Any] | None, second: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Per model both questions compared: each measure under the law in force and under each
    reform, and the second reform minus the first (when both are numbers)."""
    a, b = ((side or {}).get("tables", {}) for side in (first, second))
    out = []
    for model in [m for m in a if m in b]:
        rows = [
            [row_a[0], row_a[1], row_a[2], row_b[1], row_b[2], _minus(row_b[2], row_a[2])]
            for row_a, row_b in zip(a[model], b[model], strict=False)
            if row_a[0] == row_b[0]
        ]
        out.append({"model": model, "rows": rows})
    return out


def _minus(later: Any, earlier: Any) -> Any:
    numbers = (int, float)
    if isinstance(later, numbers) and isinstance(earlier, numbers):
        return round(later - earlier, 2)
    return "sama" if later == earlier else "-"


def comparison_memo_docx(
    sides: tuple[dict[str, Any], dict[str, Any]],
    tables: list[dict[str, Any]],
    author: str,
    day: dt.date,
) -> bytes:
    """The memo of two questions (each side a `memo_context`), their compare per model beside."""
    first, second = sides
    same = all(first["basis"][k] == second["basis"][k] for k in ("cohort", "as_of_text"))
    context = {
        "doc": {"title": "Memo Kebijakan: banding dua pertanyaan", "number": "memo-banding"},
        "not_official": NOT_OFFICIAL,
        "author": author,
        "date_text": indonesian_date(day),
        "sides": [side | {"label": label} for label, side in zip("AB", sides, strict=True)],
        "tables": [
            {"model": MODEL_SHORT.get(t["model"], t["model"]), "rows": _cells(t["rows"])}
            for t in tables
        ],
        "differ_note": (
            "Kedua pertanyaan memakai kohort dan tanggal keputusan yang sama: selisih B\u2212A "
            "hanya beda reformasi."
            if same
            else "Kohort atau tanggal keputusan kedua pertanyaan berbeda: selisih B\u2212A juga "
            "memuat beda kohort atau tanggal, bukan hanya beda reformasi."
        ),
    }
    return render_memo(context, day, "memo_kebijakan_banding.docx")


def _cells(rows: list[list[Any]]) -> list[list[str]]:
    return [[_cell(v) for v in row] for row in rows]
