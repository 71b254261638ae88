"""The Telegram front end (python-telegram-bot): ``build_application`` wires it, ``run`` serves it."""

from bot.telegram.app import TelegramConfigError, build_application, run

__all__ = ["TelegramConfigError", "build_application", "run"]
