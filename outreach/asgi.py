"""ASGI entry point: HTTP through Django, WebSockets through Channels (see docs/architecture.md)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")

# Django must be set up before anything that imports models (the consumers) is imported.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402
from core.ablation import design_choice_on  # noqa: E402
from outreach.busy import BusyDoor  # noqa: E402
from outreach.door import FrontDoor  # noqa: E402
from realtime import internals  # noqa: E402
from realtime.internals.django_handler import http_application  # noqa: E402
from safeguarding import crisis, detection  # noqa: E402

# Once per server process: which delivery paths are on, and why (logged; /healthz shows it).
internals.check()

# The URL map, and with it every view and all they import, now: Django imports it at the
# first request, and it does so in the event loop. Here that is about 0.1 s (allauth's MFA
# views bring in fido2 and cryptography) during which no frame moves, and a process's first
# request may well come at 18:00. (It also puts the views among what is set aside below.)
get_resolver().url_patterns  # noqa: B018 - evaluated for its import

# Crisis triage's word lists and its learned layer's model, and the personal-details finder's
# first names (read once per process, about half a second): now, rather than on the
# process's first question (docs/safeguarding.md).
crisis.warm(learned=settings.SAFEGUARDING_LEARNED_SCORER)
detection.warm()

# What start-up made (Django, the URL map, the models) lives as long as the process. Left in
# the collector's oldest generation, every full collection walks it again: during a join
# storm those came every few seconds and held the event loop for 0.2-1.8 s each, staff's
# frames and every viewer's items with it (docs/performance.md). Set it aside.
if design_choice_on("WEB_GC_FREEZE"):
    gc.freeze()
# And collect less often: the storm's own objects (thousands of connections being made)
# made a full collection every half second, each holding the loop for 0.15-0.33 s.
if settings.WEB_GC_THRESHOLDS:
    gc.set_threshold(*settings.WEB_GC_THRESHOLDS)

application = ProtocolTypeRouter(
    {
        # A reader's kept page from the loop (outreach/door.py); past WEB_BUSY_AT public
        # pages in flight, the waiting page (outreach/busy.py); then Django, one thread hop
        # per request rather than two per middleware (realtime/internals/django_handler.py).
        "http": FrontDoor(BusyDoor(http_application(default=django_asgi_app))),
        # Cookies only: the consumer reads the session and its user itself, once, in the
        # same database trip as the rest of its context (chat.selectors.connection_open).
        # Channels' session and auth middleware would wrap every frame sent for a session
        # the socket never writes. The Origin is checked exactly, per event, by the consumer
        # (chat/origins.py).
        "websocket": CookieMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
