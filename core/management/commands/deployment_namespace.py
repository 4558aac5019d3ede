from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.deployment import deployment_namespace_record
from core.models import Deployment


class Command(BaseCommand):
    help = (
        "Show the Redis namespace this deployment's database recorded, or with --record make "
        "this process's REDIS_NAMESPACE the deployment's (stop every process first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--record", action="store_true")

    def handle(self, *args: Any, record: bool, **options: Any) -> None:
        if record:
            deployment_namespace_record(namespace=settings.REDIS_NAMESPACE)
        recorded = Deployment.objects.filter(pk=1).values_list("redis_namespace", flat=True)
        self.stdout.write(f"recorded: {recorded.first() or '(none yet)'}")
        self.stdout.write(f"this process: {settings.REDIS_NAMESPACE}")
