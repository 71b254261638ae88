"""A streaming assistant's text shows as it comes (throttled edits); the verified Answer replaces it."""

from __future__ import annotations

import pytest

from bot.telegram.ask import STREAM_EDIT_INTERVAL_S
from tests.fakes.assistant import FakeAssistant
from tests.fakes.telegram_api import RECRUITER_ID, bot_settings, running_bot
from tests.fakes.telegram_html import links


@pytest.fixture
def streaming_assistant():
    # Always the double: this is about how the front end shows a stream, whatever engine is behind it.
    return FakeAssistant(streams=True, stream_chunk_delay_s=0.1)


async def test_streamed_text_is_edited_at_most_once_a_second_and_ends_with_the_verified_answer(
    api, streaming_assistant, tmp_path
):
    question = "Which papers has Yang Feng written on simultaneous translation?"
    final = streaming_assistant.ask(question)
    async with running_bot(bot_settings(api, tmp_path), streaming_assistant):
        api.push_text(RECRUITER_ID, question)
        api.push_text(RECRUITER_ID, "/help")
        await api.wait_for(lambda: len(api.sent_to(RECRUITER_ID)) == 2, timeout=20)

    streamed, _help = api.sent_to(RECRUITER_ID)
    edits = [c for c in api.calls_to("editMessageText") if c.params["message_id"] == streamed["message_id"]]
    assert len(edits) >= 2, "the text was shown while it came"
    previews = [api.calls_to("sendMessage")[0], *edits[:-1]]
    gaps = [b.at - a.at for a, b in zip(previews, previews[1:])]
    assert all(gap >= STREAM_EDIT_INTERVAL_S * 0.95 for gap in gaps), gaps
    assert streamed["text"].startswith(final.text), "the verified answer replaced the streamed text"
    assert "[1]" in streamed["text"] and links(streamed)
    assert not streamed["text"].endswith("…")
