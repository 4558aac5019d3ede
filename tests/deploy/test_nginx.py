"""deploy/nginx/outreach.conf in front of two real uvicorn processes: the health check and the
live chat's WebSocket upgrade work through it.

Starts Debian's nginx as an unprivileged-style child (no daemon, no master process, its own
prefix, pid, logs and temp dirs under tmp_path, listening on a free loopback port) with the
site file as shipped, minus TLS (the test speaks plain HTTP on loopback) and with the
upstream ports pointed at the test's servers.
"""

import asyncio
import re
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness import (
    PROJECT_ROOT,
    ServerProcess,
    child_env,
    connect_client,
    free_port,
    run_command,
    run_setup,
    start_uvicorn,
)

SITE = PROJECT_ROOT / "deploy" / "nginx" / "outreach.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def render_site(ports: list[int], listen: int, staff_ports: list[int] | None = None) -> str:
    """The shipped site file for plain HTTP on loopback, proxying readers to `ports` and
    signed-in people to `staff_ports` (the first of `ports` standing in, as shipped), with
    the deployment's files (/srv/outreach) read from this checkout."""
    text = SITE.read_text().replace("/srv/outreach/", f"{PROJECT_ROOT}/")
    text = re.sub(r"# BEGIN redirect.*?# END redirect\n", "", text, flags=re.S)
    staff = staff_ports if staff_ports is not None else ports
    for name, servers in (
        ("outreach_web", "".join(f"    server 127.0.0.1:{port};\n" for port in ports)),
        (
            "outreach_staff",
            "".join(f"    server 127.0.0.1:{port};\n" for port in staff)
            + f"    server 127.0.0.1:{ports[0]} backup;\n",
        ),
    ):
        block = re.compile(
            rf"(upstream {name} \{{\n(?:    #.*\n|    least_conn;\n)*)"
            r"(?:    server 127\.0\.0\.1:\d+(?: backup)?;\n)+"
        )
        text, count = block.subn(lambda found, servers=servers: found.group(1) + servers, text)
        assert count == 1, f"the {name} block's server lines were not found"
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("ssl_", "add_header Strict-Transport-Security")):
            continue
        if stripped.startswith("listen [::]:443"):
            continue
        if stripped.startswith("listen 443"):
            line = f"    listen 127.0.0.1:{listen};"
        lines.append(line)
    return "\n".join(lines) + "\n"


def nginx_conf(prefix: Path, site: Path) -> str:
    return f"""
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$request_uri $upstream_addr';
    access_log {prefix}/access.log upstream;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


@pytest.fixture
def scratch(scratch_database_url: str) -> dict[str, Any]:
    # nginx passes the host without its port and says the request came over plain HTTP.
    env = child_env(scratch_database_url, BEHIND_TLS_PROXY="false")
    return {"env": env, **run_setup(env, slug="through-nginx")}


@pytest.fixture
def nginx(scratch: dict[str, Any], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """nginx in front of two readers' processes and the staff's own process."""
    if NGINX is None:
        pytest.skip("nginx is not installed: apt-get install nginx-light")
    servers: list[ServerProcess] = start_uvicorn(3, scratch["env"], tmp_path)
    public, staff = servers[:2], servers[2]
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    port = free_port()
    site = prefix / "outreach.conf"
    site.write_text(render_site([server.port for server in public], port, [staff.port]))
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, site))
    # The shipped site file must pass nginx's own check (raises with nginx's complaint).
    run_command([NGINX, "-t", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")])
    proxy = ServerProcess(
        [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        port=port,
        env={},
        log=prefix / "stdout.log",
    )
    try:
        proxy.wait_until_listening()
        yield {"port": port, "public": public, "staff": staff, "log": prefix / "access.log"}
    finally:
        proxy.stop()
        for server in servers:
            server.stop()
            print(f"--- {server.log.name} ---\n{server.output()}")
        print(f"--- nginx ---\n{(prefix / 'error.log').read_text()[-3000:]}")


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return response.status, response.read()


async def test_health_check_and_live_chat_work_through_nginx(
    nginx: dict[str, Any], scratch: dict[str, Any]
) -> None:
    nginx_port = nginx["port"]
    status, _ = await asyncio.to_thread(_get, f"http://127.0.0.1:{nginx_port}/healthz")
    assert status == 200

    slug = scratch["slug"]
    # least_conn spreads these over both uvicorn processes.
    viewers = [await connect_client(f"viewer {i}", nginx_port, slug) for i in range(4)]
    moderator = await connect_client(
        "moderator", nginx_port, slug, session=scratch["moderator_session"]
    )
    clients = [*viewers, moderator]
    try:
        for viewer in viewers:
            assert [f["type"] for f in viewer.frames] == ["status", "session", "pinned", "synced"]
            assert viewer.frames[0]["status"] == "live"
        assert (await moderator.of_type("session"))["roles"] == ["public", "moderator"]

        began = time.monotonic()
        await moderator.send({"type": "announce", "body": "Welcome, the panel is here."})
        for viewer in viewers:
            message = await viewer.of_type("message", seq=1)
            assert (message["kind"], message["body"]) == (
                "announcement",
                "Welcome, the panel is here.",
            )
        assert time.monotonic() - began < 10
    finally:
        await asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True)


def _upstreams(access_log: Path, path_start: str) -> list[str]:
    """The upstream address nginx used for each finished request whose URI starts so."""
    deadline = time.monotonic() + 5
    while True:
        lines = access_log.read_text().splitlines() if access_log.exists() else []
        found = [line.split(" ", 1)[1] for line in lines if line.startswith(path_start)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


async def test_signed_in_people_reach_the_staff_process_which_the_public_ones_stand_in_for(
    nginx: dict[str, Any], scratch: dict[str, Any]
) -> None:
    """A moderator's socket goes to the staff's own process, a reader's never does; with the
    staff's process down, the moderator still gets in (through a public one)."""
    nginx_port, slug = nginx["port"], scratch["slug"]
    public = {f"127.0.0.1:{server.port}" for server in nginx["public"]}
    staff = f"127.0.0.1:{nginx['staff'].port}"

    viewers = [await connect_client(f"viewer {i}", nginx_port, slug) for i in range(3)]
    moderator = await connect_client(
        "moderator", nginx_port, slug, session=scratch["moderator_session"]
    )
    assert (await moderator.of_type("session"))["roles"] == ["public", "moderator"]
    await moderator.send({"type": "announce", "body": "The panel is here."})
    for viewer in viewers:
        assert (await viewer.of_type("message", seq=1))["body"] == "The panel is here."
    await asyncio.gather(*(c.ws.close() for c in [*viewers, moderator]))
    used = _upstreams(nginx["log"], "/ws/")
    assert len(used) == 4
    assert used.count(staff) == 1
    assert set(used) - {staff} <= public

    nginx["staff"].stop()
    again = await connect_client(
        "moderator", nginx_port, slug, session=scratch["moderator_session"]
    )
    try:
        assert (await again.of_type("session"))["roles"] == ["public", "moderator"]
        await again.send({"type": "announce", "body": "Still here."})
        assert (await again.of_type("message", seq=2))["body"] == "Still here."
    finally:
        await again.ws.close()


