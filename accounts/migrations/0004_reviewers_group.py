"""The Reviewers group (accounts/roles.py): per-event rights come from Event.reviewers."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Reviewers")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Reviewers").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_crisis_workers_group")]

    operations = [migrations.RunPython(create_group, remove_group)]
