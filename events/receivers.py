"""Events' reactions to its own models' changes."""

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core import kept_pages
from events.models import Agency, Event, Panellist, PanelSeat, Topic

# What the public pages show of the site: a change to any of these renews the pages kept
# for readers (core/kept_pages.py), whatever made it (the admin, a scheduled transition).
PUBLIC_MODELS = (Agency, Event, Panellist, PanelSeat, Topic)


def site_changed(sender: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: kept_pages.changed(kept_pages.SITE))


def connect() -> None:
    for model in PUBLIC_MODELS:
        name = model._meta.label_lower
        post_save.connect(site_changed, sender=model, dispatch_uid=f"events.site_saved.{name}")
        post_delete.connect(site_changed, sender=model, dispatch_uid=f"events.site_deleted.{name}")
    for field in ("topics", "panellists"):
        through = getattr(Event, field).through
        m2m_changed.connect(site_changed, sender=through, dispatch_uid=f"events.{field}")