# --- the page nginx shows when no web process answers ----------------------------------

ERROR_PAGE = PROJECT_ROOT / "deploy" / "nginx" / "errors" / "unavailable.html"


def _words(html: str) -> str:
    return " ".join(html.split())


def test_unavailable_page_has_the_sites_quick_exit_and_help() -> None:
    from django.conf import settings
    from django.template.loader import render_to_string

    page = _words(ERROR_PAGE.read_text())
    quick_exit = render_to_string(
        "includes/quick_exit.html", {"quick_exit_url": settings.QUICK_EXIT_URL}
    )
    help_panel = render_to_string("includes/help_panel.html", {})

    assert _words(quick_exit) in page
    assert _words(help_panel) in page
    # The Shift-three-times shortcut and the styles: the site's own files, which nginx serves.
    assert '<script type="module" src="/static/js/site.js"></script>' in page
    assert '<link rel="stylesheet" href="/static/vendor/govuk-frontend/outreach.min.css">' in page
    assert '<link rel="stylesheet" href="/static/css/app.css">' in page


def test_unavailable_page_is_wired_for_502_503_and_504() -> None:
    site = SITE.read_text()

    assert "    error_page 502 503 504 /_errors/unavailable.html;\n" in site
    location = re.search(r"location /_errors/ \{(.*?)\}", site, flags=re.S)
    assert location is not None
    assert "internal;" in location.group(1)
    assert "alias /srv/outreach/deploy/nginx/errors/;" in location.group(1)


def test_nginx_shows_the_unavailable_page_when_no_web_process_answers(tmp_path: Path) -> None:
    if NGINX is None:
        pytest.skip("nginx is not installed: apt-get install nginx-light")
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    port = free_port()
    site = prefix / "outreach.conf"
    # Nothing listens on the upstream's port: every web process is down.
    site.write_text(render_site([free_port()], port))
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, site))
    proxy = ServerProcess(
        [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        port=port,
        env={},
        log=prefix / "stdout.log",
    )
    try:
        proxy.wait_until_listening()
        with pytest.raises(urllib.error.HTTPError) as refused:
            _get(f"http://127.0.0.1:{port}/events/some-webchat/live/")
        assert refused.value.code == 502
        assert refused.value.read() == ERROR_PAGE.read_bytes()
        assert refused.value.headers["Cache-Control"] == "no-store"
        # Not a page of its own: only what nginx shows in place of another.
        with pytest.raises(urllib.error.HTTPError) as hidden:
            _get(f"http://127.0.0.1:{port}/_errors/unavailable.html")
        assert hidden.value.code == 404
    finally:
        proxy.stop()
