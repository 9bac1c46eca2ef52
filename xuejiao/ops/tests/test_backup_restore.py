"""`manage.py backup` and `manage.py restore`, end to end, as an operator runs them: on a
database of their own (a SQLite file; a fresh PostgreSQL database when DATABASE_URL names
one), filled with the demo and evidence files, in child processes with the environment of a
server. Every table's row count and every file must come back."""

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from xuejiao.ops import files

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

POPULATE = """
import hashlib
from django.core.files.base import ContentFile
from xuejiao.accounts.models import User
from xuejiao.ledger.models import Activity, Evidence
from xuejiao.sheets.models import ImportJob

user = User.objects.get(username="city_admin")
for number, activity in enumerate(Activity.objects.order_by("pk")[:3]):
    content = f"photo {number}".encode() * 100
    Evidence.objects.create(
        activity=activity, kind="photo", file=ContentFile(content, name="photo.jpg"),
        thumbnail=ContentFile(b"thumbnail", name="thumb.jpg"), original_name=f"{number}.jpg",
        content_type="image/jpeg", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
    )
job = ImportJob(spec="people", organization=user.home_organization, uploaded_by=user)
job.original_name = "名册.xlsx"
job.file.save("people.xlsx", ContentFile(b"workbook bytes"), save=False)
job.save()
print("evidence", Evidence.objects.count())
"""


@dataclass
class Source:
    env: dict[str, str]
    url: str
    media: Path
    evidence: Path


