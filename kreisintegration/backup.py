"""Backup and restore drill: the PostgreSQL database (pg_dump custom format) plus the media files.

    python -m kreisintegration.backup backup  DIRECTORY            (make backup)
    python -m kreisintegration.backup restore DIRECTORY DATABASE_URL [MEDIA_DIRECTORY]   (make restore)

A backup directory holds ``database.dump``, ``media/`` (a copy of MEDIA_ROOT) and ``manifest.json``:
the row count of every table, counted in the same snapshot pg_dump reads (so the counts match the
dump exactly, also while the portal is in use), and the SHA-256 of every file. ``restore`` loads
the dump into an empty database, copies the files and compares both with the manifest; it exits
non-zero and names the differences if a row or a file is missing or changed.

Backups contain personal data: see README, "Backups" (retention, encryption, access).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"


def _libpq_env(database: dict) -> dict:
    env = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    return env


def _libpq_args(database: dict) -> list[str]:
    return [
        "-h",
        database.get("HOST") or "127.0.0.1",
        "-p",
        str(database.get("PORT") or 5432),
        "-U",
        database["USER"],
        "-d",
        database["NAME"],
    ]


def _tool(name: str) -> str:
    """Full path of a PostgreSQL client program (Debian: package postgresql-client)."""
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} not found: install the PostgreSQL client programs")
    return path


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def count_rows(cursor) -> dict[str, int]:
    """Rows of every table of the public schema, in the cursor's transaction."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM public.{_quote(table)}")  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


def file_checksums(root: Path) -> dict[str, str]:
    checksums = {}
    if not root.is_dir():
        return checksums
    for path in sorted(root.rglob("*")):
        if path.is_file():
            checksums[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return checksums


def backup(directory: Path) -> dict:
    import psycopg
    from django.conf import settings
    from django.db import connection

    database = connection.settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("backup: needs PostgreSQL (DATABASE_URL)")
    directory.mkdir(parents=True, exist_ok=False)
    conninfo = psycopg.conninfo.make_conninfo(
        host=database.get("HOST") or "127.0.0.1",
        port=str(database.get("PORT") or 5432),
        user=database["USER"],
        password=database.get("PASSWORD") or None,
        dbname=database["NAME"],
    )
    # One snapshot for the counts and the dump: exported by this transaction, used by pg_dump.
    with psycopg.connect(conninfo) as snapshot_connection:
        snapshot_connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with snapshot_connection.transaction(), snapshot_connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            rows = count_rows(cursor)
            subprocess.run(  # noqa: S603 - our own settings and paths, no shell
                [_tool("pg_dump"), *_libpq_args(database), "--format=custom", f"--snapshot={snapshot}",
                 "--no-owner", "--no-privileges", "--file", str(directory / DUMP)],
                env=_libpq_env(database), check=True, timeout=3600,
            )  # fmt: skip
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, directory / MEDIA)
    else:
        (directory / MEDIA).mkdir()
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database["NAME"],
        "dump_sha256": hashlib.sha256((directory / DUMP).read_bytes()).hexdigest(),
        "rows": rows,
        "files": file_checksums(directory / MEDIA),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def compare(manifest: dict, *, rows: dict[str, int], files: dict[str, str]) -> list[str]:
    """What differs between the manifest and the restored database and files (empty: nothing lost)."""
    problems = []
    for table, expected in manifest["rows"].items():
        found = rows.get(table)
        if found != expected:
            problems.append(f"table {table}: {expected} rows in the backup, {found} restored")
    for name, checksum in manifest["files"].items():
        restored = files.get(name)
        if restored is None:
            problems.append(f"file {name}: missing")
        elif restored != checksum:
            problems.append(f"file {name}: checksum differs")
    return problems


def restore(directory: Path, database_url: str, media_directory: Path) -> list[str]:
    """Load the backup into the empty database at ``database_url`` and the files into ``media_directory``."""
    import dj_database_url
    import psycopg

    manifest = json.loads((directory / MANIFEST).read_text())
    if hashlib.sha256((directory / DUMP).read_bytes()).hexdigest() != manifest["dump_sha256"]:
        return ["database.dump: checksum differs from the manifest (damaged backup)"]
    target = dj_database_url.parse(database_url)
    subprocess.run(  # noqa: S603 - the operator's database URL and paths, no shell
        [_tool("pg_restore"), *_libpq_args(target), "--no-owner", "--no-privileges", "--exit-on-error",
         str(directory / DUMP)],
        env=_libpq_env(target), check=True, timeout=3600,
    )  # fmt: skip
    media_directory.mkdir(parents=True, exist_ok=True)
    shutil.copytree(directory / MEDIA, media_directory, dirs_exist_ok=True)
    with psycopg.connect(database_url) as restored, restored.cursor() as cursor:
        rows = count_rows(cursor)
    return compare(manifest, rows=rows, files=file_checksums(media_directory))


def main(argv: list[str]) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kreisintegration.settings")
    django.setup()
    from django.conf import settings

    if len(argv) == 2 and argv[0] == "backup":
        manifest = backup(Path(argv[1]))
        print(
            f"backup: {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables, "
            f"{len(manifest['files'])} files → {argv[1]}"
        )
        return 0
    if len(argv) in (3, 4) and argv[0] == "restore":
        media = Path(argv[3]) if len(argv) == 4 else Path(settings.MEDIA_ROOT)
        problems = restore(Path(argv[1]), argv[2], media)
        for problem in problems:
            print(f"restore: {problem}", file=sys.stderr)
        manifest = json.loads((Path(argv[1]) / MANIFEST).read_text())
        lost = len(problems)
        print(
            f"restore: {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables and "
            f"{len(manifest['files'])} files checked, {lost} differences"
        )
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
