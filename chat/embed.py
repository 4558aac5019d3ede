"""The live chat on an agency's own website: a compact read-and-ask page inside a frame.

Only the origins listed on the event may frame it (CSP frame-ancestors, and no
X-Frame-Options); with none listed it is as unframeable as every other page. Inside a
third-party frame the browser sends none of the site's SameSite=Lax cookies, so a visitor
there is a guest with an identity per connection, and asking works over the live
connection (static/js/live.js, unchanged).
"""

import uuid

from csp.constants import NONE
from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt

from chat.forms import AskForm
from chat.views import ask_to_choices, public_event_or_404, render_live_page

EMBED_TEMPLATE = "chat/embed.html"


def event_embed(request: HttpRequest, slug: str) -> HttpResponseBase:
    event = public_event_or_404(slug)
    origins = event.embed_origin_list

    def page(request: HttpRequest) -> HttpResponseBase:
        form = AskForm(initial={"client_id": uuid.uuid4()}, to_choices=ask_to_choices(event))
        return render_live_page(request, event, form, template=EMBED_TEMPLATE)

    # The origins differ per event, so the decorators are applied per request, not at import.
    framed = csp_replace({"frame-ancestors": origins or [NONE]})(page)
    if origins:
        framed = xframe_options_exempt(framed)
    return framed(request)
