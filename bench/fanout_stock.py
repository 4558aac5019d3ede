"""Stock Channels: the broadcast as Channels is usually written, for comparison.

`uvicorn fanout_stock:application --app-dir bench` (REDIS_URL set). Each viewer is an
`AsyncWebsocketConsumer` in one group on channels-redis' `RedisChannelLayer` with its
defaults; a publish is one `group_send`, delivered by each consumer's handler (through
Channels' `dispatch`, with its per-message `aclose_old_connections()` hop).
"""

import os

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="fan-out benchmark, not a secret",  # noqa: S106 - no sessions, nothing signed
    ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=["channels"],
    DATABASES={},
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]]},
        }
    },
)
django.setup()

from typing import Any  # noqa: E402

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402


class BroadcastConsumer(AsyncWebsocketConsumer):
    groups = [os.environ.get("BENCH_GROUP", "bench")]

    async def connect(self) -> None:
        await self.accept()
        await self.send(text_data='{"type":"synced","last_seq":0}')

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter(
    {"websocket": URLRouter([re_path(r"^ws/", BroadcastConsumer.as_asgi())])}
)
