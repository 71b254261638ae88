"""What a follow-up refers to: the list just shown, narrowed ("which of those were at EMNLP?", "which one is the
oldest?"), or one of its items ("the second one"); the question just answered, asked of someone else ("and X?")
or on its topic ("how many does she have on it?"); and what an answer leaves for the next message to refer to."""

from __future__ import annotations

import re

from bot.assistant.protocol import Conversation
from bot.assistant.understand.request import Request
from bot.models import Answer

# What a list of papers was filtered by, kept for "which of those …"; the operations that show such a list.
_SHOWN = ("year_from", "year_to", "venue", "track", "topic", "query")
_LISTS = {"papers", "count"}
_JOINT = {"with_coauthor", "together"}  # a list of joint papers: narrowed, it keeps its co-author
# What "which one is the oldest?" asks of the list just shown.
_NARROWED = {"papers", "count", "latest", "oldest"}
_OF_THOSE = re.compile(r"\bwhich one\b(?!\s+of\s+(?!those|these|them))|(?<!their )(?<!his )(?<!her )\b(?:oldest|"
                       r"newest|earliest|latest|first|last|most recent)\s+(?:one|of (?:those|these|them))\b|"
                       r"\b(?:of|among|from)\s+(?:those|these|them|the(?:se|m)? papers)\b|\b(?:which|how many|any)\s+"
                       r"of\s+(?:those|these|them)\b|\b(?:those|these)\s+(?:were|are|was|from|at|in|on)\b", re.I)


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
# "the second one", "the 3rd paper", "number 2", "#2", "[2]": an item of the list just shown; never "their first
# paper" (the person's oldest) nor "the first three" (a number of them).
_ORDINAL = "(" + "|".join(_ORDINALS) + ")"
_POINTED = re.compile(r"(?<!their )(?<!his )(?<!her )(?<!its )(?<!'s )(?<!’s )\b(?:the\s+)?" + _ORDINAL +
                      r"\s+(?:one|paper|article|person|candidate|"
                      r"name|result|item)s?\b(?!\s+(?:of|by|from)\s+(?!those|these|them))|(?:#|\bnumber\s+|\bno\.\s*|"
                      r"\[)(\d{1,2})\b\]?", re.I)


_ORDINAL_REPLY = re.compile(r"\W*(?:the\s+)?" + _ORDINAL + r"(?:\s+(?:one|person|name|option|candidate))?"
                            r"(?:\s+please)?\W*", re.I)
_WITH_COUNT = re.compile(r"\b(?:with|who has|that has|having)\s+(\d{1,4})\s+papers?\b", re.I)


def option_picked(kb, message: str, options: list[str]) -> str | None:
    """The option a reply to "which one?" picks by its place ("the second one") or by the count shown beside it
    ("the one with 12 papers"); None when it picks none, or more than one."""
    ordinal = _ORDINAL_REPLY.fullmatch(message.strip())
    if ordinal:
        n = _ORDINALS[ordinal.group(1).lower()]
        return options[n - 1] if 0 < n <= len(options) else None
    counted = _WITH_COUNT.search(message)
    if counted:
        fits = [o for o in options if o in kb.catalog.candidates
                and len(kb.catalog.candidates[o].paper_ids) == int(counted.group(1))]
        return fits[0] if len(fits) == 1 else None
    return None


def pointed(kb, message: str, conversation: Conversation | None) -> str:
    """The message with "the second one" written as what it points at in the list just shown: the person's name
    after a list of people, the paper's title (quoted) after a list of papers; as it was when nothing fits."""
    if conversation is None or not (conversation.listed_people or conversation.listed_papers):
        return message
    match = _POINTED.search(message)
    if match is None:
        return message
    n = _ORDINALS.get((match.group(1) or "").lower()) or int(match.group(2) or 0)
    if conversation.listed_people:
        if not 0 < n <= len(conversation.listed_people) or conversation.listed_people[n - 1] not in kb.catalog.candidates:
            return message
        said = kb.catalog.candidates[conversation.listed_people[n - 1]].name
    else:
        paper = kb.catalog.papers.get(conversation.listed_papers[n - 1]) if 0 < n <= len(
            conversation.listed_papers) else None
        if paper is None:
            return message
        said = f"“{paper.title}”"
    return message[:match.start()] + said + message[match.end():]


def narrowed(request: Request, message: str, conversation: Conversation | None) -> Request:
    """A follow-up about the list just shown ("which of those were at EMNLP?") keeps that list's filters under
    its own: the papers of 2022 at EMNLP, not every EMNLP paper. Another person named, or no list shown, and the
    request is as read."""
    shown = conversation.shown if conversation is not None else None
    if not shown or request.people or request.unknown_name or request.options or request.op not in _NARROWED \
            or shown.get("person") != conversation.candidate_id or not _OF_THOSE.search(message):
        return request
    kept = {name: shown[name] for name in _SHOWN if shown.get(name) and not getattr(request, name)}
    if "topic" in kept and request.query and not request.topic:
        kept.pop("query", None)
    coauthor = shown.get("coauthor")
    if coauthor and request.op in ("papers", "count"):  # their joint papers, within the new filters
        kept |= {"op": "with_coauthor", "people": [shown["person"], coauthor]}
    elif coauthor:
        kept["coauthor"] = coauthor
    return request.model_copy(update=kept) if kept else request


