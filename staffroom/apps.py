from django.apps import AppConfig


class StaffroomConfig(AppConfig):
    name = "staffroom"
    verbose_name = "Staff room"

    def ready(self) -> None:
        # The staff room's frames join the live chat's registries (chat/protocol.py,
        # chat/consumers/handlers.py, chat/consumers/joining.py): chat never imports this app.
        from staffroom import socket  # noqa: F401
