"""The registry's numbering: the next number of an institution's document type and year, taken
inside the caller's write transaction (so a crash leaves neither a gap nor a duplicate), the
numbering format, coaching group ids, and the numbering's own audit (gaps and counters)."""

from __future__ import annotations

import re
import string

from aturan.documents.registry_storage import AUDIT_HINT, RegistryStorage
from aturan.errors import AturanError

NUMBER_FIELDS = ("seq", "year", "code", "institution")
INSTITUTION_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")
DEFAULT_INSTITUTION = "LAN"
CounterKey = tuple[str, str, int]  # (institution, doc_type, year)


def check_institution(
    code: object, *, file: str | None = None, field: str = "institution.code"
) -> str:
    """An institution's code: capitals, digits and hyphens, at most 20; it appears in numbers."""
    if not isinstance(code, str) or not INSTITUTION_CODE.fullmatch(code):
        raise AturanError(
            f"kode institusi {code!r} tidak valid: huruf kapital, angka atau tanda hubung, paling "
            "banyak 20 karakter, mis. LAN atau BPSDM-JABAR",
            file=file,
            field=field,
        )
    return code


def format_fields(number_format: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(number_format) if name}


def check_number_format(
    number_format: object, *, file: str | None = None, field: str = "numbering.format"
) -> None:
    """A numbering format must name {seq} and {code}, may name {year}, and nothing else.

    Checked before any number is taken, so a bad format never costs a number."""
    if not isinstance(number_format, str) or not number_format.strip():
        raise AturanError(
            f"format penomoran harus berupa teks, bukan {number_format!r}", file=file, field=field
        )
    try:
        names = [
            name for _, name, _, _ in string.Formatter().parse(number_format) if name is not None
        ]
    except ValueError as exc:
        raise AturanError(
            f"format penomoran {number_format!r} tidak valid ({exc}); tanda kurung kurawal harus "
            "berpasangan, mis. '{seq:03d}/{code}/{year}'",
            file=file,
            field=field,
        ) from None
    unknown = [name for name in names if name not in NUMBER_FIELDS]
    if unknown:
        raise AturanError(
            f"format penomoran {number_format!r} memuat penanda tidak dikenal: "
            f"{', '.join('{' + n + '}' for n in unknown)}; yang dikenal: {{seq}}, {{year}}, "
            f"{{code}}, {{institution}}",
            file=file,
            field=field,
        )
    missing = [name for name in ("seq", "code") if name not in names]
    if missing:
        raise AturanError(
            f"format penomoran {number_format!r} harus memuat "
            f"{' dan '.join('{' + n + '}' for n in missing)}, agar setiap nomor unik per jenis "
            "dokumen",
            file=file,
            field=field,
        )
    try:
        number_format.format(seq=1, year=2026, code="X", institution="LAN")
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise AturanError(
            f"format penomoran {number_format!r} tidak dapat dipakai ({exc})",
            file=file,
            field=field,
        ) from None


