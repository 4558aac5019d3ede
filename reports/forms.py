from typing import Any, cast

from django import forms

from events.models import Agency, Topic


class ReportFilterForm(forms.Form):
    """The filters of the view across webchats. Every field is optional."""

    starts_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    agency: forms.ChoiceField = forms.ChoiceField(required=False, label="Agency")
    topic: forms.ChoiceField = forms.ChoiceField(required=False, label="Topic")

    def __init__(self, *args: Any, agencies: list[Agency], topics: list[Topic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        agency_field = cast(forms.ChoiceField, self.fields["agency"])
        topic_field = cast(forms.ChoiceField, self.fields["topic"])
        agency_field.choices = [("", "All agencies")] + [
            (agency.slug, agency.name) for agency in agencies
        ]
        topic_field.choices = [("", "All topics")] + [(topic.slug, topic.name) for topic in topics]
        for name, field in self.fields.items():
            css = "govuk-select" if name in ("agency", "topic") else "govuk-input"
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_from, starts_to = data.get("starts_from"), data.get("starts_to")
        if starts_from and starts_to and starts_from > starts_to:
            raise forms.ValidationError(
                "The start of the date range must be on or before its end.", code="date_order"
            )
        return data
