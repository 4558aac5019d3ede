"""`python -m outreach.dotenv`: write a development `.env` (DEBUG on, a random SECRET_KEY).

Leaves an existing `.env` alone. Production sets real environment variables instead.
"""

import secrets
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> int:
    target = BASE_DIR / ".env"
    if target.exists():
        print(f"{target.name} exists; leaving it as it is.")
        return 0
    target.write_text(
        "# Development settings written by `make run`; see .env.example for every variable.\n"
        "DEBUG=true\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
    )
    target.chmod(0o600)
    print(f"Wrote {target.name} for local development.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
