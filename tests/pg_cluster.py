"""A throwaway PostgreSQL cluster for the tests (the `postgres` fixture in conftest.py) and the
registry benchmark (bench/bench_registry.py): made in a temporary folder, started on a free port,
removed afterwards. The server refuses to run as root, so as root the cluster belongs to an
unprivileged system user (created when missing). A test helper: it is not part of the package."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "aturan-pg"
PASSWORD = "aturan-uji"  # the throwaway superuser's: connections over TCP need a password
MISSING = (
    "PostgreSQL tidak ditemukan (initdb/pg_ctl tidak ada di PATH maupun "
    "/usr/lib/postgresql/*/bin); jalankan `make setup-db` (paket Debian postgresql)"
)


def server_bin() -> Path:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not versions:
        raise RuntimeError(MISSING)
    return Path(versions[-1]).parent


def _tool(name: str) -> str:
    """A server tool: beside initdb, else in Debian's newest version folder."""
    beside = server_bin() / name
    if beside.exists():
        return str(beside)
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4])
    )
    if not versions:
        raise RuntimeError(MISSING)
    return versions[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> tuple[list[str], int | None, int | None]:
    """The command prefix, uid and gid to run the server with: ourselves, or as root a system
    user."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        entry = pwd.getpwnam(USER)
    except KeyError:
        useradd = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER]
        made = subprocess.run(useradd, capture_output=True, text=True)
        try:
            entry = pwd.getpwnam(USER)  # also when another process made it meanwhile
        except KeyError:
            message = f"pengguna sistem {USER} tidak dapat dibuat: {made.stderr}"
            raise RuntimeError(message) from None
    prefix = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups"]
    return prefix, entry.pw_uid, entry.pw_gid


@contextmanager
def cluster(durable: bool = False) -> Iterator[str]:
    """Yield the URL of the superuser database `postgres` on a new cluster (TCP on 127.0.0.1, a
    password required); stopped and removed on leaving, also after a failure. Not `durable`
    (tests): no fsync; durable (the benchmark): PostgreSQL's defaults, fsync on every commit."""
    with _workspace() as (base, prefix, uid, gid):
        password = base / "password"
        password.write_text(PASSWORD + "\n")
        if uid is not None:
            os.chown(password, uid, gid)
        initdb = [str(server_bin() / "initdb"), "-D", str(base / "data"), "-U", "postgres"]
        auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password}"]
        _quiet(prefix + initdb + ["-E", "UTF8"] + auth + ["--no-sync"])
        fast = "" if durable else " -c fsync=off -c synchronous_commit=off"
        with _running(base, prefix, fast) as url:
            yield url


@contextmanager
def replica(primary_url: str) -> Iterator[str]:
    """A hot standby of the cluster whose superuser URL is `primary_url`, streaming from it
    (pg_basebackup -R): the URL of its `postgres` database, read-only. Stopped and removed on
    leaving."""
    with _workspace() as (base, prefix, _, _):
        backup = [_tool("pg_basebackup"), "-D", str(base / "data"), "-R"]
        backup += ["-X", "stream", "--checkpoint=fast", "-d", primary_url]
        _quiet(prefix + backup, env={"PGPASSWORD": PASSWORD})
        with _running(base, prefix, " -c hot_standby=on") as url:
            yield url


@contextmanager
def _workspace() -> Iterator[tuple[Path, list[str], int | None, int | None]]:
    """A temporary folder the server's user owns (with `sock` for its socket); removed after."""
    prefix, uid, gid = _run_as()
    base = Path(tempfile.mkdtemp(prefix="aturan-pg-"))
    (base / "sock").mkdir()
    if uid is not None:
        os.chmod(base, 0o755)
        os.chown(base, uid, gid)
        os.chown(base / "sock", uid, gid)
    try:
        yield base, prefix, uid, gid
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def _running(base: Path, prefix: list[str], options: str) -> Iterator[str]:
    """The server on `base/data` started on a free port (TCP on 127.0.0.1), stopped after."""
    port = free_port()
    pg_ctl = [str(server_bin() / "pg_ctl"), "-D", str(base / "data")]
    listen = f"-k {base / 'sock'} -p {port} -c listen_addresses=127.0.0.1 -c max_connections=60"
    _quiet(prefix + pg_ctl + ["-o", listen + options, "-l", str(base / "log"), "-w", "start"])
    try:
        yield f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/postgres"
    finally:
        _quiet(prefix + pg_ctl + ["-m", "immediate", "stop"])


def _quiet(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} gagal:\n{result.stdout}{result.stderr}")


def new_database(admin_url: str, name: str, template: str | None = None) -> str:
    """A new, empty database (or a copy of `template`) on the cluster; its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as db:
        if template:
            db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s",
                (template,),
            )
        db.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return admin_url.rsplit("/", 1)[0] + "/" + name


COPIED = ("documents", "audit_log", "pdf_fingerprints", "decision_records", "counters")


def copy_to_postgres(source: str, url: str) -> None:
    """The SQLite registry at `source` copied into the empty PostgreSQL database at `url` (made
    by the library, so every migration ran), table by table with COPY: the same rows, entries and
    signatures (issuing 200,000 documents one by one on PostgreSQL would take a quarter of an
    hour). The benchmark's baseline and the tests check that the copies answer SAH."""
    import sqlite3

    import psycopg

    from aturan.documents import open_registry

    open_registry(url, None, create=True)[0].close()
    lite = sqlite3.connect(source)
    with psycopg.connect(url, autocommit=False) as db:
        db.execute(f"TRUNCATE {', '.join(COPIED)}, registry_meta")
        for table in (*COPIED, "registry_meta"):
            columns = [row[1] for row in lite.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            with db.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {names} FROM {table}"):
                    copy.write_row(row)
        db.execute(
            "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), "
            "(SELECT COALESCE(MAX(id), 1) FROM audit_log))"
        )
        db.commit()
    lite.close()
    with psycopg.connect(url, autocommit=True) as db:  # as after any bulk load: statistics and
        db.execute("VACUUM ANALYZE")  # visibility map ready, no autovacuum during a measurement
