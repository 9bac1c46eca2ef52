"""One backup: the database, the file directories and the environment file, taken so that
every file a row of the database names is in the archive (files.py), kept private (a 0700
directory of 0600 files), described by a manifest that the restore checks."""

import json
import os
import shutil
import time
from pathlib import Path

from django.utils import timezone

from . import databases, files
from .databases import OpsError

MANIFEST = "manifest.json"
ARCHIVE = "files.tar"
ENV_PART = "env"


def take_backup(out: Path, env_file: Path | None = None, wait_seconds: float = 60) -> dict:
    out = Path(out).resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OpsError(f"{out} exists and is not empty: give a new directory for each backup.")
    if env_file is not None and not Path(env_file).is_file():
        raise OpsError(f"The environment file {env_file} does not exist or cannot be read.")
    db = databases.configured()
    columns = files.file_columns()
    previous_umask = os.umask(0o077)  # pg_dump's file and every other part: owner only
    tag = f"{os.getpid()}-{time.time_ns()}"
    stagings: dict[str, Path] = {}
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        out.chmod(0o700)
        started = time.monotonic()
        snapshot = db.snapshot(sorted({column.table for column in columns}), wait_seconds)
        try:
            for folder in files.FILE_ROOTS:
                stagings[folder] = files.stage(folder, tag)
            snapshot.release()
            paused = time.monotonic() - started
            # Read from the snapshot, which outlives the pause.
            tables = snapshot.row_counts()
            named = snapshot.named_files(columns)
            missing = files.missing_files(named, stagings)
            if missing:
                raise OpsError(f"{len(missing)} files named by the database are missing, e.g. {missing[:5]}")
            snapshot.dump(out / db.part)
        finally:
            snapshot.close()
        archived = files.write_archive(out / ARCHIVE, stagings)
        parts = [db.part, ARCHIVE]
        if env_file is not None:
            shutil.copyfile(env_file, out / ENV_PART)
            parts.append(ENV_PART)
        manifest = {
            "format": 1,
            "created_at": timezone.now().isoformat(),
            "database": {"engine": db.engine, "part": db.part},
            "parts": {name: describe(out / name) for name in parts},
            "tables": tables,
            "files": {
                folder: {"setting": files.FILE_ROOTS[folder], **archived[folder]} for folder in archived
            },
            "file_columns": [vars(column) for column in columns],
            "named_files": {folder: len(names) for folder, names in sorted(named.items())},
            "writes_paused_seconds": round(paused, 3),
        }
        (out / MANIFEST).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for name in [*parts, MANIFEST]:
            (out / name).chmod(0o600)
        return manifest
    finally:
        os.umask(previous_umask)
        for folder in stagings:
            files.remove_staging(folder, tag)


def describe(path: Path) -> dict:
    return {"sha256": files.sha256_of(path), "bytes": path.stat().st_size}
