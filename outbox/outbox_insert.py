"""Store an outbox row unless one with its idempotency key exists, in one round trip.

``get_or_create`` needs four (look up, savepoint, insert, release) and a fifth for the existence
check before rendering; every course registration stores a mail while it holds the course's row
lock, so each round trip there is paid once per person in a burst. ``INSERT … ON CONFLICT
(idempotency_key) DO NOTHING RETURNING id`` gives the same guarantee: a concurrent transaction
with the same key makes the statement wait, and if that one commits nothing is inserted here.
"""

from __future__ import annotations

from django.db import connections, router
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

from .models import OutboxMail


def insert_unless_present(mail: OutboxMail) -> OutboxMail | None:
    """Insert ``mail`` (unsaved); the saved row, or None when its idempotency key is taken."""
    using = router.db_for_write(OutboxMail)
    fields = [field for field in OutboxMail._meta.concrete_fields if field is not OutboxMail._meta.pk]
    query = InsertQuery(OutboxMail, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [mail])
    ((sql, params),) = query.get_compiler(using=using).as_sql()
    pk_column = connections[using].ops.quote_name(OutboxMail._meta.pk.column)
    with connections[using].cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {pk_column}", params)
        row = cursor.fetchone()
    if row is None:
        return None
    mail.pk = row[0]
    mail._state.adding = False
    mail._state.db = using
    return mail
