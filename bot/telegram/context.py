"""The Application and CallbackContext that carry the assistant, the settings and the access rules.

They live on the Application object rather than in ``bot_data`` because PicklePersistence saves
``bot_data``, and an assistant holding an index and a model client must never be pickled.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.assistant.protocol import AssistantProtocol
from bot.settings import Settings
from bot.telegram.access import AccessControl


class RecruitApplication(Application):
    """PTB's Application plus what every handler needs."""

    def __init__(self, *, assistant: AssistantProtocol, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.assistant = assistant
        self.settings = settings
        self.access = AccessControl(settings.telegram)


class RecruitContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The callback context, with typed shortcuts to the assistant, settings and access rules."""

    @property
    def assistant(self) -> AssistantProtocol:
        return self.application.assistant  # type: ignore[attr-defined]

    @property
    def settings(self) -> Settings:
        return self.application.settings  # type: ignore[attr-defined]

    @property
    def access(self) -> AccessControl:
        return self.application.access  # type: ignore[attr-defined]

    @property
    def command_text(self) -> str:
        """What follows the command ("/find simultaneous translation" gives "simultaneous translation")."""
        return " ".join(self.args or []).strip()


CONTEXT_TYPES = ContextTypes(context=RecruitContext)
