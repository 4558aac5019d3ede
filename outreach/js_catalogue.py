"""The JavaScript catalogue the public pages load before their scripts: Django's
JavaScriptCatalog for the `djangojs` domain, with the project's `django` domain merged in.

Frames carry the server's English text where they carry any (an error's or a help
message's words; codes say what happened): a page shows it with gettext(), so it needs
those msgids too. The catalogue is the same for every reader of a language, so each
process builds it once per language (the .po files change only with a deploy) and the
browser keeps it for an hour.
"""

import functools
import gettext as gettext_module

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language, to_locale
from django.utils.translation.trans_real import DjangoTranslation
from django.views.i18n import JavaScriptCatalog

from core.catalogues import locale_dirs

MAX_AGE_SECONDS = 3600


@functools.cache
def catalogue_script(language: str) -> bytes:
    view = JavaScriptCatalog()
    view.domain = "djangojs"
    view.translation = DjangoTranslation(language, domain="djangojs")
    # Django's own view reads the catalogue so (JavaScriptCatalog.get_catalog).
    merged = view.translation._catalog  # type: ignore[attr-defined]
    for directory in locale_dirs():
        server = gettext_module.translation(
            "django", localedir=str(directory), languages=[to_locale(language)], fallback=True
        )
        for msgid, text in getattr(server, "_catalog", {}).items():
            if msgid and msgid not in merged:
                merged[msgid] = text
    response = view.render_to_response(view.get_context_data())
    return bytes(response.content)


def javascript_catalogue(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        catalogue_script(get_language()), content_type="text/javascript; charset=utf-8"
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