class Databases:
    """New databases for one test module, dropped at its end."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.created: list[str] = []
        self.tag = secrets.token_hex(3)

    def new_url(self, label: str) -> str:
        if not ON_POSTGRES:
            return f"sqlite:///{self.tmp / f'{label}.sqlite3'}"
        base = dj_database_url.parse(os.environ["DATABASE_URL"])
        name = f"{base['NAME']}_bk_{label}_{self.tag}"
        self.created.append(name)
        return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name

    def drop_all(self) -> None:
        if not self.created:
            return
        with closing(admin_connection()) as connection:
            for name in self.created:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def admin_connection():
    base = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {"host": base["HOST"], "port": base["PORT"], "user": base["USER"], "password": base["PASSWORD"]}
    return psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v})


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def row_counts(url: str) -> dict[str, int]:
    """Every table's row count, read directly (not through the code under test)."""
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(dj_database_url.parse(url)["NAME"])) as connection:
            query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'"
            names = [r[0] for r in connection.execute(query)]
            return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    with closing(psycopg.connect(url)) as connection:
        names = [
            r[0] for r in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        ]
        return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def tree_digest(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def source(tmp_path_factory, databases) -> Source:
    base = tmp_path_factory.mktemp("server")
    url = databases.new_url("src")
    if ON_POSTGRES:
        with closing(admin_connection()) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.rsplit("/", 1)[1])))
    env = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "STATIC_MANIFEST": "False",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(base / "media"),
        "EVIDENCE_ROOT": str(base / "evidence"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo", "zhengzhou-2021")
    assert "evidence 3" in manage(env, "shell", "-c", POPULATE).stdout
    return Source(env, url, base / "media", base / "evidence")


def test_a_backup_is_private_and_its_manifest_describes_every_part(source, tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text(f"SECRET_KEY={source.env['SECRET_KEY']}\n")
    out = tmp_path / "backups" / "tonight"
    manage(source.env, "backup", "--out", str(out), "--env-file", str(env_file))

    assert out.stat().st_mode & 0o777 == 0o700
    manifest = json.loads((out / "manifest.json").read_text())
    for name in [*manifest["parts"], "manifest.json"]:
        assert (out / name).stat().st_mode & 0o777 == 0o600, name
    assert set(manifest["parts"]) == {
        "database.sqlite3" if not ON_POSTGRES else "database.dump",
        "files.tar",
        "env",
    }
    for name, part in manifest["parts"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == part["sha256"]
    assert (out / "env").read_text() == env_file.read_text()
    assert manifest["tables"] == row_counts(source.url)
    assert manifest["tables"]["ledger_evidence"] == 3
    assert manifest["files"]["evidence"]["files"] == 6  # three photos, three thumbnails
    assert manifest["files"]["media"]["files"] == 1


def test_restore_into_a_new_database_brings_back_every_row_and_every_file(source, databases, tmp_path):
    out = tmp_path / "backup"
    manage(source.env, "backup", "--out", str(out))
    target = databases.new_url("restored")
    result = manage(
        source.env,
        "restore",
        "--from",
        str(out),
        "--database-url",
        target,
        "--files-to",
        str(tmp_path / "files"),
    )

    assert "Restored and checked" in result.stdout
    assert f"DATABASE_URL={target}" in result.stdout
    counts = row_counts(target)
    assert counts == row_counts(source.url)
    assert counts["ledger_activity"] > 1000 and counts["orgs_person"] > 1000
    assert tree_digest(tmp_path / "files" / "evidence") == tree_digest(source.evidence)
    assert tree_digest(tmp_path / "files" / "media") == tree_digest(source.media)
    assert len(tree_digest(source.evidence)) == 6


def test_restore_refuses_the_database_in_use_a_used_database_and_a_damaged_backup(
    source, databases, tmp_path
):
    out = tmp_path / "backup"
    manage(source.env, "backup", "--out", str(out))
    files_to = str(tmp_path / "files")

    in_use = manage(
        source.env,
        "restore",
        "--from",
        str(out),
        "--database-url",
        source.url,
        "--files-to",
        files_to,
        check=False,
    )
    assert in_use.returncode != 0 and "is the database in use" in in_use.stderr

    filled = databases.new_url("filled")
    manage(source.env, "restore", "--from", str(out), "--database-url", filled, "--files-to", files_to)
    other = str(tmp_path / "other")
    again = manage(
        source.env, "restore", "--from", str(out), "--database-url", filled, "--files-to", other, check=False
    )
    assert again.returncode != 0 and ("new database" in again.stderr)
    assert row_counts(filled) == row_counts(source.url)  # left as it was

    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    with open(damaged / "files.tar", "r+b") as archive:
        archive.seek(600)
        archive.write(b"X")
    untouched = databases.new_url("untouched")
    refused = manage(
        source.env, "restore", "--from", str(damaged), "--database-url", untouched,
        "--files-to", str(tmp_path / "files-damaged"), check=False,
    )  # fmt: skip
    assert refused.returncode != 0 and "files.tar is missing or damaged" in refused.stderr
    assert not (tmp_path / "files-damaged").exists()
    if not ON_POSTGRES:
        assert not Path(dj_database_url.parse(untouched)["NAME"]).exists()


def test_a_dump_that_does_not_load_fails_the_restore(source, databases, tmp_path):
    """pg_restore's exit status (and SQLite's refusal) is checked, not ignored."""
    out = tmp_path / "backup"
    manage(source.env, "backup", "--out", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    part = out / manifest["database"]["part"]
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])  # cut off half-way
    manifest["parts"][part.name]["sha256"] = hashlib.sha256(part.read_bytes()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest))

    result = manage(
        source.env, "restore", "--from", str(out), "--database-url", databases.new_url("cut"),
        "--files-to", str(tmp_path / "files"), check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert ("pg_restore failed" in result.stderr) if ON_POSTGRES else ("cannot be restored" in result.stderr)


RACE = """
import threading
from django.core.management import call_command
from django.db import connection
from xuejiao.ledger.models import Evidence
from xuejiao.ops import files

victim = Evidence.objects.order_by("pk").first()
state = {}

def delete_victim():
    Evidence.objects.get(pk=victim.pk).delete()  # its files go once the deletion commits
    connection.close()

original_stage = files.stage

def stage_while_a_deletion_runs(folder, tag):
    if "thread" not in state:
        state["thread"] = threading.Thread(target=delete_victim)
        state["thread"].start()
        state["thread"].join(1.5)
        state["waited"] = state["thread"].is_alive()
    return original_stage(folder, tag)

files.stage = stage_while_a_deletion_runs
call_command("backup", "--out", OUT)
state["thread"].join(30)
print("waited", state["waited"], "deleted", not Evidence.objects.filter(pk=victim.pk).exists())
print("victim", victim.pk, victim.file.name)
"""


def test_a_photo_deleted_while_the_backup_runs_is_in_the_backup_with_its_record(source, databases, tmp_path):
    """The deletion waits until the files are staged; the backup has the record and the photo,
    the server has neither afterwards."""
    out = tmp_path / "backup"
    result = manage(source.env, "shell", "-c", RACE.replace("OUT", repr(str(out))))
    assert "waited True deleted True" in result.stdout, result.stdout + result.stderr
    victim_pk, victim_file = result.stdout.split("victim ")[1].split()
    assert not (source.evidence / victim_file).exists()

    target = databases.new_url("race")
    manage(
        source.env, "restore", "--from", str(out), "--database-url", target, "--files-to", str(tmp_path / "f")
    )
    assert (tmp_path / "f" / "evidence" / victim_file).is_file()
    if ON_POSTGRES:
        with closing(psycopg.connect(target)) as connection:
            row = connection.execute(
                "SELECT file FROM ledger_evidence WHERE id = %s", [int(victim_pk)]
            ).fetchone()
    else:
        with closing(sqlite3.connect(dj_database_url.parse(target)["NAME"])) as connection:
            row = connection.execute(
                "SELECT file FROM ledger_evidence WHERE id = ?", [int(victim_pk)]
            ).fetchone()
    assert row == (victim_file,)


def test_every_stored_file_lies_in_a_backed_up_directory():
    """A new FileField whose storage lies outside MEDIA_ROOT and EVIDENCE_ROOT would be left
    out of every backup: file_columns() refuses it."""
    columns = files.file_columns()
    assert {(c.table, c.column, c.folder) for c in columns} >= {
        ("ledger_evidence", "file", "evidence"),
        ("ledger_evidence", "thumbnail", "evidence"),
        ("sheets_importjob", "file", "media"),
    }
