from django.conf import settings
from django.db import migrations, models


def number_published_questions(apps, schema_editor):
    """Questions published before public numbers existed get theirs, in the order they were
    published; the feed's payloads (what a resuming client is sent) get them too."""
    FeedItem = apps.get_model("chat", "FeedItem")
    Question = apps.get_model("chat", "Question")
    ChatRoom = apps.get_model("chat", "ChatRoom")
    numbers: dict[int, dict[int, int]] = {}  # event id -> question id -> number
    for item in FeedItem.objects.filter(kind="question").order_by("event_id", "seq"):
        per_event = numbers.setdefault(item.event_id, {})
        if item.question_id is None or item.question_id in per_event:
            continue
        per_event[item.question_id] = len(per_event) + 1
        Question.objects.filter(pk=item.question_id).update(number=per_event[item.question_id])
        item.payload = {**item.payload, "number": per_event[item.question_id]}
        item.save(update_fields=["payload"])
    for item in FeedItem.objects.filter(kind="answer", answer__isnull=False).select_related(
        "answer"
    ):
        number = numbers.get(item.event_id, {}).get(item.answer.question_id)
        if number is not None:
            item.payload = {**item.payload, "question_number": number}
            item.save(update_fields=["payload"])
    for event_id, per_event in numbers.items():
        ChatRoom.objects.filter(event_id=event_id).update(last_question_number=len(per_event))


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0015_question_client_id_once_per_event"),
        ("events", "0006_event_follow"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="chatroom",
            name="last_question_number",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="question",
            name="number",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(number_published_questions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number__isnull", False)),
                fields=("event", "number"),
                name="question_number_once_per_event",
            ),
        ),
    ]
