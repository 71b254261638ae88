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

from bot.assistant.understand import slots
from bot.assistant.understand.frames import frame_of, topic_of
from bot.assistant.understand.request import Request
from bot.assistant.understand.titles import TitleIndex
from bot.assistant.understand.unnamed import unnamed_person
from bot.assistant.understand.vote import CUES, Examples
from bot.knowledge.retrieve import clean_query

_OTHERS_THAN = re.compile(r"\bwho else\b.*\b(?:besides|other than|apart from|except|but)\s+PERSON\b|"
                          r"\b(?:besides|other than|apart from|except|aside from)\s+PERSON\b.*\bwho\b|"
                          r"\b(?:anyone|someone|people|researchers|candidates)\b.*\b(?:besides|other than|apart from|"
                          r"except|aside from|like)\s+PERSON\b", re.I)
# "who did X work with on Y?", "has anyone worked with X on Y?": the people they wrote with (on Y).
# "Who has worked with both X and Y?", "co-authors X and Y have in common", "anyone who wrote with X and with Y".
_WITH_BOTH = re.compile(r"\b(?:who|whom|anyone|someone|anybody|somebody|which (?:people|researchers|co-?authors))\b.*"
                        r"\b(?:with|alongside)\s+(?:both\s+PERSON\b.*\bPERSON2|PERSON\b.*\b(?:and|&)\s+(?:with\s+)?PERSON2\b.*"
                        r"\bboth\b|PERSON\s+and\s+with\s+PERSON2)\b|\b(?:co-?authors?|collaborators)\b.*\b(?:in common|shared|"
                        r"share|both)\b|\b(?:common|shared|mutual)\s+(?:co-?authors?|collaborators)\b|"
                        r"\b(?:who|whom)\b.*\bPERSON\b.*\bPERSON2\s+both\s+(?:\w+\s+){0,2}with\b", re.I)
_WORKED_WITH = re.compile(r"\b(?:who|whom|anyone|someone|anybody|somebody)\b.*\b(?:work(?:ed|s)?|wr[io]te|written|"
                          r"collaborated|published|teamed up|co-?authored)\s+with\s+PERSON\b(?!['’]s)|\bwho\b.*\bPERSON\b.*\b"
                          r"(?:work(?:ed|s)?|wr[io]te|written|collaborated?|publish(?:ed)?|teamed up)\s+with\b|"
                          r"\bavec qui\b", re.I)
_CITATIONS = re.compile(r"\b(?:most[- ]cited|cited|citations?|h-index|influential)\b", re.I)
# A question about the knowledge itself, not about anyone in it: the help reply says what it holds.
_ABOUT_THE_KNOWLEDGE = re.compile(
    r"\bhow many (?:candidates|researchers|people|authors|papers) (?:do you (?:know|have|hold)|are (?:there|in "
    r"(?:the|your) (?:pool|data|knowledge base)))\W*$|\bwhat (?:do you know|can you tell me) about (?:the |our |your )?"
    r"(?:candidates|researchers|pool|people)\W*$", re.I)
_COURTESY = re.compile(r"\W*(?:(?:ok(?:ay)?|great|cool|perfect|nice|got it|sounds good|awesome|super|parfait|"
                       r"d'accord|merci(?: beaucoup)?|thanks?(?: you)?(?: (?:so|very) much)?|thx|ty|cheers)\W*)+|"
                       r"[\W\s]*(?:👍|🙏|👌|🙂|😊)[\W\s]*", re.I)


# Operations whose other words are framing: a topic there is said with "on", "about", "related to".
_FILTER_OPS = {"latest", "oldest", "count", "venues", "years", "top_coauthors", "with_coauthor", "together", "profile",
               "dossier", "draft"}
_WORK_ON = re.compile(r"\b(?:work(?:ed|s)?|papers?|research|publications?|published|written|wr[io]te|done|"
                      r"publish)\s+(?:on|about|in|related to|regarding|concerning)\b", re.I)
_ADD = re.compile(r"\b(?:add|import|track|follow)\b", re.I)
_PAPER_PRONOUN = re.compile(r"\b(?:that|it|its|this|the paper|that one|this one|the same paper)\b", re.I)
# "who else works on this?" asks for people on the topic; "who else is on that paper?" for its authors.
_PEOPLE_ON_TOPIC = re.compile(r"\b(?:work\w*|experts?|specialists?|candidates?|researchers?|people|anyone|someone|somebody)\b",
                              re.I)
