"""A burst of questions from many users through the real PTB Application and the fake Bot API.

    python bench/telegram_burst.py [--assistant real|fake] [--updates 500] [--users 20]

All updates are queued at once; the bot long-polls them from the fake server on 127.0.0.1. Prints whether
every update was answered exactly once (one reply per question, in each chat's order), the throughput and
the update-to-reply times. The bot handles chats concurrently (bot.telegram.app.WORKERS) and each chat in
order, which is what makes the k-th reply of a chat the answer to its k-th question.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere; the fake server lives in tests/fakes

from bot.settings import Settings, TelegramSettings  # noqa: E402
from bot.telegram.access import THROTTLED  # noqa: E402
from bot.telegram.app import WORKERS  # noqa: E402
from bot.telegram.errors import SOMETHING_WENT_WRONG  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI, running_bot  # noqa: E402

TEMPLATES = [
    "Which venues has {name} published in?",
    "What has {name} worked on recently?",
    "Which papers of {name} are about dialogue?",
    "Has {name} written about low-resource translation?",
    "Who are {name}'s frequent co-authors?",
]
FIRST_USER = 50_000


def _assistant(kind: str):
    """The real assistant when asked for and importable, else the test double (said on stdout)."""
    if kind == "real":
        try:
            from bot.assistant.service import build_assistant
        except ImportError as exc:
            print(f"real assistant not importable ({exc}); using the test double")
        else:
            return build_assistant(Settings()), "real"
    from tests.fakes.assistant import build_test_assistant

    return build_test_assistant(), "fake"


def _questions(count: int, seed: int = 7) -> list[str]:
    authors = json.loads((ROOT / "knowledge" / "papers" / "authors.json").read_text(encoding="utf-8"))["authors"]
    rng = random.Random(seed)
    return [rng.choice(TEMPLATES).format(name=rng.choice(authors)["name"]) for _ in range(count)]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def burst(assistant, updates: int, users: int, timeout_s: float) -> dict:
    """Sends the burst and waits for the replies; returns the counts and timings."""
    user_ids = [FIRST_USER + n for n in range(users)]
    with tempfile.TemporaryDirectory() as data_dir:
        async with FakeTelegramAPI() as api:
            telegram = TelegramSettings(token=api.token, base_url=api.base_url, base_file_url=api.base_file_url,
                                        recruiters=user_ids, rate_limit_per_minute=1_000_000, poll_timeout_s=1)
            settings = Settings(telegram=telegram, data_dir=Path(data_dir), _env_file=None)
            pushed: dict[int, list[float]] = {uid: [] for uid in user_ids}
            async with running_bot(settings, assistant):
                started = time.monotonic()
                for n, question in enumerate(_questions(updates)):
                    uid = user_ids[n % users]
                    api.push_text(uid, question)
                    pushed[uid].append(time.monotonic())
                def all_answered() -> bool:
                    counts = Counter(m["chat"]["id"] for m in api.sent)
                    return all(counts[uid] >= len(pushed[uid]) for uid in user_ids)

                try:
                    await api.wait_for(all_answered, timeout_s)
                except TimeoutError:
                    pass
                await asyncio.sleep(0.5)  # let any duplicate show up before counting
            replies = {uid: [c for c in api.calls_to("sendMessage") if c.params.get("chat_id") == uid]
                       for uid in user_ids}
    latencies, lost, duplicated, errors = [], 0, 0, 0
    for uid in user_ids:
        got, sent = replies[uid], pushed[uid]
        lost += max(0, len(sent) - len(got))
        duplicated += max(0, len(got) - len(sent))
        errors += sum(1 for c in got if c.params.get("text") in (SOMETHING_WENT_WRONG, THROTTLED))
        latencies += [reply.at - push for push, reply in zip(sent, got)]
    last = max((c.at for calls in replies.values() for c in calls), default=started)
    answered = updates - lost
    return {"updates": updates, "answered": answered, "lost": lost, "duplicated": duplicated, "errors": errors,
            "wall_s": last - started, "latencies": latencies}


def main() -> None:
    """Parses the flags, runs the burst, prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assistant", choices=["real", "fake"], default="real")
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for all replies")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    assistant, kind = _assistant(args.assistant)
    result = asyncio.run(burst(assistant, args.updates, args.users, args.timeout))
    latencies = result["latencies"] or [float("nan")]
    exact = result["lost"] == 0 and result["duplicated"] == 0
    print(f"assistant: {kind} | updates: {args.updates} from {args.users} users | workers: {WORKERS}")
    print(f"answered exactly once: {'yes' if exact else 'NO'} — {result['answered']}/{result['updates']} answered, "
          f"lost {result['lost']}, duplicated {result['duplicated']}, error replies {result['errors']}")
    print(f"wall time: {result['wall_s']:.2f} s | throughput: {result['answered'] / result['wall_s']:.1f} updates/s")
    print(f"update-to-reply: p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {_percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    sys.exit(0 if exact and result["errors"] == 0 else 1)


if __name__ == "__main__":
    main()
