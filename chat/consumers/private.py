"""A connection's private channel: the groups it has joined (its user's, the moderation
group, its participant's) and the channel-layer channel they deliver to."""

import asyncio
from typing import TYPE_CHECKING, Any

from chat.consumers.failures import FeedUnavailable, logger

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer


class PrivateChannel:
    def __init__(self, connection: "EventChatConsumer") -> None:
        self.connection = connection
        self.groups: list[str] = []

    async def join(self, group: str) -> bool:
        """Join `group`; False if already joined."""
        if group in self.groups:
            return False
        connection = self.connection
        await connection.channel_layer.group_add(group, connection.channel_name)
        self.groups.append(group)
        return True

    async def receive(self) -> dict[str, Any]:
        connection = self.connection
        try:
            return await connection.channel_layer.receive(connection.channel_name)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            # A pooled connection left over from before a Redis restart fails once: if
            # Redis answers now, rejoin this connection's groups (a restart forgets them)
            # and try once more; if it does not, the feed is unavailable.
            await self._rejoin(error)
        try:
            return await connection.channel_layer.receive(connection.channel_name)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            raise FeedUnavailable(f"private channel: {error}") from error

    async def _rejoin(self, cause: Exception) -> None:
        connection = self.connection
        try:
            for group in self.groups:
                await connection.channel_layer.group_add(group, connection.channel_name)
        except Exception as error:
            raise FeedUnavailable(f"private channel: {error}") from cause
        logger.info(
            "connection to event %s: private channel recovered (%s)", connection.event_id, cause
        )

    async def leave_all(self) -> None:
        connection = self.connection
        for group in self.groups:
            try:
                await asyncio.wait_for(
                    connection.channel_layer.group_discard(group, connection.channel_name),
                    timeout=2,
                )
            except Exception:
                # Redis is away: the membership expires by itself (group_expiry).
                logger.debug("could not leave group %s", group, exc_info=True)
        self.groups = []
