"""The channel layer, tuned for redis-py's socket timeout."""

from channels_redis.core import RedisChannelLayer


class OutreachRedisChannelLayer(RedisChannelLayer):
    """channels-redis blocks on Redis for `brpop_timeout` seconds per receive (5 by default),
    which races redis-py's own 5 s socket timeout: a quiet connection could raise and drop.
    A shorter blocking pop always answers well inside the socket timeout."""

    brpop_timeout = 2
