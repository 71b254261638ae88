"""Fixtures of the end-to-end tests: the fake Bot API server and the assistant behind the bot."""

import pytest

from tests.fakes.assistant import telegram_assistant_for
from tests.fakes.telegram_api import FakeTelegramAPI


@pytest.fixture
def telegram_assistant(request):
    """The real offline assistant (or the double when TELEGRAM_E2E_ASSISTANT=double)."""
    return telegram_assistant_for(request)


@pytest.fixture
async def api():
    """A fake Telegram Bot API server on 127.0.0.1 for one test."""
    async with FakeTelegramAPI() as server:
        yield server
