"""Embedding cost per text by batch shape, in one process. Run: `python bench/embedder.py [--texts N]`.

Three kinds of text from the bundled corpus (titles, abstract sentences, whole title + abstract), each embedded
with fixed batch sizes and with the default token budget (``EmbedderSettings.batch_tokens``); ms per text and
the ratio to the default. Why the default batches by padded word pieces: a run's cost per text grows with the
batch once its tensors are large, while short texts gain from batching.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.embedder import MiniLMEmbedder  # noqa: E402
from bot.settings import EmbedderSettings  # noqa: E402
from bot.text import sentences  # noqa: E402

CORPUS = ROOT / "knowledge" / "papers" / "acl-anthology.jsonl"


def per_text_ms(embedder: MiniLMEmbedder, texts: list[str]) -> float:
    embedder.embed_array(texts[:4])
    started = time.perf_counter()
    embedder.embed_array(texts)
    return (time.perf_counter() - started) / len(texts) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=96)
    args = parser.parse_args()
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    rows = [r for r in rows if r.get("abstract")][: args.texts]
    kinds = {
        "titles": [r["title"] for r in rows],
        "sentences": [s for r in rows for s in sentences(r["abstract"])][: args.texts],
        "title + abstract": [f"{r['title']}. {r['abstract']}" for r in rows],
    }
    defaults = EmbedderSettings()
    shapes = [("budget (default)", dict(batch_size=defaults.batch_size, batch_tokens=defaults.batch_tokens))]
    shapes += [(f"{n} a run", dict(batch_size=n, batch_tokens=10**9)) for n in (1, 2, 4, 16)]
    print(f"{'texts':18} {'batching':18} {'pieces':>6} {'ms/text':>8} {'vs default':>10}")
    for kind, texts in kinds.items():
        base = None
        for name, shape in shapes:
            embedder = MiniLMEmbedder(max_tokens=defaults.max_tokens, **shape)
            ms = per_text_ms(embedder, texts)
            base = base or ms
            pieces = sum(embedder.count_tokens(texts)) / len(texts)
            print(f"{kind:18} {name:18} {pieces:6.0f} {ms:8.1f} {ms / base:10.2f}")


if __name__ == "__main__":
    main()
