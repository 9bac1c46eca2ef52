"""On SQLite an import survives another user's writes: its transaction takes the write lock
when it begins (transaction_mode IMMEDIATE), so it waits its turn (the busy timeout) instead of
failing with "database is locked" when it first writes after reading."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

SCRIPT = Path(__file__).with_name("sqlite_concurrency.py")
ROOT = Path(__file__).parents[3]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking")
def test_an_import_survives_a_write_every_50_ms(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),  # this checkout's code, whatever the environment installed
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "8000"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["checked"] == "ready", outcome
    assert (outcome["status"], outcome["failure"]) == ("done", ""), outcome
    assert outcome["people"] == 8000
    assert outcome["writes"] >= 3 and not outcome["writer_failures"], outcome
