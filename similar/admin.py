"""Staff views of similar questions: which questions were grouped, and who decided what."""

from django.contrib import admin

from core.admin_site import ReadOnlyAdmin
from similar.models import Resemblance


@admin.register(Resemblance)
class ResemblanceAdmin(ReadOnlyAdmin):
    list_display = ("question", "lead", "state", "probability", "found_at", "decided_by")
    list_filter = ("event", "state")
    list_select_related = ("question", "lead", "decided_by")
    readonly_fields = (
        "event",
        "question",
        "lead",
        "probability",
        "state",
        "found_at",
        "decided_at",
        "decided_by",
    )
    fields = readonly_fields
