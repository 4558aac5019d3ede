"""This app's models, moved from the chat app with their tables (chat.0014). State only."""

import django.db.models.deletion
from django.db import migrations, models

MOVED_MODELS = ["viewersample", "questiontally"]


def content_types_follow(apps, schema_editor):
    """Permissions and admin history of the moved models follow them to this app."""
    content_types = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not content_types.objects.filter(app_label="reports", model=model).exists():
            content_types.objects.filter(app_label="chat", model=model).update(app_label="reports")


def content_types_return(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="reports", model__in=MOVED_MODELS).update(
        app_label="chat"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("chat", "0014_models_moved_to_their_apps"),
        ("events", "0006_event_follow"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="QuestionTally",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("received", models.PositiveIntegerField()),
                        ("published", models.PositiveIntegerField()),
                        ("answered", models.PositiveIntegerField()),
                        ("declined", models.PositiveIntegerField()),
                        ("unhandled", models.PositiveIntegerField()),
                        ("urgent", models.PositiveIntegerField()),
                        ("in_advance", models.PositiveIntegerField()),
                        ("muted_participants", models.PositiveIntegerField()),
                        ("frozen_at", models.DateTimeField()),
                        (
                            "event",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="question_tally",
                                to="events.event",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "chat_questiontally",
                    },
                ),
                migrations.CreateModel(
                    name="ViewerSample",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sampled_at", models.DateTimeField()),
                        ("viewers", models.PositiveIntegerField()),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="viewer_samples",
                                to="events.event",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "chat_viewersample",
                        "ordering": ["event", "sampled_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("event", "sampled_at"), name="viewer_sample_once_per_slot"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
