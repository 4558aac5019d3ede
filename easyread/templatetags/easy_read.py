"""Template tags for the Easy Read view: which sections a page shows, and a picture."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from easyread import content
from easyread.pictograms import ALT_TEXT, pictogram_url

register = template.Library()


@register.simple_tag(takes_context=True)
def easy_read_sections(context: template.Context) -> tuple[content.Section, ...]:
    """This page's Easy Read sections (by its URL name), then every page's help; the live
    page of a finished webchat says so first."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    page = match.view_name if match else ""
    sections = content.SECTIONS_BY_PAGE.get(page, ())
    event = context.get("event")
    if page in ("chat:live", "chat:embed") and getattr(event, "is_finished", False):
        sections = (content.WEBCHAT_FINISHED, *sections)
    return (*sections, *content.EVERY_PAGE)


@register.simple_tag(takes_context=True)
def pictogram(context: template.Context, name: str) -> SafeString:
    """The picture beside a line, or nothing in the words-only view."""
    if context.get("words_only"):
        return SafeString("")
    return format_html(
        '<img class="app-easy-read__picture" src="{}" alt="{}" width="64" height="64">',
        pictogram_url(name),
        ALT_TEXT[name],
    )


@register.simple_tag
def question_state_line(state: str) -> content.Line | None:
    """The Easy Read line for one of the asker's own questions in `state`."""
    found = content.QUESTION_STATE_MESSAGES.get(state) or content.QUESTION_STATE_MESSAGES.get(
        "published"
    )
    if found is None:
        return None
    picture, text = found
    return content.Line(picture, text)


@register.simple_tag(takes_context=True)
def live_messages(context: template.Context) -> dict[str, Any]:
    """What static/js/live.js says in Easy Read (read from a JSON script element); no
    pictures in the words-only view."""
    messages: dict[str, Any] = {key: str(text) for key, text in content.LIVE_MESSAGES.items()}
    for state, (picture, text) in content.QUESTION_STATE_MESSAGES.items():
        message = {"text": str(text)}
        if not context.get("words_only"):
            message |= {"picture": pictogram_url(picture), "alt": str(ALT_TEXT[picture])}
        messages[f"state:{state}"] = message
    return messages


@register.simple_tag
def sentence_starters() -> tuple[str, ...]:
    return tuple(str(starter) for starter in content.SENTENCE_STARTERS)
