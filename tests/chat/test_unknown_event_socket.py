"""Through a real server, a socket to an event that does not exist (or is not public) is
told so with 4404, which the live page's script takes as "stop" (docs/protocol.md); a
refused handshake would reach it as a bare failure, retried for ever."""

from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.harness import child_env, run_setup, start_uvicorn

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_socket_to_no_such_event_is_closed_with_4404(
    scratch_database_url: str, tmp_path: Path
) -> None:
    env = child_env(scratch_database_url)
    run_setup(env)
    (server,) = start_uvicorn(1, env, tmp_path)
    try:
        port = server.port
        async with connect(
            f"ws://127.0.0.1:{port}/ws/events/no-such-event/",
            origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
            proxy=None,
            open_timeout=10,
        ) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4404
    finally:
        server.stop()
