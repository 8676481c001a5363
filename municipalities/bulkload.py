"""Bulk loading for the scale data (``seed_demo --scale N``): ``COPY … FROM STDIN`` instead of
``bulk_create``.

``bulk_create`` renders one huge ``INSERT … VALUES`` per batch: psycopg quotes every value in
Python and PostgreSQL parses the statement again. ``COPY`` streams the rows; primary keys are
reserved from the table's sequence first (``nextval`` over ``generate_series``), so the objects
have their ``pk`` afterwards just as with ``bulk_create``. Like ``bulk_create``: no ``save()``,
no signals. Only for the scale seeders (PostgreSQL; other databases fall back to ``bulk_create``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

M = TypeVar("M", bound=Model)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's sequence (safe beside concurrent inserts)."""
    if count <= 0:
        return []
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_insert(objs: Sequence[M], *, model: type[M] | None = None) -> Sequence[M]:
    """Insert ``objs`` (all of one model) with ``COPY``; sets ``pk`` on the ones without."""
    if not objs:
        return objs
    model = model or type(objs[0])
    # The connection itself, not the thread-local proxy: it is read once per value below.
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, batch_size=1000)
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.generated]
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, reserve_ids(model, len(missing)), strict=True):
        obj.pk = pk
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="copy_insert")
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )
            obj._state.adding = False
            obj._state.db = connection.alias
    return objs


def copy_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Plain rows (e.g. many-to-many links) with ``COPY``: no model instances at all."""
    if not rows:
        return 0
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    return len(rows)
