from django.apps import AppConfig


class QuestionLocksConfig(AppConfig):
    name = "question_locks"
    verbose_name = "Questions open on a moderator's console"

    def ready(self) -> None:
        # Its frames and its join and leave hooks join the live chat's registries
        # (chat/protocol.py, chat/consumers/): chat never imports this app.
        from question_locks import receivers, socket  # noqa: F401
