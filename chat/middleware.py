"""Signing out forgets the browser's guest identity too (chat/guests.py): otherwise, on a
shared device, the questions its guest asked before someone signed in would be listed
again on the live page once they sign out."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from chat.guests import GUEST_COOKIE_NAME, forget_guest_cookie

# Set on the request by chat.receivers when its user signs out.
FORGET_GUEST_ATTRIBUTE = "outreach_forget_guest"


class ForgetGuestOnSignOutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, FORGET_GUEST_ATTRIBUTE, False) and GUEST_COOKIE_NAME in request.COOKIES:
            forget_guest_cookie(response)
        return response
