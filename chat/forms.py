from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chat.protocol import (
    MAX_ANNOUNCEMENT_CHARS,
    MAX_ANSWER_CHARS,
    MAX_NICKNAME_CHARS,
    MAX_QUESTION_CHARS,
    MAX_REASON_CHARS,
)


class AskForm(forms.Form):
    """The no-JavaScript way to ask; the live page's script sends the same fields by socket."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Your question"),
        max_length=MAX_QUESTION_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write your question before sending it.")},
    )
    nickname = forms.CharField(
        label=_("Nickname (optional)"),
        required=False,
        max_length=MAX_NICKNAME_CHARS,
        help_text=_("Only the moderators see it. Published questions never show who asked."),
    )
    anonymous = forms.BooleanField(label=_("Ask anonymously"), required=False)
    to = forms.ChoiceField(label=_("Who is it for? (optional)"), required=False)

    def __init__(self, *args: object, to_choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        to_field = cast(forms.ChoiceField, self.fields["to"])
        to_field.choices = [("", _("Anyone on the panel")), *to_choices]

    def to_target(self) -> dict[str, object] | None:
        return to_target(self.cleaned_data.get("to") or "")


def to_target(value: str) -> dict[str, object] | None:
    """A form's "agency:<slug>" or "panellist:<id>" as a frame's `to`; anything else, None."""
    kind, _, key = value.partition(":")
    if kind == "panellist" and key.isdigit():
        return {"panellist": int(key)}
    if kind == "agency" and key:
        return {"agency": key}
    return None


class RouteForm(forms.Form):
    """Where a moderator sends a question: the service checks the panel (question_route);
    an empty choice clears the routing."""

    to = forms.CharField(label="Route to", required=False, max_length=100)

    def clean_to(self) -> dict[str, object] | None:
        return to_target(self.cleaned_data.get("to") or "")


class ApproveForm(forms.Form):
    body = forms.CharField(
        label="Text to publish", max_length=MAX_QUESTION_CHARS, required=False, strip=True
    )
    # The deliberate second step: text with personal details is published only with this.
    publish_unmasked = forms.BooleanField(required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason (only the asker sees it)", max_length=MAX_REASON_CHARS, strip=True
    )


class AnnounceForm(forms.Form):
    body = forms.CharField(
        label="Announcement",
        max_length=MAX_ANNOUNCEMENT_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        max_length=MAX_ANSWER_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    easy_read_body = forms.CharField(
        label="Easy Read version (optional)",
        max_length=MAX_ANSWER_CHARS,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MarkAnsweredForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=MAX_REASON_CHARS, required=False)


class ConfirmForm(forms.Form):
    """A button with no fields (mute, pin): the URL says what, CSRF says who."""


class DraftPublishForm(forms.Form):
    """A reviewer publishes a draft answer: as it is, or with their edit."""

    body = forms.CharField(
        label="Answer to publish", max_length=MAX_ANSWER_CHARS, required=False, strip=True
    )


class DraftReturnForm(forms.Form):
    comment = forms.CharField(
        label="What should the panellist change?",
        max_length=MAX_REASON_CHARS,
        strip=True,
        error_messages={"required": "Tell the panellist what to change."},
    )
