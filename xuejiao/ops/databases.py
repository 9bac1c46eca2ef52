"""The database half of a backup and a restore, for PostgreSQL and for SQLite.

A backup takes one snapshot of the database while writes to the tables that name files wait
(see files.py for why), counts the rows of every table in that snapshot and dumps exactly that
snapshot: pg_dump --snapshot on PostgreSQL, SQLite's online backup API from the connection
that holds the snapshot on SQLite. A restore only ever writes into a new, empty database.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from psycopg import sql

from .files import FileColumn


class OpsError(Exception):
    """A backup or restore that must stop, with a message for the operator."""


def database(settings_dict: dict):
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return Postgres(settings_dict)
    if "sqlite3" in engine:
        return Sqlite(settings_dict)
    raise OpsError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def configured() -> "Postgres | Sqlite":
    return database(settings.DATABASES["default"])


def from_url(url: str) -> "Postgres | Sqlite":
    return database(dj_database_url.parse(url))


class Postgres:
    engine = "postgresql"
    part = "database.dump"

    def __init__(self, settings_dict: dict):
        self.name = settings_dict["NAME"]
        self.user = settings_dict.get("USER") or ""
        self.password = settings_dict.get("PASSWORD") or ""
        self.host = settings_dict.get("HOST") or ""
        self.port = str(settings_dict.get("PORT") or "5432")

    def __str__(self):
        return f"PostgreSQL database {self.name} on {self.host or 'localhost'}:{self.port}"

    def same_as(self, other) -> bool:
        local = {"", "localhost", "127.0.0.1", "::1"}
        same_host = self.host == other.host or {self.host, other.host} <= local
        return (
            isinstance(other, Postgres) and same_host and (self.port, self.name) == (other.port, other.name)
        )

    def connect(self, dbname: str | None = None, **options) -> psycopg.Connection:
        params = {"dbname": dbname or self.name, "user": self.user, "password": self.password}
        params.update(host=self.host, port=self.port)
        return psycopg.connect(**{key: value for key, value in params.items() if value}, **options)

    def client_environment(self) -> dict[str, str]:
        """libpq's variables for pg_dump and pg_restore: the password never appears in `ps`."""
        variables = {
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
        }
        return {**os.environ, **{key: value for key, value in variables.items() if value}}

    def run_client(self, *command: str) -> None:
        program = shutil.which(command[0])
        if not program:
            raise OpsError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
        result = subprocess.run(
            [program, *command[1:]], env=self.client_environment(), capture_output=True, text=True
        )
        if result.returncode:
            raise OpsError(f"{command[0]} failed (exit status {result.returncode}):\n{result.stderr.strip()}")

    # --- backup -----------------------------------------------------------------------------

    def snapshot(self, hold_tables: list[str], wait_seconds: float) -> "PostgresSnapshot":
        return PostgresSnapshot(self, hold_tables, wait_seconds)

    # --- restore ----------------------------------------------------------------------------

    def prepare_new(self) -> None:
        """Create the database if it does not exist; refuse one that holds any table."""
        try:
            with closing(self.connect()) as connection:
                tables = connection.execute(
                    "SELECT count(*) FROM pg_tables"
                    " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                ).fetchone()[0]
        except psycopg.OperationalError as error:
            if "does not exist" not in str(error):
                raise OpsError(f"Cannot connect to {self}: {error}") from error
            try:
                with closing(self.connect(dbname="postgres", autocommit=True)) as connection:
                    connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
            except psycopg.Error as create_error:
                raise OpsError(
                    f"Cannot create {self} ({create_error}). Create it first: "
                    f"sudo -u postgres createdb -O {self.user or 'xuejiao'} {self.name}"
                ) from create_error
            return
        if tables:
            raise OpsError(
                f"{self} already holds {tables} tables: "
                "restore only into a new database (one without tables)."
            )

    def load(self, dump: Path) -> None:
        # One transaction, stopped at the first error: a failed restore leaves the new database
        # empty, never half-filled.
        self.run_client(
            "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            "--no-password", f"--dbname={self.name}", str(dump),
        )  # fmt: skip
        with closing(self.connect(autocommit=True)) as connection:
            # pg_restore brings no planner statistics (docs/deploy.md, section 2).
            connection.execute("ANALYZE")

    def row_counts(self) -> dict[str, int]:
        with closing(self.connect()) as connection:
            return postgres_row_counts(connection)

    def named_files(self, columns: list[FileColumn]) -> dict[str, set[str]]:
        with closing(self.connect()) as connection:
            return named_files(connection, columns, quote=quote_name)


class PostgresSnapshot:
    """Writes to hold_tables wait (LOCK TABLE … IN SHARE MODE lets reads through) from before
    the snapshot is taken until release(); the snapshot stays open until close()."""

    def __init__(self, db: Postgres, hold_tables: list[str], wait_seconds: float):
        self.db = db
        self.holder = db.connect()
        try:
            self.holder.execute(
                sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{int(wait_seconds * 1000)}ms"))
            )
            names = sql.SQL(", ").join(sql.Identifier(table) for table in hold_tables)
            self.holder.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(names))
        except psycopg.errors.LockNotAvailable as error:
            self.holder.close()
            raise OpsError(
                f"Writes did not pause within {wait_seconds:g} s (a long import is probably running): "
                "try again later or with a longer --wait."
            ) from error
        self.reader = db.connect()
        self.reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self.reader.read_only = True
        self.id = self.reader.execute("SELECT pg_export_snapshot()").fetchone()[0]

    def row_counts(self) -> dict[str, int]:
        return postgres_row_counts(self.reader)

    def named_files(self, columns: list[FileColumn]) -> dict[str, set[str]]:
        return named_files(self.reader, columns, quote=quote_name)

    def release(self) -> None:
        if not self.holder.closed:
            self.holder.rollback()
            self.holder.close()

    def dump(self, path: Path) -> None:
        self.db.run_client(
            "pg_dump",
            "--format=custom",
            f"--snapshot={self.id}",
            "--no-password",
            f"--file={path}",
            self.db.name,
        )

    def close(self) -> None:
        self.release()
        self.reader.close()


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def postgres_row_counts(connection) -> dict[str, int]:
    tables = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    ).fetchall()
    return {
        name: connection.execute(f"SELECT count(*) FROM {quote_name(name)}").fetchone()[0]
        for (name,) in tables
    }


