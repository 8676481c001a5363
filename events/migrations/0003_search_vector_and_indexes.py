"""A stored search vector with a GIN index for the German full-text search (PostgreSQL only).

Before, every search built ``to_tsvector`` for every event row at query time.
Now PostgreSQL keeps a generated column (same ``german_unaccent`` configuration
and weights: title A, description B) up to date on every write, and a trigram
index serves the substring match on the title. The column is not a model field
(SQLite, the zero-setup default, has neither); ``events.selectors.search_events``
queries it by name.

Also an index on ``updated_at`` for the dashboard's "changed since the figures were computed" check.
"""

from django.db import migrations, models

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE events_event ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('german_unaccent'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('german_unaccent'::regconfig, coalesce(description, '')), 'B')
) STORED;
CREATE INDEX IF NOT EXISTS events_event_search_vector_gin ON events_event USING gin (search_vector);
CREATE INDEX IF NOT EXISTS events_event_title_trgm ON events_event USING gin (upper(title::text) gin_trgm_ops);
"""

DROP = """
DROP INDEX IF EXISTS events_event_title_trgm;
DROP INDEX IF EXISTS events_event_search_vector_gin;
ALTER TABLE events_event DROP COLUMN IF EXISTS search_vector;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("events", "0002_german_unaccent_search")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["updated_at"], name="event_updated_at_idx"),
        ),
    ]
