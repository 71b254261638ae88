"""Logs carry ids and timings, never what people wrote or what the bot answered."""

import logging

from tests.fakes.telegram_api import RECRUITER_ID, bot_settings, running_bot

QUESTION = "Which of Rico Sennrich's papers studies pronoun translation with contrastive test sets?"


async def test_no_message_body_reaches_the_logs(api, telegram_assistant, tmp_path, caplog):
    with caplog.at_level(logging.DEBUG):
        async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
            api.push_text(RECRUITER_ID, QUESTION)
            api.push_text(RECRUITER_ID, "/draft Zhou Yu linkedin persuasive dialogue agents")
            replies = await api.wait_for(lambda: len(api.sent_to(RECRUITER_ID)) >= 2 and api.sent_to(RECRUITER_ID))
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert ours, "the bot logs what it does"
    bodies = [QUESTION, "pronoun translation", "persuasive dialogue agents"]
    bodies += [line for reply in replies for line in reply["text"].splitlines() if len(line) > 30]
    for message in ours:
        assert not any(body in message for body in bodies), message
