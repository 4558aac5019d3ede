"""Channel-layer group names: the one place they are made.

Public traffic (published items, status, pin) and moderation traffic (waiting questions,
authors' details) never share a group.
"""


def public_group(event_id: int) -> str:
    return f"event.{event_id}.public"


def moderation_group(event_id: int) -> str:
    return f"event.{event_id}.moderation"


def participant_group(participant_id: int) -> str:
    """Private notices to one participant, on every tab and connection they have open."""
    return f"participant.{participant_id}"


def user_group(user_id: int) -> str:
    """Every connection of a signed-in user, so a change of roles or a logout reaches them."""
    return f"user.{user_id}"


def support_group(event_id: int) -> str:
    """An event's crisis workers and safeguarding lead: the private lane's queue and words.
    Nobody else ever joins it (chat/consumers/joining.py)."""
    return f"event.{event_id}.support"


def panel_group(event_id: int) -> str:
    """An event's panellists: staff news for the panel (a question routed), never public."""
    return f"event.{event_id}.panel"


def panellist_group(event_id: int, panellist_id: int) -> str:
    """One panellist at one event: their own draft answers' news (answer review)."""
    return f"event.{event_id}.panellist.{panellist_id}"


def review_group(event_id: int) -> str:
    """Who reviews an event's answers (its reviewers, or else its moderators): the drafts,
    never public."""
    return f"event.{event_id}.review"


def staffroom_group(event_id: int) -> str:
    """An event's staff (moderators, panellists, reviewers, crisis workers): the staff room's
    messages, never public. Nobody else ever joins it (staffroom/socket.py)."""
    return f"event.{event_id}.staffroom"
