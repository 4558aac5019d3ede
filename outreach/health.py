"""`/healthz`: is this process able to reach its database and Redis?"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from core import redis as core_redis
from realtime import internals

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 2.0


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        # One line per probe, not a traceback: a load balancer asks every few seconds.
        logger.warning("health check: database unreachable (%s: %s)", type(error).__name__, error)
        return False
    return True


def redis_reachable() -> bool:
    client = core_redis.client(timeout=REDIS_TIMEOUT_SECONDS)
    try:
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("health check: redis unreachable")
        return False
    finally:
        client.close()


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_reachable(), "redis": redis_reachable()}
    failed = sorted(name for name, ok in checks.items() if not ok)
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
        "failed": failed,
        # Every process of one deployment must show the same (docs/deployment.md).
        "namespace": settings.REDIS_NAMESPACE,
        # Which real-time delivery paths this process uses (realtime/internals/).
        "realtime": {name: path.as_dict() for name, path in internals.check().items()},
    }
    return JsonResponse(body, status=503 if failed else 200)
