"""All the wiring: ``build_application`` puts the bot together, ``run`` serves it (polling or webhook)."""

from __future__ import annotations

import datetime as dtm
import logging
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, PicklePersistence, TypeHandler
from telegram.request import BaseRequest

from bot import health
from bot.assistant.protocol import AssistantProtocol
from bot.settings import Settings
from bot.telegram import add, admin, ask, candidates, documents, draft, fit, pipeline, sources, welcome
from bot.telegram.access import guard
from bot.telegram.concurrency import ChatOrderedProcessor
from bot.telegram.context import CONTEXT_TYPES, RecruitApplication
from bot.telegram.errors import report_error

logger = logging.getLogger(__name__)

PERSISTENCE_FILE = "telegram.pickle"
# Updates of different chats handled at once (each may hold a thread for the assistant).
WORKERS = 8
# Seconds between saves of chat state; shutdown always saves too.
PERSIST_EVERY_S = 30
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Telegram's published limits (30 messages a second overall, 20 a minute per group) are PTB's defaults; a 429
# that gets through anyway is waited out and retried this many times before the call fails.
RATE_LIMIT_RETRIES = 3


class TelegramConfigError(ValueError):
    """The Telegram settings cannot work (no token, webhook without secret ...)."""


def build_application(
    settings: Settings, assistant: AssistantProtocol, *, request: BaseRequest | None = None
) -> Application:
    """The bot, ready to start: handlers, access gate, persistence under settings.data_dir, command menu.

    ``request`` replaces PTB's HTTP client for both API calls and polling (tests use an in-process fake).
    """
    telegram = settings.telegram
    if telegram.token is None:
        raise TelegramConfigError("No bot token: set RECRUITBOT_TELEGRAM__TOKEN to the token from @BotFather.")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    builder = (
        ApplicationBuilder()
        .application_class(RecruitApplication, kwargs={"assistant": assistant, "settings": settings})
        .token(telegram.token.get_secret_value())
        .base_url(telegram.base_url)
        .base_file_url(telegram.base_file_url)
        .persistence(PicklePersistence(settings.data_dir / PERSISTENCE_FILE, update_interval=PERSIST_EVERY_S))
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(ChatOrderedProcessor(WORKERS))
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .post_init(welcome.register_commands)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.add_handler(TypeHandler(Update, guard), group=-1)
    # One group: the first handler that matches wins, so the unknown-command fallback goes last.
    # The pipeline goes first: its /forget (every store) replaces admin's (knowledge base only).
    pipeline.register(application)
    add.register(application)  # /add, /refresh, typed choice numbers (before ask's free text), refresh job
    for feature in (welcome, ask, sources, candidates, draft, admin, documents, fit):
        application.add_handlers(feature.handlers())
    application.add_handlers(welcome.fallback_handlers())
    application.add_error_handler(report_error)
    if application.job_queue is not None:
        application.job_queue.run_repeating(_heartbeat, interval=health.HEARTBEAT_S, first=0, name="heartbeat")
    logger.info("Telegram application built (%d workers, state in %s)", WORKERS, settings.data_dir)
    return application


async def _heartbeat(context) -> None:
    """What the image's HEALTHCHECK reads (``python -m bot.health``): the event loop still runs jobs."""
    health.beat(context.application.settings.data_dir)


def run(settings: Settings, assistant: AssistantProtocol) -> None:
    """Serves the bot until interrupted: long polling, or a webhook when settings.telegram.webhook_url is set."""
    telegram = settings.telegram
    if telegram.webhook_url and telegram.webhook_secret is None:
        raise TelegramConfigError(
            "Webhook mode needs RECRUITBOT_TELEGRAM__WEBHOOK_SECRET, so that forged updates are refused."
        )
    application = build_application(settings, assistant)
    if not telegram.webhook_url:
        logger.info("Serving by long polling (timeout %s s)", telegram.poll_timeout_s)
        timeout = dtm.timedelta(seconds=telegram.poll_timeout_s)
        application.run_polling(timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        return
    logger.info("Serving by webhook on %s:%s", telegram.webhook_listen, telegram.webhook_port)
    application.run_webhook(**webhook_options(settings))


def webhook_options(settings: Settings, listen: str | None = None) -> dict:
    """How the webhook listener is set up; Telegram's calls without the secret token are refused (403).

    The listener serves the public URL's path, so a reverse proxy can pass requests through unchanged; it
    binds settings.telegram.webhook_listen (127.0.0.1 unless set: the proxy in front is the public side).
    """
    telegram = settings.telegram
    return {"listen": listen or telegram.webhook_listen, "port": telegram.webhook_port, "url_path": urlsplit(telegram.webhook_url).path.lstrip("/"),
            "webhook_url": telegram.webhook_url, "secret_token": telegram.webhook_secret.get_secret_value(),
            "allowed_updates": ALLOWED_UPDATES}
