"""The public scripts' catalogue as a view (/jsi18n/?lang=…), for a deployment whose
static files were collected before `compile_catalogues` wrote them, and for tests. The
pages load the static copy (core/catalogues.py: static/jsi18n/<code>.js)."""

import functools

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from core.catalogues import script_catalogue

MAX_AGE_SECONDS = 3600


@functools.cache
def catalogue_script(language: str) -> bytes:
    # The same for every reader of a language; the .po files change only with a deploy.
    return script_catalogue(language)


def javascript_catalogue(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        catalogue_script(get_language()), content_type="text/javascript; charset=utf-8"
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
