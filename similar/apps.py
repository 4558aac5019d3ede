from django.apps import AppConfig


class SimilarConfig(AppConfig):
    name = "similar"
    verbose_name = "Similar questions"

    def ready(self) -> None:
        # Its frames, staff actions and join hook join the live chat's registries
        # (chat/protocol.py, chat/actions.py, chat/consumers/): chat never imports this app.
        from similar import receivers, socket  # noqa: F401
