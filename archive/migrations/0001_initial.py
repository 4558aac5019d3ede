"""This app's models, moved from the chat app with their tables (chat.0014). State only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ["transcript", "transcriptentry"]


def content_types_follow(apps, schema_editor):
    """Permissions and admin history of the moved models follow them to this app."""
    content_types = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not content_types.objects.filter(app_label="archive", model=model).exists():
            content_types.objects.filter(app_label="chat", model=model).update(app_label="archive")


def content_types_return(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="archive", model__in=MOVED_MODELS).update(
        app_label="chat"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("chat", "0014_models_moved_to_their_apps"),
        ("events", "0006_event_follow"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Transcript",
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
                        ("version", models.PositiveIntegerField()),
                        ("content", models.TextField()),
                        ("sha256", models.CharField(max_length=64)),
                        ("item_count", models.PositiveIntegerField()),
                        ("created_at", models.DateTimeField()),
                        ("correction_reason", models.CharField(blank=True, max_length=500)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="transcripts",
                                to="events.event",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "chat_transcript",
                        "ordering": ["event", "-version"],
                    },
                ),
                migrations.CreateModel(
                    name="TranscriptEntry",
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
                        ("seq", models.PositiveIntegerField()),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("question", "Question"),
                                    ("answer", "Answer"),
                                    ("announcement", "Announcement"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("body", models.TextField()),
                        ("speaker", models.CharField(max_length=300)),
                        ("agency_slug", models.SlugField(blank=True, max_length=80)),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="transcript_entries",
                                to="events.event",
                            ),
                        ),
                        (
                            "transcript",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="entries",
                                to="archive.transcript",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "chat_transcriptentry",
                        "ordering": ["event", "seq"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="transcript",
                    constraint=models.UniqueConstraint(
                        fields=("event", "version"), name="transcript_version_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="transcriptentry",
                    constraint=models.UniqueConstraint(
                        fields=("event", "seq"), name="transcript_entry_seq_unique"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
