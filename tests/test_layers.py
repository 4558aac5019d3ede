"""The house's import contracts (pyproject.toml, [tool.importlinter]): a forbidden import fails
`pytest` on its own, not only `.ci/run`'s lint-imports step."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_keep_every_contract() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
    checked = subprocess.run(  # noqa: S603 - our virtualenv's lint-imports, fixed arguments
        [Path(sys.executable).with_name("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Its report names the broken contract and the import chain that breaks it.
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken." in checked.stdout
