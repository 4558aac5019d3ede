"""Rows an earlier loader made (found then by slug, or by name and agency) are recorded as
the demo's, once, so the loader does not make them a second time. A fresh database has none."""

from django.db import migrations

AGENCY_SLUGS = ["metropolitan-police", "crown-prosecution-service", "mencap"]
PANELLISTS = [
    ("Toks Adesuyan", "crown-prosecution-service"),
    ("Jo Davies", "mencap"),
    ("Jo Keogh", "metropolitan-police"),
    ("DCI Sam Faulkner", "metropolitan-police"),
]
TOPIC_SLUGS = ["hate-crime", "domestic-violence"]
SEED_EVENT_SLUG = "hate-crime-and-domestic-violence-webchat"


def adopt(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    DemoRow = apps.get_model("demo", "DemoRow")
    Agency = apps.get_model("events", "Agency")
    Panellist = apps.get_model("events", "Panellist")
    Topic = apps.get_model("events", "Topic")
    Event = apps.get_model("events", "Event")

    def record(key, model_name, pk):
        content_type, _ = ContentType.objects.get_or_create(app_label="events", model=model_name)
        DemoRow.objects.get_or_create(
            key=key, defaults={"content_type": content_type, "object_id": pk}
        )

    for slug in AGENCY_SLUGS:
        for pk in Agency.objects.filter(slug=slug).values_list("pk", flat=True):
            record(f"agency:{slug}", "agency", pk)
    for name, agency_slug in PANELLISTS:
        found = list(
            Panellist.objects.filter(name=name, agency__slug=agency_slug)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if found:
            # The first was the loader's: a later one with the same name is staff's.
            record(f"panellist:{name}", "panellist", found[0])
    for slug in TOPIC_SLUGS:
        for pk in Topic.objects.filter(slug=slug).values_list("pk", flat=True):
            record(f"topic:{slug}", "topic", pk)
    demo_events = Event.objects.filter(slug=SEED_EVENT_SLUG) | Event.objects.filter(
        slug__startswith="live-demo-", description__contains="load_demo"
    )
    for pk, slug in demo_events.values_list("pk", "slug"):
        record(f"event:{slug}", "event", pk)


class Migration(migrations.Migration):
    dependencies = [
        ("demo", "0001_initial"),
        ("events", "0006_event_follow"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
