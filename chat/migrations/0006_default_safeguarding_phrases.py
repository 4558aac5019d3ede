from django.db import migrations

# A frozen copy of the defaults in chat/safeguarding.py at the time of writing.
CRISIS = [
    "in danger now",
    "in danger right now",
    "he is here now",
    "she is here now",
    "they are here now",
    "going to kill me",
    "going to hurt me",
    "trying to kill me",
    "kill myself",
    "end my life",
    "want to die",
    "suicide",
    "hurt myself",
    "self harm",
    "self-harm",
    "outside my door",
    "locked me in",
    "help me now",
]
BLOCKED = ["fuck", "fucking", "shit", "cunt", "wanker", "bastard", "bitch", "twat", "dickhead"]


def seed(apps, schema_editor):
    phrase_model = apps.get_model("chat", "SafeguardingPhrase")
    for kind, phrases in (("crisis", CRISIS), ("blocked", BLOCKED)):
        for phrase in phrases:
            phrase_model.objects.get_or_create(kind=kind, phrase=phrase)


class Migration(migrations.Migration):
    dependencies = [("chat", "0005_safeguarding_phrases")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
