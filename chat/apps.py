from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        from chat import receivers  # noqa: F401 - connects the signal receivers
        from chat.feed_source import ChatFeedSource
        from realtime.feeds import register_feed_source

        register_feed_source(ChatFeedSource())
