"""Back up and restore the whole database, consistently, while the app runs.

Rule: a backup is one consistent snapshot of the database, taken with the
database's own tools, never a copy of files that may be half-written.

* SQLite goes through SQLite's online backup API (``sqlite3.Connection.backup``)
  from the connection Django holds, in one step: the snapshot is consistent
  even while gunicorn workers write, and it works for file and in-memory
  databases alike (the test database is often in memory). Restore runs the
  same API in reverse, backup file -> live database, so the pages are written
  through SQLite's pager and WAL: readers in other processes keep their
  snapshot, then see the restored database (the backup bumps the schema
  cookie), instead of reading a file swapped under their feet. The backup is
  checked with ``PRAGMA integrity_check`` before anything is overwritten.
* PostgreSQL goes through ``pg_dump -Fc`` and ``pg_restore --clean --if-exists
  --no-owner --single-transaction``: the restore applies in full or not at
  all. The password travels in ``PGPASSWORD``, never on the command line
  (where ``ps`` shows it to every local user). The audit table's append-only
  trigger refuses UPDATE and DELETE, not DROP, so ``--clean`` works and the
  trigger comes back with the restored schema.

Backup files hold personal data of hospital staff: they are created with mode
0600 in a 0700 directory, and an existing file is never overwritten. Both
operations write an audit event; the restore event is written after the
restore, in the restored database, so the chain records it.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from caducee.core import context
from caducee.core.services import audit

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
EXTENSIONS = {"sqlite": "sqlite3", "postgresql": "dump"}
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    vendor: str


# --- helpers -------------------------------------------------------------------


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in EXTENSIONS:
        raise BackupError(f"backups of a {vendor} database are not supported")
    return vendor


def default_path(vendor: str, now: dt.datetime | None = None) -> Path:
    """``CADUCEE_BACKUP_DIR/caducee-<vendor>-<UTC timestamp>.<ext>``."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M%S")
    return Path(settings.CADUCEE_BACKUP_DIR) / f"caducee-{vendor}-{stamp}.{EXTENSIONS[vendor]}"


def _reserve(path: Path) -> None:
    """Create ``path`` empty with mode 0600; refuse to overwrite a file."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError(f"{path} already exists: choose another file") from exc
    os.close(fd)


def _record(event: str, result: BackupResult) -> None:
    with context.change_context(source="command"):
        audit.record_event(
            event, data={"path": str(result.path), "size": result.size, "vendor": result.vendor}
        )


def _version_key(directory: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/16/bin -> (16,); "9.6" -> (9, 6)
    version = Path(directory).parent.name
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)


def find_pg_tool(name: str) -> str:
    """The newest ``/usr/lib/postgresql/<v>/bin/<name>``, else ``<name>`` on PATH.

    Debian installs each major version side by side; a dump taken by an older
    pg_dump than the server refuses to run, so the newest one wins.
    """
    for directory in sorted(glob.glob(PG_BIN_GLOB), key=_version_key, reverse=True):
        candidate = Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        f"{name} not found on PATH nor in {PG_BIN_GLOB}: "
        "install the PostgreSQL client (Debian: apt install postgresql-client)"
    )


def pg_connection_args(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for pg_dump/pg_restore.

    The password goes into the environment only (``PGPASSWORD``).
    """
    args: list[str] = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--dbname", str(settings_dict["NAME"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        command, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        tool = Path(command[0]).name
        detail = (completed.stderr or completed.stdout).strip()
        raise BackupError(f"{tool} failed (exit {completed.returncode}): {detail}")


def _file_vendor(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom-format file")


def _sqlite_check(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {path}: {exc}") from exc
    try:
        rows = [row[0] for row in source.execute("PRAGMA integrity_check")]
        tables = {
            row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    finally:
        source.close()
    if rows != ["ok"]:
        raise BackupError(f"{path} failed PRAGMA integrity_check: {'; '.join(rows[:5])}")
    if not {"django_migrations", "core_auditevent"} <= tables:
        raise BackupError(f"{path} is not a Caducée database")


# --- backup --------------------------------------------------------------------


def create_backup(output: Path | None = None) -> BackupResult:
    """Write a consistent backup of the default database; audit it."""
    vendor = _vendor()
    path = Path(output) if output else default_path(vendor)
    path = path.expanduser().resolve()
    if connection.in_atomic_block:
        raise BackupError("cannot back up from inside a transaction")
    _reserve(path)
    try:
        if vendor == "sqlite":
            _sqlite_backup(path)
        else:
            _pg_backup(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    result = BackupResult(path, path.stat().st_size, vendor)
    _record("backup.created", result)
    return result


def _sqlite_backup(path: Path) -> None:
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    target = sqlite3.connect(path)
    try:
        # pages=-1: one step under one read lock, hence one consistent snapshot.
        source.backup(target, pages=-1)
        # The copy inherits WAL mode from a live file; make it one self-contained file.
        target.execute("PRAGMA journal_mode=DELETE")
        rows = [row[0] for row in target.execute("PRAGMA integrity_check")]
    finally:
        target.close()
    if rows != ["ok"]:
        raise BackupError(f"the backup failed PRAGMA integrity_check: {'; '.join(rows[:5])}")


def _pg_backup(path: Path) -> None:
    args, env = pg_connection_args(connection.settings_dict)
    _run([find_pg_tool("pg_dump"), "--format=custom", "--file", str(path), *args], env)


# --- restore -------------------------------------------------------------------


def restore_backup(path: Path) -> BackupResult:
    """Replace the default database with the backup at ``path``; audit it after."""
    vendor = _vendor()
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    if connection.in_atomic_block:
        raise BackupError("cannot restore from inside a transaction")
    found = _file_vendor(path)
    if found != vendor:
        raise BackupError(f"{path} is a {found} backup but the database is {vendor}")
    if vendor == "sqlite":
        _sqlite_check(path)
        _sqlite_restore(path)
    else:
        _pg_restore(path)
    result = BackupResult(path, path.stat().st_size, vendor)
    _record("backup.restored", result)
    return result


def _sqlite_restore(path: Path) -> None:
    if not connection.is_in_memory_db():
        # Start from a fresh connection: no transaction or cached state survives.
        connection.close()
    connection.ensure_connection()
    target: sqlite3.Connection = connection.connection
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(target, pages=-1)
    except sqlite3.Error as exc:
        raise BackupError(f"restore failed, the database is unchanged: {exc}") from exc
    finally:
        source.close()


def _pg_restore(path: Path) -> None:
    settings_dict = dict(connection.settings_dict)
    # Our own session must not hold locks on the tables pg_restore drops.
    connection.close()
    args, env = pg_connection_args(settings_dict)
    _run(
        [
            find_pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(path),
        ],
        env,
    )
    connection.close()  # the next query reconnects and sees the restored schema
