"""A year of demo data (``seed_demo`` + ``build_overview``) for browser tests that only read it:
built once per test process (about 10 s, most of it the report's PDF), then copied back for every
later test that asks for it.

The live server reads committed rows, so these tests are transactional and each one ends with the
database emptied (``fast_flush``). After the first build the rows of every table the build filled
are kept in memory (PostgreSQL's ``COPY … TO STDOUT``, a few MB). A later test gets exactly those
rows back (``COPY … FROM STDIN``, one transaction, foreign keys checked at its end), the sequences
at least as far as after the build, and a fresh copy of the files the build stored. The copy is
used only when the database then looks exactly as it did before the first build (the same tables
hold rows, with the same contents), and only if the build changed none of the rows it found;
otherwise the test builds the demo year itself, as before.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from kreisintegration.tests import fast_flush


@dataclass
class _Snapshot:
    before: dict[str, str]  # table -> checksum of its rows, of the tables holding rows before the build
    rows: dict[str, bytes]  # table -> its rows as COPY wrote them, of the tables the build filled
    sequences: dict[str, int]  # sequence -> its last value after the build
    media: Path  # the files the build stored


_snapshot: _Snapshot | None = None
_unusable = False  # the build changed rows it found: every test builds


def _state(cursor) -> dict[str, str]:
    """Table -> checksum of its rows, for every table of the project that holds rows."""
    return fast_flush._checksums(
        cursor, connection, fast_flush._filled(cursor, connection, fast_flush._tables(connection))
    )


# The table and sequence names below come from Django's introspection, quoted.


def _sequences(cursor, tables: list[str]) -> dict[str, int]:
    values = {}
    for table in tables:
        for sequence in connection.introspection.get_sequences(cursor, table):
            name = connection.ops.quote_name(sequence["name"])
            cursor.execute(f"SELECT last_value FROM {name}")  # noqa: S608
            values[sequence["name"]] = cursor.fetchone()[0]
    return values


def _take(before: dict[str, str], media: Path, spare: Path) -> _Snapshot | None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        after = _state(cursor)
        if any(after.get(table) != checksum for table, checksum in before.items()):
            return None  # the build changed rows that were there before it: always build
        rows = {}
        for table in after:
            if table not in before:
                with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                    rows[table] = b"".join(bytes(block) for block in copy)
        sequences = _sequences(cursor, list(rows))
    shutil.rmtree(spare, ignore_errors=True)
    if media.exists():
        shutil.copytree(media, spare)
    return _Snapshot(before=before, rows=rows, sequences=sequences, media=spare)


def _restore(snapshot: _Snapshot, media: Path) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, rows in snapshot.rows.items():
            with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                copy.write(rows)
        for sequence, value in snapshot.sequences.items():
            name = quote(sequence)
            cursor.execute(
                f"SELECT setval(%s, greatest(%s, (SELECT last_value FROM {name})))",  # noqa: S608
                [name, value],
            )
    if snapshot.media.exists():
        shutil.copytree(snapshot.media, media, dirs_exist_ok=True)


def load(*, build: Callable[[], None], media: Path, spare: Path) -> None:
    """The demo year in the (empty) test database and its files in ``media``: copied from the
    snapshot where it fits, else built by ``build`` and kept (the files in ``spare``).

    The snapshot fits a database that holds the same rows as the one it was built in: the first
    transactional test of a process ends with Django's own flush, which makes the content types
    anew, with new ids, so a build before that one is taken again after it."""
    global _snapshot, _unusable
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        build()
        return
    with connection.cursor() as cursor:
        before = _state(cursor)
    if _snapshot is not None and before == _snapshot.before:
        _restore(_snapshot, media)
        return
    build()
    if not _unusable:
        _snapshot = _take(before, media, spare)
        _unusable = _snapshot is None
