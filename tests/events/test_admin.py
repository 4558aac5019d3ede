from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.roles import EVENT_MANAGERS, MODERATORS
from events.enums import EventStatus
from events.models import Agency, Event, Panellist
from tests.factories import (
    AgencyFactory,
    EventFactory,
    PanellistFactory,
    UserFactory,
    admin_event_form,
    grant_role,
)

pytestmark = pytest.mark.django_db


def _with_panel(data: dict[str, object], panellists: list[Panellist]) -> dict[str, object]:
    data = dict(data)
    data["panel_seats-TOTAL_FORMS"] = str(len(panellists))
    for index, panellist in enumerate(panellists):
        data[f"panel_seats-{index}-position"] = str(index)
        data[f"panel_seats-{index}-panellist"] = str(panellist.pk)
        data[f"panel_seats-{index}-role_at_event"] = ""
    return data


def test_staff_create_agency_panellists_and_event_with_panel_in_admin(
    staff_client: Client,
) -> None:
    response = staff_client.post(
        reverse("admin:events_agency_add"),
        {
            "name": "Crown Prosecution Service",
            "short_name": "CPS",
            "slug": "crown-prosecution-service",
            "kind": "prosecution",
            "website": "https://www.cps.gov.uk/",
            "description": "",
            "helpline_name": "",
            "helpline_number": "",
            "helpline_hours": "",
            "helpline_url": "",
        },
    )
    assert response.status_code == 302
    cps = Agency.objects.get(slug="crown-prosecution-service")
    met = AgencyFactory(name="Metropolitan Police Service", short_name="MPS")
    for name, role, agency in [
        ("Toks Adesuyan", "Legal and Stakeholder Manager, CPS London", cps),
        ("DCI Sam Faulkner", "Detective Chief Inspector", met),
    ]:
        response = staff_client.post(
            reverse("admin:events_panellist_add"),
            {"name": name, "role_title": role, "agency": agency.pk, "bio": "", "user": ""},
        )
        assert response.status_code == 302
    toks = Panellist.objects.get(name="Toks Adesuyan")
    sam = Panellist.objects.get(name="DCI Sam Faulkner")

    form = _with_panel(admin_event_form(lead_agency=str(met.pk)), [sam, toks])
    form["panel_seats-1-role_at_event"] = "Prosecutor for hate crime"
    response = staff_client.post(reverse("admin:events_event_add"), form)

    assert response.status_code == 302, response.context["errors"]
    event = Event.objects.get(slug="hate-crime-ask-the-panel")
    assert event.status == EventStatus.DRAFT
    # 18:00 London in November is 18:00 UTC.
    assert event.starts_at == datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    seats = [(seat.panellist.name, seat.role) for seat in event.panel_seats.all()]
    assert seats == [
        ("DCI Sam Faulkner", "Detective Chief Inspector"),
        ("Toks Adesuyan", "Prosecutor for hate crime"),
    ]


def test_admin_refuses_event_that_ends_before_it_starts(staff_client: Client) -> None:
    agency = AgencyFactory()
    form = admin_event_form(lead_agency=str(agency.pk), ends_at_1="17:00:00")

    response = staff_client.post(reverse("admin:events_event_add"), form)

    assert response.status_code == 200
    assert "The event must end after it starts." in response.content.decode()
    assert not Event.objects.exists()


def test_admin_refuses_the_same_panellist_twice_on_one_panel(staff_client: Client) -> None:
    agency = AgencyFactory()
    panellist = PanellistFactory(agency=agency)
    form = _with_panel(admin_event_form(lead_agency=str(agency.pk)), [panellist, panellist])

    response = staff_client.post(reverse("admin:events_event_add"), form)

    assert response.status_code == 200
    assert not Event.objects.exists()


def test_admin_event_status_cannot_be_typed_by_hand(staff_client: Client) -> None:
    agency = AgencyFactory()
    form = admin_event_form(lead_agency=str(agency.pk), status="live")

    staff_client.post(reverse("admin:events_event_add"), form)

    assert Event.objects.get().status == EventStatus.DRAFT


