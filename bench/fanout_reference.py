"""The reference: a minimal broadcast server on the `websockets` library.

`python bench/fanout_reference.py PORT [--deflate]`. A viewer connects to any path but
/publish and is sent the history after `?after=` and `synced`, as the portal does; every
text received on /publish is remembered and broadcast to every viewer with
`websockets.broadcast` (no per-viewer task, no waiting for slow ones). No database, no
channel layer, no sessions: what the hardware does with the same frames.
"""

import asyncio
import json
import sys
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, broadcast, serve

viewers: set[ServerConnection] = set()
history: list[tuple[int, str]] = []
HISTORY_KEPT = 1000


async def handler(ws: ServerConnection) -> None:
    url = urlsplit(ws.request.path if ws.request else "/")
    if url.path == "/publish":
        async for text in ws:
            if not isinstance(text, str):
                continue
            seq = json.loads(text)["seq"]
            history.append((seq, text))
            del history[:-HISTORY_KEPT]
            broadcast(viewers, text)
        return
    after = int(parse_qs(url.query).get("after", ["0"])[0])
    for seq, text in list(history):
        if seq > after:
            await ws.send(text)
    last = history[-1][0] if history else 0
    viewers.add(ws)
    try:
        synced = {"type": "synced", "last_seq": max(last, after)}
        await ws.send(json.dumps(synced, separators=(",", ":")))
        await ws.wait_closed()
    finally:
        viewers.discard(ws)


async def main(port: int, deflate: bool) -> None:
    async with serve(
        handler,
        "127.0.0.1",
        port,
        compression="deflate" if deflate else None,
        max_size=65536,
        backlog=2048,
        # No handshake deadline: under a storm on a shared core the reference would close
        # connections still waiting, and count as failed what the portal serves late.
        open_timeout=None,
    ) as server:
        await server.serve_forever()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    coroutine = main(int(arguments[0]), "--deflate" in arguments)
    try:
        import uvloop

        uvloop.run(coroutine)
    except ImportError:
        asyncio.run(coroutine)
