"""The Easy Read switch: a plain link (it works without JavaScript) that sets the reading
view for this browser session and sends the person back to the page they were on."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from easyread.preferences import ReadingView, set_reading_view

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def reading_view_switch(request: HttpRequest) -> HttpResponse:
    """`?view=easy|words|standard&next=/where/they/were/`. A GET (a link, no form, so every
    kept page stays without a CSRF token): at worst another site switches someone's view,
    which they can switch back. `next` must be a path on this site; anything else goes home."""
    requested = request.GET.get("view", "")
    view = ReadingView(requested) if requested in ReadingView.values else ReadingView.STANDARD
    next_url = request.GET.get("next", "")
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        if next_url:
            logger.info("reading view switch: next %r refused, sent home", next_url[:80])
        next_url = "/"
    response = HttpResponseRedirect(next_url, status=303)
    set_reading_view(response, view, secure=request.is_secure())
    return response
