from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo agencies, panellists and events. Loading twice changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        starts = timezone.localtime(summary.seed_event.starts_at)
        self.stdout.write(
            f"Demo data ready ({summary.created} new records). "
            f'"{summary.seed_event.title}" is {summary.seed_event.get_status_display().lower()} '
            f"for {starts:%A %d %B %Y, %H:%M} London time; "
            f'"{summary.live_event.title}" is {summary.live_event.get_status_display().lower()}.'
        )
        # Superusers may moderate any event: the first admin can try the console at once.
        self.stdout.write(
            "Moderate the live demo (as the admin, once signed in): "
            f"{settings.SITE_URL}{reverse('chat:moderate', args=[summary.live_event.slug])}"
        )
        if summary.crisis_workers:
            self.stdout.write(
                "Try the private lane: go on duty as the demo's crisis worker "
                f"({', '.join(summary.crisis_workers)}) at "
                f"{settings.SITE_URL}{reverse('support:console', args=[summary.live_event.slug])}"
                ", then ask to talk privately from the live page in another browser."
            )
