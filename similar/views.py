"""The moderator console's forms for similar questions (they work without JavaScript; the
console sends the same actions over its socket when it can)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from chat.views import console_action


@require_POST
def publish(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "similar_publish", question_id=question_id)


@require_POST
def attach(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "similar_attach", question_id=question_id)


@require_POST
def detach(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "similar_detach", question_id=question_id)
