"""A real PostgreSQL server for tests: initdb + pg_ctl into a temporary folder, bound to 127.0.0.1 on a free port.

CI starts one in .ci/run and passes its URL in RECRUITBOT_TEST_POSTGRES_URL; outside CI the pipeline's
PostgreSQL test starts its own with ``postgres_server`` when Debian's postgresql package is installed.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user (via runuser).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

URL_VARIABLE = "RECRUITBOT_TEST_POSTGRES_URL"
DATABASE = "recruitbot_test"


class PostgresStartError(RuntimeError):
    """The server could not be started; the message carries the tail of its log."""


def postgres_bin() -> Path | None:
    """The folder with initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, else the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if found and Path(found[-1], "initdb").exists():
        return Path(found[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def postgres_server(*settings: str) -> Iterator[str]:
    """Starts a throwaway server and yields a SQLAlchemy URL to a fresh database; stops and deletes it on exit.

    ``settings`` ("wal_recycle=on", ...) override the defaults below, as a server an admin configured would."""
    binaries = postgres_bin()
    if binaries is None:
        raise PostgresStartError("initdb not found: install Debian's postgresql package")
    root = Path(tempfile.mkdtemp(prefix="recruitbot-pg-"))
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
    data, log, port = root / "data", root / "server.log", _free_port()

    def run(*command: str) -> None:
        result = subprocess.run(_as_server_user([str(binaries / command[0]), *command[1:]]), capture_output=True,
                                text=True, timeout=120)
        if result.returncode:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise PostgresStartError(f"{command[0]} failed: {result.stderr[-2000:]}{tail}")

    try:
        run("initdb", "-D", str(data), "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync")
        # wal_recycle=off, as .ci/run and compose.yaml: old WAL segments are deleted, not renamed with their bytes.
        options = " ".join([f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off",
                            *(f"-c {setting}" for setting in ("wal_recycle=off", "wal_keep_size=0", *settings))])
        run("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                            "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
