"""Restore a backup into a NEW database and new file directories, and check it before anyone
switches to it: the parts' checksums first, then the database (pg_restore's exit status,
every table's row count against the manifest), then the files (their number and size, and
every file a restored row names). The database in use is never written."""

import json
import os
from pathlib import Path

from . import databases, files
from .backup import ARCHIVE, ENV_PART, MANIFEST
from .databases import OpsError


def read_manifest(source: Path) -> dict:
    try:
        return json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise OpsError(f"{source / MANIFEST} cannot be read: {error}") from error


def check_parts(source: Path, manifest: dict) -> None:
    for name, expected in manifest["parts"].items():
        path = source / name
        if not path.is_file() or files.sha256_of(path) != expected["sha256"]:
            raise OpsError(f"{path} is missing or damaged (its SHA-256 differs from the manifest).")


def restore(source: Path, database_url: str, files_to: Path) -> dict:
    previous_umask = os.umask(0o077)  # the restored roster, evidence and database: owner only
    try:
        return restore_checked(source, database_url, files_to)
    finally:
        os.umask(previous_umask)


def restore_checked(source: Path, database_url: str, files_to: Path) -> dict:
    source, files_to = Path(source).resolve(), Path(files_to).resolve()
    manifest = read_manifest(source)
    check_parts(source, manifest)

    target = databases.from_url(database_url)
    if target.engine != manifest["database"]["engine"]:
        raise OpsError(f"This backup is of a {manifest['database']['engine']} database, not {target.engine}.")
    try:
        in_use = databases.configured()
    except OpsError:
        in_use = None
    if in_use is not None and target.same_as(in_use):
        raise OpsError(f"{target} is the database in use: restore into a new database, then switch to it.")
    for folder in manifest["files"]:
        directory = files_to / folder
        if directory == files.root_path(folder):
            raise OpsError(
                f"{directory} is the {files.FILE_ROOTS[folder]} in use: restore into a new directory."
            )
        if directory.exists() and any(directory.iterdir()):
            raise OpsError(f"{directory} exists and is not empty: restore into a new directory.")

    target.prepare_new()
    target.load(source / manifest["database"]["part"])
    counts = target.row_counts()
    differing = {
        table: (manifest["tables"].get(table), counts.get(table))
        for table in sorted(set(manifest["tables"]) | set(counts))
        if manifest["tables"].get(table) != counts.get(table)
    }
    if differing:
        raise OpsError(f"Row counts differ from the backup's (backup, restored): {differing}")

    files_to.mkdir(mode=0o700, parents=True, exist_ok=True)
    extracted = files.extract_archive(source / ARCHIVE, files_to)
    for folder, expected in manifest["files"].items():
        if (extracted[folder]["files"], extracted[folder]["bytes"]) != (expected["files"], expected["bytes"]):
            raise OpsError(f"{folder}: {extracted[folder]} restored, the backup holds {expected}.")
    columns = [files.FileColumn(**column) for column in manifest["file_columns"]]
    missing = files.missing_files(
        target.named_files(columns), {folder: files_to / folder for folder in extracted}
    )
    if missing:
        raise OpsError(f"{len(missing)} files named by the restored database are missing, e.g. {missing[:5]}")
    return {
        "database": str(target),
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": {folder: extracted[folder] for folder in manifest["files"]},
        "directories": {files.FILE_ROOTS[folder]: str(files_to / folder) for folder in manifest["files"]},
        "env_file": str(source / ENV_PART) if ENV_PART in manifest["parts"] else None,
    }
