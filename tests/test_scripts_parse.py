"""Every script the pages load parses as the browser loads it (a module): one syntax error
in a shared module such as static/js/feed-item.js stops the live page's updates for every
reader, and only the browser tests would otherwise show it."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Our own scripts (static/vendor/ holds built third-party files).
SCRIPTS = sorted(path for path in (ROOT / "static").rglob("*.js") if "vendor" not in path.parts)


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs Node.js (npm's, as for axe-core)")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_script_parses_as_a_module(script: Path) -> None:
    checked = subprocess.run(  # noqa: S603 - our own files, fixed arguments
        [str(NODE), "--experimental-default-type=module", "--check", str(script)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