# The questions "and X?" can ask again of someone else: about one person, who has worked on a topic, or a draft
# ("same for X": the same message, channel, language, tone and purpose, to X).
_ASKED_AGAIN = {"papers", "latest", "oldest", "count", "venues", "years", "top_coauthors", "dossier", "profile", "find", "draft"}
# What is left of "and X?", "what about X?", "how about X, then?", "same for X please" once the name is out.
_ELLIPSIS = re.compile(r"\W*(?:(?:ok(?:ay)?|so|now|then|and|also|right|great|thanks)\W+)*(?:and|(?:and )?(?:what|how) "
                       r"about|(?:and )?(?:the )?same (?:for|with)|(?:and )?for|what of)\W*(?:then|please|too|as well)?"
                       r"\W*", re.I)
_ELLIPSIS_NAME = re.compile(r".*?\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]*){0,3})\W*(?:then|please|too|as well)?\W*")
# "… on it", "on that topic": the topic of the question just answered.
_ON_IT = re.compile(r"\b(?:on|about|in)\s+(?:it|that|this|the same)(?:\s+(?:topic|subject|area|field|one))?\b"
                    r"(?!\s+(?:paper|article|publication|work))|\bon the topic\b", re.I)


def _reads_as_a_name(kb, words: str) -> bool:
    """Capitalised words that are a name, not a title-cased topic ("Machine Translation"): one of them is no word
    of the papers."""
    from bot.knowledge.retrieve import vocabulary

    known = vocabulary(kb)
    return any(word.lower() not in known for word in re.findall(r"[\w'’-]+", words))


def asked_again(kb, request: Request, message: str, conversation: Conversation | None) -> Request:
    """"And X?", "what about X?" after an answer: the same question (its operation and filters) about X; after
    "who has worked on T?", X's papers on T. "How many does he have on it?": the question takes the topic of the
    one just answered. Anything else is as read."""
    if conversation is None:
        return request
    asked = conversation.asked
    if asked and asked.get("topic") and not request.topic and request.op in ("papers", "count", "latest", "oldest") \
            and _ON_IT.search(message):
        return request.model_copy(update={name: asked.get(name) or "" for name in ("topic", "query", "terms")})
    # "and Zorblatt Quennell?": a name nobody here has is said to be unknown, never read as the person before (nor
    # as a topic, nor as a revision of the draft to them)
    unknown = _ELLIPSIS_NAME.fullmatch(message)
    if not (request.people or request.options or request.unknown_name) and unknown \
            and _ELLIPSIS.fullmatch(message[:unknown.start(1)] + message[unknown.end(1):]) \
            and not kb.resolve(unknown.group(1)).mentions and _reads_as_a_name(kb, unknown.group(1)):
        op = asked["op"] if asked else "draft" if request.op == "revise" else request.op
        return Request.model_validate({**(asked or {}), "op": "papers" if op == "find" else op,
                                       "parser": request.parser, "people": [], "unknown_name": unknown.group(1)})
    if not asked:
        return request
    again = {**asked, "op": "papers" if asked["op"] == "find" else asked["op"], "parser": request.parser}
    others = request.topic or request.year_from or request.year_to or request.venue or request.track or request.paper_id
    if others or len(request.people) > 1:
        return request
    if len(request.people) == 1 or request.options or request.unknown_name:
        if not _ELLIPSIS.fullmatch(kb.resolve(message).remainder):
            return request
        return Request.model_validate(again | {name: getattr(request, name) for name in (
            "people", "options", "ambiguous_name", "unknown_name", "namesakes", "read_as")})
    return request


def remember_lists(conversation: Conversation, request: Request, answer: Answer, person: str | None) -> None:
    """What the answer showed that a follow-up can point into or narrow; ``person`` is whom it was about."""
    if answer.status in ("answered", "not_found", "draft") and request.op in _ASKED_AGAIN and not request.unknown_name \
            and (request.op == "find" or len(request.people) == 1):
        conversation.asked = request.model_dump(include={"op", "topic", "query", "terms", "year_from", "year_to",
                                                         "venue", "track", "limit", "order", "single", "field", "channel",
                                                         "language", "tone", "purpose"})
    elif answer.status != "clarify" and request.op != "revise" and not request.unknown_name:
        # a revision keeps the draft asked for, and a name nobody has the question
        conversation.asked = None
    # "the second one": of the last list shown, people or papers; a profile's latest papers are no such list.
    if request.op == "find" and answer.status == "answered":
        conversation.listed_people, conversation.listed_papers = list(answer.candidate_ids), []
    elif len(answer.citations) > 1 and request.op not in ("profile", "draft", "revise"):
        conversation.listed_people, conversation.listed_papers = [], [c.paper.id for c in answer.citations]
    # A list of the person's papers just shown: "which of those were at EMNLP?" keeps its filters.
    joint = request.op in _JOINT and len(answer.candidate_ids) > 1
    if (request.op in _LISTS or joint) and answer.status == "answered" and person:
        conversation.shown = {name: getattr(request, name) for name in _SHOWN} | {
            "person": person, "coauthor": answer.candidate_ids[1] if joint else request.coauthor}
    elif not (request.op in ("latest", "oldest") and conversation.shown and conversation.shown.get("person") == person):
        conversation.shown = None  # after "the oldest" of a list, "those" is that list still
