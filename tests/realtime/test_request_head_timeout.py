"""A client that sends its request's head a byte at a time, straight to the real server
(issue 30, item 13): uvicorn held it for as long as the client kept trickling. The server
now closes it once the head has taken WEB_REQUEST_HEAD_SECONDS
(realtime/internals/uvicorn_websockets.py: HeadTimeoutProtocol), and a prompt client on the
same server is served as before.
"""

import socket
import time
import urllib.request

from tests.harness import Processes, child_env, run_setup

# Short, so the test is quick; production's default is 15 s.
HEAD_SECONDS = 2
# Far longer than HEAD_SECONDS: unbounded, the trickle would outlast it.
TRICKLE_SECONDS = 30


def trickle_until_closed(port: int) -> bool:
    """Send a request head that never ends, one header byte every 0.2 s, as a slow-header
    attack does; True if the server closed the connection within TRICKLE_SECONDS."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sock.settimeout(0.2)
        deadline = time.monotonic() + TRICKLE_SECONDS
        while time.monotonic() < deadline:
            try:
                if sock.recv(4096) == b"":
                    return True
            except TimeoutError:
                pass
            except ConnectionResetError:
                return True
            try:
                sock.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                return True
    return False


def test_a_client_trickling_its_request_head_is_closed(
    scratch_database_url: str, processes: Processes
) -> None:
    env = child_env(scratch_database_url, WEB_REQUEST_HEAD_SECONDS=str(HEAD_SECONDS))
    run_setup(env)
    server = processes.web(env)

    assert trickle_until_closed(server.port) is True
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=10) as response:
        assert response.status == 200
