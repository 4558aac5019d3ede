"""Staff roles: the groups that give them, and the second factor they require.

Per-event rights (which events a moderator or panellist acts on) are in events/roles.py;
these groups say what kind of role someone holds at all. Taking a user out of a group takes
the role away everywhere at once.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.models import User

# Created by the data migration accounts/0002; assigned in the admin.
EVENT_MANAGERS = "Event managers"
MODERATORS = "Moderators"
PANELLISTS = "Panellists"
# Created by accounts/0003: crisis workers talk privately with people at an event (support/).
CRISIS_WORKERS = "Crisis workers"
# Created by accounts/0004: reviewers publish, edit or return panellists' answers at events
# that review answers (Event.answers_reviewed, Event.reviewers).
REVIEWERS = "Reviewers"
ROLE_GROUPS = (EVENT_MANAGERS, MODERATORS, PANELLISTS, CRISIS_WORKERS, REVIEWERS)


def user_group_names(user: User) -> frozenset[str]:
    return frozenset(user.groups.values_list("name", flat=True))


def user_holds_role(user: User | AnonymousUser) -> bool:
    """Anyone who can reach the admin or a console."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or user.groups.filter(name__in=ROLE_GROUPS).exists()


def user_mfa_missing(user: User | AnonymousUser) -> bool:
    """True for a role holder who has not set up an authenticator app yet: until they do,
    the admin and the consoles send them to set one up, and the live chat treats them as
    a member of the public."""
    if not settings.MFA_REQUIRED_FOR_ROLES or not user_holds_role(user):
        return False
    return not is_mfa_enabled(user, [Authenticator.Type.TOTP])
