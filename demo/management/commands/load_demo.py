from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils import timezone

from demo.loader import demo_forget_deleted, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo agencies, panellists and events. Loading twice changes nothing, and "
        "demo data a superuser deleted is not made again unless --again is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--again",
            action="store_true",
            help="Make afresh the demo rows that were deleted (by remove_demo or the admin).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["again"]:
            demo_forget_deleted()
        summary = demo_load()
        seed, live = summary.seed_event, summary.live_event
        if seed is None and live is None:
            self.stdout.write(
                "Demo data was deleted, so none is loaded (`manage.py load_demo --again` "
                "brings it back)."
            )
            return
        parts = [f"Demo data ready ({summary.created} new records)."]
        if seed is not None:
            starts = timezone.localtime(seed.starts_at)
            parts.append(
                f'"{seed.title}" is {seed.get_status_display().lower()} '
                f"for {starts:%A %d %B %Y, %H:%M} London time."
            )
        if live is not None:
            parts.append(f'"{live.title}" is {live.get_status_display().lower()}.')
        self.stdout.write(" ".join(parts))
        if live is not None:
            # Superusers may moderate any event: the first admin can try the console at once.
            self.stdout.write(
                "Moderate the live demo (as the admin, once signed in): "
                f"{settings.SITE_URL}{reverse('chat:moderate', args=[live.slug])}"
            )
        if live is not None and summary.crisis_workers:
            self.stdout.write(
                "Try the private lane: go on duty as the demo's crisis worker "
                f"({', '.join(summary.crisis_workers)}) at "
                f"{settings.SITE_URL}{reverse('support:console', args=[live.slug])}"
                ", then ask to talk privately from the live page in another browser."
            )
