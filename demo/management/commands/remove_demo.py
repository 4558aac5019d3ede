from typing import Any

from django.core.management.base import BaseCommand

from demo.loader import demo_remove


class Command(BaseCommand):
    help = (
        "Delete the demo agencies, panellists, topics and events (with their questions and "
        "transcripts). load_demo, and so `make run`, does not make them again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removal = demo_remove()
        done = ", ".join(f"{count} {name}" for name, count in removal.deleted.items())
        self.stdout.write(f"Demo data deleted: {done or 'nothing was left'}.")
        if removal.kept:
            self.stdout.write(
                "Kept, because your own data uses them: " + ", ".join(removal.kept) + "."
            )
        self.stdout.write("`manage.py load_demo --again` brings the demo back.")
