"""A web process killed mid-event, under two real server processes (issue 30, item 10).

Six people watch: three on server A, a moderator and two viewers on server B. A is killed
(SIGKILL: nothing of it cleans up) and its three viewers join again on B, as the page does.
What staff notice: the moderator's count goes back to the five viewers within seconds (the
moderator's own console is not counted), instead of counting A's viewers twice until A's
field went stale (20 s); and the report's series, sampled meanwhile as beat's task does,
never stores more than five (it stored eight).
"""

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.harness import Client, Processes, child_env, connect_client, run_django, run_setup

# Each sample in a slot of its own (the setting's default is 10 s).
SAMPLE_SECONDS = 1

SAMPLE_SCRIPT = f"""
import json, time
from reports.models import ViewerSample
from reports.services import viewer_samples_take

for _ in range(3):
    viewer_samples_take()
    time.sleep({SAMPLE_SECONDS} + 0.1)
samples = ViewerSample.objects.order_by("sampled_at").values_list("viewers", flat=True)
print(json.dumps(list(samples)))
"""


def is_count(count: int) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: frame == {"type": "viewers", "count": count}


async def test_a_killed_process_viewers_leave_the_count_and_are_never_sampled_twice(
    scratch_database_url: str, processes: Processes, tmp_path: Path
) -> None:
    env = child_env(scratch_database_url, REPORT_VIEWER_SAMPLE_SECONDS=str(SAMPLE_SECONDS))
    setup = run_setup(env, slug="process-killed")
    slug = setup["slug"]
    server_a = processes.web(env, name="server-a")
    server_b = processes.web(env, name="server-b")
    clients: list[Client] = []
    try:
        moderator = await connect_client(
            "moderator on B", server_b.port, slug, session=setup["moderator_session"]
        )
        clients.append(moderator)
        on_a = [await connect_client(f"viewer {n} on A", server_a.port, slug) for n in range(3)]
        on_b = [await connect_client(f"viewer {n} on B", server_b.port, slug) for n in range(2)]
        clients += on_a + on_b
        await moderator.until(is_count(5), timeout=15)

        server_a.process.kill()
        server_a.process.wait()
        # The page joins again, here to the one process left.
        moved = [
            await connect_client(f"viewer {n} again on B", server_b.port, slug) for n in range(3)
        ]
        clients += moved
        sampling = asyncio.create_task(asyncio.to_thread(run_django, env, SAMPLE_SCRIPT))

        # Five viewers, all on B: A's three are no longer counted. The old rule kept a
        # dead process's count for 20 s, so eight was all the moderator saw for that long.
        await moderator.until(is_count(5), timeout=10)
        samples = json.loads((await sampling).strip().splitlines()[-1])
    finally:
        for client in clients:
            await client.ws.close()

    assert len(samples) == 3
    assert max(samples) <= 5, samples
    assert samples[-1] == 5
