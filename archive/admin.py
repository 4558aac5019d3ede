"""Staff views of the archive: transcripts, read-only, and their corrections as new versions."""

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from archive import services as transcripts
from archive.models import Transcript
from core.admin_site import ReadOnlyAdmin


class CorrectionForm(forms.Form):
    seq = forms.IntegerField(label="Item number", min_value=1)
    text = forms.CharField(
        label="Corrected text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Leave empty to withdraw the item from the public transcript.",
    )
    reason = forms.CharField(
        label="Why (shown to the public, without what was removed)", max_length=500
    )


@admin.register(Transcript)
class TranscriptAdmin(ReadOnlyAdmin):
    list_display = ("event", "version", "item_count", "created_at", "created_by", "short_sha")
    list_filter = ("event",)
    list_select_related = ("event", "created_by")
    readonly_fields = (
        "event",
        "version",
        "item_count",
        "sha256",
        "created_at",
        "created_by",
        "correction_reason",
        "items_preview",
        "correct_link",
    )
    fields = readonly_fields

    @admin.display(description="SHA-256")
    def short_sha(self, transcript: Transcript) -> str:
        return transcript.sha256[:12]

    @admin.display(description="Items")
    def items_preview(self, transcript: Transcript) -> str:
        items = json.loads(transcript.content)["items"]
        return "\n".join(f"{item['seq']}. [{item['kind']}] {item['body']}" for item in items)

    @admin.display(description="Correct")
    def correct_link(self, transcript: Transcript) -> str:
        url = reverse("admin:archive_transcript_correct", args=[transcript.pk])
        return format_html('<a href="{}">Correct this transcript (adds a version)</a>', url)

    def get_urls(self) -> list[URLPattern]:
        correct = self.admin_site.admin_view(self.correct_view)
        return [
            path("<int:pk>/correct/", correct, name="archive_transcript_correct"),
            *super().get_urls(),
        ]

    def correct_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("archive.add_transcript") and not request.user.is_superuser:
            messages.error(request, "You may not correct transcripts.")
            return HttpResponseRedirect(reverse("admin:archive_transcript_changelist"))
        transcript = get_object_or_404(Transcript, pk=pk)
        form = CorrectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["text"].strip()
            seq = form.cleaned_data["seq"]
            try:
                corrected = transcripts.transcript_correct(
                    event_id=transcript.event_id,
                    actor=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                    replacements={seq: text} if text else None,
                    removals=None if text else {seq},
                )
            except transcripts.TranscriptCorrectionError as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, f"Version {corrected.version} is now the public one.")
                return HttpResponseRedirect(
                    reverse("admin:archive_transcript_change", args=[corrected.pk])
                )
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": f"Correct the transcript of {transcript.event}",
            "transcript": transcript,
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/archive/transcript/correct.html", context)
