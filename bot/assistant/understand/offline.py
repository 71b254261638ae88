"""The offline parser: a message becomes a Request with no model involved.

Slots come first, read with what the knowledge base knows (a title from the title index, people through
the name resolver, venues, years, channels, languages); they are masked in the message ("PERSON's YEAR
papers"), and the operation is the label of the nearest labelled examples, with a few cues that the embedding
reads weakly (vote.py); the slots then settle what the vote cannot (a title without a person is a title lookup,
a revision needs a draft to revise).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from bot.assistant.understand import draft_slots, slots
from bot.assistant.understand.frames import topic_of
from bot.assistant.understand.operation import PART_WORDS, PEOPLE_ON_TOPIC, PERSON_OPS, operation
from bot.assistant.understand.request import Request
from bot.assistant.understand.titles import TitleIndex
from bot.assistant.understand.unnamed import unnamed_person
from bot.assistant.understand.vote import CUES, Examples
from bot.knowledge.retrieve import clean_query

_CITATIONS = re.compile(r"\b(?:most[- ]cited|cited|citations?|h-index|influential)\b", re.I)
_COURTESY = re.compile(r"\W*(?:(?:ok(?:ay)?|great|cool|perfect|nice|got it|sounds good|awesome|super|parfait|"
                       r"d'accord|merci(?: beaucoup)?|thanks?(?: you)?(?: (?:so|very) much)?|thx|ty|cheers)\W*)+|"
                       r"[\W\s]*(?:👍|🙏|👌|🙂|😊)[\W\s]*", re.I)


# Operations whose other words are framing: a topic there is said with "on", "about", "related to".
_FILTER_OPS = {"latest", "oldest", "count", "venues", "years", "top_coauthors", "with_coauthor", "together", "profile",
               "dossier", "draft"}
# Words that name a part of a paper ("its abstract", "the link", "its title again"), never what it is about.
_PAPER_PARTS = frozenset(PART_WORDS) | {"name", "again", "please", "its", "it"}


class OfflineParser:
    """Reads messages into Requests with the knowledge base's names, titles and embedder."""

    def __init__(self, kb):
        self.kb = kb
        self._lock = threading.Lock()
        self._examples: Examples | None = None
        self._titles: TitleIndex | None = None

    @property
    def examples(self) -> Examples:
        with self._lock:
            if self._examples is None:
                data_dir = getattr(getattr(self.kb, "settings", None), "data_dir", None)
                self._examples = Examples(self.kb.embedder, Path(data_dir) / "cache" if data_dir else None)
            return self._examples

    @property
    def titles(self) -> TitleIndex:
        with self._lock:
            if self._titles is None:
                self._titles = TitleIndex(self.kb.catalog.papers.values())
            return self._titles

    def _english(self, text: str) -> str:
        from bot.knowledge.retrieve import to_english

        return to_english(self.kb, text)

    def parse(self, text: str, has_draft: bool = False, remembered: bool = False, focused: bool = False) -> Request:
        """The request a message makes; ``has_draft``, ``remembered`` (a person) and ``focused`` (the last answer
        was about one paper) say what the conversation holds."""
        text = re.sub(r"\s+", " ", text).strip()
        command = re.match(r"^/(\w+)(?:@\w+)?\s*(.*)$", text)
        if command:
            name, text = command.group(1).lower(), command.group(2)
            if name in ("help", "start") or not text:
                return Request(op="help")
            if name in ("find", "draft", "fit", "add"):
                return self._read(f"{name} {text}" if name != "find" else f"who has worked on {text}",
                                  forced=name, has_draft=has_draft, remembered=remembered)
        if _COURTESY.fullmatch(text):
            return Request(op="help", courtesy=True)  # "thanks!", "ok": a short reply, not the whole help
        return self._read(text, None, has_draft, remembered, focused)

    def _read(self, text: str, forced: str | None, has_draft: bool, remembered: bool, focused: bool = False
              ) -> Request:
        spans: list[tuple[int, int, str]] = []

        def mask(start: int, end: int, label: str) -> None:
            spans.append((start, end, label))

        title_ids, title_span = self.titles.find(text)
        # A short unquoted title ("Neural Machine Translation") is more often a topic than a lookup.
        if title_span and len(title_span.value.split()) < 5 and not _quoted(text, title_span):
            title_ids, title_span = [], None
        by_name = False
        if not title_span:  # "when did Siqi Bao put out PLATO?": the name a title gives its system
            title_ids, title_span = self.titles.named(text)
            by_name = bool(title_span)
        missing = None if title_span else self.titles.unmatched(text)  # a quoted title nobody here wrote
        if missing:
            mask(missing.start, missing.end, "TITLE")
        plain = text
        if title_span:
            mask(title_span.start, title_span.end, "TITLE")
            plain = text[:title_span.start] + " " * (title_span.end - title_span.start) + text[title_span.end:]
        elif missing:
            plain = text[:missing.start] + " " * (missing.end - missing.start) + text[missing.end:]
        resolution = self.kb.resolve(plain)
        known = [m for m in resolution.mentions if m.ids and not m.ambiguous and m.ids[0] in self.kb.catalog.candidates]
        people = list(dict.fromkeys(m.ids[0] for m in known))
        for n, mention in enumerate(resolution.mentions):
            mask(mention.start, mention.end, "PERSON" if n == 0 else "PERSON2")
        low, high, year_spans = slots.years(plain)
        for span in year_spans:
            mask(span.start, span.end, "YEAR")
        venue, venue_spans = slots.venue(plain)
        track, track_spans = slots.track(plain)
        for span in venue_spans + track_spans:  # a track ("her short papers") filters as a venue does
            mask(span.start, span.end, "VENUE")
        if counted := slots.PEOPLE_COUNT.search(plain):  # "three people who …": a number, not the topic's word
            mask(counted.start(), counted.end(), "people")
        if by_name and people:  # a name of theirs ("Siqi Bao's PLATO"); of nobody named, it is a topic
            title_ids = [p for p in title_ids if people[0] in self.kb.catalog.papers[p].author_ids]
            if not title_ids:
                spans.remove((title_span.start, title_span.end, "TITLE"))
        elif by_name and PEOPLE_ON_TOPIC.search(plain):  # "any researchers on crop yield forecasting?" (CROP)
            title_ids = []
            spans.remove((title_span.start, title_span.end, "TITLE"))
        frame = _apply(text, spans)
        rest = _apply(text, spans, blank=True)
        request = Request(
            op="papers", people=people, topic=topic_of(rest, english=self._english), query=clean_query(rest),
            year_from=low, year_to=high,
            venue=venue, track=track,
            paper_id=title_ids[0] if title_ids else None, channel=draft_slots.channel(rest),
            language=draft_slots.language(rest), tone=draft_slots.tone(rest), limit=slots.limit(rest),
            order=slots.order(rest), aspect=slots.aspect(rest),
            single=slots.single(rest),
        )
        if counted and request.limit is None:
            request.limit = slots.limit(counted.group())
        if request.aspect == "when" and CUES["years"].search(rest):
            request.aspect = None  # "how many papers each year": a tally of their years, not one paper's date
        if request.topic and set(request.topic.lower().split()) <= _PAPER_PARTS:
            request.topic = request.query = ""  # "and the abstract?", "the link?": a part of a paper, no topic
        if resolution.unknown:
            request.unknown_name = resolution.unknown[0].name
            request.namesakes = resolution.unknown[0].namesakes
        if resolution.choices:  # one of the people named fits several: ask, whoever else is named beside them
            request.options = resolution.choices
            if people:  # "has Neubig written with Liu?": the Lius who wrote with him are offered first
                theirs = {a for paper in self.kb.catalog.papers_of(people[0]) for a in paper.author_ids}
                request.options = sorted(request.options, key=lambda option: option not in theirs)
            request.ambiguous_name = resolution.ambiguous_name
            if people:
                first = next(m for m in resolution.mentions if m.ambiguous)
                request.ambiguous_at = len({m.ids[0] for m in known if m.start < first.start})
        request.read_as = read_as(self.kb, known)
        if _CITATIONS.search(rest):
            request.unheld = "citation counts"
        request.title = missing.value if missing else ""
        request.op = operation(self.kb, self.examples, frame, request, forced, has_draft, remembered, focused)
        if request.op in PERSON_OPS - {"fact"} and not (request.people or request.unknown_name or request.options
                                                         or request.paper_id):
            request.unknown_name = unnamed_person(plain, self.kb.resolver.common)  # no part of it is anyone's
        if missing and request.op != "title":  # "who has worked on “…”?": the quoted words are the topic
            spans.remove((missing.start, missing.end, "TITLE"))
            request.title, rest = "", _apply(text, spans, blank=True)
            request.topic, request.query = topic_of(rest, english=self._english), clean_query(rest)
        if request.op in _FILTER_OPS or (request.op == "papers" and (low or high or venue) and request.named):
            request.topic = topic_of(rest, prepositional=True, english=self._english)
            request.query = request.topic
        if request.op in ("draft", "revise"):
            request.purpose = draft_slots.purpose(rest)
            request.revision = draft_slots.revision(rest) if request.op == "revise" else None
        if request.op == "add":
            from bot.assistant.adding import added_name

            request.topic = added_name(text)
        if request.op == "dossier":
            request.field = slots.dossier_field(rest)
        return request


def read_as(kb, mentions) -> list[str]:
    """What each near spelling was read as, to be said: "“Siqi Bhao” as Siqi Bao"."""
    return [f"“{m.name}” as {kb.catalog.candidates[m.ids[0]].name}" for m in mentions
            if m.near and len(m.ids) == 1 and m.ids[0] in kb.catalog.candidates]


def _quoted(text: str, span) -> bool:
    if text[span.start:span.start + 1] in "\"'“‘«*" and text[span.end - 1:span.end] in "\"'”’»*":
        return True  # the span is the quotation itself
    before, after = text[:span.start].rstrip()[-1:], text[span.end:].lstrip()[:1]
    return bool(before and after and before in "\"'“‘«*" and after in "\"'”’»*")


def _apply(text: str, spans: list[tuple[int, int, str]], blank: bool = False) -> str:
    """The text with each span replaced by its label (or by spaces)."""
    out, at = [], 0
    for start, end, label in sorted(spans):
        if start < at:
            continue
        out += [text[at:start], " " if blank else label]
        at = end
    out.append(text[at:])
    return re.sub(r"\s+", " ", "".join(out)).strip()
