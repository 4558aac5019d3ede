"""The transcript, safeguarding phrase, viewer sample and question tally models moved to the
archive, safeguarding and reports apps. State only: their tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0013_safeguarding_phrase_help_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="questiontally",
                    name="event",
                ),
                migrations.DeleteModel(
                    name="SafeguardingPhrase",
                ),
                migrations.RemoveField(
                    model_name="transcript",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="transcript",
                    name="event",
                ),
                migrations.RemoveField(
                    model_name="transcriptentry",
                    name="transcript",
                ),
                migrations.RemoveField(
                    model_name="transcriptentry",
                    name="event",
                ),
                migrations.RemoveField(
                    model_name="viewersample",
                    name="event",
                ),
                migrations.DeleteModel(
                    name="QuestionTally",
                ),
                migrations.DeleteModel(
                    name="Transcript",
                ),
                migrations.DeleteModel(
                    name="TranscriptEntry",
                ),
                migrations.DeleteModel(
                    name="ViewerSample",
                ),
            ],
            database_operations=[],
        ),
    ]
