"""One way to call any source's client: rate limits waited out, failures turned into one clear message.

Each client library raises its own errors (requests, httpx, arxiv, semanticscholar); ``call`` reads the
status and Retry-After out of them, retries 429 and 5xx a few times, and otherwise raises ``SourceError``
saying which source failed and why, so a front end never shows a traceback and nothing half-fetched is kept.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

from bot.settings import SourcesSettings
from bot.sources.models import LABELS

logger = logging.getLogger(__name__)
# The clients log each URL they fetch at INFO or DEBUG, and a search URL holds the name searched for: personal
# data that logs must not keep. Their warnings still show.
for _name in ("arxiv", "pyalex", "semanticscholar", "httpx", "urllib3"):
    if logging.getLogger(_name).level < logging.WARNING:
        logging.getLogger(_name).setLevel(logging.WARNING)

T = TypeVar("T")
RETRYABLE = {429, 500, 502, 503, 504}


class SourceError(RuntimeError):
    """A source could not answer; the message is for the user."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{LABELS.get(source, source)}: {message}")
        self.source = source


def unwrap(exc: BaseException) -> BaseException:
    """The error under tenacity's RetryError (semanticscholar wraps its errors in one)."""
    last = getattr(exc, "last_attempt", None)
    inner = last.exception() if last is not None and hasattr(last, "exception") else None
    return inner if isinstance(inner, BaseException) else exc


def _status(exc: BaseException) -> tuple[int | None, float | None]:
    """(HTTP status, Retry-After seconds) from whichever library raised."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) or getattr(exc, "status", None)
    if status is None and isinstance(exc, ConnectionRefusedError) and "429" in str(exc):
        status = 429  # semanticscholar's way of saying "Too Many Requests"
    retry_after = None
    headers = getattr(response, "headers", None) or {}
    raw = headers.get("Retry-After") if hasattr(headers, "get") else None
    if raw is not None:
        try:
            retry_after = float(raw)
        except ValueError:
            retry_after = None  # an HTTP date: fall back to our own backoff
    return (int(status) if isinstance(status, int) else None), retry_after


def _describe(exc: BaseException, status: int | None, url: str) -> str:
    name = type(exc).__name__
    if status == 429:
        return "rate-limited (429) and still refusing after the retries; try again later"
    if status in (401, 403):
        return f"refused the request ({status}): check the API key or token in the settings"
    if status == 404:
        return "has no such record (404)"
    if status is not None:
        return f"answered HTTP {status}"
    if "Timeout" in name or "timed out" in str(exc).lower():
        return f"did not answer within the timeout ({url})"
    if "Connect" in name or isinstance(exc, (ConnectionError, OSError)):
        return f"is unreachable at {url} ({name}); nothing was changed"
    if isinstance(exc, (KeyError, ValueError, TypeError)):
        return f"answered in a shape recruitbot does not understand ({name}: {exc})"
    return f"failed ({name}: {exc})"


def call(source: str, fn: Callable[[], T], settings: SourcesSettings, url: str = "",
         notes: list[str] | None = None, sleep: Callable[[float], None] = time.sleep) -> T:
    """``fn()``, retried on 429/5xx (honouring Retry-After up to ``max_wait_s``); SourceError otherwise."""
    attempt = 0
    while True:
        try:
            return fn()
        except SourceError:
            raise
        except Exception as raised:  # noqa: BLE001 — every client library has its own errors; all end here
            exc = unwrap(raised)
            status, retry_after = _status(exc)
            if status in RETRYABLE and attempt < settings.max_retries:
                wait = retry_after if retry_after is not None else min(2.0 ** attempt, settings.max_wait_s)
                if wait > settings.max_wait_s:
                    raise SourceError(source, f"asks to wait {wait:.0f} s (Retry-After), longer than "
                                              f"max_wait_s={settings.max_wait_s:g}; try again later") from raised
                attempt += 1
                logger.info("%s answered %s; retry %d in %.1f s", source, status, attempt, wait)
                if notes is not None:
                    notes.append(f"{LABELS.get(source, source)} answered {status}; waited {wait:g} s and retried.")
                sleep(wait)
                continue
            logger.info("%s failed: %s (status %s)", source, type(exc).__name__, status)
            raise SourceError(source, _describe(exc, status, url)) from raised
