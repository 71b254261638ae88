"""/fit over the real PTB Application and a fake Bot API on 127.0.0.1."""

from tests.fakes.telegram_api import RECRUITER_ID, bot_settings, running_bot
from tests.fakes.telegram_html import links


async def test_fit_ranks_the_named_candidates_for_a_role_with_their_papers(api, assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), assistant):
        api.push_text(RECRUITER_ID, "/fit Jason Weston, Ivan Titov: semantic role labeling with graph networks")
        [reply] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))

    text = reply["text"]
    assert text.index("Ivan Titov") < text.index("Jason Weston")
    assert "papers on the topic" in text or "paper on the topic" in text
    titov = {p.url for p in assistant.papers_of("ivan-titov")}
    assert links(reply) and set(links(reply)[:1]) <= titov


async def test_fit_without_a_known_name_says_so(api, assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), assistant):
        api.push_text(RECRUITER_ID, "/fit Nobody Withthisname: dialogue systems")
        [reply] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))
    assert "don't know a candidate" in reply["text"]
