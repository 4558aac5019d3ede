"""The staff room in the admin: read-only, for audit (who said what, when, at which event)."""

from django.contrib import admin

from core.admin_site import ReadOnlyAdmin
from staffroom.models import StaffMessage


@admin.register(StaffMessage)
class StaffMessageAdmin(ReadOnlyAdmin):
    list_display = ["event", "seq", "author_name", "author_roles", "sent_at"]
    list_filter = ["event"]
    search_fields = ["body", "author_name", "author_email"]
    ordering = ["-sent_at"]
