"""Draft → Shorter → Translate → Approve → copy as e-mail, edited in place over the fake Bot API."""

from __future__ import annotations

import pickle


from bot.telegram.app import PERSISTENCE_FILE
from tests.fakes.telegram_api import RECRUITER_ID, FakeTelegramAPI, bot_settings, running_bot
from tests.fakes.telegram_html import button, buttons


def _edits_of(api: FakeTelegramAPI, message: dict) -> int:
    return sum(
        1
        for c in api.calls
        if c.method.startswith("editMessage") and c.params.get("message_id") == message["message_id"]
    )


async def _press(api: FakeTelegramAPI, message: dict, label: str) -> None:
    """Presses a button and waits until the bot has tried to edit the message."""
    edits = _edits_of(api, message)
    api.push_callback(RECRUITER_ID, message, button(message, label))
    await api.wait_for(lambda: _edits_of(api, message) > edits)


async def test_a_draft_is_shortened_translated_approved_and_copied_as_an_email(api, telegram_assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
        api.push_text(RECRUITER_ID, "/draft Yang Feng email en a research scientist role")
        [draft] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))
        labels = [label for label, _ in buttons(draft)]
        for expected in ("Shorter", "More formal", "Warmer", "Translate", "Regenerate", "Approve"):
            assert any(expected in label for label in labels), labels
        first_text = draft["text"]

        await _press(api, draft, "Shorter")
        assert len(draft["text"]) <= len(first_text), "the message is edited in place with a shorter draft"

        await _press(api, draft, "Translate")
        assert {"English", "Français", "Deutsch", "Español"} <= {label for label, _ in buttons(draft)}
        await _press(api, draft, "Français")
        assert "· fr ·" in draft["text"].splitlines()[0]
        assert any("Approve" in label for label, _ in buttons(draft)), "edit buttons come back after translating"

        await _press(api, draft, "Approve")
        assert "Approved" in draft["text"]
        approved_text = draft["text"]
        api.push_callback(RECRUITER_ID, draft, button(draft, "e-mail"))
        email = (await api.wait_for(lambda: api.sent_to(RECRUITER_ID)[1:]))[0]

    assert email["text"].startswith("Objet: ")  # the draft was translated to French: its subject label too
    body = email["text"].split("\n\n", 1)[1]
    assert body.splitlines()[0] in approved_text
    assert not any(c.method == "sendMessage" and "wrong" in c.params.get("text", "") for c in api.calls)
    with open(tmp_path / PERSISTENCE_FILE, "rb") as handle:
        chat = pickle.load(handle)["chat_data"][RECRUITER_ID]["conversation"]
    assert chat["draft"] is None and chat["approved"][-1]["language"] == "fr"


async def test_buttons_of_a_replaced_draft_no_longer_change_anything(api, telegram_assistant, tmp_path):
    async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
        api.push_text(RECRUITER_ID, "/draft Yang Feng")
        [old] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))
        api.push_text(RECRUITER_ID, "/cancel")
        await api.wait_for(lambda: len(api.sent_to(RECRUITER_ID)) == 2)
        assert not buttons(old), "/cancel removes the draft's buttons"
        api.push_callback(RECRUITER_ID, old, "draft:shorter")
        await api.wait_for(lambda: len(api.calls_to("answerCallbackQuery")) == 1)

    assert "no longer open" in api.calls_to("answerCallbackQuery")[0].params["text"]
    assert not api.calls_to("editMessageText")
