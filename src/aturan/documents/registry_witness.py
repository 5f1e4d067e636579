"""The registry's witness: its signed chain head (as `aturan registry head` exports it), kept in a
file outside the database (`registry.witness_file`) and rewritten inside every write transaction,
before it commits. Whoever can write the database but not the witness cannot cut the log back (an
entry deleted, a revocation undone with its entry) without verification noticing: the log must
still hold the entry the witness names, and at least as many entries.

A write that would commit while the log already disagrees with its witness is refused, so routine
work never re-signs a log cut back. With no witness configured nothing changes, and `registry
audit` says so."""

from __future__ import annotations

import json
from pathlib import Path

from aturan.documents.registry_log import AuditLog, load_head
from aturan.documents.registry_storage import AUDIT_HINT
from aturan.errors import AturanError
from aturan.files import write_text

NO_WITNESS = (
    "tanpa berkas saksi (registry.witness_file tidak diisi di konfigurasi): log yang dipotong "
    "atau pencabutan yang dibatalkan bersama entrinya hanya terdeteksi dengan --head"
)


class Witness:
    """The witness file of one open registry (None: none configured)."""

    def __init__(self, path: Path | None, log: AuditLog):
        self.path = path
        self.log = log

    @property
    def configured(self) -> bool:
        return self.path is not None

    def problem(self) -> str | None:
        """Why the log is not (at least) what the witness last saw, or None; trust fails closed:
        a configured witness that is missing or unreadable is a problem."""
        if self.path is None:
            return None
        where = f"berkas saksi {self.path}"
        try:
            head = load_head(self.path)
        except AturanError as exc:
            return f"{where}: {exc.message}"
        if "signature" not in head:
            return f"{where}: tidak bertanda tangan Ed25519"
        problems, unchecked = self.log.head_problems(head, self.log.signed_from())
        found = problems + unchecked
        return f"{where}: {'; '.join(found)}" if found else None

    def check_before_write(self) -> None:
        """Refuse a write while the log disagrees with the witness. A missing witness is made by
        the first write into an empty log; for a log with entries it is made by `aturan registry
        head --out` once the audit is intact."""
        if self.path is None:
            return
        if not self.path.exists() and self.log.entry_count() == 0:
            return
        problem = self.problem()
        if problem:
            raise AturanError(
                f"{problem}; tidak ada yang ditulis; {AUDIT_HINT} (bila log utuh dan berkas saksi "
                "belum ada: `aturan registry head --out BERKAS-SAKSI`)",
                file=self.log.label,
            )

    def refresh(self, now: str) -> None:
        """Write the head as the log stands inside the current write transaction."""
        if self.path is not None:
            write_text(self.path, json.dumps(self.log.export_head(now), indent=2) + "\n")
