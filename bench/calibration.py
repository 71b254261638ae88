"""Fits the paper-relevance heads of bot/assistant/affinity.py on labels made from the corpus itself.

Run: `python bench/calibration.py` (bundled knowledge, indexed once under bench/out/). It prints the fitted
constants to paste into affinity.py, and how each head holds on what it was not fitted on.

The labels. Each topic of bench/calibration_topics.py is a phrase (what a recruiter would type: terse, or
glossed with an example or alternatives) and a regular expression over a paper's title + abstract: a paper is
on the topic when the expression matches. A second set of topics is off the corpus altogether (protein
folding, galaxies ...): every paper is a negative there, which is what teaches the model that a best match
that is merely the best of a bad lot is no match. For each topic the examples are the papers either retriever
ranks in its top 200 plus 200 random papers, each with the features of ``TopicScores.score_chunks``: cosine,
then cosine / mean of the corpus's 10 (and 50) best cosines and BM25 / mean of the 10 (and 50) best BM25, at
most 1. (BM25 over the sum of the text's IDFs was tried and dropped: fitted on short topics it rejected long
paraphrase questions about real papers.)

The fit: L2-regularised logistic regression (Newton steps, numpy); the topic head on every topic and feature,
the question head on the terse topics and the ten-best features. Held-out checks: the topics are split in two
halves by regular expression; heads fitted on one half are scored on the other (log-loss, accuracy; per
candidate: does the candidate have any paper on the topic, true vs the question head's best paper >= 0.5;
``find``'s recall@10 of the regex experts by the rule of ../shared/eval/README.md, and "nobody" for topics off
the corpus), both ways. The heads fitted on all topics are then checked on paraphrase questions made from
abstracts: does the author's paper pass, and does a random other candidate get "nothing found"?
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.calibration_topics import GLOSSED, GLOSSED_OFF, OFF_CORPUS, TOPICS  # noqa: E402,F401
from bench.common import bench_kb  # noqa: E402
from bot.assistant import affinity  # noqa: E402
from bot.assistant.affinity import RELEVANT, TopicScores  # noqa: E402

POOL, RANDOM = 200, 200
# Questions about one paper ("the study that found that ...") are the model's other use: whether a candidate
# has the paper asked about. They are made from the corpus too: a sentence of a paper's abstract (not its
# first) without the words of its title, as a recruiter paraphrases a contribution. They only check the model:
# fitted on them as well (one positive each), it grew so strict that topics lost half their experts.
PARAPHRASES = 160


def paraphrases(kb, rng, n: int = PARAPHRASES) -> list[tuple[str, str]]:
    """(question, paper id) pairs made from sampled papers' abstracts."""
    out = []
    for paper_id in rng.sample(sorted(kb.catalog.papers), len(kb.catalog.papers)):
        paper = kb.catalog.papers[paper_id]
        sentences = [x for x in re.split(r"(?<=[.!?])\s+", paper.abstract) if len(x.split()) >= 12]
        if len(sentences) < 3:
            continue
        title = {w.lower() for w in re.findall(r"[A-Za-z][\w-]{3,}", paper.title)}
        words = [w for w in rng.choice(sentences[1:]).split() if w.strip(".,;:()").lower() not in title]
        out.append((" ".join(words), paper_id))
        if len(out) == n:
            break
    return out


def examples(kb, topics, rng):
    """(features, labels, topic index) over the pools of these topics."""
    papers = kb.catalog.papers
    every = list(papers)
    chunks_of: dict[str, list[str]] = {}
    for chunk in kb.catalog.data.chunks.values():
        chunks_of.setdefault(chunk.paper_id, []).append(chunk.id)
    feats, labels, groups = [], [], []
    for index, (phrase, pattern) in enumerate(topics):
        regex = re.compile(pattern, re.I)
        scores = TopicScores(kb, phrase)
        pooled = {p.paper_id: p for p in scores.pool(POOL)}
        extra = [c for pid in rng.sample(every, RANDOM) if pid not in pooled for c in chunks_of.get(pid, [])]
        if extra:
            pooled.update({p.paper_id: p for p in scores.score_chunks(extra, kb.store.vectors(extra))})
        for paper_id, s in pooled.items():
            feats.append(s.features)
            labels.append(bool(regex.search(papers[paper_id].text())))
            groups.append(index)
    return np.array(feats), np.array(labels, dtype=float), np.array(groups)


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 50) -> np.ndarray:
    """Weights (bias first) of an L2-regularised logistic regression, by Newton's method."""
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ w))
        grad = design.T @ (p - y) + l2 * np.r_[0, w[1:]]
        hess = (design * (p * (1 - p))[:, None]).T @ design + l2 * np.diag(np.r_[0, np.ones(len(w) - 1)])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(w[0] + x @ w[1:])))


