from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext, gettext_noop

from accounts import onboarding
from accounts.roles import user_mfa_missing

MFA_SETUP_MESSAGE = gettext_noop(
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
        response = self.get_response(request)
        # Once they have reached where they were going, with the app set up, it is done.
        if onboarding.destination_after_setup(
            request.session
        ) == request.get_full_path() and not user_mfa_missing(request.user):
            onboarding.forget_destination(request.session)
        return response

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
            messages.warning(request, gettext(MFA_SETUP_MESSAGE))
            if request.method == "GET":
                onboarding.remember_destination(request.session, request.get_full_path())
            return HttpResponseRedirect(onboarding.mfa_setup_url())
        return None
