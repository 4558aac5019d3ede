"""What the whole deployment shares through its database."""

from django.db import models


class Deployment(models.Model):
    """One row: the Redis namespace this deployment's processes use, recorded by the first
    process that starts. A process started with another namespace would silently split the
    live chat (moderators missing questions, events not opening), so it is refused instead
    (core/deployment.py)."""

    redis_namespace = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.redis_namespace