def person_check(kb, w, topics, min_papers: int = 3) -> dict[str, float]:
    """Per candidate (every third with 3+ papers, for time) and topic: has a paper on it (regex) vs. the model says so (best paper >= RELEVANT)."""
    people = [c for c in kb.catalog.candidates.values() if len(c.paper_ids) >= min_papers and not c.ambiguous][::3]
    tp = fp = fn = tn = 0
    for phrase, pattern in topics:
        regex = re.compile(pattern, re.I)
        scores = TopicScores(kb, phrase)
        for person in people:
            truth = any(regex.search(kb.catalog.papers[p].text()) for p in person.paper_ids if p in kb.catalog.papers)
            rows = scores.person(person.id)
            x = np.array([s.features[:len(w) - 1] for s in rows]) if rows else np.zeros((0, len(w) - 1))
            said = bool(len(x)) and float(predict(w, x).max()) >= RELEVANT
            tp, fp, fn, tn = tp + (truth and said), fp + (said and not truth), fn + (truth and not said), \
                tn + (not truth and not said)
    return {"precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1),
            "false_positive_rate": fp / max(fp + tn, 1), "pairs": tp + fp + fn + tn}


def expert_gold(kb, pattern: str) -> list[str] | None:
    """The rule of ../shared/eval/README.md for expert questions, over these topics: the authors with at least
    MIN_COUNT papers matching, MIN_COUNT the smallest value >= 2 that leaves at most 10; None under 4 authors."""
    regex = re.compile(pattern, re.I)
    counts: dict[str, int] = {}
    for paper in kb.catalog.papers.values():
        if regex.search(paper.text()):
            for person in dict.fromkeys(paper.author_ids):
                candidate = kb.catalog.candidates.get(person)
                if candidate is not None and not candidate.ambiguous:
                    counts[person] = counts.get(person, 0) + 1
    for floor in range(2, 1000):
        kept = [p for p, n in counts.items() if n >= floor]
        if len(kept) <= 10:
            return kept if len(kept) >= 4 else None
    return None


def expert_check(kb, topics) -> dict[str, float]:
    """find on held-out topics, as the assistant runs it (the question understood, then its topic searched): recall@10
    of the regex gold, and how often nobody is found off the corpus. A question not understood as a search for people
    finds nobody."""
    from bot.assistant.finder import find_candidates
    from bot.assistant.understand.offline import OfflineParser

    parser = OfflineParser(kb)
    recalls, nobody, off = [], 0, 0
    for phrase, pattern in topics:
        request = parser.parse(f"Which candidates have worked on {phrase}?")
        hits = find_candidates(kb, request.topic, 10, terms=request.terms) if request.op == "find" else []
        found = [h.candidate.id for h in hits]
        if (phrase, pattern) in OFF_CORPUS + GLOSSED_OFF:
            off += 1
            nobody += not found
            continue
        gold = expert_gold(kb, pattern)
        if gold:
            recalls.append(len(set(gold) & set(found)) / len(gold))
    return {"expert_recall@10": float(np.mean(recalls)) if recalls else 0.0, "expert_topics": len(recalls),
            "nobody_off_corpus": nobody / max(off, 1)}


