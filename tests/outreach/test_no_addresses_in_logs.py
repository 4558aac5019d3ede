"""No visitor's network address in any log line or Redis key, on the real server.

Starts uvicorn as the Procfile does (at debug level, so every line it can write is
written), reaches it "through nginx" (X-Forwarded-For from a trusted proxy, as
docs/deployment.md configures), browses, fails to sign in, opens the live chat and asks a
question, then reads every line the server wrote and every key in Redis.
"""

import re
import sys
import time
import uuid
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
import redis
from websockets.asyncio.client import connect
from websockets.typing import Origin

from tests.harness import Client, ServerProcess, child_env, run_setup, start_uvicorn

VISITOR_V4 = "203.0.113.77"
VISITOR_V6 = "2001:db8:4d2:77::1234"
PORTAL_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+ ")
ADDRESS_TEXTS = (VISITOR_V4, VISITOR_V6, "2001:db8:4d2:77:", "2001:0db8:04d2:0077")


@pytest.fixture
def scratch(scratch_database_url: str) -> dict[str, Any]:
    env = child_env(scratch_database_url, LOG_LEVEL="DEBUG", FORWARDED_ALLOW_IPS="127.0.0.1")
    return {"env": env, **run_setup(env, slug="no-addresses")}


@pytest.fixture
def server(scratch: dict[str, Any], tmp_path: Path) -> Iterator[ServerProcess]:
    started = start_uvicorn(1, scratch["env"], tmp_path)
    try:
        yield started[0]
    finally:
        started[0].stop()
        print(f"--- server log ---\n{started[0].output()}")


class Browser:
    """A cookie-keeping HTTP client whose requests arrive from `address` via the proxy."""

    def __init__(self, port: int, address: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.address = address
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urlencode(data).encode() if data is not None else None
        # The portal's cookies are Secure (production settings) and this is plain HTTP on
        # loopback, where nginx would have ended TLS: send them back by hand.
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)
        request = Request(  # noqa: S310 - a loopback http URL we built
            self.base + path,
            data=body,
            headers={
                "X-Forwarded-For": self.address,
                "Referer": self.base + path,
                "Cookie": cookies,
            },
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def csrf_token(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")


def fail_to_sign_in(browser: Browser) -> str:
    status, _ = browser.request("/accounts/login/")
    assert status == 200
    status, page = browser.request(
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": browser.csrf_token(),
            "login": "nobody@example.org",
            "password": "not the password",
        },
    )
    assert status == 200  # the form again, with the error
    return page


async def ask_over_the_socket(port: int, slug: str, address: str) -> Client:
    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/events/{slug}/",
        origin=Origin(f"http://127.0.0.1:{port}"),
        additional_headers={"X-Forwarded-For": address},
        proxy=None,
        open_timeout=10,
        close_timeout=2,
    )
    client = Client(f"visitor from {address}", ws)
    await client.of_type("synced")
    client_id = str(uuid.uuid4())
    await client.send({"type": "ask", "client_id": client_id, "body": "How do I report it?"})
    await client.of_type("ack", client_id=client_id)
    return client


async def test_no_log_line_or_redis_key_holds_a_visitors_address(
    server: ServerProcess, scratch: dict[str, Any]
) -> None:
    slug = scratch["slug"]
    for address in (VISITOR_V4, VISITOR_V6):
        browser = Browser(server.port, address)
        assert browser.request(f"/events/{slug}/live/")[0] == 200
        assert browser.request("/no-such-page/")[0] == 404  # django.request logs a warning
        assert "wrong" in fail_to_sign_in(browser)
        client = await ask_over_the_socket(server.port, slug, address)
        await client.ws.close()

    server.stop()  # every line is written and the file closed
    log = server.log.read_text(errors="replace")
    lines = log.splitlines()
    # The lines that used to carry the address are there, without it: the test saw them.
    handshakes = [line for line in lines if f'"WebSocket /ws/events/{slug}/" [accepted]' in line]
    assert len(handshakes) == 2, log
    assert all("[address]" in line for line in handshakes)
    assert any("Not Found: /no-such-page/" in line for line in lines)
    for text in ADDRESS_TEXTS:
        assert [line for line in lines if text.lower() in line.lower()] == []

    keys = [
        key.decode()
        for key in redis.Redis.from_url(scratch["env"]["REDIS_URL"]).scan_iter(count=1000)
    ]
    login_limits = [key for key in keys if ":allauth:rl:" in key and "login" in key]
    assert login_limits, keys  # allauth did count the failures, keyed by something
    for text in ADDRESS_TEXTS:
        assert [key for key in keys if text.lower() in key.lower()] == []
    # The keyed hash is 32 hex digits (core/networks.py), in place of the address.
    assert all(re.search(r":ip:[0-9a-f]{32}$", key) for key in login_limits if ":ip:" in key), (
        login_limits
    )


@pytest.mark.parametrize(
    ("command", "ready"),
    [
        (["worker", "--loglevel", "INFO", "--concurrency", "1"], "celery.apps.worker"),
        (["beat", "--loglevel", "INFO"], "celery.beat"),
    ],
)
def test_celery_worker_and_beat_log_through_the_filtered_handler(
    scratch_database_url: str, tmp_path: Path, command: list[str], ready: str
) -> None:
    env = child_env(
        scratch_database_url, CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "beat-schedule")
    )
    process = ServerProcess(
        [sys.executable, "-m", "celery", "-A", "outreach", *command],
        port=0,
        env=env,
        log=tmp_path / "celery.log",
    )
    try:
        deadline = time.monotonic() + 30
        while f" {ready} " not in process.log.read_text(errors="replace"):
            assert process.process.poll() is None, process.output()
            assert time.monotonic() < deadline, process.output()
            time.sleep(0.2)
    finally:
        process.stop()

    # The portal's format, so the lines went through LOGGING's handler (and its filter),
    # not Celery's own.
    log = process.log.read_text(errors="replace")
    lines = [line for line in log.splitlines() if f" {ready} " in line]
    assert lines and all(PORTAL_LINE.match(line) for line in lines), log