def test_admin_open_now_action_reports_success_and_refusal(staff_client: Client) -> None:
    scheduled = EventFactory(title="Ready")
    scheduled.status = EventStatus.SCHEDULED
    scheduled.save()
    draft = EventFactory(title="Unfinished")

    response = staff_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "open_events_now", "_selected_action": [scheduled.pk, draft.pk]},
        follow=True,
    )

    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert sorted(notes) == [
        '"Ready" is live.',
        'Refused: "Unfinished" cannot be made live because it is draft; '
        "it can only become cancelled, scheduled.",
    ]
    scheduled.refresh_from_db()
    draft.refresh_from_db()
    assert (scheduled.status, draft.status) == (EventStatus.LIVE, EventStatus.DRAFT)


def test_admin_action_on_event_already_in_that_state_says_so(staff_client: Client) -> None:
    event = EventFactory(title="Done")
    event.status = EventStatus.CANCELLED
    event.save()

    response = staff_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "cancel_events", "_selected_action": [event.pk]},
        follow=True,
    )

    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert notes == ['"Done" was already cancelled.']


@pytest.mark.parametrize(
    ("day", "stored_utc", "shown"),
    [
        # Clocks went forward at 01:00 UTC on 29 March 2026: 18:00 London is 17:00 UTC.
        ("2026-03-29", datetime(2026, 3, 29, 17, 0, tzinfo=UTC), "Sun 29 Mar 2026, 18:00 BST"),
        ("2026-03-28", datetime(2026, 3, 28, 18, 0, tzinfo=UTC), "Sat 28 Mar 2026, 18:00 GMT"),
        # Clocks went back at 01:00 UTC on 25 October 2026: 18:00 London is 18:00 UTC.
        ("2026-10-25", datetime(2026, 10, 25, 18, 0, tzinfo=UTC), "Sun 25 Oct 2026, 18:00 GMT"),
        ("2026-10-24", datetime(2026, 10, 24, 17, 0, tzinfo=UTC), "Sat 24 Oct 2026, 18:00 BST"),
    ],
)
def test_admin_takes_and_shows_london_time_across_clock_changes(
    staff_client: Client, day: str, stored_utc: datetime, shown: str
) -> None:
    agency = AgencyFactory()
    form = admin_event_form(
        lead_agency=str(agency.pk), starts_at_0=day, ends_at_0=day, slug=f"chat-{day}"
    )

    staff_client.post(reverse("admin:events_event_add"), form)

    event = Event.objects.get(slug=f"chat-{day}")
    assert event.starts_at == stored_utc
    changelist = staff_client.get(reverse("admin:events_event_changelist")).content.decode()
    assert shown in changelist


def test_admin_event_list_filters_and_searches(staff_client: Client) -> None:
    EventFactory(title="Hate crime webchat")
    EventFactory(title="Domestic violence webchat")

    found = staff_client.get(reverse("admin:events_event_changelist"), {"q": "hate"})
    live_only = staff_client.get(reverse("admin:events_event_changelist"), {"status": "live"})

    assert [e.title for e in found.context["cl"].result_list] == ["Hate crime webchat"]
    assert list(live_only.context["cl"].result_list) == []


