"""Who may read a webchat's report. Never the public.

- event managers (the Event managers group) and superusers: every report, and the view
  across webchats;
- the event's moderators and its panellists (events/roles.py decides both);
- staff of its agencies: a current panellist (the Panellists group) whose account is linked
  to a panellist record of the lead agency or of an agency with a seat on the panel. (A
  panellist record is the one link between an account and an agency today; a link left
  behind after the role was taken away gives nothing.)

Everyone with a role needs their second factor first (accounts/middleware.py, `role_page`).
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from accounts.models import User
from accounts.roles import EVENT_MANAGERS, PANELLISTS, user_group_names
from events.models import Event, Panellist
from events.roles import event_roles


def user_manages_events(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or EVENT_MANAGERS in user_group_names(user)


def _agency_staff(user: User, event: Event) -> bool:
    if PANELLISTS not in user_group_names(user):
        return False
    return Panellist.objects.filter(
        Q(agency_id=event.lead_agency_id) | Q(agency__panellists__seats__event=event),
        user=user,
    ).exists()


def report_readable(*, user: User | AnonymousUser, event: Event) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    if user_manages_events(user):
        return True
    roles = event_roles(user=user, event=event)
    if roles.mfa_missing:
        return False
    return roles.is_moderator or roles.is_panellist or _agency_staff(user, event)
