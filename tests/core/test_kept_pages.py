"""core/kept_pages.py: one build of a page at a time, and readers in the event loop waiting
for it rather than building it again."""

import asyncio
import gzip
import threading
import time
import zlib

import pytest
from django.http import HttpResponse

from core import kept_pages

KEY = ("test page",)


def _build(versions: tuple[bytes, ...], started: threading.Event, release: threading.Event) -> None:
    with kept_pages.building(KEY):
        started.set()
        release.wait(5)
        kept_pages.keep(
            KEY, versions, HttpResponse("built for the new version"), {}, read_at=time.monotonic()
        )


async def test_a_reader_waiting_for_a_build_gets_the_page_it_builds() -> None:
    kept_pages.forget_all()
    started, release = threading.Event(), threading.Event()
    builder = threading.Thread(target=_build, args=((b"new",), started, release))
    builder.start()
    await asyncio.to_thread(started.wait, 5)

    waiting = asyncio.ensure_future(kept_pages.build_finished(KEY, timeout=5))
    await asyncio.sleep(0.05)
    assert not waiting.done() and kept_pages.current(KEY, (b"new",)) is None

    release.set()
    await asyncio.wait_for(waiting, 2)
    kept = kept_pages.current(KEY, (b"new",))

    assert kept is not None and kept.body({}) == "built for the new version"
    await asyncio.to_thread(builder.join, 5)
    kept_pages.forget_all()


async def test_with_no_build_under_way_a_reader_does_not_wait() -> None:
    await asyncio.wait_for(kept_pages.build_finished(("nothing building",), timeout=30), 0.5)


def test_a_page_built_before_a_reader_arrived_is_not_theirs_once_stale() -> None:
    kept_pages.forget_all()
    read_at = time.monotonic()
    kept_pages.keep(
        KEY, (b"old",), HttpResponse("built before the publication"), {}, read_at=read_at
    )
    arrived_after = read_at + 0.001  # a publication renewed the token meanwhile

    assert kept_pages.built_since(KEY, arrived_after) is None
    assert kept_pages.current(KEY, (b"new",)) is None
    # A reader who arrived before its versions were read may have it, whatever the tokens.
    found = kept_pages.built_since(KEY, read_at)
    assert found is not None and found.body({}) == "built before the publication"
    kept_pages.forget_all()


def test_one_build_at_a_time() -> None:
    inside = 0
    most = 0
    lock = threading.Lock()

    def build() -> None:
        nonlocal inside, most
        with kept_pages.building(KEY):
            with lock:
                inside += 1
                most = max(most, inside)
            threading.Event().wait(0.02)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)

    assert most == 1


def test_a_gzipped_kept_page_is_the_same_page_with_each_readers_values() -> None:
    page = "<p>The panel is answering questions now.</p>\n" * 400
    stand_in = kept_pages.CSRF_STAND_IN
    response = HttpResponse(f"{page}<input value='{stand_in}'>{page}<i>{stand_in}</i>end")
    kept = kept_pages.keep(
        ("gzip test",), (b"v",), response, {"csrf": stand_in}, read_at=time.monotonic()
    )

    for token in ("first-reader-token", "another-readers-token-" + "x" * 70_000):
        plain = kept.content({"csrf": token}, gzip=False)
        zipped = kept.content({"csrf": token}, gzip=True)
        assert plain == kept.body({"csrf": token}).encode()
        assert gzip.decompress(zipped) == plain
        assert zlib.decompress(zipped, 16 + zlib.MAX_WBITS) == plain
        # The reader's token is never compressed (with the page's text or anything else): how
        # well the page compresses tells nothing about it (no BREACH-style guessing).
        assert token.encode()[:60_000] in zipped
    assert len(kept.content({"csrf": "t"}, gzip=True)) < len(page) / 10
    kept_pages.forget_all()


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("br", False),
        ("", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_gzip_only_for_a_browser_that_accepts_it(accept_encoding: str, gzipped: bool) -> None:
    assert kept_pages.accepts_gzip(accept_encoding) is gzipped


async def test_the_version_reads_of_one_loop_turn_share_one_round_trip(monkeypatch) -> None:
    kept_pages.changed("scope-a", "scope-b")
    real = kept_pages._async_client()
    pipelines = 0

    class Counting:
        def pipeline(self, **options: object) -> object:
            nonlocal pipelines
            pipelines += 1
            return real.pipeline(**options)

    monkeypatch.setattr(kept_pages, "_async_client", lambda: Counting())

    def echo(index: int):  # each reader's own command, answered to that reader only
        return lambda pipeline: pipeline.echo(f"reader {index}")

    found = await asyncio.gather(
        *(kept_pages.aversions(["scope-a", "scope-b"], also=echo(index)) for index in range(50))
    )

    assert pipelines == 1
    tokens = {tokens for tokens, _ in found}
    assert len(tokens) == 1 and all(tokens.pop())
    assert [replies for _, replies in found] == [[f"reader {i}".encode()] for i in range(50)]

    # A change made before a reader asks is what that reader sees.
    kept_pages.changed("scope-b")
    after = await kept_pages.aversions(["scope-a", "scope-b"])
    assert after is not None and after[0][0] == found[0][0][0] and after[0][1] != found[0][0][1]
