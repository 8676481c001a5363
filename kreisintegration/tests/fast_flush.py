"""The end of a transactional test (``transactional_db``, ``live_server``, a real worker): the same
empty database as Django's flush, in a fraction of the time.

Django's ``TransactionTestCase`` ends every test with ``manage.py flush``: one TRUNCATE of all ~100
tables (PostgreSQL replaces the files of every table and index, seconds on a busy machine), then
the ``post_migrate`` signal, which recreates the content types and permissions with new ids. Here:

1. The first transactional test of a process ends with Django's own flush; what the database then
   holds (the tables ``post_migrate`` fills, and a checksum of each one's rows) is remembered.
2. Every later one: one query finds the tables that hold rows. If the tables ``post_migrate``
   fills hold exactly the remembered rows, every other table that holds rows is emptied with
   DELETE (one transaction; the foreign keys are deferred, so the order does not matter) – the
   state Django's flush leaves, without recreating identical rows. Otherwise (a test changed a
   content type or a permission, a database other than PostgreSQL, any database error) Django's
   own flush runs, as before.

Tests that ask for ``available_apps`` or ``serialized_rollback`` keep Django's flush unchanged.
"""

from __future__ import annotations

from django.db import DatabaseError, connections, transaction
from django.test import testcases

_original_fixture_teardown = testcases.TransactionTestCase._fixture_teardown
# database alias -> {table: checksum of its rows} of what the database holds after Django's flush
_after_flush: dict[str, dict[str, str]] = {}


def _tables(connection) -> list[str]:
    """The tables Django's flush empties (the same call ``manage.py flush`` makes)."""
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


# The table names below come from Django's introspection of the models' tables, quoted.


def _filled(cursor, connection, tables: list[str]) -> list[str]:
    quote = connection.ops.quote_name
    exists = ", ".join(f"EXISTS (SELECT 1 FROM {quote(table)})" for table in tables)  # noqa: S608
    cursor.execute(f"SELECT {exists}")
    return [table for table, has_rows in zip(tables, cursor.fetchone(), strict=True) if has_rows]


def _checksums(cursor, connection, tables) -> dict[str, str]:
    quote = connection.ops.quote_name
    sums = {}
    for table in tables:
        cursor.execute(
            f"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {quote(table)} t"  # noqa: S608
        )
        sums[table] = cursor.fetchone()[0]
    return sums


def _remember(connection) -> None:
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            filled = _filled(cursor, connection, _tables(connection))
            _after_flush[connection.alias] = _checksums(cursor, connection, filled)
    except DatabaseError:
        _after_flush.pop(connection.alias, None)


def _fast_flush(connection) -> bool:
    """Empty the database as Django's flush would; False if only Django's flush may do it."""
    expected = _after_flush.get(connection.alias)
    if connection.vendor != "postgresql" or expected is None or connection.in_atomic_block:
        return False
    quote = connection.ops.quote_name
    try:
        with connection.cursor() as cursor:
            filled = _filled(cursor, connection, _tables(connection))
            if _checksums(cursor, connection, expected) != expected:
                return False
        surplus = [table for table in filled if table not in expected]
        if surplus:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                for table in surplus:
                    cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
    except DatabaseError:
        return False
    return True


def _fixture_teardown(self) -> None:
    aliases = list(self._databases_names(include_mirrors=False))
    django_flush = self.available_apps is not None or self.serialized_rollback
    if not django_flush and all(_fast_flush(connections[alias]) for alias in aliases):
        return
    _original_fixture_teardown(self)
    if not django_flush:
        for alias in aliases:
            _remember(connections[alias])


def install() -> None:
    testcases.TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]
