"""Staff views of the chat: a read-only audit of questions."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import Truncator

from chat.models import AnswerDraft, AnswerDraftEvent, Question
from core.admin_site import ReadOnlyAdmin

QUESTION_LIST_CHARS = 80


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    """The audit trail: what was asked, what was published, who moderated it."""

    list_display = ("pk", "short_text", "state", "event", "is_urgent", "asked_at", "moderated_by")
    list_display_links = ("pk", "short_text")
    list_filter = ("event", "state", "is_urgent")
    list_select_related = ("event", "moderated_by")
    search_fields = ("body", "published_body")
    readonly_fields = (
        "event",
        "state",
        "is_urgent",
        "body",
        "published_body",
        "nickname",
        "to_agency",
        "to_panellist",
        "routed_to_agency",
        "routed_to_panellist",
        "routed_by",
        "routed_at",
        "asked_at",
        "moderated_at",
        "moderated_by",
        "rejection_reason",
        "askers_count",
        "published_with",
    )
    fields = readonly_fields

    @admin.display(description="Question")
    def short_text(self, question: Question) -> str:
        """What the public saw if it was published, else what the asker wrote; shortened."""
        return Truncator(question.published_body or question.body).chars(QUESTION_LIST_CHARS)


class AnswerDraftEventInline(admin.TabularInline):
    model = AnswerDraftEvent
    fields = ("at", "action", "actor", "comment", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: AnswerDraft | None = None) -> bool:
        return False


@admin.register(AnswerDraft)
class AnswerDraftAdmin(ReadOnlyAdmin):
    """Answer review's audit trail: each draft answer and every step of it, with the text
    as it stood (who submitted, returned, edited and published it, and when)."""

    list_display = ("pk", "question", "panellist", "state", "updated_at")
    list_filter = ("state", "question__event")
    list_select_related = ("question", "panellist")
    readonly_fields = ("question", "panellist", "author", "mode", "body", "state", "comment")
    fields = readonly_fields
    inlines = (AnswerDraftEventInline,)
