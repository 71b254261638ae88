"""Answers over 4,096 characters arrive whole, split on paragraph boundaries, references last."""

from __future__ import annotations


from bot.models import Answer
from tests.fakes.telegram_api import RECRUITER_ID, bot_settings, running_bot
from tests.fakes.telegram_html import LIMIT, links


class LongAnswers:
    """Any assistant, whose answers are padded to many paragraphs (the real engine writes short ones)."""

    def __init__(self, inner, paragraphs: int = 14) -> None:
        self.inner, self.paragraphs = inner, paragraphs

    def __getattr__(self, name):
        return getattr(self.inner, name)

    streams = False

    def ask(self, question, conversation=None) -> Answer:
        answer = self.inner.ask(question, conversation)
        first = answer.text.split("\n")[0]  # a paragraph of a few hundred characters, whatever the listing's length
        body = [f"Paragraph {n}: " + " ".join([first] * 3) + " <&> “quoted”" for n in range(self.paragraphs)]
        return answer.model_copy(update={"text": "\n\n".join(body)})


async def test_a_long_answer_is_split_on_paragraph_boundaries_and_nothing_is_lost(api, telegram_assistant, tmp_path):
    assistant = LongAnswers(telegram_assistant)
    question = "Which papers has Yang Feng written on simultaneous translation?"
    expected = assistant.ask(question).text
    assert len(expected) > LIMIT

    async with running_bot(bot_settings(api, tmp_path), assistant):
        api.push_text(RECRUITER_ID, question)
        api.push_text(RECRUITER_ID, "/help")  # handled after the answer: one chat's updates stay in order
        await api.wait_for(lambda: "/ask" in (api.sent_to(RECRUITER_ID) or [{"text": ""}])[-1]["text"])

    parts = [m["text"] for m in api.sent_to(RECRUITER_ID)[:-1]]
    assert len(parts) >= 2
    assert all(len(p.encode("utf-16-le")) // 2 <= LIMIT for p in parts)
    paragraphs = expected.split("\n\n")
    for part in parts:
        for paragraph in part.split("\n\n"):
            if not paragraph.startswith("Paragraph"):
                break  # the references block
            assert paragraph in paragraphs, "no paragraph is cut in two"
    shown = "\n\n".join(parts)
    assert shown.startswith(expected), "every paragraph arrives, in order, with '<&>' shown as typed"
    assert "[1]" in parts[-1] and links(api.sent_to(RECRUITER_ID)[-2])
