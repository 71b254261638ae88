"""The Telegram front end (python-telegram-bot): ``build_application`` wires it, ``run`` serves it."""

import os

# Durations from python-telegram-bot as ``timedelta`` now, as its next major version will give them
# (bot.telegram.delivery reads both forms); without this, every RetryAfter warns of the change.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.telegram.app import TelegramConfigError, build_application, run

__all__ = ["TelegramConfigError", "build_application", "run"]