def named_files(connection, columns: list[FileColumn], quote) -> dict[str, set[str]]:
    """folder → the file names that rows name in it."""
    found: dict[str, set[str]] = {}
    for column in columns:
        rows = connection.execute(
            f"SELECT {quote(column.column)} FROM {quote(column.table)} "
            f"WHERE {quote(column.column)} IS NOT NULL AND {quote(column.column)} <> ''"
        ).fetchall()
        found.setdefault(column.folder, set()).update(name for (name,) in rows)
    return found


class Sqlite:
    engine = "sqlite"
    part = "database.sqlite3"

    def __init__(self, settings_dict: dict):
        name = str(settings_dict["NAME"])
        if not name or name == ":memory:" or name.startswith("file:"):
            raise OpsError("An in-memory SQLite database cannot be backed up or restored.")
        self.path = Path(name).resolve()
        self.timeout = (settings_dict.get("OPTIONS") or {}).get("timeout", 20)

    def __str__(self):
        return f"SQLite database {self.path}"

    def same_as(self, other) -> bool:
        return isinstance(other, Sqlite) and self.path == other.path

    # --- backup -----------------------------------------------------------------------------

    def snapshot(self, hold_tables: list[str], wait_seconds: float) -> "SqliteSnapshot":
        return SqliteSnapshot(self, wait_seconds)

    # --- restore ----------------------------------------------------------------------------

    def prepare_new(self) -> None:
        if self.path.exists():
            raise OpsError(f"{self.path} exists: restore only into a new database file.")
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def load(self, dump: Path) -> None:
        try:
            with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(self.path)) as target:
                source.backup(target)
                verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise OpsError(f"{dump} cannot be restored: {error}") from error
        if verdict != "ok":
            raise OpsError(f"{self.path} failed SQLite's integrity check after the restore: {verdict}")

    def row_counts(self) -> dict[str, int]:
        with closing(sqlite3.connect(self.path)) as connection:
            return sqlite_row_counts(connection)

    def named_files(self, columns: list[FileColumn]) -> dict[str, set[str]]:
        with closing(sqlite3.connect(self.path)) as connection:
            return named_files(connection, columns, quote=quote_name)


class SqliteSnapshot:
    """SQLite has one writer at a time: BEGIN IMMEDIATE makes every other writer wait (up to
    its busy timeout, 20 s) until release(); the reader's transaction is the snapshot."""

    def __init__(self, db: Sqlite, wait_seconds: float):
        self.holder = sqlite3.connect(db.path, timeout=wait_seconds, isolation_level=None)
        try:
            self.holder.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            self.holder.close()
            raise OpsError(f"Writes did not pause within {wait_seconds:g} s: try again later.") from error
        self.reader = sqlite3.connect(db.path, isolation_level=None)
        self.reader.execute("BEGIN")
        self.reader.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here

    def row_counts(self) -> dict[str, int]:
        return sqlite_row_counts(self.reader)

    def named_files(self, columns: list[FileColumn]) -> dict[str, set[str]]:
        return named_files(self.reader, columns, quote=quote_name)

    def release(self) -> None:
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()
            self.holder = None

    def dump(self, path: Path) -> None:
        with closing(sqlite3.connect(path)) as target:
            self.reader.backup(target)  # reads within the reader's open transaction: the snapshot
            # One self-contained file, without the -wal and -shm files of WAL mode.
            target.execute("PRAGMA journal_mode=DELETE")

    def close(self) -> None:
        self.release()
        if self.reader.in_transaction:
            self.reader.execute("ROLLBACK")
        self.reader.close()


def sqlite_row_counts(connection) -> dict[str, int]:
    tables = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return {
        name: connection.execute(f"SELECT count(*) FROM {quote_name(name)}").fetchone()[0]
        for (name,) in tables
    }
