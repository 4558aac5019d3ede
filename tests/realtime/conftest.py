from collections.abc import Iterator

import pytest

from realtime.feeds import FeedSource, feed_source, register_feed_source
from tests.realtime.feeds import FakeFeed


@pytest.fixture
def fake_feed() -> Iterator[FakeFeed]:
    """A feed of the test's own behind every hub; the live chat's is put back after."""
    previous: FeedSource = feed_source()
    fake = FakeFeed()
    register_feed_source(fake)
    yield fake
    register_feed_source(previous)