class Numbering:
    """Numbers and coaching group ids of one institution; every method runs inside the caller's
    transaction (`RegistryStorage.write` to take a number)."""

    def __init__(
        self, storage: RegistryStorage, number_format: str, codes: dict[str, str], institution: str
    ):
        self.db = storage.db
        self.label = storage.label
        self.number_format = number_format
        self.codes = codes
        self.institution = institution

    def take(self, doc_type: str, year: int) -> tuple[int, str]:
        """(seq, number) of the next document of this type and year: its counter advanced."""
        self._check_shared_format()
        seq = self._next_seq(doc_type, year)
        number = self.number_format.format(
            seq=seq,
            year=year,
            code=self.codes.get(doc_type, doc_type.upper()),
            institution=self.institution,
        )
        return seq, number

    def _check_shared_format(self) -> None:
        """Numbers of two institutions sharing a registry differ only through {institution}: a
        format without it is refused once another institution has issued here."""
        if "institution" in format_fields(self.number_format):
            return
        other = self.db.execute(  # counters: a few rows, one per institution, type and year
            "SELECT institution FROM counters WHERE institution <> ? LIMIT 1", (self.institution,)
        ).fetchone()
        if other:
            raise AturanError(
                f"registri ini juga memuat dokumen institusi {other['institution']}: format "
                f"penomoran {self.number_format!r} harus memuat {{institution}} agar nomor antar "
                "institusi tidak bertabrakan, mis. '{seq:04d}/{code}/{institution}/{year}'; "
                "tidak ada nomor yang diambil",
                file=self.label,
                field="numbering.format",
            )

    def _next_seq(self, doc_type: str, year: int) -> int:
        """The next number of this institution, type and year. A counter below the highest
        number issued (a counter rolled back) would hand out a number twice: refused, and no
        number is taken."""
        where = (self.institution, doc_type, year)
        match = "institution=? AND doc_type=? AND year=?"
        found = self.db.execute(
            f"SELECT (SELECT COUNT(*) FROM counters WHERE {match}) AS counters, "
            f"(SELECT last_seq FROM counters WHERE {match}) AS last_seq, "
            f"(SELECT MAX(seq) FROM documents WHERE {match}) AS highest",
            where * 3,
        ).fetchone()
        highest = found["highest"]
        last = found["last_seq"] if found["counters"] else 0
        if not isinstance(last, int) or (highest is not None and last < highest):
            raise AturanError(
                f"registri tidak konsisten: penghitung {doc_type} {year} {self.institution} "
                f"({last}) lebih kecil "
                f"dari nomor terakhir yang terbit ({highest}); tidak ada nomor yang diambil; "
                f"{AUDIT_HINT}",
                file=self.label,
            )
        seq = last + 1
        self.db.execute(
            "INSERT INTO counters (institution, doc_type, year, last_seq) VALUES (?,?,?,?) "
            "ON CONFLICT (institution, doc_type, year) DO UPDATE SET last_seq=excluded.last_seq",
            (*where, seq),
        )
        return seq

    def coaching_group(self, program: str, year: int, now: str) -> str:
        """A coaching group id never given before: the next of this institution, program and
        year, e.g. KC-LAN-PKA-2027-001; inside the caller's write transaction."""
        row = self.db.execute(
            "SELECT MAX(seq) AS hi FROM coaching_groups WHERE institution=? AND program=? "
            "AND year=?",
            (self.institution, program, year),
        ).fetchone()
        seq = (row["hi"] or 0) + 1
        group_id = f"KC-{self.institution}-{program.upper().replace('_', '')}-{year}-{seq:03d}"
        self.db.execute(
            "INSERT INTO coaching_groups (institution, program, year, seq, group_id, "
            "created_at) VALUES (?,?,?,?,?,?)",
            (self.institution, program, year, seq, group_id, now),
        )
        return group_id

    def gaps(self) -> list[str]:
        """Numbers missing in any (institution, type, year) sequence: each must run 1..n."""
        out = []
        for row in self.db.execute(
            "SELECT institution, doc_type, year, COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi "
            "FROM documents GROUP BY institution, doc_type, year"
        ):
            if row["lo"] != 1 or row["n"] != row["hi"]:
                out.append(
                    f"penomoran {row['doc_type']} {row['year']} {row['institution']}: "
                    f"{row['n']} dokumen, nomor {row['lo']} s.d. {row['hi']} (ada celah)"
                )
        return out

    def counter_problems(self, logged: dict[CounterKey, object]) -> list[str]:
        """Each counter equals the highest number of its (institution, type, year) and the value
        the log last recorded for it: a counter rolled back or deleted is reported."""
        counters = {
            (r["institution"], r["doc_type"], r["year"]): r["last_seq"]
            for r in self.db.execute("SELECT institution, doc_type, year, last_seq FROM counters")
        }
        highest = {
            (r["institution"], r["doc_type"], r["year"]): r["hi"]
            for r in self.db.execute(
                "SELECT institution, doc_type, year, MAX(seq) AS hi FROM documents "
                "GROUP BY institution, doc_type, year"
            )
        }
        problems = []
        for where in sorted({*counters, *highest, *logged}, key=str):
            problems += _counter_problem(
                where, counters.get(where), highest.get(where, 0), logged.get(where)
            )
        return problems


def _counter_problem(where: CounterKey, counter: object, top: int, last: object) -> list[str]:
    institution, doc_type, year = where
    what = f"penghitung {doc_type} {year} {institution}"
    if counter is None:
        return [f"{what} tidak ada, padahal nomor terakhir {top} (dihapus)"]
    problems = []
    if counter != top:
        problems.append(
            f"{what} bernilai {counter}, nomor terakhir yang terbit {top} (penghitung "
            "diubah atau dimundurkan)"
        )
    if last is not None and counter != last:
        problems.append(
            f"{what} bernilai {counter}, log audit terakhir mencatat {last} (penghitung "
            "diubah atau dimundurkan)"
        )
    return problems
