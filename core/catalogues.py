"""Where the translation catalogues are: the project's (LOCALE_PATHS) and any app's own
locale/ directory (an app may keep its catalogue beside its code)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


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
