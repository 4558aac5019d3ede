"""What every module in realtime/internals/ shares: the versions each was tested with, and
which of its paths this process uses.

A module that leans on another library's private internals declares `TESTED` (the
`TestedRange`s it was written and tested for; pyproject.toml pins the same ranges) and
`SWITCH` (the setting that turns its path off), and decides once per process whether its
path is on (`path_status`). realtime/internals/__init__.py gathers them for start-up, for
/healthz and for Django's system check.
"""

import logging
import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

logger = logging.getLogger("realtime.internals")


def installed_version(package: str) -> str | None:
    """The installed version of a distribution ("python": the interpreter's), None if absent."""
    if package == "python":
        return platform.python_version()
    try:
        return version(package)
    except PackageNotFoundError:
        return None


@dataclass(frozen=True)
class TestedRange:
    package: str
    # The first (major, minor) tested, and the first one not tested.
    first: tuple[int, int]
    beyond: tuple[int, int]

    def describe(self) -> str:
        low, high = (".".join(map(str, part)) for part in (self.first, self.beyond))
        return f"{self.package} >={low},<{high}"

    def problem(self) -> str | None:
        """None if the installed version is in the range, else why not."""
        installed = installed_version(self.package)
        if installed is None:
            return f"{self.package} is not installed"
        parts = tuple(int(part) for part in installed.split(".")[:2] if part.isdigit())
        if not self.first <= parts < self.beyond:
            return f"{self.package} {installed} is outside the tested range {self.describe()}"
        return None


def range_problem(ranges: tuple[TestedRange, ...]) -> str | None:
    """The first of `ranges` whose package is not at a tested version, if any."""
    for tested in ranges:
        problem = tested.problem()
        if problem:
            return problem
    return None


@dataclass(frozen=True)
class PathStatus:
    enabled: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "reason": self.reason}


_status: dict[str, PathStatus] = {}
_status_lock = threading.Lock()


def status_once(name: str, decide: Callable[[], PathStatus]) -> PathStatus:
    """A path's status, decided (and logged) once per process."""
    with _status_lock:
        status = _status.get(name)
    if status is None:
        status = decide()
        with _status_lock:
            if name not in _status:
                _status[name] = status
                logger.info(
                    "realtime %s: %s (%s)", name, "on" if status.enabled else "off", status.reason
                )
            status = _status[name]
    return status


def forget_statuses() -> None:
    with _status_lock:
        _status.clear()
