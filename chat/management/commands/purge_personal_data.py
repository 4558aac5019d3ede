from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chat.retention import personal_data_purge


class Command(BaseCommand):
    help = (
        "Delete personal data from webchats that ended more than CHAT_RETENTION_DAYS ago "
        "(beat runs this daily). Transcripts are untouched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="Override CHAT_RETENTION_DAYS.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = personal_data_purge(days=options["days"])
        self.stdout.write(
            f"Deleted {report.questions_deleted} unpublished questions, replaced "
            f"{report.originals_replaced} edited originals, deleted "
            f"{report.participants_deleted} participants."
        )