_ASKS_WHO = re.compile(r"\W*(?:who|whom|which (?:researchers|people|candidates|authors|persons))\b", re.I)
_PERSON_OPS = {"papers", "latest", "oldest", "count", "venues", "years", "top_coauthors", "profile", "dossier", "fit",
               "draft", "fact"}


# Words that name a part of a paper ("its abstract", "the link", "its title again"), never what it is about.
_PART_WORDS = ("title", "abstract", "summary", "link", "url", "doi", "pdf")
_PAPER_PARTS = frozenset(_PART_WORDS) | {"name", "again", "please", "its", "it"}
_PART_ASKED = re.compile(r"\b(?:" + "|".join(_PART_WORDS) + r")\b", re.I)


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
        elif by_name and _PEOPLE_ON_TOPIC.search(plain):  # "any researchers on crop yield forecasting?" (CROP)
            title_ids = []
            spans.remove((title_span.start, title_span.end, "TITLE"))
        frame = _apply(text, spans)
        rest = _apply(text, spans, blank=True)
        request = Request(
            op="papers", people=people, topic=topic_of(rest, english=self._english), query=clean_query(rest),
            year_from=low, year_to=high,
            venue=venue, track=track,
            paper_id=title_ids[0] if title_ids else None, channel=slots.channel(rest), language=slots.language(rest),
            tone=slots.tone(rest), limit=slots.limit(rest), order=slots.order(rest), aspect=slots.aspect(rest),
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
        request.op = self._operation(frame, request, forced, has_draft, remembered, focused)
        if request.op in _PERSON_OPS - {"fact"} and not (request.people or request.unknown_name or request.options
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
            request.purpose = slots.purpose(rest)
            request.revision = slots.revision(rest) if request.op == "revise" else None
        if request.op == "add":
            from bot.assistant.adding import added_name

            request.topic = added_name(text)
        if request.op == "dossier":
            request.field = slots.dossier_field(rest)
        return request

    def _operation(self, frame: str, request: Request, forced: str | None, has_draft: bool, remembered: bool,
                   focused: bool = False) -> str:
        if forced:
            return "find" if forced == "find" else forced
        framed = frame_of(frame)
        # One ONNX run for what the answer will search with next: a person's papers by the query, or, with
        # nobody named, the corpus by find's words.
        from bot.assistant.topics import spelled_out

        texts = list(dict.fromkeys([framed, request.query, spelled_out(self.kb, request.query)]))
        if request.topic and not (request.people or request.unknown_name or request.options):
            from bot.assistant.finder import search_text

            texts.append(search_text(self.kb, request.topic))
        self.kb.searcher.embed_queries(texts)
        vote = self.examples.vote(self.kb.searcher.embed_query(framed), frame)
        named = len(request.people) + bool(request.unknown_name) + bool(request.options)
        if not named and _ABOUT_THE_KNOWLEDGE.search(frame):
            return "help"
        allowed = set(vote)
        if request.paper_id and not named:
            return "title"
        if named == 1 and request.people and request.topic and _OTHERS_THAN.search(frame):
            return "find"  # "who else works on retrieval besides X?": people on the topic, X left out
        if named == 1 and request.people and _WORKED_WITH.search(frame):
            return "top_coauthors"
        if named == 2 and len(request.people) == 2 and _WITH_BOTH.search(frame):
            return "top_coauthors"  # "who has worked with both X and Y?": the co-authors they share
        if named >= 2:
            allowed &= {"with_coauthor", "together", "draft", "fit"}
        elif named == 1:
            allowed &= _PERSON_OPS | {"title", "add"}
        else:
            allowed -= {"with_coauthor", "together", "top_coauthors", "venues", "profile", "dossier"} if not \
                remembered else {"with_coauthor", "together"}
        if not CUES["help"].search(frame) and (request.topic or named):
            allowed.discard("help")  # "any researchers doing chess engines?" asks for people, not for help
        asks_part = focused and not has_draft and _PART_ASKED.search(frame)  # "its title again?": of the paper shown
        if named == 0 and not asks_part and slots.revision(frame) and len(frame.split()) <= 14 and (has_draft or not request.topic
                                                                                   or CUES["draft"].search(frame)
                                                                                   or re.search(r"\b(?:it|this|that)\b", frame)):
            return "revise"  # "make it shorter": with no draft yet, the router says so
        if not has_draft:
            allowed.discard("revise")
        if not (request.paper_id or request.title):
            allowed.discard("title")
        if request.venue:
            allowed.discard("venues")  # a venue named is a filter, not a question of where
        if not _ADD.search(frame):
            allowed.discard("add")
        elif re.match(r"^\W*(?:(?:please|pls|can you|could you)\s+)?(?:add|import)\b", frame, re.I):
            return "add"  # an imperative "add NAME" / "import NAME's publications"
        op = max(allowed or vote, key=vote.get)
        if op == "years" and not CUES["years"].search(frame):  # "PERSON's YEAR papers" lists, it tallies nothing
            op = max((allowed or set(vote)) - {"years"}, key=vote.get)
        if op == "title" and request.title and not named and _PEOPLE_ON_TOPIC.search(frame):
            return "find"  # "who has worked on “neural question generation for …”?": a topic in quotes
        if named == 0 and remembered and not request.paper_id and _PAPER_PRONOUN.search(frame) and \
                request.aspect in ("who", "when", "where", "link") and op not in ("draft", "revise", "help") and \
                (op != "find" or request.aspect == "who" and not _PEOPLE_ON_TOPIC.search(frame)):
            return "fact"  # "which venue was that in?", "and its other authors?": the paper just shown
        if named == 0 and focused and not (request.topic or request.paper_id or request.title) and \
                request.aspect in ("who", "when", "where", "link", "about", "all") and \
                op not in ("draft", "revise", "title") and (op != "help" or asks_part or request.aspect != "about") and \
                not _PEOPLE_ON_TOPIC.search(frame):
            return "fact"  # "authors?", "the other authors?" right after one paper: nothing else to ask about
        if request.paper_id and named == 1 and request.aspect and op in ("fact", "papers", "count", "venues",
                                                                        "top_coauthors", "profile", "latest", "oldest"):
            return "title"  # "in which year did X put out PLATO?": a fact of the paper named, X beside it
        described = sum(len(w) > 2 for w in request.topic.split()) >= 3  # "the paper on X", not "most common"
        if named == 1 and request.people and described and request.aspect in ("who", "when", "where", "link") and \
                op in ("papers", "count", "venues", "top_coauthors", "profile"):
            op = "fact"  # a question of who, when or where about a paper it describes
        shown = bool(named == 1 and request.people and remembered and _PAPER_PRONOUN.search(frame))
        # "which venue?", "what year?" right after an answer about one paper; after a count or a list, "which
        # venue?" asks where the person publishes
        terse = op == "papers" and not request.topic and len(frame.split()) <= 4
        if terse and not focused and named == 0 and remembered and request.aspect == "where":
            return "venues"
        terse = terse and focused
        if ((named == 0 or shown) and remembered and request.aspect in ("who", "when", "where", "link") and not described
                and (op in ("top_coauthors", "venues", "fact") or terse)
                and not CUES.get(op, re.compile("^$")).search(frame)):
            return "fact"  # "who were her co-authors on it?" after a paper: that paper's, not her most frequent ones
        if request.unheld and op in ("latest", "oldest"):
            op = "papers"  # "their most cited paper": not the newest; the list, with what we cannot rank by said
        if request.order and op in ("latest", "oldest") and not request.limit:
            op = "papers"  # "everything X wrote, oldest first": the list in that order, not the one oldest paper
        if op == "profile" and request.topic and re.search(r"\b(?:on|about|regarding|related to)\s+TOPIC\b|"
                                                          r"\bTOPIC\s+(?:work|papers?|research|publications?|articles?)\b",
                                                          framed):
            op = "papers"  # "anything on retrieval from X", "X's speech translation work": their papers on it
        if op == "dossier" and _WORK_ON.search(frame):
            op = "papers"  # "X's work on languages" asks for papers; "which languages does X speak" for the dossier
        if op == "fact" and (request.aspect not in ("who", "when", "where", "link", "about") or named and not described
                             or not named and not remembered):
            op = "papers"
        if not named and op == "papers" and request.topic and not request.paper_id and _ASKS_WHO.match(frame):
            op = "find"  # "who has published on X at ACL since 2022?": people, their papers there and then
        if named == 1 and request.people and request.aspect == "where" and op == "papers" and not (
                request.topic or request.paper_id or request.title or request.venue):
            op = "venues"  # "Où publie X ?": where they publish, not their papers
        return op


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
