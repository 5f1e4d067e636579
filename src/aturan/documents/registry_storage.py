"""The registry's storage: the connection (`storage`: SQLite or PostgreSQL), the schema made or
migrated forward on opening, the registry's settings (`registry_meta`), and its transactions: one
write transaction at a time, a read snapshot, a damaged registry said as one message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aturan.documents.registry_key import RegistryKeys, key_id
from aturan.documents.storage import connect, is_url
from aturan.documents.storage.migrate import apply_pending, current_version, latest, refuse_newer
from aturan.errors import AturanError

# The log format a new registry starts with (its first write switches it to Ed25519).
HMAC_FORMAT = "hmac-sha256/1"
AUDIT_HINT = "jalankan `aturan registry audit`"
SHAPE_ERRORS = (IndexError, KeyError)  # a column a row no longer has


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def damaged(exc: Exception) -> str:
    return f"registri rusak atau strukturnya diubah ({type(exc).__name__}: {exc}); {AUDIT_HINT}"


META = "SELECT name, value FROM registry_meta"  # the registry's settings


class NeedsMigration(AturanError):
    """A registry of an older schema opened by a reader that must not migrate it (the server)."""


class RegistryStorage:
    """The open registry database: its schema checked (made when missing and `create`, migrated
    when older), its transactions, its settings."""

    def __init__(
        self,
        path: Path | str,
        create: bool,
        institution: str,
        keys: RegistryKeys,
        migrate: bool = True,
    ):
        self.path = path if is_url(path) else Path(path)
        self.institution = institution
        self.keys = keys
        self.created = False  # True once this opening made a new, empty registry
        self.db = connect(self.path, create)
        self.label = self.db.label
        self.damage = self.db.damage + SHAPE_ERRORS
        try:
            self._open(create, migrate)
            self._check_role()
        except self.db.damage as exc:
            self.db.rollback()
            message = self.db.unavailable(exc) or self.db.unreadable(exc)
            raise AturanError(message, file=self.label) from None
        except OSError as exc:
            raise AturanError(
                f"registri tidak dapat dibuka ({exc.strerror or exc})", file=self.label
            ) from None

    def _check_role(self) -> None:
        """An institution's database role (PostgreSQL) acts only for its institution: opened with
        another institution's configuration, it is refused before anything is read or written."""
        found = self.db.role_institution()
        if found is not None and found[1] != self.institution:
            role, owner = found
            raise AturanError(
                f"sambungan ini memakai peran {role} milik institusi {owner}, bukan institusi "
                f"{self.institution} dari konfigurasinya; pakai URL registri institusi "
                f"{self.institution} (`aturan registry init-institution {self.institution}`) "
                "atau konfigurasi institusi peran itu",
                file=self.label,
            )

    def _open(self, create: bool, migrate: bool) -> None:
        """Check the schema in a read transaction; when it is missing (`create`) or older, make
        or migrate it in a write transaction, checked again under its lock: a second process
        starting at the same moment sees either no tables or all of them, never a half-made
        registry. Without `migrate`, an older schema is refused (NeedsMigration) untouched."""
        self.db.begin_read()
        try:
            pending = self._pending(create)
            if pending and not migrate:
                self._refuse_migration()
        finally:
            self.db.rollback()
        if pending:
            self.db.begin_write()
            try:
                if self._pending(create):
                    self._migrate()
                self.db.commit()
            except BaseException:
                self.db.rollback()
                raise
        self.has_meta = self.db.has_table("registry_meta")  # the old format has none
        self._in_snapshot = False
        self._meta_seen: dict[str, str] | None = None  # `meta`, read once per snapshot
        self.db.prepare()

    def _refuse_migration(self) -> None:
        version = current_version(self.db, self.db.tables())
        raise NeedsMigration(
            f"registri ini masih berskema versi {version} (versi aturan ini: "
            f"{latest(self.db.dialect)}) dan perlu dimigrasi; layanan verifikasi hanya membaca "
            "dan tidak memigrasinya. Operator pemegang kunci registri memigrasinya dengan "
            "menjalankan sekali `aturan registry audit` (atau `aturan issue`), lalu layanan "
            "dimulai ulang.",
            file=self.label,
        )

    def _pending(self, create: bool) -> bool:
        tables = self.db.tables()
        version = current_version(self.db, tables)
        if version == 0 and not create:
            raise AturanError(
                "belum ada registri di sini (registri baru dibuat oleh `aturan issue "
                "--registri-baru`)"
                if not tables
                else "basis data ini bukan registri aturan (tabel documents/audit_log tidak ada)",
                file=self.label,
            )
        if version == 0 and tables - {"schema_version"}:
            raise AturanError(
                "basis data ini bukan registri aturan (tabel documents/audit_log tidak ada)",
                file=self.label,
            )
        refuse_newer(version, self.db.dialect, self.label)
        return version < latest(self.db.dialect)

    def _migrate(self) -> None:
        version = current_version(self.db, self.db.tables())
        apply_pending(self.db, version, self.institution, now_iso())
        if version == 0:  # a new registry: its log is keyed from the first entry
            self.created = True
            if self.keys.mac is None:
                raise AturanError("registri baru hanya dibuat oleh pemegang kunci registri")
            self.db.executemany(
                "INSERT INTO registry_meta (name, value) VALUES (?, ?)",
                [("log_format", HMAC_FORMAT), ("key_id", key_id(self.keys.mac))],
            )

    def read_only(self) -> None:
        """No statement on this connection may write (the verification server)."""
        self.db.read_only()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def write(self, check: Callable[[], None]) -> Iterator[None]:
        """One write transaction, `check`ed first (a registry this key cannot extend is refused).
        A constraint the registry's own state breaks (a damaged registry) is a message, never a
        traceback."""
        self.db.begin_write()
        try:
            check()
            yield
            self.db.commit()
        except self.db.integrity as exc:
            self.rollback()
            raise AturanError(
                f"registri tidak konsisten ({exc}); tidak ada yang ditulis dan tidak ada nomor "
                f"yang diambil; {AUDIT_HINT}",
                file=self.label,
            ) from None
        except BaseException:
            self.rollback()
            raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: everything read inside it is from one moment (the settings,
        `meta`, are read once in it)."""
        self.db.begin_read()
        self._in_snapshot, self._meta_seen = True, None
        try:
            yield
        finally:
            self._in_snapshot, self._meta_seen = False, None
            self.rollback()

    def rollback(self) -> None:
        self.db.rollback()

    def meta(self) -> dict[str, str]:
        if not self.has_meta:  # a registry of the old format
            return {}
        if self._meta_seen is not None:  # inside a snapshot, where it cannot change
            return dict(self._meta_seen)
        meta = {r["name"]: r["value"] for r in self.db.execute(META)}
        if self._in_snapshot:
            self._meta_seen = meta
        return dict(meta)

    def legacy(self) -> str | None:
        """The institution of documents issued before the registry recorded institutions."""
        return self.meta().get("legacy_institution")
