"""Each process's readings of its events' questions (similar.matching.read), kept so a new
question is compared with the others without reading them all again: the first question
after a worker starts reads the event's questions once (docs/similar.md has the cost)."""

import hashlib
import threading
from collections import OrderedDict

from similar import matching

# A reading is some 10 KB (a vector per content word): a few thousand is a few full events.
MAX_READINGS = 3000
_readings: "OrderedDict[tuple[int, str], matching.Reading]" = OrderedDict()
_lock = threading.Lock()


def reading_of(question_id: int, text: str) -> matching.Reading:
    """The question's reading, kept per process; read again when its text changed (a
    moderator's edit is what the public sees of a published question)."""
    key = (question_id, hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest())
    with _lock:
        found = _readings.get(key)
        if found is not None:
            _readings.move_to_end(key)
            return found
    reading = matching.read(text)
    with _lock:
        _readings[key] = reading
        while len(_readings) > MAX_READINGS:
            _readings.popitem(last=False)
    return reading
