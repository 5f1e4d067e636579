"""The registry's decision records: each issued document's decision record (version, text),
stored with it in the same transaction and authenticated by the hash its issue entry holds."""

from __future__ import annotations

from aturan.documents.record import record_hash
from aturan.documents.registry_key import same
from aturan.documents.registry_storage import RegistryStorage
from aturan.documents.storage import Row


class DecisionRecords:
    """The `decision_records` table of one open registry."""

    def __init__(self, storage: RegistryStorage):
        self.db = storage.db

    def store(self, number: str, record: tuple[str, str] | None) -> str | None:
        """Store the document's record (inside the caller's write transaction); its hash, which
        the issue entry authenticates (None: no record)."""
        if record is None:
            return None
        version, text = record
        self.db.execute(
            "INSERT INTO decision_records (number, record, version) VALUES (?,?,?)",
            (number, text, version),
        )
        return record_hash(version, text)

    def get(self, number: str) -> Row | None:
        """The document's decision record as stored: {record (text), version}, or None."""
        row = self.db.execute(
            "SELECT record, version FROM decision_records WHERE number=?", (number,)
        ).fetchone()
        return dict(row) if row else None

    @staticmethod
    def matches(stored: Row, logged: str | None) -> bool:
        """Whether the stored record is the one whose hash an entry authenticated."""
        actual = record_hash(str(stored["version"]), str(stored["record"]))
        return bool(logged) and same(logged, actual)

    def problems(
        self, logged: dict[str, tuple[int, str]], unchecked: set[int], unverified: list[str]
    ) -> list[str]:
        """Each decision record against the hash its document's issue entry authenticated."""
        problems, logged = [], dict(logged)
        for row in self.db.execute(
            "SELECT number, record, version FROM decision_records ORDER BY number"
        ):
            found = logged.pop(row["number"], None)
            if found is None:
                problems.append(
                    f"catatan keputusan {row['number']}: tidak ada entri log audit "
                    "terautentikasi untuknya (dimasukkan tanpa kunci)"
                )
            elif not same(record_hash(str(row["version"]), str(row["record"])), found[1]):
                problems.append(
                    f"catatan keputusan {row['number']}: berbeda dari yang diautentikasi entri "
                    f"log audit {found[0]}: diubah tanpa otorisasi"
                )
            elif found[0] in unchecked:
                unverified.append(row["number"])
        for number, (entry_id, _) in sorted(logged.items(), key=lambda item: item[1][0]):
            problems.append(
                f"catatan keputusan {number}: tercatat di log audit (entri {entry_id}) tetapi "
                "tidak ada di registri (dihapus)"
            )
        return problems
