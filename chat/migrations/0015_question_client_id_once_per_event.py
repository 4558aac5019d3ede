"""A question's identity is its event and the client's id (was: the participant and the id).

Rows stored twice by the old rule (a retry from a cookie-less embed) keep their first copy's
id; the later copies get a fresh client id so the new constraint can hold. Nothing is
deleted: a moderator may already have acted on either copy."""

import uuid

from django.db import migrations, models
from django.db.models import Count


def fresh_ids_for_later_copies(apps, schema_editor):
    question = apps.get_model("chat", "Question")
    repeated = (
        question.objects.values("event_id", "client_id")
        .annotate(copies=Count("id"))
        .filter(copies__gt=1)
    )
    for row in repeated:
        later = question.objects.filter(
            event_id=row["event_id"], client_id=row["client_id"]
        ).order_by("id")[1:]
        for copy in later:
            copy.client_id = uuid.uuid4()
            copy.save(update_fields=["client_id"])


class Migration(migrations.Migration):
    dependencies = [("chat", "0014_models_moved_to_their_apps")]

    operations = [
        migrations.RunPython(fresh_ids_for_later_copies, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="question", name="question_client_id_once_per_asker"
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                fields=("event", "client_id"), name="question_client_id_once_per_event"
            ),
        ),
    ]
