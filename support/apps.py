from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Private support"

    def ready(self) -> None:
        # The lane's frames and the moderators' "pass to the crisis worker" join the live
        # chat's registries (chat/protocol.py, chat/actions.py): chat never imports this app.
        from support import receivers, socket  # noqa: F401
