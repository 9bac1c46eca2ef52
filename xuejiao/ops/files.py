"""The file directories of a backup: which there are, which rows name a file in them, and how
they are taken at one instant without a file-system snapshot.

Files are written before the row that names them is committed, under a new random name, and
removed only after the deletion of that row is committed (ledger/models/evidence.py). So a
row seen by a database snapshot names a file that exists at least until a later deletion
commits. The backup holds off deletions of file-naming rows, takes the snapshot, and links
every file into a staging folder (a hard link: instant, no copy) before it lets deletions go
on: every file named by a row of the snapshot is then in the staging folder.
"""

import hashlib
import os
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

# Folder in the archive → the setting that names the directory. Every FileField's storage
# lies in one of them (test_file_roots_hold_every_stored_file).
FILE_ROOTS = {"media": "MEDIA_ROOT", "evidence": "EVIDENCE_ROOT"}
STAGING_PREFIX = ".xuejiao-backup-"


@dataclass(frozen=True)
class FileColumn:
    table: str
    column: str
    folder: str  # a key of FILE_ROOTS


def root_path(folder: str) -> Path:
    return Path(getattr(settings, FILE_ROOTS[folder])).resolve()


def folder_of(storage) -> str:
    """The folder whose directory is the storage's location (file names are relative to it)."""
    location = Path(storage.location).resolve()
    for folder in FILE_ROOTS:
        if location == root_path(folder):
            return folder
    raise LookupError(f"{location} is none of {sorted(FILE_ROOTS.values())}: add it to FILE_ROOTS")


def file_columns() -> list[FileColumn]:
    """Every column that names a stored file, and the directory it is in."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                found.append(FileColumn(model._meta.db_table, field.column, folder_of(field.storage)))
    return found


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def walk_files(root: Path):
    """Relative paths of the regular files under root, leaving out staging folders."""
    for directory, names in walk_directories(root):
        for name in names:
            yield directory / name


def walk_directories(root: Path, relative: Path = Path()):
    """(relative directory, names of its regular files) for root and every folder below it but
    the staging folders; symbolic links are left alone. Reads each folder once (os.scandir)."""
    names, subfolders = [], []
    with os.scandir(root / relative) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                names.append(entry.name)
            elif entry.is_dir(follow_symlinks=False) and not entry.name.startswith(STAGING_PREFIX):
                subfolders.append(entry.name)
    yield relative, sorted(names)
    for name in sorted(subfolders):
        yield from walk_directories(root, relative / name)


def stage(folder: str, tag: str) -> Path:
    """Hard-link every file of the folder's directory into a fresh staging folder inside it
    (the same file system, so linking never copies); copy only where linking is refused."""
    root = root_path(folder)
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"{STAGING_PREFIX}{tag}"
    staging.mkdir(mode=0o700)
    for directory, names in walk_directories(root):
        (staging / directory).mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in names:
            source, target = root / directory / name, staging / directory / name
            try:
                os.link(source, target)
            except FileNotFoundError:
                # Removed after a deletion that committed before the snapshot: no row names it.
                continue
            except OSError:
                shutil.copy2(source, target)
    return staging


def remove_staging(folder: str, tag: str) -> None:
    shutil.rmtree(root_path(folder) / f"{STAGING_PREFIX}{tag}", ignore_errors=True)


def missing_files(named: dict[str, set[str]], roots: dict[str, Path]) -> list[str]:
    """The names (folder/name) of files that rows name but the given directories lack."""
    return sorted(
        f"{folder}/{name}"
        for folder, names in named.items()
        for name in names
        if not (roots[folder] / name).is_file()
    )


def write_archive(path: Path, stagings: dict[str, Path]) -> dict[str, dict]:
    """An uncompressed tar (photos and videos are compressed already) with one top folder per
    directory; returns the number of files and bytes of each."""
    summary = {}
    with tarfile.open(path, "w") as archive:
        for folder, staging in stagings.items():
            archive.add(staging, arcname=folder, recursive=False)
            count = size = 0
            for relative in walk_files(staging):
                archive.add(staging / relative, arcname=f"{folder}/{relative.as_posix()}", recursive=False)
                count += 1
                size += (staging / relative).stat().st_size
            summary[folder] = {"files": count, "bytes": size}
    return summary


def extract_archive(path: Path, destination: Path) -> dict[str, dict]:
    """Unpack into destination/<folder> (refusing links and paths that leave it)."""
    with tarfile.open(path, "r") as archive:
        archive.extractall(destination, filter="data")
    summary = {}
    for folder in FILE_ROOTS:
        files = list(walk_files(destination / folder)) if (destination / folder).is_dir() else []
        summary[folder] = {
            "files": len(files),
            "bytes": sum((destination / folder / f).stat().st_size for f in files),
        }
    return summary
