"""Where the translation catalogues are: the project's (LOCALE_PATHS) and any app's own
locale/ directory (an app may keep its catalogue beside its code); and the public scripts'
catalogue, written as a static file per language (static/jsi18n/<code>.js)."""

import gettext as gettext_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale
from django.utils.translation.trans_real import DjangoTranslation
from django.views.i18n import JavaScriptCatalog

# Beside the project's own static files (.gitignore: built, not committed).
SCRIPT_CATALOGUE_DIR = "jsi18n"


def locale_dirs() -> list[Path]:
    """LOCALE_PATHS first, then each project app's locale/ (not installed packages')."""
    base = Path(settings.BASE_DIR).resolve()
    dirs = [Path(path).resolve() for path in settings.LOCALE_PATHS]
    for app in apps.get_app_configs():
        candidate = (Path(app.path) / "locale").resolve()
        ours = base in candidate.parents and "site-packages" not in candidate.parts
        if ours and candidate.is_dir() and candidate not in dirs:
            dirs.append(candidate)
    return dirs


def catalogue_files() -> list[Path]:
    """Every committed .po file: <locale dir>/<language>/LC_MESSAGES/<domain>.po."""
    return sorted(
        po_path for directory in locale_dirs() for po_path in directory.glob("*/LC_MESSAGES/*.po")
    )


def script_catalogue(language: str) -> bytes:
    """Django's JavaScript catalogue for `language` (the `djangojs` domain), with the
    project's `django` domain merged in: frames carry the server's English text, and a page
    shows it with gettext() (docs/protocol.md, "Words in frames")."""
    with translation.override(language):
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


def script_catalogue_path(language: str) -> Path:
    return Path(settings.STATICFILES_DIRS[0]) / SCRIPT_CATALOGUE_DIR / f"{language}.js"


def write_script_catalogues() -> list[Path]:
    """One static file per language in LANGUAGES: what the pages load, served like any
    static file (by nginx in production), so it costs the portal nothing at 18:00."""
    written = []
    for language, _name in settings.LANGUAGES:
        path = script_catalogue_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".js.partial")
        partial.write_bytes(script_catalogue(language))
        partial.replace(path)
        written.append(path)
    return written
