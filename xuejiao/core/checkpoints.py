"""SQLite's log checkpoint after a large write, once the write is done and shown as done.

In WAL mode SQLite appends every changed page to its log and copies the pages back into the
database file at a checkpoint, which by default the connection whose commit makes the log
pass 1,000 pages runs inside that commit. After an import of 100,000 records into a ledger of
2,000,000 the log holds some 280 MB, and the checkpoint (copying them back and flushing the
file to disk) took 1.1–1.5 s of the import's commit, while the uploader waited for a job that
was in fact done. PostgreSQL does the same work in its own background process.

checkpoint_after() switches the automatic checkpoint off for one large job's connection and
runs the checkpoint itself when the job's block ends: after its commit and after the job is
marked done. Nothing is lost meanwhile: the committed pages are in the log, which readers
read, and a crash is recovered from it. Other connections keep the automatic checkpoint.
On PostgreSQL, and inside an enclosing transaction, it does nothing.
"""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def checkpoint_after():
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