def paraphrase_check(kb, w, pairs, rng) -> dict[str, float]:
    """Held-out paraphrase questions: is the paper's author told it has it (found), and is another candidate,
    drawn at random among those with 3+ papers, told they have none (none)?"""
    people = [c for c in kb.catalog.candidates.values() if len(c.paper_ids) >= 3 and not c.ambiguous]
    found = none = 0
    for question, paper_id in pairs:
        scores = TopicScores(kb, question)
        author = next(iter(kb.catalog.papers[paper_id].author_ids))
        rows = [s for s in scores.person(author) if s.paper_id == paper_id]
        found += bool(rows) and float(predict(w, np.array([rows[0].features[:len(w) - 1]]))[0]) >= RELEVANT
        other = rng.choice([c for c in people if paper_id not in c.paper_ids])
        rows = scores.person(other.id)
        x = np.array([s.features[:len(w) - 1] for s in rows]) if rows else np.zeros((0, len(w) - 1))
        none += not (len(x) and float(predict(w, x).max()) >= RELEVANT)
    return {"paraphrase_found": found / max(len(pairs), 1), "paraphrase_none": none / max(len(pairs), 1)}


QUESTION_FEATURES = 3  # cosine and the ten-best ratios


def heads(x, y, terse):
    """The topic head (all features, every topic) and the question head (its features, terse topics only)."""
    return logistic(x, y), logistic(x[terse][:, :QUESTION_FEATURES], y[terse])


def main() -> None:
    kb = bench_kb()
    rng = random.Random(11)
    # Terse topics first: their examples are drawn from the generator as they were before the glossed ones came.
    topics = TOPICS + OFF_CORPUS + GLOSSED + GLOSSED_OFF
    terse_topics = np.array([i < len(TOPICS) + len(OFF_CORPUS) for i in range(len(topics))])
    x, y, g = examples(kb, topics, rng)
    print(f"{len(topics)} topics ({len(GLOSSED)} + {len(GLOSSED_OFF)} of them glossed, {len(OFF_CORPUS)} + "
          f"{len(GLOSSED_OFF)} off the corpus), {len(y)} examples, {int(y.sum())} positive")
    # Halves by regular expression, not by phrase: a topic's other phrasings must not be in the half it is scored on.
    patterns = list(dict.fromkeys(pattern for _, pattern in topics))
    halves = [np.array([patterns.index(pattern) % 2 == h for _, pattern in topics]) for h in (0, 1)]
    for h, train in enumerate(halves):
        topic_w, question_w = heads(x[train[g]], y[train[g]], terse_topics[g][train[g]])
        test = ~train[g]
        p = np.clip(predict(topic_w, x[test]), 1e-9, 1 - 1e-9)
        loss = -np.mean(y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p))
        acc = np.mean((p >= RELEVANT) == (y[test] > 0.5))
        held_out = [t for t, keep in zip(topics, ~train) if keep]
        check = person_check(kb, question_w, held_out)
        fitted = affinity.TOPIC_BIAS, affinity.TOPIC_WEIGHTS
        affinity.TOPIC_BIAS, affinity.TOPIC_WEIGHTS = float(topic_w[0]), tuple(float(v) for v in topic_w[1:])
        check |= expert_check(kb, held_out)
        affinity.TOPIC_BIAS, affinity.TOPIC_WEIGHTS = fitted
        print(f"fit on half {h}, scored on the other: topic head: paper log-loss {loss:.3f}, accuracy {acc:.3f}; "
              "question head, per candidate: "
              + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in check.items()))
    topic_w, question_w = heads(x, y, terse_topics[g])
    glossed_w = logistic(x[:, :QUESTION_FEATURES], y)
    pairs = paraphrases(kb, rng)
    for name, w in (("question head", question_w), ("its refit on glossed topics too", glossed_w),
                    ("topic head", topic_w)):
        check = paraphrase_check(kb, w, pairs, random.Random(5))
        print(f"{name} on {len(pairs)} paraphrase questions: " + ", ".join(f"{k} {v:.3f}" for k, v in check.items()))
    for name, w in (("TOPIC", topic_w), ("QUESTION", question_w)):
        print(f"{name}_BIAS = {w[0]:.3f}\n{name}_WEIGHTS = ({', '.join(f'{v:.3f}' for v in w[1:])})")


if __name__ == "__main__":
    main()
