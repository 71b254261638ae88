"""The installation's secret: the key of every hash that stands for a person (tombstones, the audit log).

A plain sha256 of a public id can be reversed by hashing the author list; an HMAC with a key that only this
installation has cannot. The key is generated on first use and kept in the data directory (mode 0600);
losing it only means that old tombstones and audit subjects can no longer be matched.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

SECRET_FILE = "secret.key"
_lock = threading.Lock()
_loaded: dict[Path, bytes] = {}


def load(data_dir: Path) -> bytes:
    """The key kept in ``data_dir``, created (atomically, readable by the owner only) when there is none."""
    path = (Path(data_dir) / SECRET_FILE).resolve()
    with _lock:
        if path in _loaded:
            return _loaded[path]
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            try:
                os.link(tmp, path)  # fails if another process made one first: theirs is kept
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
        key = bytes.fromhex(path.read_text().strip())
        _loaded[path] = key
        return key


def default() -> bytes:
    """The key of the configured data directory, for callers that were not handed one."""
    from bot.settings import Settings, _default_data_dir

    try:
        data_dir = Settings().data_dir
    except Exception:  # noqa: BLE001 - invalid settings are reported elsewhere; the default folder still works
        data_dir = _default_data_dir()
    return load(data_dir)


def keyed_hash(key: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` for one purpose (so a tombstone and an audit subject never coincide)."""
    return hmac.new(key, f"{purpose}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()
