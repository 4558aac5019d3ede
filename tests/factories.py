from datetime import UTC, datetime, timedelta

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import CRISIS_WORKERS, MODERATORS, PANELLISTS, REVIEWERS
from events.models import Agency, Event, Panellist, PanelSeat, Topic


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


def with_totp(user: User) -> str:
    """Set up an authenticator app for `user`, as they would on the TOTP page; the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def grant_role(user: User, group: str, *, mfa: bool = True) -> User:
    """Put `user` in a role group, with the second factor the role requires."""
    # get_or_create: transactional tests flush the groups the data migration made.
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    if mfa and not user.authenticator_set.exists():
        with_totp(user)
    return user


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def mfa(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        # Staff cannot use the admin without a second factor; StaffFactory(mfa=False) has none.
        if create and extracted is not False:
            with_totp(obj)


class ModeratorFactory(UserFactory):
    @factory.post_generation
    def role(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            grant_role(obj, MODERATORS)


class PanellistUserFactory(UserFactory):
    @factory.post_generation
    def role(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            grant_role(obj, PANELLISTS)


class ReviewerFactory(UserFactory):
    @factory.post_generation
    def role(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            grant_role(obj, REVIEWERS)


class CrisisWorkerFactory(UserFactory):
    @factory.post_generation
    def role(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            grant_role(obj, CRISIS_WORKERS)


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"AG{n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class PanellistFactory(DjangoModelFactory[Panellist]):
    class Meta:
        model = Panellist

    name = factory.Faker("name", locale="en_GB")
    role_title = "Panel member"
    agency = factory.SubFactory(AgencyFactory)


class TopicFactory(DjangoModelFactory[Topic]):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Webchat {n}")
    slug = factory.Sequence(lambda n: f"webchat-{n}")
    summary = "Ask the panel."
    starts_at = factory.LazyFunction(
        lambda: datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    )
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=1))
    lead_agency = factory.SubFactory(AgencyFactory)


class PanelSeatFactory(DjangoModelFactory[PanelSeat]):
    class Meta:
        model = PanelSeat

    event = factory.SubFactory(EventFactory)
    panellist = factory.SubFactory(PanellistFactory)
    position = factory.Sequence(lambda n: n)


def admin_event_form(**overrides: object) -> dict[str, object]:
    """The admin's add-event form as a browser would post it, with an empty panel."""
    data: dict[str, object] = {
        "title": "Hate crime: ask the panel",
        "slug": "hate-crime-ask-the-panel",
        "summary": "Questions about hate crime.",
        "description": "",
        "starts_at_0": "2026-11-20",
        "starts_at_1": "18:00:00",
        "ends_at_0": "2026-11-20",
        "ends_at_1": "19:00:00",
        "questions_open_at_0": "",
        "questions_open_at_1": "",
        "panel_languages": "en",
        "panel_seats-TOTAL_FORMS": "0",
        "panel_seats-INITIAL_FORMS": "0",
        "panel_seats-MIN_NUM_FORMS": "0",
        "panel_seats-MAX_NUM_FORMS": "1000",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "status_changes-MIN_NUM_FORMS": "0",
        "status_changes-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data
