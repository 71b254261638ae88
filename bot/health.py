"""`python -m bot.health`: exit 0 while the running bot's heartbeat is fresh (the image's HEALTHCHECK).

The bot's job queue rewrites ``data_dir/heartbeat`` every ``HEARTBEAT_S`` seconds; a file older than three
beats means the event loop is stuck or the bot is down. Nothing is opened but that file: a second process
must not open the embedded store the bot is writing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HEARTBEAT_FILE = "heartbeat"
HEARTBEAT_S = 30


def heartbeat_path(data_dir: Path) -> Path:
    return Path(data_dir) / HEARTBEAT_FILE


def beat(data_dir: Path) -> None:
    """Marks the bot alive now."""
    path = heartbeat_path(data_dir)
    path.write_text(f"{time.time():.0f}\n")


def age_s(data_dir: Path) -> float | None:
    """Seconds since the last beat; None when there was none."""
    try:
        return time.time() - heartbeat_path(data_dir).stat().st_mtime
    except OSError:
        return None


def main() -> int:
    from bot.settings import Settings

    age = age_s(Settings().data_dir)
    if age is None or age > 3 * HEARTBEAT_S:
        print(f"unhealthy: last heartbeat {'never' if age is None else f'{age:.0f} s ago'}", file=sys.stderr)
        return 1
    print(f"healthy: heartbeat {age:.0f} s ago")
    return 0


if __name__ == "__main__":
    sys.exit(main())
