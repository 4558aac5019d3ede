"""Staff manage agencies, panellists and events here. Status changes only through actions."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import ForeignKey, ManyToManyField, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import date as date_filter
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy

from accounts.models import User
from accounts.roles import CRISIS_WORKERS, MODERATORS, PANELLISTS, REVIEWERS
from core.admin_site import LabelledDateTimeAdmin
from events import selectors, services
from events.enums import EventStatus
from events.models import Agency, Event, EventStatusChange, Panellist, PanelSeat, Topic
from events.services import LATE_AFTER, EventTransitionError, TransitionResult


def london_time(value: object) -> str:
    # The admin's current time zone is settings.TIME_ZONE (Europe/London).
    return date_filter(timezone.localtime(value), "D j M Y, H:i T")  # type: ignore[arg-type]


def who_can_be_chosen(group: str, what: str) -> SafeString:
    """Help for a picker that offers only one group's members: who, and how to add someone."""
    return format_html(
        "Only members of the {group} group are offered here, to {what}. To add someone: "
        'open <a href="{users}">Users</a>, choose the person (or add them and send them an '
        "invitation), tick {group} under Groups, and save. Then come back here.",
        group=group,
        what=what,
        users=reverse("admin:accounts_user_changelist"),
    )


def event_console_links(event: Event) -> SafeString:
    links = format_html(
        '<a href="{}">Moderator console</a> · <a href="{}">Live page</a>',
        reverse("chat:moderate", args=[event.slug]),
        reverse("chat:live", args=[event.slug]),
    )
    if event.has_crisis_lane:
        links = format_html(
            '{} · <a href="{}">Crisis worker console</a>',
            links,
            reverse("support:console", args=[event.slug]),
        )
    return links


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "helpline_number")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "website", "description")}),
        (
            "Help for the public",
            {
                "fields": (
                    "helpline_name",
                    "helpline_number",
                    "helpline_hours",
                    "helpline_url",
                    "address",
                ),
                "description": (
                    "The helpline is shown wherever the portal points people to help. Neither "
                    "it nor the address is flagged as personal details in this agency's webchats."
                ),
            },
        ),
    )


@admin.register(Panellist)
class PanellistAdmin(admin.ModelAdmin):
    list_display = ("name", "role_title", "agency", "user")
    list_filter = ("agency",)
    search_fields = ("name", "role_title", "agency__name")
    list_select_related = ("agency", "user")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "user":
            kwargs["help_text"] = who_can_be_chosen(
                PANELLISTS, "answer this panellist's questions live in the panellist console"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


# Stacked, with plain selects and checkboxes: each field keeps its own label for screen
# readers (the tabular layout, the select2 autocomplete and the two-box picker do not).
class PanelSeatInline(admin.StackedInline):
    model = PanelSeat
    extra = 1
    fields = ("position", "panellist", "role_at_event")
    ordering = ("position", "id")
    verbose_name = "panel seat"
    verbose_name_plural = "panel"


class EventStatusChangeInline(admin.TabularInline):
    model = EventStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason", "due", "late_by")
    readonly_fields = fields
    verbose_name = "status change"
    verbose_name_plural = "status history"

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Due")
    def due(self, change: EventStatusChange) -> str:
        return london_time(change.due_at) if change.due_at else "-"

    @admin.display(description="Late by")
    def late_by(self, change: EventStatusChange) -> str:
        lateness = change.lateness
        if lateness is None:
            return "-"
        seconds = lateness.total_seconds()
        return (
            f"{seconds:.0f} s LATE" if seconds > LATE_AFTER.total_seconds() else f"{seconds:.0f} s"
        )


def _report(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Event],
    verb: str,
    transition: Callable[..., TransitionResult],
) -> None:
    """Run one transition per selected event and tell staff exactly what happened."""
    for event in queryset.order_by("starts_at"):
        try:
            result = transition(event_id=event.pk, actor=request.user)
        except EventTransitionError as refusal:
            modeladmin.message_user(request, f"Refused: {refusal}", messages.ERROR)
            continue
        if result.changed:
            modeladmin.message_user(request, f'"{event.title}" {verb}.', messages.SUCCESS)
        else:
            modeladmin.message_user(
                request,
                f'"{event.title}" was already {event.get_status_display().lower()}.',
                messages.INFO,
            )


