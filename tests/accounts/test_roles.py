"""Staff roles: groups from the data migration, MFA before the admin or a console."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.roles import EVENT_MANAGERS, MODERATORS, PANELLISTS
from tests.factories import (
    EventFactory,
    ModeratorFactory,
    StaffFactory,
    UserFactory,
    grant_role,
    with_totp,
)
from tests.live import LiveEvent, make_live_event

pytestmark = pytest.mark.django_db


def test_the_role_groups_exist_and_event_managers_may_edit_events() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {
        EVENT_MANAGERS,
        MODERATORS,
        PANELLISTS,
    }
    managers = Group.objects.get(name=EVENT_MANAGERS)
    codenames = set(managers.permissions.values_list("codename", flat=True))
    wanted = {"add_event", "change_event", "add_agency", "add_panellist", "add_panelseat"}
    assert wanted <= codenames
    assert "delete_event" not in codenames and "change_user" not in codenames


def test_an_event_manager_with_mfa_can_create_an_event_in_the_admin(client: Client) -> None:
    manager = grant_role(UserFactory(is_staff=True), EVENT_MANAGERS)
    client.force_login(manager)

    assert client.get(reverse("admin:events_event_add")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[manager.pk])).status_code == 200
    # Viewing users is allowed, changing them is not: the form is read-only.
    assert (
        b'name="email"'
        not in client.get(reverse("admin:accounts_user_change", args=[manager.pk])).content
    )


def test_staff_without_mfa_are_sent_to_set_it_up_and_cannot_reach_the_admin(
    client: Client,
) -> None:
    staff = StaffFactory(mfa=False)
    client.force_login(staff)

    for page in (reverse("admin:index"), reverse("admin:events_event_changelist")):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "Set up an authenticator app before you use this page" in page.content.decode()

    with_totp(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_is_allauths_so_the_second_factor_applies(client: Client) -> None:
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signing_in_with_a_password_alone_does_not_reach_the_admin_when_mfa_is_set_up(
    client: Client,
) -> None:
    staff = StaffFactory(email="lead@example.org")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"),
        {"login": "lead@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Half signed in: the admin still sends them to sign in.
    assert client.get(reverse("admin:index")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_moderator_without_mfa_is_sent_to_set_it_up_from_the_console(client: Client) -> None:
    live = make_live_event()
    moderator = UserFactory()
    grant_role(moderator, MODERATORS, mfa=False)
    live.event.moderators.add(moderator)
    client.force_login(moderator)

    response = client.get(reverse("chat:moderate", args=[live.event.slug]))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_role_needs_the_group_as_well_as_the_assignment(client: Client, live: LiveEvent) -> None:
    moderate = reverse("chat:moderate", args=[live.event.slug])
    client.force_login(live.moderator)
    assert client.get(moderate).status_code == 200

    live.moderator.groups.clear()

    assert client.get(moderate).status_code == 403


def test_the_admin_offers_only_moderators_as_an_events_moderators(staff_client: Client) -> None:
    ModeratorFactory(full_name="Morgan Moderator")
    UserFactory(full_name="Pat Public")
    event = EventFactory()

    page = staff_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert "Morgan Moderator" in page
    assert "Pat Public" not in page


@pytest.fixture
def live(db: None) -> LiveEvent:
    return make_live_event()
