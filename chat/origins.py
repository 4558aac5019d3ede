"""Which web pages may open the live chat's WebSocket.

Browsers send the page's origin with every WebSocket handshake, and a socket carries the
site's cookies: a page elsewhere must not open one as a signed-in moderator. An origin is
accepted only if its scheme, host and port are exactly those of

- the page's own site: the handshake's own Host on the same scheme (http for ws, https for
  wss), as long as that host is one of ALLOWED_HOSTS;
- SITE_URL or one of CSRF_TRUSTED_ORIGINS;
- an embed origin listed for the event (Event.embed_origins).

No Origin at all (a program, not a browser) is refused as well.
"""

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin or URL, with the scheme's default port filled in;
    None if it is not an http(s) origin."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _own_origin(scope: dict[str, Any]) -> tuple[str, str, int] | None:
    host = _header(scope, b"host")
    if not host:
        return None
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    return normalise(f"{scheme}://{host}")


def origin_allowed(scope: dict[str, Any], *, embed_origins: Iterable[str] = ()) -> bool:
    origin = _header(scope, b"origin")
    if origin is None:
        return False
    claimed = normalise(origin)
    if claimed is None:
        return False
    if claimed == _own_origin(scope):
        return True
    listed = [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS, *embed_origins]
    return any(claimed == normalise(each) for each in listed)
