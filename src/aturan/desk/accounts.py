"""The desk's accounts, sessions and login attempts, kept in the registry database (migration
0009) so that every desk process over one registry shares them. No web framework here: the
command line (`aturan users`) and the desk's pages both use `Accounts`.

- Passwords are hashed with argon2id (argon2-cffi); a wrong name and a wrong password take the
  same work and give the same answer.
- A session token is random and given to the browser only; the database keeps its SHA-256, so
  reading the database never gives a usable session.
- Sign-in attempts are recorded per account name and client address; too many failures within
  the window (config `desk:`) refuse further attempts until the oldest one leaves it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from aturan.documents import Backend, check_institution, now_iso
from aturan.errors import AturanError
from aturan.files import load_yaml
from aturan.project import config_file

# Issue 27 adds "drafter".
ROLES = ("operator", "auditor", "admin", "drafter")
ROLE_NAMES = {"operator": "operator", "auditor": "auditor", "admin": "admin", "drafter": "perumus"}
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
MAX_FULL_NAME = 120

HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified against when the account does not exist, so that case costs the same work.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Account:
    """A signed-in person: the institution it acts for and what it may do."""

    username: str
    institution: str
    roles: frozenset[str]
    full_name: str


@dataclass(frozen=True)
class AccountRow:
    """An account as `aturan users list` and the admin's page show it."""

    account: Account
    active: bool
    created_at: str


@dataclass(frozen=True)
class DeskSettings:
    """The `desk:` section of the institution's configuration (each documented there)."""

    session_idle_minutes: float = 30
    session_max_hours: float = 8
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    login_window_minutes: float = 15
    secure_cookies: str = "auto"  # auto (from the request's scheme), always, never

    @classmethod
    def load(cls, config_path: Path | None) -> DeskSettings:
        config = config_file(config_path)
        data = load_yaml(config, AturanError)
        section = data.get("desk") if isinstance(data, dict) else None
        if section is None:
            return cls()
        if not isinstance(section, dict):
            raise AturanError("bagian desk harus berupa pemetaan", file=str(config), field="desk")
        values: dict[str, Any] = {}
        for name, default in cls().__dict__.items():
            if name in section:
                values[name] = _setting(section[name], name, default, str(config))
        unknown = sorted(set(section) - set(cls().__dict__))
        if unknown:
            raise AturanError(
                f"isian tidak dikenal: {', '.join(map(str, unknown))}",
                file=str(config),
                field="desk",
            )
        return cls(**values)


