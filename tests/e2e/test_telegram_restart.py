"""The chat's context survives a restart of the bot (PicklePersistence under settings.data_dir)."""

from __future__ import annotations


from tests.fakes.telegram_api import ADMIN_ID, RECRUITER_ID, bot_settings, running_bot
from tests.fakes.telegram_html import links

NEWCOMER = 4242


async def test_after_a_restart_a_follow_up_still_knows_the_candidate(api, telegram_assistant, tmp_path):
    settings = bot_settings(api, tmp_path)
    async with running_bot(settings, telegram_assistant) as first:
        api.push_text(RECRUITER_ID, "Which papers has Yang Feng written on simultaneous translation?")
        await api.wait_for(lambda: api.sent_to(RECRUITER_ID))
        api.push_text(ADMIN_ID, f"/allow {NEWCOMER} recruiter")
        await api.wait_for(lambda: api.sent_to(ADMIN_ID))
        candidate_id = first.chat_data[RECRUITER_ID]["conversation"]["candidate_id"]
    assert candidate_id

    async with running_bot(settings, telegram_assistant) as second:
        assert second.chat_data[RECRUITER_ID]["conversation"]["candidate_id"] == candidate_id
        api.push_text(RECRUITER_ID, "And which of their papers are about dialogue?")
        follow_up = (await api.wait_for(lambda: api.sent_to(RECRUITER_ID)[1:]))[0]
        api.push_text(NEWCOMER, "/help")
        await api.wait_for(lambda: api.sent_to(NEWCOMER))

    assert len(api.sent_to(RECRUITER_ID)) == 2, "updates from before the restart are not answered again"
    their_papers = {p.url for p in telegram_assistant.papers_of(candidate_id)}
    assert links(follow_up), "the follow-up is answered with references"
    assert set(links(follow_up)) <= their_papers, "…about the candidate from before the restart"
    assert "/ask" in api.sent_to(NEWCOMER)[0]["text"], "a user allowed before the restart is still allowed"