@admin.register(Event)
class EventAdmin(LabelledDateTimeAdmin):
    list_display = (
        "title",
        "starts_london",
        "ends_london",
        "status",
        "lead_agency",
        "consoles",
        "report",
    )
    list_filter = ("status", "lead_agency", "starts_at", "topics")
    list_select_related = ("lead_agency",)
    search_fields = ("title", "summary")
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("status", "next_step", "status_changed_at", "consoles")
    inlines = (PanelSeatInline, EventStatusChangeInline)
    actions = ("schedule_events", "open_events_now", "close_events_now", "cancel_events")
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "description", "topics")}),
        (
            "When (Europe/London time)",
            {"fields": ("starts_at", "ends_at", "questions_open_at")},
        ),
        (
            "Who",
            {
                "fields": (
                    "lead_agency",
                    "moderators",
                    "crisis_workers",
                    "safeguarding_lead",
                    "answers_reviewed",
                    "reviewers",
                ),
                # Rendered as HTML by the admin; our own words and URLs only.
                "description": format_lazy(
                    "The panel is listed at the foot of this page. Any panellist can sit on "
                    'it; to answer live, a panellist needs an account: on <a href="{}">'
                    "Panellists</a>, set their User (a member of the {} group).",
                    reverse_lazy("admin:events_panellist_changelist"),
                    PANELLISTS,
                ),
            },
        ),
        ("Consoles", {"fields": ("consoles",)}),
        ("Live chat", {"fields": ("panel_languages", "show_viewer_count", "embed_origins")}),
        ("Status", {"fields": ("status", "next_step", "status_changed_at")}),
    )

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "moderators":
            kwargs["help_text"] = (
                who_can_be_chosen(MODERATORS, "moderate this event's questions")
                + " Superusers may moderate any event without being listed."
            )
        if db_field.name == "crisis_workers":
            kwargs["help_text"] = who_can_be_chosen(
                CRISIS_WORKERS,
                "talk privately with people at this event who may be in danger, from the "
                "crisis worker console (a panellist may be one too)",
            )
        if db_field.name == "reviewers":
            kwargs["help_text"] = who_can_be_chosen(
                REVIEWERS,
                "review answers at this event when answers are reviewed (none: its moderators "
                "review them)",
            )
        kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Consoles")
    def consoles(self, event: Event) -> SafeString | str:
        # Superusers may moderate any event: the first admin finds the demo's console here.
        return event_console_links(event) if event.pk else "-"

    @admin.display(description="What happens next")
    def next_step(self, event: Event) -> str:
        if not event.pk:
            return "It is saved as a draft. “Save and schedule” publishes it at once."
        return selectors.event_next_step(event)

    def response_add(
        self, request: HttpRequest, obj: Event, post_url_continue: str | None = None
    ) -> HttpResponse:
        self._schedule_if_asked(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Event) -> HttpResponse:
        self._schedule_if_asked(request, obj)
        return super().response_change(request, obj)

    def _schedule_if_asked(self, request: HttpRequest, event: Event) -> None:
        """The "Save and schedule" button: the same transition as the list action. Either
        way, the save message (message_user) says what state the event is in now."""
        if "_schedule" in request.POST:
            try:
                actor = request.user if isinstance(request.user, User) else None
                services.event_schedule(event_id=event.pk, actor=actor)
            except EventTransitionError as refusal:
                self.message_user(request, f"Not scheduled: {refusal}", messages.ERROR)
            event.refresh_from_db()
        request._saved_event = event  # type: ignore[attr-defined]

    def message_user(
        self,
        request: HttpRequest,
        message: Any,
        level: int | str = messages.INFO,
        extra_tags: str = "",
        fail_silently: bool = False,
    ) -> None:
        # Django's "was added successfully" says nothing of the event's state: after a save
        # staff are told what it is now and what happens next.
        event = getattr(request, "_saved_event", None)
        if event is not None and level == messages.SUCCESS:
            message = f"“{event.title}” is saved. {selectors.event_next_step(event)}"
        super().message_user(request, message, level, extra_tags, fail_silently)

    @admin.display(description="Report")
    def report(self, event: Event) -> SafeString | str:
        # A report exists once the webchat has taken place (reports/selectors.py).
        if not EventStatus(event.status).had_webchat:
            return "-"
        return format_html(
            '<a href="{}">Report<span class="visually-hidden"> on {}</span></a>',
            reverse("reports:report", args=[event.slug]),
            event.title,
        )

    @admin.display(description="Starts", ordering="starts_at")
    def starts_london(self, event: Event) -> str:
        return london_time(event.starts_at)

    @admin.display(description="Ends", ordering="ends_at")
    def ends_london(self, event: Event) -> str:
        return london_time(event.ends_at)

    @admin.action(description="Schedule selected events (publish them)")
    def schedule_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        _report(self, request, queryset, "is scheduled", services.event_schedule)

    @admin.action(description="Open selected events now")
    def open_events_now(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        _report(self, request, queryset, "is live", services.event_open)

    @admin.action(description="Close selected events now")
    def close_events_now(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        _report(self, request, queryset, "is closed", services.event_close)

    @admin.action(description="Cancel selected events")
    def cancel_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        _report(self, request, queryset, "is cancelled", services.event_cancel)
