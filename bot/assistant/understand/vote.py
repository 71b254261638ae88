"""The operation a message asks for, voted by the labelled examples nearest to its frame (``intents.yaml``,
embedded with the knowledge base's own embedder), and the cues that the embedding reads weakly (a count, "most
recent", a draft, help), each adding to its operation's vote."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import numpy as np
import yaml

from bot.assistant.understand.frames import frame_of

logger = logging.getLogger(__name__)

EXAMPLES = Path(__file__).with_name("intents.yaml")
# How much a clear cue adds to an operation's similarity (cosines of near paraphrases sit around 0.6-0.9).
CUE_WEIGHT = 0.2
CUES = {
    "latest": re.compile(r"\b(?:latest|newest|most recent\w*|recent\w*|last(?:est)?|freshest|lately|dernier\w*|"
                         r"derni[èe]re\w*|r[ée]cent\w*|r[ée]cemment)\b", re.I),
    "oldest": re.compile(r"\b(?:first|earliest|oldest|premier\w*)\b(?!.*\b(?:author|name)\b)", re.I),
    "count": re.compile(r"\b(?:how many|number of|count|how prolific|how much has|tally|total|combien)\b"
                        r"(?!.*\b(?:co-?authors?|collaborators|people)\b)", re.I),
    # One venue asked ("which venue?") is a paper's; the person's are asked in the plural or as a habit.
    "venues": re.compile(r"\b(?:venues|conferences|journals|where (?:do|does|has|have|did)\b.*\bpublish\w*|"
                         r"usually (?:appear|publish)|distribution|breakdown|(?:venue|conference|journal)s?\b.*"
                         r"\b(?:most|usually|often|mainly|typically|regularly)|(?:most|usually|often|mainly|typically|"
                         r"regularly)\b.*\b(?:venue|conference|journal)s?|o[uù]\s+(?:\w+\s+)?publi\w*|"
                         r"quelles?\s+(?:conf[ée]rences|revues|venues))\b", re.I),
    # Papers counted year by year ("per year", "most active"); "their 2021 papers" names a year, it asks no tally.
    # ("their papers by year", "sorted by year" ask for a list in that order)
    "years": re.compile(r"\b(?:each|per|every|a) year\b|(?<!sorted )(?<!ordered )(?<!arranged )(?<!listed )"
                        r"(?<!papers )\bby year\b|\byear[- ](?:by|on|over)[- ]year\b|\btimeline\b|"
                        r"\bover the years\b|\bmost (?:active|productive|prolific)\b|\bbusiest\b|\bpeak\b|"
                        r"\b(?:which|what) years?\b.*\bmost\b|\bpar an(?:n[ée]e)?\b|\bchaque ann[ée]e\b", re.I),
    "top_coauthors": re.compile(r"\b(?:most|often|frequent\w*|regular\w*|go-to|closest|main|top|usual\w*)\b.*"
                                r"\b(?:co-?authors?|collaborat\w+|works? with|publish\w* with|partners?)\b|"
                                r"\b(?:co-?authors?|collaborat\w+)\b.*\bmost\b|\bwho(?:m)?\b.*\bmost\b.*\bwith\b|"
                                r"\bwho\b.*\bwith\b.*\bmost\b|\bwith whom\b.*\b(?:most|often|frequent\w*|regular\w*)\b|"
                                r"\bwho does .* (?:work|publish|write) with\b|\bwho (?:has|have) .* co-?authored\b|"
                                r"\b(?:how many|number of)\b.*\b(?:co-?authors?|collaborators|people)\b|"
                                r"\bPERSON(?:'s|’s)? (?:co-?authors?|collaborators)\b"
                                r"(?!\s+(?:on|in|of|for)\s+(?:it|that|this|them|those|the paper)\b)",
                                re.I),
    "draft": re.compile(r"\b(?:draft|compose|write|wirte|prepare|put together|craft|pen)\b.*\b(?:message|e-?mail|"
                        r"note|intro\w*|dm|letter|linkedin|whatsapp|telegram|something|outreach|invitation|pitch|"
                        r"to|for)\b|\b(?:message|e-?mail|note|intro|outreach|dm|inmail|letter)\b.*\b(?:to|for)\b|"
                        r"\b(?:r[ée]dige|[ée]cri[rsv]\w*)\b", re.I),
    "help": re.compile(r"^\W*/?help\b|\b(?:what can you do|capabilit\w*|commands?|how (?:can|do) (?:you|i)|"
                       r"where do i (?:start|begin)|features|do you do|help me|get(?:ting)? started|first time|"
                       r"how (?:does|do) (?:this|it) work|things (?:i can|to) ask|what are you|aide|"
                       r"(?:can|could|may|should|do) i ask(?: you)?\W*$|(?:kinds?|sorts?|types?) of (?:questions|"
                       r"things|requests)|what (?:do|can) you (?:know|understand|answer)|"
                       r"what (?:can )?(?:you|this|it) (?:can )?do|explain what you|"
                       r"what (?:are|is) (?:you|this|this (?:bot|assistant|tool|thing)) (?:good )?for)\b", re.I),
    # A dossier field asked for, never in a request to write ("an e-mail to X", "email X about …" are drafts).
    "dossier": re.compile(r"^(?!\W*(?:please\s+)?(?:e-?mail|mail|message|contact|ping)\b)"
                          r"(?!.*\b(?:draft|compose|write|wirte|prepare|send)\b).*\b(?:e-?mail(?: address)?|"
                          r"contact (?:details|info\w*)|affiliation|homepage|on file|phone)\b|\bwhere (?:is|are) PERSON (?:based|working)\b|"
                          r"\bwhere does PERSON work\W*$", re.I),
    "profile": re.compile(r"\b(?:topics|themes|(?:research )?areas|interests|expertise|speciali[sz]\w*|profile|"
                          r"background|overview|bio|(?:best |well )?known for|famous for)\b|"
                          r"\bPERSON\b.*\b(?:in|part of|on)\s+(?:the|your|our|this)\s+(?:database|data|knowledge(?: base)?|"
                          r"pool|list|system|records?)\W*$|\bdo (?:we|you) (?:have|know)(?: (?:about|of))? PERSON\W*$",
                          re.I),
    "fit": re.compile(r"\b(?:fits?|compare|rank|better suited|best suited|suit|suitable|good match|match for|"
                      r"who(?:'s| is) (?:the )?better)\b|"
                      # two people named: "between X and Y, who has more papers on T?"
                      r"(?=.*\bPERSON2\b).*\b(?:who|which (?:one )?of (?:them|the two|these))\b.*\b(?:more|most|better)\b",
                      re.I),
    "find": re.compile(r"\b(?:who|anyone|someone|somebody|experts?|specialists?|researchers|candidates|people|authors|names|"
                       r"qui (?:a|ont|travaille|connaît)|chercheu(?:r|rs|se|ses)|candidat(?:e|s|es)?|personnes)\b",
                       re.I),
    "together": re.compile(r"^\W*(?:have|has|had|did|do|does|are|is|were|was)\b|\bever\b|\bany (?:joint )?paper\b",
                           re.I),
    "with_coauthor": re.compile(r"\b(?:which|what|list|show|give|papers|find)\b", re.I),
}


class Examples:
    """The labelled examples and their vectors, embedded once per process (and cached on disk)."""

    def __init__(self, embedder, cache_dir: Path | None = None):
        data = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))
        self.labels = [op for op, lines in data.items() for _ in lines]
        texts = [frame_of(line) for lines in data.values() for line in lines]
        digest = hashlib.sha256(("\n".join(f"{a}\t{b}" for a, b in zip(self.labels, texts)) + getattr(
            embedder, "signature", "")).encode()).hexdigest()[:16]
        cached = cache_dir / f"intents-{digest}.npy" if cache_dir else None
        if cached is not None and cached.is_file():
            self.vectors = np.load(cached)
        else:
            self.vectors = np.asarray(embedder.embed_array(texts) if hasattr(embedder, "embed_array")
                                      else embedder.embed_documents(texts), dtype=np.float32)
            if cached is not None:
                try:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    np.save(cached, self.vectors)
                except OSError:
                    logger.warning("could not cache the intent examples' vectors in %s", cached.parent)
        self.ops = sorted(set(self.labels))
        self._index = {op: [i for i, label in enumerate(self.labels) if label == op] for op in self.ops}

    def scores(self, vector: np.ndarray) -> dict[str, float]:
        """Each operation's similarity: the mean of its two nearest examples."""
        sims = self.vectors @ vector
        out = {}
        for op, rows in self._index.items():
            best = np.sort(sims[rows])[-2:]
            out[op] = float(best.mean())
        return out

    def vote(self, vector: np.ndarray, frame: str) -> dict[str, float]:
        """Each operation's similarity to the message's frame, ``CUE_WEIGHT`` more where its cue is in it."""
        vote = self.scores(vector)
        for op, cue in CUES.items():
            if op in vote and cue.search(frame):
                vote[op] += CUE_WEIGHT
        return vote
