"""WebSocket routes."""

from django.urls import URLPattern, path

from chat.consumers import EventChatConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/events/<slug:slug>/", EventChatConsumer.as_asgi()),
]