def test_non_staff_cannot_reach_the_event_admin(client: Client) -> None:
    response = client.get(reverse("admin:events_event_add"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_index_has_one_accounts_section(staff_client: Client) -> None:
    index = staff_client.get(reverse("admin:index"))

    sections = {
        app["name"]: [m["name"] for m in app["models"]] for app in index.context["app_list"]
    }
    assert sections["Accounts"] == ["Authenticators", "Email addresses", "Groups", "Users"]
    assert list(sections) == [
        "Accounts",
        "Agencies and events",
        "Live chat",
        "Safeguarding",
        # Read-only, for audit: how questions were grouped, what staff said to each other.
        "Similar questions",
        "Staff room",
        "Transcript archive",
    ]


def test_the_event_form_says_who_can_moderate_and_how_to_make_someone_eligible(
    staff_client: Client,
) -> None:
    page = staff_client.get(reverse("admin:events_event_add")).content.decode()

    users = reverse("admin:accounts_user_changelist")
    assert "Only members of the Moderators group are offered here" in page
    assert f'open <a href="{users}">Users</a>, choose the person' in page
    assert "Superusers may moderate any event without being listed." in page
    panellists = reverse("admin:events_panellist_changelist")
    assert f'on <a href="{panellists}">Panellists</a>, set their User' in page


def test_the_event_list_links_each_event_to_its_moderator_console(staff_client: Client) -> None:
    event = EventFactory(title="Staying safe: live demo webchat")

    page = staff_client.get(reverse("admin:events_event_changelist")).content.decode()

    assert f'<a href="{reverse("chat:moderate", args=[event.slug])}">Moderator console</a>' in page


def _messages(response: HttpResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_saving_a_new_event_says_it_is_a_draft_and_how_to_schedule_it(
    staff_client: Client,
) -> None:
    agency = AgencyFactory()

    response = staff_client.post(
        reverse("admin:events_event_add"), admin_event_form(lead_agency=str(agency.pk))
    )

    assert Event.objects.get().status == EventStatus.DRAFT
    assert _messages(response) == [
        "“Hate crime: ask the panel” is saved. Draft: only staff can see it, and it will not "
        "open. To publish it, press “Save and schedule” on its page (or choose “Schedule "
        "selected events” on the event list)."
    ]


def test_save_and_schedule_publishes_the_event_and_says_when_it_opens(
    staff_client: Client,
) -> None:
    agency = AgencyFactory()
    form = admin_event_form(lead_agency=str(agency.pk), _schedule="Save and schedule")

    response = staff_client.post(reverse("admin:events_event_add"), form)

    event = Event.objects.get()
    assert event.status == EventStatus.SCHEDULED
    assert event.status_changes.get().changed_by is not None
    assert _messages(response) == [
        "“Hate crime: ask the panel” is saved. Scheduled: the public can see it. It goes live "
        "by itself at Friday 20 November 2026, 18:00 and closes at Friday 20 November 2026, "
        "19:00 (UK time)."
    ]


def test_the_event_page_offers_save_and_schedule_only_while_a_draft(
    staff_client: Client,
) -> None:
    draft = EventFactory(status=EventStatus.DRAFT)
    scheduled = EventFactory(status=EventStatus.SCHEDULED)

    add = staff_client.get(reverse("admin:events_event_add")).content.decode()
    draft_page = staff_client.get(reverse("admin:events_event_change", args=[draft.pk]))
    scheduled_page = staff_client.get(reverse("admin:events_event_change", args=[scheduled.pk]))

    button = '<input type="submit" value="Save and schedule" name="_schedule">'
    assert button in add and button in draft_page.content.decode()
    assert button not in scheduled_page.content.decode()
    assert "Draft: only staff can see it" in draft_page.content.decode()
    assert "Scheduled: the public can see it." in scheduled_page.content.decode()


def test_the_event_list_links_a_finished_webchat_to_its_report(staff_client: Client) -> None:
    finished = EventFactory(title="Finished one", status=EventStatus.CLOSED)
    upcoming = EventFactory(title="Upcoming one", status=EventStatus.SCHEDULED)

    page = staff_client.get(reverse("admin:events_event_changelist")).content.decode()

    report = reverse("reports:report", args=[finished.slug])
    assert f'<a href="{report}">Report<span class="visually-hidden"> on Finished one' in page
    assert reverse("reports:report", args=[upcoming.slug]) not in page


def test_the_admin_home_links_event_managers_to_reports(client: Client) -> None:
    manager = grant_role(UserFactory(is_staff=True), EVENT_MANAGERS)
    client.force_login(manager)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'<a href="{reverse("reports:reports")}">Reports</a>' in page
    assert f'<a href="{reverse("events:staff_webchats")}">Your webchats</a>' in page


def test_the_admin_home_offers_reports_only_to_who_may_read_them(client: Client) -> None:
    client.force_login(grant_role(UserFactory(is_staff=True), MODERATORS))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert reverse("reports:reports") not in response.content.decode()


def test_staff_type_and_read_dates_day_first_as_in_the_uk(staff_client: Client) -> None:
    """07/12/2026 is 7 December (the site's English is British), not 12 July."""
    event = EventFactory(
        starts_at=datetime(2026, 12, 7, 18, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 7, 19, 0, tzinfo=UTC),
    )

    page = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert 'name="starts_at_0" value="07/12/2026"' in page.content.decode()

    # What staff type is read the same way: day first.
    from django.contrib import admin

    form_class = admin.site._registry[Event].get_form(page.wsgi_request, event)
    field = form_class.base_fields["starts_at"]
    assert field.clean(["07/12/2026", "18:00:00"]).date().isoformat() == "2026-12-07"
