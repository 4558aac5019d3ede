"""WebSocket routes; the live chat consumer (`/ws/events/<slug>/`) comes with the live chat."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
