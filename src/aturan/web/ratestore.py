"""A rate-limit counter shared by every worker and process on one machine: a small SQLite file,
registered with the `limits` library under the storage URI scheme `aturan+sqlite:///PATH`.

`limits` keeps its counters in memory (per process), Redis, Memcached or MongoDB; none of them is
installed with aturan, and the registry is opened read-only by the server. This file holds only
fixed-window counters (key, count, end of window), each change one short write transaction, so
several `aturan serve` workers count one client once. Across machines, use a store that `limits`
supports (redis://...) with `--rate-limit-storage`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

from aturan.errors import AturanError

SCHEME = "aturan+sqlite"


class SQLiteCounter(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: object):
        super().__init__(uri, wrap_exceptions)
        self.path = Path(unquote(urlsplit(uri or "").path))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=10, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, count INTEGER NOT NULL, "
            "expires REAL NOT NULL)"
        )

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM hits WHERE key=? AND expires<=?", (key, now))
                self._db.execute(
                    "INSERT INTO hits (key, count, expires) VALUES (?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET count = count + excluded.count",
                    (key, amount, now + expiry),
                )
                (count,) = self._db.execute("SELECT count FROM hits WHERE key=?", (key,)).fetchone()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return int(count)

    def get(self, key: str) -> int:
        row = self._read("SELECT count FROM hits WHERE key=? AND expires>?", key)
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._read("SELECT expires FROM hits WHERE key=? AND expires>?", key)
        return float(row[0]) if row else time.time()

    def _read(self, sql: str, key: str) -> tuple[float, ...] | None:
        with self._lock:
            row: tuple[float, ...] | None = self._db.execute(sql, (key, time.time())).fetchone()
        return row

    def check(self) -> bool:
        try:
            self._read("SELECT 1 FROM hits WHERE key=? AND expires>?", "")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._lock:
            return self._db.execute("DELETE FROM hits").rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM hits WHERE key=?", (key,))


def usable_storage(uri: str) -> str:
    """`uri` once the store it names opens (memory://, aturan+sqlite:///PATH, or any storage the
    limits library supports); else one message naming the option."""
    from limits.errors import ConfigurationError
    from limits.storage import storage_from_string

    try:
        storage_from_string(uri)
    except (ConfigurationError, ValueError, OSError, sqlite3.Error) as exc:
        raise AturanError(
            f"tempat hitungan batas permintaan {uri!r} tidak dapat dipakai ({exc}); contoh: "
            "memory://, aturan+sqlite:///var/lib/aturan/batas.sqlite",
            field="--rate-limit-storage",
        ) from None
    return uri
