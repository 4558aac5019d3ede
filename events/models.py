import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info

from events.enums import AgencyKind, EventStatus


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, help_text="For example: CPS, MPS.")
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    # Signposting: the help this agency offers the public.
    helpline_name = models.CharField(max_length=200, blank=True)
    helpline_number = models.CharField(max_length=40, blank=True)
    helpline_hours = models.CharField(
        max_length=200, blank=True, help_text="For example: Monday to Friday, 9am to 5pm."
    )
    helpline_url = models.URLField(blank=True)
    address = models.TextField(
        blank=True,
        help_text=(
            "The public address of an office or building people visit or write to. Not shown "
            "to the public; in webchats this agency leads or sits on the panel of, it and the "
            "helpline number are never flagged as someone's personal details."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:agency_detail", kwargs={"slug": self.slug})

    @property
    def has_helpline(self) -> bool:
        return bool(self.helpline_number or self.helpline_url)


class Panellist(models.Model):
    name = models.CharField(max_length=200)
    role_title = models.CharField(
        max_length=200, help_text='For example: "Legal and Stakeholder Manager, CPS London".'
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="panellists")
    bio = models.TextField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="panellist",
        # Only members of the Panellists group (accounts/roles.py) are offered.
        limit_choices_to={"groups__name": "Panellists"},
        help_text="The account this panellist signs in with to answer questions live "
        "(a member of the Panellists group).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.short_name})"


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# scheme://host[:port] only: no paths, wildcards or spaces, so nothing else can reach the
# Content-Security-Policy header the origins are written into.
_EMBED_ORIGIN = re.compile(
    r"(https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?::(\d{1,5}))?)/?",
    re.IGNORECASE,
)


# A chat framed by a page sent over plain HTTP could be read or changed on the way; only a
# developer's own machine may use it.
_PLAIN_HTTP_HOSTS = frozenset({"localhost", "127.0.0.1"})


def _is_plain_http_elsewhere(origin: str) -> bool:
    scheme, _, rest = origin.partition("://")
    return scheme == "http" and rest.split(":", 1)[0] not in _PLAIN_HTTP_HOSTS


def _embed_origin(line: str) -> str | None:
    match = _EMBED_ORIGIN.fullmatch(line.strip())
    if match is None or (match[2] and not 0 < int(match[2]) <= 65535):
        return None
    origin = match[1].lower()
    return None if _is_plain_http_elsewhere(origin) else origin


def embed_origins_parse(text: str) -> list[str]:
    """The valid origins in `text` (one a line), lower-cased, in order, each once."""
    origins: list[str] = []
    for line in text.splitlines():
        origin = _embed_origin(line)
        if origin is not None and origin not in origins:
            origins.append(origin)
    return origins


def panel_language_codes(text: str) -> list[str]:
    """ "en, cy" -> ["en", "cy"]: the codes as written, in order, each once."""
    codes: list[str] = []
    for part in text.replace(";", ",").split(","):
        code = part.strip().lower()
        if code and code not in codes:
            codes.append(code)
    return codes


def validate_panel_languages(text: str) -> None:
    known = {code for code, _name in settings.LANGUAGES}
    unknown = [code for code in panel_language_codes(text) if code not in known]
    if unknown or not panel_language_codes(text):
        raise ValidationError(
            "Give the languages as codes the site offers (%(known)s), separated by commas: "
            "%(unknown)s is not one.",
            code="unknown_language",
            params={"known": ", ".join(sorted(known)), "unknown": ", ".join(unknown) or "none"},
        )


def validate_embed_origins(text: str) -> None:
    # Staff see their typo in the admin instead of a frame that silently stays blank.
    invalid = [
        line.strip() for line in text.splitlines() if line.strip() and not _embed_origin(line)
    ]
    plain = [line for line in invalid if line.lower().startswith("http://")]
    if plain:
        raise ValidationError(
            "Websites that show the chat must use https:// (only localhost may use "
            "http://): %(lines)s",
            code="insecure_origin",
            params={"lines": ", ".join(plain)},
        )
    if invalid:
        raise ValidationError(
            "Not a website origin (write it like https://www.met.police.uk): %(lines)s",
            code="invalid_origin",
            params={"lines": ", ".join(invalid)},
        )


class Event(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences for listings.")
    description = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="events")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    questions_open_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the public may start sending questions in advance. "
        "Leave empty to take questions only while the event is live.",
    )
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_events")
    panellists = models.ManyToManyField(
        Panellist, through="PanelSeat", related_name="events", blank=True
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="moderated_events",
        limit_choices_to={"groups__name": "Moderators"},
        help_text="Members of the Moderators group who moderate this event's questions.",
    )
    crisis_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="crisis_work_events",
        limit_choices_to={"groups__name": "Crisis workers"},
        help_text="Members of the Crisis workers group who talk privately with people at this "
        "event who may be in danger (a panellist may be one too).",
    )
    safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="safeguarding_lead_events",
        limit_choices_to={"groups__name": "Crisis workers"},
        help_text="Optional. Sees every private conversation at this event, can take one over, "
        "and is the one who may end a conversation marked at risk.",
    )
    answers_reviewed = models.BooleanField(
        default=False,
        help_text="Answers are reviewed before they are published (for example a legal check): "
        "a panellist's answer waits for a reviewer, who publishes it, edits it or returns it "
        "with a comment. Reviewers are those named below, or else the event's moderators.",
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reviewed_events",
        limit_choices_to={"groups__name": "Reviewers"},
        help_text="Members of the Reviewers group who review answers at this event. None: its "
        "moderators review them.",
    )
    show_viewer_count = models.BooleanField(
        default=False, help_text="Show the public how many people are watching the live chat."
    )
    panel_languages = models.CharField(
        max_length=50,
        default="en",
        validators=[validate_panel_languages],
        help_text="The languages the panel answers in, as codes separated by commas (en, cy): "
        "shown on the event and live pages. Questions and answers are published in the "
        "language they were written in.",
    )
    embed_origins = models.TextField(
        blank=True,
        validators=[validate_embed_origins],
        help_text="Websites that may show this event's live chat in a frame: one origin per "
        "line, e.g. https://www.met.police.uk. Leave empty to allow none.",
    )
    status = models.CharField(
        max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT, editable=False
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message="The event must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(questions_open_at__isnull=True)
                | Q(questions_open_at__lte=F("starts_at")),
                name="event_questions_open_before_start",
                violation_error_message="Questions must open before the event starts.",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    def panel_language_names(self) -> list[str]:
        """The panel's languages, named in the reader's language ("Welsh", "Cymraeg")."""
        known = {code for code, _name in settings.LANGUAGES}
        return [
            str(get_language_info(code)["name_translated"])
            for code in panel_language_codes(self.panel_languages)
            if code in known
        ]

    @property
    def has_crisis_lane(self) -> bool:
        """Crisis workers are assigned: people can be passed to them, or ask for them."""
        return bool(self.safeguarding_lead_id) or self.crisis_workers.exists()

    @property
    def status_enum(self) -> EventStatus:
        return EventStatus(self.status)

    @property
    def is_finished(self) -> bool:
        return self.status_enum.is_finished

    def accepts_questions(self, now: datetime | None = None) -> bool:
        """Live, or scheduled with questions opened early (`questions_open_at` has passed)."""
        if self.status == EventStatus.LIVE:
            return True
        now = now or timezone.now()
        return (
            self.status == EventStatus.SCHEDULED
            and self.questions_open_at is not None
            and self.questions_open_at <= now
        )

    @property
    def embed_origin_list(self) -> list[str]:
        """The origins allowed to frame the embedded chat; lines that are not one are ignored."""
        return embed_origins_parse(self.embed_origins)


class PanelSeat(models.Model):
    """A panellist's place on one event's panel, in order, with their role at that event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="panel_seats")
    panellist = models.ForeignKey(Panellist, on_delete=models.PROTECT, related_name="seats")
    position = models.PositiveSmallIntegerField(default=0)
    role_at_event = models.CharField(
        max_length=200,
        blank=True,
        help_text="Leave empty to use the panellist's usual role title.",
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "panellist"],
                name="panel_seat_panellist_once_per_event",
                violation_error_message="A panellist can sit on an event's panel only once.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.panellist.name} on {self.event.title}"

    @property
    def role(self) -> str:
        return self.role_at_event or self.panellist.role_title


class EventStatusChange(models.Model):
    """The audit trail of an event's status: who or what moved it, when, and why."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=EventStatus.choices)
    to_status = models.CharField(max_length=20, choices=EventStatus.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(max_length=300, blank=True)
    # For changes the schedule made: when it was due, so lateness is on record.
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.event}: {self.from_status} -> {self.to_status}"

    @property
    def lateness(self) -> timedelta | None:
        return self.changed_at - self.due_at if self.due_at else None


class EventFollow(models.Model):
    """A signed-in member of the public asked to be reminded by email before an event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_follows"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the reminder is claimed for sending: each follow is reminded at most once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The language the page was read in when they asked: the reminder is written in it.
    language = models.CharField(max_length=10, default="en")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="event_follow_once"),
        ]
        indexes = [models.Index(fields=["reminder_sent_at", "event"])]

    def __str__(self) -> str:
        return f"{self.user} follows {self.event}"
