"""The live chat on an agency's own website: a compact read-and-ask page inside a frame.

Only the origins listed on the event may frame it (CSP frame-ancestors, and no
X-Frame-Options); with none listed it is as unframeable as every other page. Inside a
third-party frame the browser sends none of the site's SameSite=Lax cookies, so a visitor
there is a guest with an identity per connection, and asking works over the live
connection (static/js/live.js, unchanged).
"""

from csp.constants import NONE
from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt

from chat import selectors
from chat.views import live_or_embed_page

EMBED_TEMPLATE = "chat/embed.html"


def event_embed(request: HttpRequest, slug: str) -> HttpResponseBase:
    # From this process's memory (chat.selectors.public_event_summary): a watcher's embed
    # costs no query (chat/live_page.py).
    event = selectors.public_event_summary(slug)
    if event is None:
        raise Http404("No such webchat.")
    origins = list(event.embed_origins)

    def page(request: HttpRequest) -> HttpResponseBase:
        return live_or_embed_page(request, slug, template=EMBED_TEMPLATE)

    # The origins differ per event, so the decorators are applied per request, not at import.
    framed = csp_replace({"frame-ancestors": origins or [NONE]})(page)
    if origins:
        framed = xframe_options_exempt(framed)
    return framed(request)
