from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Agencies and events"

    def ready(self) -> None:
        from events import receivers

        receivers.connect()
