"""One deployment, one Redis namespace: every process checks its own against the one its
database recorded, logs it at start-up, and refuses to run with another (docs/deployment.md,
"One deployment, one namespace")."""

import logging

from django.conf import settings
from django.db import DatabaseError, connections, transaction

from core.models import Deployment

logger = logging.getLogger(__name__)

DEPLOYMENT_ROW = 1


class NamespaceMismatch(Exception):
    def __init__(self, mine: str, recorded: str) -> None:
        super().__init__(
            f"this process's Redis namespace {mine!r} differs from the one this deployment's "
            f"database recorded, {recorded!r}: its live chat would be split from the other "
            f"processes'. Set REDIS_NAMESPACE={recorded} (or, to move the whole deployment "
            f"to a new namespace, stop every process and run `manage.py deployment_namespace "
            f"--record`)."
        )
        self.mine = mine
        self.recorded = recorded


def deployment_namespace_claim(*, namespace: str) -> str:
    """Record `namespace` as the deployment's if none is recorded yet; the recorded one.
    Raises NamespaceMismatch when another is recorded."""
    with transaction.atomic():
        row, _ = Deployment.objects.select_for_update().get_or_create(
            pk=DEPLOYMENT_ROW, defaults={"redis_namespace": namespace}
        )
    if row.redis_namespace != namespace:
        raise NamespaceMismatch(namespace, row.redis_namespace)
    return row.redis_namespace


def deployment_namespace_record(*, namespace: str) -> None:
    """Make `namespace` the deployment's (every process must then be started with it)."""
    Deployment.objects.update_or_create(pk=DEPLOYMENT_ROW, defaults={"redis_namespace": namespace})


def check_namespace_at_start(process: str) -> None:
    """Called once as a web process, worker or beat starts: one log line either way; a
    mismatch ends the process (SystemExit) before it serves or runs anything."""
    namespace = settings.REDIS_NAMESPACE
    try:
        deployment_namespace_claim(namespace=namespace)
    except NamespaceMismatch as mismatch:
        logger.error("%s refused: %s", process, mismatch)
        raise SystemExit(f"{process} refused: {mismatch}") from None
    except DatabaseError as error:
        # Before `migrate`, or the database is away: the process starts, as it would have.
        logger.warning(
            "%s: deployment namespace %s not checked, database unavailable: %s",
            process,
            namespace,
            error.__class__.__name__,
        )
        return
    finally:
        # The process goes on as if this had not run: no connection (or pool) is left open
        # from start-up for a worker's or beat's loop to inherit.
        connections.close_all()
    logger.info("%s: deployment namespace %s", process, namespace)
