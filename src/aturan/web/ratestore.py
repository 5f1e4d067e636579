"""Rate-limit counters shared by every worker of `aturan serve`, registered with the `limits`
library under two storage URI schemes:

- `aturan+sqlite:///PATH`: a small SQLite file, for every worker on one machine;
- `aturan+postgresql://USER:PASSWORD@HOST/DB`: a PostgreSQL table (UNLOGGED: a counter lost in a
  crash costs nothing), for every worker on every machine. Give it the primary's URL, or any
  database the servers may write: the registry the server reads may be a read-only replica.

`limits` itself keeps its counters in memory (per process), Redis, Memcached or MongoDB; none of
them is installed with aturan. Each counter is a fixed window (key, count, end of window), and a
hit is one statement: the window's count, started again when it has ended.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

from aturan.errors import AturanError

SCHEME, PG_SCHEME = "aturan+sqlite", "aturan+postgresql"
TABLE = "aturan_rate_hits"
# One statement per hit: a new key starts its window; an ended window starts again.
HIT = (
    f"INSERT INTO {TABLE} AS h (key, count, expires) VALUES ({{p}}, {{p}}, {{p}}) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN h.expires <= {p} THEN excluded.count ELSE h.count + excluded.count END, "
    "expires = CASE WHEN h.expires <= {p} THEN excluded.expires ELSE h.expires END "
    "RETURNING count"
)
CREATE = (
    "CREATE {unlogged} TABLE IF NOT EXISTS "
    f"{TABLE} (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires DOUBLE PRECISION NOT NULL)"
)


class _Counters(Storage):
    """The `limits` storage interface over one connection (`_run`), shared by a worker's
    threads under a lock."""

    mark = "?"  # the driver's parameter mark

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: object):
        super().__init__(uri, wrap_exceptions)
        self._lock = threading.Lock()

    def _run(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql.replace("{p}", self.mark)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        row = self._run(self._sql(HIT), (key, amount, now + expiry, now, now))
        return int(row[0]) if row else amount

    def get(self, key: str) -> int:
        row = self._read(f"SELECT count FROM {TABLE} WHERE key={{p}} AND expires>{{p}}", key)
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._read(f"SELECT expires FROM {TABLE} WHERE key={{p}} AND expires>{{p}}", key)
        return float(row[0]) if row else time.time()

    def _read(self, sql: str, key: str) -> tuple[Any, ...] | None:
        return self._run(self._sql(sql), (key, time.time()))

    def check(self) -> bool:
        try:
            self.get("")
        except Exception:  # noqa: BLE001  (`limits` asks only whether the store answers)
            return False
        return True

    def reset(self) -> int | None:
        self._run(f"DELETE FROM {TABLE}", ())
        return None

    def clear(self, key: str) -> None:
        self._run(self._sql(f"DELETE FROM {TABLE} WHERE key={{p}}"), (key,))


class SQLiteCounter(_Counters):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: object):
        super().__init__(uri, wrap_exceptions)
        self.path = Path(unquote(urlsplit(uri or "").path))
        self._db = sqlite3.connect(
            self.path, timeout=10, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")  # a counter lost in a crash costs nothing
        self._db.execute(CREATE.format(unlogged=""))

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _run(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        with self._lock:
            row: tuple[Any, ...] | None = self._db.execute(sql, params).fetchone()
        return row


class PostgresCounter(_Counters):
    STORAGE_SCHEME = [PG_SCHEME]
    mark = "%s"

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: object):
        import psycopg

        super().__init__(uri, wrap_exceptions)
        self._psycopg = psycopg
        self._url = (uri or "").replace(PG_SCHEME + "://", "postgresql://", 1)
        self._db = psycopg.connect(self._url, autocommit=True, connect_timeout=10)
        self._db.execute(CREATE.format(unlogged="UNLOGGED"))

    @property
    def base_exceptions(self) -> type[Exception]:
        return self._psycopg.Error

    def _run(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        with self._lock:
            if self._db.closed:  # the server went away and came back: connect again
                self._db = self._psycopg.connect(self._url, autocommit=True, connect_timeout=10)
            cursor = self._db.execute(sql, params)
            row: tuple[Any, ...] | None = cursor.fetchone() if cursor.description else None
        return row


def usable_storage(uri: str) -> str:
    """`uri` once the store it names opens (memory://, aturan+sqlite:///PATH,
    aturan+postgresql://..., or any storage the limits library supports); else one message naming
    the option."""
    from limits.errors import ConfigurationError
    from limits.storage import storage_from_string

    try:
        storage_from_string(uri)
    except (ConfigurationError, ValueError, OSError, sqlite3.Error) as exc:
        raise AturanError(_unusable(uri, exc), field="--rate-limit-storage") from None
    except Exception as exc:  # noqa: BLE001  (a database driver's own errors: one message)
        if type(exc).__module__.split(".")[0] != "psycopg":
            raise
        raise AturanError(_unusable(uri, exc), field="--rate-limit-storage") from None
    return uri


def _unusable(uri: str, exc: Exception) -> str:
    shown = urlsplit(uri)._replace(netloc=urlsplit(uri).hostname or "").geturl()  # no password
    return (
        f"tempat hitungan batas permintaan {shown!r} tidak dapat dipakai ({exc}); contoh: "
        "memory://, aturan+sqlite:///var/lib/aturan/batas.sqlite, "
        "aturan+postgresql://pengguna:sandi@host/basisdata"
    )
