"""A GIN index for transcript search on PostgreSQL (other databases search without one).

The expression is exactly what chat.archive_selectors.transcript_search filters on,
`SearchVector("body", config="english")`, so the planner can use it.
"""

from django.db import migrations

INDEX = "chat_transcriptentry_body_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON chat_transcriptentry USING gin "
            "(to_tsvector('english'::regconfig, COALESCE(body, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("chat", "0007_participant_network_hash")]

    operations = [migrations.RunPython(create_index, drop_index)]
