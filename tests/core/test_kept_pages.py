"""core/kept_pages.py: one build of a page at a time, and readers in the event loop waiting
for it rather than building it again."""

import asyncio
import threading

from django.http import HttpResponse

from core import kept_pages

KEY = ("test page",)


def _build(versions: tuple[bytes, ...], started: threading.Event, release: threading.Event) -> None:
    with kept_pages.building(KEY):
        started.set()
        release.wait(5)
        kept_pages.keep(KEY, versions, HttpResponse("built for the new version"), {})


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
