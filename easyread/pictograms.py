"""The Easy Read pictures: OpenMoji SVGs copied into static/easyread/pictograms/ (its README
says which package and version, and the licence, CC BY-SA 4.0), each with its text
alternative. A picture beside a line repeats the line's idea; its alternative says what it
shows, so a screen reader does not read the idea twice in other words."""

from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ALT_TEXT: dict[str, Promise] = {
    "answer": _("Picture of a person speaking"),
    "closed": _("Picture of a stop sign"),
    "declined": _("Picture of a red cross"),
    "emergency": _("Picture of a police car light"),
    "leave-quickly": _("Picture of a person running"),
    "maybe-not-answered": _("Picture of a person shrugging"),
    "private": _("Picture of a lock"),
    "published": _("Picture of a green tick"),
    "question": _("Picture of a question mark"),
    "reads-first": _("Picture of two eyes reading"),
    "silent-call": _("Picture of a face with a zipped mouth"),
    "text-relay": _("Picture of a mobile phone"),
    "transcript": _("Picture of a page of writing"),
    "waiting": _("Picture of an egg timer"),
    "webchat": _("Picture of a speech bubble"),
    "writing": _("Picture of a hand writing"),
}


def pictogram_url(name: str) -> str:
    if name not in ALT_TEXT:
        raise KeyError(f"no Easy Read picture called {name!r}")
    return static(f"easyread/pictograms/{name}.svg")
