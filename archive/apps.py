from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Transcript archive"

    def ready(self) -> None:
        from archive import receivers  # noqa: F401 - connects the signal receivers
