"""This app's models, moved from the chat app with their tables (chat.0014). State only."""

from django.db import migrations, models

MOVED_MODELS = ["safeguardingphrase"]


def content_types_follow(apps, schema_editor):
    """Permissions and admin history of the moved models follow them to this app."""
    content_types = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not content_types.objects.filter(app_label="safeguarding", model=model).exists():
            content_types.objects.filter(app_label="chat", model=model).update(
                app_label="safeguarding"
            )


def content_types_return(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="safeguarding", model__in=MOVED_MODELS).update(
        app_label="chat"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("chat", "0014_models_moved_to_their_apps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SafeguardingPhrase",
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
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("crisis", "Someone may be in danger now"),
                                    ("blocked", "Blocked word (flag for the moderator)"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "phrase",
                            models.CharField(
                                help_text='Matched as whole words, ignoring case and spacing. A crisis phrase is read the way the question is (punctuation, apostrophes, text-speak and common misspellings ignored: "hes gonna" matches "he\'s going to"), and is not matched in a figure of speech or talk about a subject ("suicide prevention") or in an account only about the past.',
                                max_length=100,
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True)),
                    ],
                    options={
                        "db_table": "chat_safeguardingphrase",
                        "ordering": ["kind", "phrase"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "phrase"), name="safeguarding_phrase_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
