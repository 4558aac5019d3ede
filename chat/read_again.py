"""Questions handed to the second reading's Celery task (chat.tasks.read_question_again) from
a thread of their own, so that the ask path never waits for the broker: a frozen Redis would
hold a question's acknowledgement for as long as it stayed frozen (and where tasks run eagerly,
in the test suite, the task itself would run on the ask path).

At most QUEUE_SIZE questions wait for the hand-over; past that a question is not read again
(one log line each), and the moderators read it as they read every question."""

import logging
import queue
import threading
import time

from django.db import connections

from chat.tasks import read_question_again

logger = logging.getLogger(__name__)

QUEUE_SIZE = 1000

_waiting: "queue.Queue[int]" = queue.Queue(maxsize=QUEUE_SIZE)
_thread: threading.Thread | None = None
_thread_lock = threading.Lock()


def read_again_soon(question_id: int) -> None:
    """Queue the question for its second reading; returns at once."""
    _start_thread()
    try:
        _waiting.put_nowait(question_id)
    except queue.Full:
        logger.warning(
            "question %s not read again: %s questions are already waiting for the task queue",
            question_id,
            QUEUE_SIZE,
        )


def wait_until_handed_over(timeout: float = 10.0) -> bool:
    """Until every question queued so far has been handed over (and, run eagerly, read):
    for the tests, so that one test's second readings never run into the next test's
    database. False if that took longer than `timeout`."""
    deadline = time.monotonic() + timeout
    while _waiting.unfinished_tasks:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _start_thread() -> None:
    global _thread
    with _thread_lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_hand_over, name="read-again", daemon=True)
            _thread.start()


def _hand_over() -> None:
    while True:
        question_id = _waiting.get()
        try:
            read_question_again.delay(question_id)
        except Exception as error:
            # The broker is down (or, run eagerly, the reading failed): the question waits
            # as the ask path left it.
            logger.warning(
                "question %s not read again, the task queue is unavailable: %s",
                question_id,
                error,
            )
        finally:
            # Run eagerly, the task used this thread's database connection: give it back,
            # as Django does at the end of a request.
            connections.close_all()
            _waiting.task_done()
