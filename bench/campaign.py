"""Campaigns of N with the offline engine over the bundled knowledge: time to all drafts, fabricated titles.

    python bench/campaign.py [--size 10] [--topics "simultaneous translation" "dialogue systems" ...]

For each topic it runs the campaign planner (shortlist with assistant.find, one draft per candidate) and then
the same campaign through the real Telegram application and the fake Bot API on 127.0.0.1, timed from the
/campaign message to the last draft delivered. A fabricated title is a quoted title in a draft that is not
the title of one of that candidate's papers; the figure must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere; the fake server lives in tests/fakes

from bench.common import bench_kb  # noqa: E402
from bot.assistant.drafting import Company  # noqa: E402
from bot.assistant.service import Assistant  # noqa: E402
from bot.pipeline.campaign import fabricated_titles, plan_campaign, quoted_titles  # noqa: E402
from bot.pipeline.store import PipelineStore  # noqa: E402
from bot.settings import PipelineSettings, Settings, TelegramSettings  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI, running_bot  # noqa: E402

TOPICS = ["simultaneous translation", "dialogue systems", "cross-lingual word embeddings",
          "low-resource machine translation", "semantic parsing"]
USER = 1002


async def through_telegram(assistant: Assistant, topic: str, size: int, data_dir: Path) -> tuple[float, int]:
    """Seconds from /campaign to the last draft delivered, and how many draft messages came."""
    async with FakeTelegramAPI() as api:
        settings = Settings(_env_file=None, data_dir=data_dir, pipeline=PipelineSettings(),
                            telegram=TelegramSettings(token=api.token, base_url=api.base_url,
                                                      base_file_url=api.base_file_url, recruiters=[USER],
                                                      poll_timeout_s=1))
        async with running_bot(settings, assistant):
            started = time.perf_counter()
            api.push_text(USER, f'/campaign "{topic}" {size}')
            await api.wait_for(lambda: len(api.sent_to(USER)) >= size + 1, timeout=120)
            elapsed = time.perf_counter() - started
        drafts = [m for m in api.sent_to(USER) if "Approve" in str(m.get("reply_markup"))]
    return elapsed, len(drafts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--topics", nargs="+", default=TOPICS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    kb = bench_kb()
    assistant = Assistant(kb, Company.load(kb.settings.knowledge.company_dir))
    assistant.find("warm-up", k=1)  # the first search loads the embedder and BM25; not part of a campaign
    print(f"campaigns of {args.size}, offline engine, {len(kb.catalog.papers)} papers")
    print(f"{'topic':34} {'drafts':>6} {'planner s':>9} {'telegram s':>10} {'quotes':>6} {'fabricated':>10}")
    total_fabricated = total_drafts = 0
    for topic in args.topics:
        with tempfile.TemporaryDirectory() as tmp:
            store = PipelineStore(f"sqlite:///{tmp}/pipeline.sqlite3")
            campaign = plan_campaign(assistant, store, topic, args.size, cooldown_days=90, actor="bench")
            store.close()
            titles = fabricated = 0
            for item in campaign.items:
                titles += len(quoted_titles(item.draft.body))
                fabricated += len(fabricated_titles(item.draft, assistant.papers_of(item.candidate.id)))
            seconds, delivered = asyncio.run(through_telegram(assistant, topic, args.size, Path(tmp) / "bot"))
        assert delivered == len(campaign.items), (delivered, len(campaign.items))
        total_fabricated += fabricated
        total_drafts += len(campaign.items)
        print(f"{topic[:34]:34} {len(campaign.items):>6} {campaign.seconds:>9.2f} {seconds:>10.2f} {titles:>6} "
              f"{fabricated:>10}")
    print(f"fabricated titles across {total_drafts} drafts: {total_fabricated}")


if __name__ == "__main__":
    main()
