from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.roles import user_mfa_missing

MFA_SETUP_MESSAGE = (
    "Set up an authenticator app before you use this page. Your role needs a second "
    "step when you sign in, so that nobody else can act as you."
)

View = TypeVar("View", bound=Callable[..., HttpResponse])


def role_page(view: View) -> View:
    """Mark a view as one for role holders (a console): it needs their second factor."""
    view.requires_mfa = True  # type: ignore[attr-defined]
    return view


class RequireMfaMiddleware:
    """Role holders reach the admin and the consoles only with an authenticator app set up;
    until then they are sent to set one up. (The live chat asks the same question through
    events/roles.py.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        needs_mfa = getattr(view_func, "requires_mfa", False) or (
            match is not None and match.app_name == "admin"
        )
        if needs_mfa and user_mfa_missing(request.user):
            messages.warning(request, MFA_SETUP_MESSAGE)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return None
