"""Outbound limits: a /campaign of 20 against a Bot API that answers 429 twice in a row, again and again, delivers
every message exactly once (PTB's AIORateLimiter paces the sends and retries the refused ones; a single retry,
as before, lost the message refused twice)."""

from __future__ import annotations

import re

from tests.e2e.test_pipeline_telegram import settings_for
from tests.fakes.telegram_api import RECRUITER_ID, FakeTelegramAPI, running_bot

ITEM = re.compile(r"(\d+)/20 ")


class FloodedAPI(FakeTelegramAPI):
    """Refuses the 4th and 5th of every five sendMessage calls with 429 Too Many Requests (retry after 1 s)."""

    refused = 0

    async def handle(self, method: str, params: dict, files: dict):
        if method == "sendMessage" and len(self.calls_to("sendMessage")) % 5 in (3, 4):
            self.fail_next("sendMessage", 429, retry_after=1)
            self.refused += 1
        return await super().handle(method, params, files)


async def test_a_campaign_of_20_against_429s_delivers_every_message_once(assistant, tmp_path):
    async with FloodedAPI() as api:
        async with running_bot(settings_for(api, tmp_path, campaign_max=20), assistant):
            api.push_text(RECRUITER_ID, '/campaign "machine translation" 20')

            def items():
                found = [m for m in api.sent_to(RECRUITER_ID) if ITEM.match(m["text"])]
                return found if len(found) >= 20 else None

            await api.wait_for(items, timeout=240)
        sent = api.sent_to(RECRUITER_ID)
    numbers = sorted(int(ITEM.match(m["text"]).group(1)) for m in sent if ITEM.match(m["text"]))
    assert numbers == list(range(1, 21)), "each of the 20 drafts arrived exactly once"
    assert len([m for m in sent if m["text"].startswith("Campaign")]) == 1
    assert api.refused >= 8 and len(api.calls_to("sendMessage")) == len(sent) + api.refused
