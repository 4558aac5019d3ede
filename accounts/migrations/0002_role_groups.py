"""The staff role groups (accounts/roles.py), with what event managers may do in the admin.

Moderators and panellists need no model permissions: their rights are per event and checked
by events/roles.py. Event managers edit agencies, panellists, topics, events and panels.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EVENT_MANAGER_MODELS = ["agency", "panellist", "topic", "event", "panelseat"]
MANAGER_ACTIONS = ["add", "change", "view"]


def create_role_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make the events app's now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    managers, _ = Group.objects.get_or_create(name="Event managers")
    managers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="events",
            codename__in=[
                f"{action}_{model}" for model in EVENT_MANAGER_MODELS for action in MANAGER_ACTIONS
            ],
        )
    )
    # Users are viewed (to pick moderators and panellists' accounts), not edited.
    managers.permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename="view_user")
    )
    Group.objects.get_or_create(name="Moderators")
    Group.objects.get_or_create(name="Panellists")


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Event managers", "Moderators", "Panellists"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0004_event_embed_origins"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
