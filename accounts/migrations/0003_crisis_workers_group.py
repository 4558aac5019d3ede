"""The Crisis workers group (accounts/roles.py): per-event rights come from Event.crisis_workers."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Crisis workers")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Crisis workers").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(create_group, remove_group)]
