from django.contrib.contenttypes.models import ContentType
from django.db import models


class DemoRow(models.Model):
    """One row the demo loader made, under the loader's own name for it ("agency:mencap",
    "event:live-demo-2026-12-07"). The loader finds its rows by this key, never by a name
    staff may also use, and a key whose row is gone was deleted on purpose: it is not
    made again (demo/loader.py)."""

    key = models.CharField(max_length=100, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