def _setting(value: object, name: str, default: object, file: str) -> object:
    if isinstance(default, str):
        if value not in ("auto", "always", "never"):
            raise AturanError("isi auto, always atau never", file=file, field=f"desk.{name}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise AturanError("isi bilangan lebih dari 0", file=file, field=f"desk.{name}")
    return int(value) if isinstance(default, int) else float(value)


def check_username(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise AturanError(
            "nama pengguna 2-40 karakter: huruf kecil, angka, titik, garis bawah atau tanda "
            "hubung, diawali huruf atau angka",
            field="NAMA_PENGGUNA",
        )
    return username


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(r.strip().lower() for r in roles if r.strip())
    unknown = sorted(chosen - set(ROLES))
    if not chosen or unknown:
        raise AturanError(
            f"peran harus satu atau lebih dari: {', '.join(ROLES)}"
            + (f" (tidak dikenal: {', '.join(unknown)})" if unknown else ""),
            field="--peran",
        )
    return chosen


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise AturanError(
            f"kata sandi harus {MIN_PASSWORD} sampai {MAX_PASSWORD} karakter", field="kata sandi"
        )
    return password


def check_institution_code(code: str) -> str:
    return check_institution(code, field="--institusi")


def check_full_name(full_name: str) -> str:
    name = " ".join(full_name.split())
    if not name or len(name) > MAX_FULL_NAME:
        raise AturanError(
            f"nama lengkap wajib diisi, paling banyak {MAX_FULL_NAME} karakter", field="--nama"
        )
    return name


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(row: dict[str, Any]) -> Account:
    return Account(
        username=row["username"],
        institution=row["institution"],
        roles=frozenset(row["roles"].split()),
        full_name=row["full_name"],
    )


class Accounts:
    """The desk's tables over one connection (`documents.open_database`); `now` gives seconds
    since 1970."""

    def __init__(self, db: Backend, now: Callable[[], float] = time.time):
        self.db, self.now = db, now

    def add(
        self, username: str, institution: str, roles: Iterable[str], full_name: str, password: str
    ) -> Account:
        account = Account(
            check_username(username),
            institution,
            check_roles(roles),
            check_full_name(full_name),
        )
        check_password(password)
        if self._row(username) is not None:
            raise AturanError(f"akun {username} sudah ada", field="NAMA_PENGGUNA")
        self.db.execute(
            "INSERT INTO desk_accounts (username, institution, full_name, roles, password_hash, "
            "active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
            (
                account.username,
                institution,
                account.full_name,
                " ".join(sorted(account.roles)),
                HASHER.hash(password),
                now_iso(),
            ),
        )
        return account

    def listing(self, institution: str | None = None) -> list[AccountRow]:
        """Every account, or only `institution`'s, by name."""
        where, params = ("WHERE institution = ?", (institution,)) if institution else ("", ())
        rows = self.db.execute(
            f"SELECT * FROM desk_accounts {where} ORDER BY institution, username", params
        )
        return [AccountRow(_account(r), bool(r["active"]), r["created_at"]) for r in rows]

    def find(self, username: str, institution: str | None = None) -> AccountRow:
        """The account, which must exist (and belong to `institution` when given)."""
        row = self._row(username)
        if row is None or (institution is not None and row["institution"] != institution):
            raise AturanError(f"akun {username} tidak ada", field="NAMA_PENGGUNA")
        return AccountRow(_account(row), bool(row["active"]), row["created_at"])

    def disable(self, username: str, institution: str | None = None) -> None:
        """The account can no longer sign in, and every session it has is ended."""
        self.find(username, institution)
        self.db.execute("UPDATE desk_accounts SET active = 0 WHERE username = ?", (username,))
        self.end_sessions(username)

    def reset_password(self, username: str, password: str, institution: str | None = None) -> None:
        """A new password (the account is active again); every session it had is ended."""
        self.find(username, institution)
        check_password(password)
        self.db.execute(
            "UPDATE desk_accounts SET password_hash = ?, active = 1 WHERE username = ?",
            (HASHER.hash(password), username),
        )
        self.end_sessions(username)

    def verify(self, username: str, password: str) -> Account | None:
        """The active account when the password is its own, else None (the same work either
        way)."""
        row = self._row(username) if USERNAME.fullmatch(username) else None
        try:
            HASHER.verify(row["password_hash"] if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return _account(row) if row and row["active"] else None

    def _row(self, username: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.db.execute(
            "SELECT * FROM desk_accounts WHERE username = ?", (username,)
        ).fetchone()
        return found

    # Sessions
    def start_session(self, username: str) -> str:
        """A new session's token (the browser's cookie); only its hash is stored."""
        token = secrets.token_urlsafe(32)
        at = self.now()
        self.db.execute(
            "INSERT INTO desk_sessions (token_hash, username, started, last_seen) "
            "VALUES (?, ?, ?, ?)",
            (token_hash(token), username, at, at),
        )
        return token

    def session_account(self, token: str, settings: DeskSettings) -> Account | None:
        """The account of a session still open (not ended, not idle or open too long, its
        account active), its last use moved to now; else None."""
        row = self.db.execute(
            "SELECT s.token_hash, s.started, s.last_seen, s.ended_at, a.* FROM desk_sessions s "
            "JOIN desk_accounts a ON a.username = s.username WHERE s.token_hash = ?",
            (token_hash(token),),
        ).fetchone()
        at = self.now()
        if row is None or row["ended_at"] is not None or not row["active"]:
            return None
        idle = at - row["last_seen"] > settings.session_idle_minutes * 60
        too_long = at - row["started"] > settings.session_max_hours * 3600
        if idle or too_long:
            self.end_session(token)
            return None
        if at - row["last_seen"] > 30:  # one write per half minute at most
            self.db.execute(
                "UPDATE desk_sessions SET last_seen = ? WHERE token_hash = ?",
                (at, row["token_hash"]),
            )
        return _account(row)

    def end_session(self, token: str) -> None:
        self.db.execute(
            "UPDATE desk_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
            (self.now(), token_hash(token)),
        )

    def end_sessions(self, username: str) -> None:
        self.db.execute(
            "UPDATE desk_sessions SET ended_at = ? WHERE username = ? AND ended_at IS NULL",
            (self.now(), username),
        )

    # Throttling
    def record_attempt(self, username: str, address: str, succeeded: bool) -> None:
        self.db.execute(
            "INSERT INTO desk_login_attempts (username, address, at, succeeded) "
            "VALUES (?, ?, ?, ?)",
            (username[:100], address, self.now(), int(succeeded)),
        )

    def retry_at(self, username: str, address: str, settings: DeskSettings) -> float | None:
        """When a sign-in may be tried again (seconds since 1970), or None when it may be now:
        too many failures for this account name (since its last successful sign-in), or from
        this address (a success there resets nothing: an attacker may own one account), within
        the window."""
        window = settings.login_window_minutes * 60
        since = self.now() - window
        name = username[:100]
        last = self.db.execute(
            "SELECT MAX(at) AS at FROM desk_login_attempts WHERE username = ? AND succeeded = 1",
            (name,),
        ).fetchone()
        limits = (
            ("username", name, settings.login_failures_per_account, max(since, last["at"] or 0)),
            ("address", address, settings.login_failures_per_address, since),
        )
        waits = []
        for column, value, limit, after in limits:
            rows = self.db.execute(
                f"SELECT at FROM desk_login_attempts WHERE {column} = ? AND at > ? "
                "AND succeeded = 0 ORDER BY at DESC LIMIT ?",
                (value, after, limit),
            )
            times = [r["at"] for r in rows]
            if len(times) >= limit:
                waits.append(times[-1] + window)  # when the oldest counted failure leaves it
        return max(waits) if waits else None


def when_text(at: float) -> str:
    """A moment as an Indonesian page says it: the server's local clock time."""
    return dt.datetime.fromtimestamp(at).strftime("%H.%M")


def open_accounts(
    registry: Path | str | None, config: Path | None, create: bool = False
) -> Accounts:
    """The accounts of the registry `registry` (else the configuration's), opened once as the
    Registry with the configuration's keys, so its schema is current (made only with `create`)."""
    from aturan.documents import open_database, open_registry, registry_location

    target = registry_location(registry, config)
    store, _ = open_registry(target, config, create=create)
    store.close()
    return Accounts(open_database(target))
