"""Fits the paper-relevance model of bot/assistant/affinity.py on labels made from the corpus itself.

Run: `python bench/calibration.py` (bundled knowledge, indexed once under bench/out/). It prints the fitted
constants to paste into affinity.py, and how the model holds on topics it was not fitted on.

The labels. Each topic below is a short phrase (what a recruiter would type) and a regular expression over a
paper's title + abstract (Python ``re``, IGNORECASE): a paper is on the topic when the expression matches.
The list was written from the subfields of the ACL Anthology; topics that name a subject of the dev questions
in ../shared/eval were left out, so that nothing here is tuned to them. A second set of topics is off the
corpus altogether (protein folding, galaxies ...): every paper is a negative there, which is what teaches the
model that a best match that is merely the best of a bad lot is no match. For each topic the examples are the
papers either retriever ranks in its top 200 plus 200 random papers, each with three features: cosine,
cosine / mean of the corpus's ten best cosines, BM25 / mean of the ten best BM25
(at most 1). (A fourth, BM25 over the sum of the text's IDFs, was tried and dropped: fitted on these short
topics it rejected long paraphrase questions about real papers.)

The fit: L2-regularised logistic regression (Newton steps, numpy). Held-out check: the topics are split in
two halves; a model fitted on one half is scored on the other (log-loss, accuracy, and per candidate: does the
candidate have any paper on the topic, true vs predicted by the best paper's probability >= 0.5), both ways.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_kb  # noqa: E402
from bot.assistant.affinity import RELEVANT, TopicScores  # noqa: E402

TOPICS = [
    ("named entity recognition", r"\bnamed entit|\bNER\b"),
    ("sentiment analysis", r"\bsentiment"),
    ("text summarization", r"\bsummari[sz]"),
    ("question answering", r"\bquestion answering"),
    ("syntactic parsing", r"\b(dependency|constituency|syntactic) pars"),
    ("speech translation", r"\bspeech(-to-text)? translation|\bspoken language translation"),
    ("low-resource languages", r"\blow-resource"),
    ("domain adaptation", r"\bdomain adaptation"),
    ("back-translation", r"\bback-?translat"),
    ("knowledge distillation", r"\bdistill"),
    ("word alignment", r"\bword alignment"),
    ("subword segmentation", r"\bsubword|\bbyte-pair|\bBPE\b"),
    ("terminology constraints in translation", r"\bterminolog|\blexical(ly)? constrain"),
    ("code-switching", r"\bcode-?(switch|mix)"),
    ("sign language", r"\bsign language"),
    ("speech recognition", r"\bspeech recognition|\bASR\b"),
    ("knowledge graphs", r"\bknowledge graph"),
    ("relation extraction", r"\brelation extraction"),
    ("cross-lingual transfer", r"\bcross-?lingual transfer"),
    ("multilingual pretrained language models", r"\bmultilingual (BERT|pre-?trained|language model)|\bmBERT\b|\bXLM"),
    ("data augmentation", r"\bdata augmentation"),
    ("curriculum learning", r"\bcurriculum"),
    ("adversarial attacks", r"\badversarial"),
    ("interpretability of neural models", r"\binterpretab|\bexplainab"),
    ("fact checking", r"\bfact-?check|\bfact verification"),
    ("commonsense reasoning", r"\bcommonsense"),
    ("morphology", r"\bmorpholog"),
    ("social media text", r"\btwitter|\btweets?\b|\bsocial media"),
    ("clinical and biomedical text", r"\bclinical|\bbiomedical"),
    ("reinforcement learning", r"\breinforcement learning"),
    ("retrieval-augmented generation", r"\bretrieval-augmented|\bretrieval augmented"),
    ("contrastive learning", r"\bcontrastive"),
    ("non-autoregressive translation", r"\bnon-?autoregressive"),
    ("word embeddings", r"\bword embedding"),
    ("text style transfer", r"\bstyle transfer"),
    ("paraphrase generation", r"\bparaphras"),
    ("coreference resolution", r"\bcoreference"),
    ("semantic role labeling", r"\bsemantic role"),
    ("image captioning", r"\bimage caption"),
    ("grammatical error correction", r"\bgrammatical error"),
    ("entity linking", r"\bentity linking"),
    ("reading comprehension", r"\breading comprehension"),
    ("slot filling and spoken language understanding", r"\bslot filling|\bspoken language understanding"),
    ("word sense disambiguation", r"\bword sense"),
    ("topic models", r"\btopic model"),
    ("automatic post-editing", r"\bpost-?edit"),
    ("zero-shot translation", r"\bzero-shot (neural )?(machine )?translation"),
    ("question generation", r"\bquestion generation"),
    ("large language model prompting", r"\bprompt"),
    ("poetry generation", r"\bpoe(m|try|tic)"),
    # Questions are often longer than a term, with alternatives: some topics are phrased so.
    ("sentiment analysis or opinion mining", r"\bsentiment|\bopinion mining"),
    ("recognising named entities, e.g. people and places, in text", r"\bnamed entit|\bNER\b"),
    ("summarization of news articles or meetings", r"\bsummari[sz]"),
    ("translation of speech, or spoken language translation", r"\bspeech(-to-text)? translation|\bspoken language translation"),
    ("knowledge distillation or model compression", r"\bdistill|\bcompress"),
    ("code-switching or code-mixing in multilingual text", r"\bcode-?(switch|mix)"),
    ("adversarial attacks on or robustness of NLP models", r"\badversarial"),
    ("fact checking or verification of claims", r"\bfact-?check|\bfact verification|\bclaim verification"),
    ("grammatical error correction for language learners", r"\bgrammatical error"),
    ("using prompts with large language models, i.e. prompting", r"\bprompt"),
]
OFF_CORPUS = [
    ("protein folding", r"\bprotein"), ("galaxy formation", r"\bgalax"), ("lithium battery chemistry", r"\bbatter(y|ies)"),
    ("crop yield prediction", r"\bcrop"), ("earthquake seismology", r"\bseismi|\bearthquake"),
    ("quantum error correction", r"\bquantum"), ("cardiac surgery outcomes", r"\bcardiac|\bsurgery"),
    ("robot locomotion", r"\blocomotion"), ("climate modelling", r"\bclimate"), ("superconductors", r"\bsuperconduct"),
    ("traffic signal control", r"\btraffic"), ("cell segmentation in microscopy", r"\bmicroscop"),
    ("bridge structural engineering", r"\bstructural engineering"), ("volcanic eruptions", r"\bvolcan"),
    ("dairy cattle breeding", r"\bcattle"), ("semiconductor lithography", r"\blithograph"),
]
POOL, RANDOM = 200, 200


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
            feats.append((s.dense, s.dense_ratio, s.lexical_ratio))
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
            x = np.array([(s.dense, s.dense_ratio, s.lexical_ratio) for s in rows]) if rows else np.zeros((0, 3))
            said = bool(len(x)) and float(predict(w, x).max()) >= RELEVANT
            tp, fp, fn, tn = tp + (truth and said), fp + (said and not truth), fn + (truth and not said), \
                tn + (not truth and not said)
    return {"precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1),
            "false_positive_rate": fp / max(fp + tn, 1), "pairs": tp + fp + fn + tn}


def main() -> None:
    kb = bench_kb()
    rng = random.Random(11)
    topics = TOPICS + OFF_CORPUS
    x, y, g = examples(kb, topics, rng)
    print(f"{len(topics)} topics ({len(OFF_CORPUS)} off the corpus), {len(y)} examples, {int(y.sum())} positive")
    halves = [np.array([i % 2 == h for i in range(len(topics))]) for h in (0, 1)]
    for h, train in enumerate(halves):
        w = logistic(x[train[g]], y[train[g]])
        test = ~train[g]
        p = np.clip(predict(w, x[test]), 1e-9, 1 - 1e-9)
        loss = -np.mean(y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p))
        acc = np.mean((p >= RELEVANT) == (y[test] > 0.5))
        held_out = [t for t, keep in zip(topics, ~train) if keep]
        check = person_check(kb, w, held_out)
        print(f"fit on half {h}, scored on the other: paper log-loss {loss:.3f}, accuracy {acc:.3f}; per candidate: "
              + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in check.items()))
    w = logistic(x, y)
    print(f"RELEVANCE_BIAS = {w[0]:.3f}\nRELEVANCE_WEIGHTS = ({', '.join(f'{v:.3f}' for v in w[1:])})")


if __name__ == "__main__":
    main()
