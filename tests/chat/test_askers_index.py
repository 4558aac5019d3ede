"""The askers index (chat/askers.py) as readers of the live page meet it: filled when the
page is built, and a reader who finds a fill under way waits for it rather than having their
page rendered in full."""

import threading

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse

from chat import askers, selectors
from core.redis import askers_complete_key
from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_building_the_live_page_fills_the_askers_index(live: LiveEvent) -> None:
    askers.forget_all_indexes()

    Client().get(reverse("chat:live", args=[live.event.slug]))

    client = redis.Redis.from_url(settings.REDIS_URL)
    assert client.exists(askers_complete_key(live.event.pk)) == 1


def test_a_reader_who_finds_a_fill_under_way_waits_for_it(live: LiveEvent) -> None:
    askers.forget_all_indexes()
    assert askers.begin_fill(live.event.pk)  # another reader's fill, under way
    returned = threading.Event()

    def reader() -> None:
        selectors.fill_askers_index(event_id=live.event.pk)
        returned.set()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert not returned.wait(0.3)  # still waiting for the other fill
        askers.end_fill(live.event.pk, filled=True)
        assert returned.wait(5)
    finally:
        askers.end_fill(live.event.pk, filled=False)
        thread.join(5)
