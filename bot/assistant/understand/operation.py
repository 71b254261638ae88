"""Which operation a message asks for: the vote of the nearest labelled examples (vote.py), settled by the slots
the offline parser read and by what the conversation holds (a draft to revise, a person, one paper just shown)."""

from __future__ import annotations

import re

from bot.assistant.understand import draft_slots
from bot.assistant.understand.frames import frame_of
from bot.assistant.understand.request import Request
from bot.assistant.understand.vote import CUES, Examples

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
# A question about the knowledge itself, not about anyone in it: the help reply says what it holds.
_ABOUT_THE_KNOWLEDGE = re.compile(
    r"\bhow many (?:candidates|researchers|people|authors|papers) (?:do you (?:know|have|hold)|are (?:there|in "
    r"(?:the|your) (?:pool|data|knowledge base)))\W*$|\bwhat (?:do you know|can you tell me) about (?:the |our |your )?"
    r"(?:candidates|researchers|pool|people)\W*$", re.I)
_WORK_ON = re.compile(r"\b(?:work(?:ed|s)?|papers?|research|publications?|published|written|wr[io]te|done|"
                      r"publish)\s+(?:on|about|in|related to|regarding|concerning)\b", re.I)
_ADD = re.compile(r"\b(?:add|import|track|follow)\b", re.I)
_PAPER_PRONOUN = re.compile(r"\b(?:that|it|its|this|the paper|that one|this one|the same paper)\b", re.I)
# "who else works on this?" asks for people on the topic; "who else is on that paper?" for its authors.
PEOPLE_ON_TOPIC = re.compile(r"\b(?:work\w*|experts?|specialists?|candidates?|researchers?|people|anyone|someone|somebody)\b",
                             re.I)
_ASKS_WHO = re.compile(r"\W*(?:who|whom|which (?:researchers|people|candidates|authors|persons))\b", re.I)
# Operations about one person named.
PERSON_OPS = {"papers", "latest", "oldest", "count", "venues", "years", "top_coauthors", "profile", "dossier", "fit",
              "draft", "fact"}
# Words that name a part of a paper ("its abstract", "the link", "its title again"), never what it is about.
PART_WORDS = ("title", "abstract", "summary", "link", "url", "doi", "pdf")
_PART_ASKED = re.compile(r"\b(?:" + "|".join(PART_WORDS) + r")\b", re.I)


def operation(kb, examples: Examples, frame: str, request: Request, forced: str | None, has_draft: bool,
              remembered: bool, focused: bool = False) -> str:
    """The operation a message asks for: the label of the nearest labelled examples of its frame (``frame``: the
    message with its slots masked), settled by what its slots and the conversation hold."""
    if forced:
        return "find" if forced == "find" else forced
    framed = frame_of(frame)
    # One ONNX run for what the answer will search with next: a person's papers by the query, or, with
    # nobody named, the corpus by find's words.
    from bot.assistant.topics import spelled_out

    texts = list(dict.fromkeys([framed, request.query, spelled_out(kb, request.query)]))
    if request.topic and not (request.people or request.unknown_name or request.options):
        from bot.assistant.finder import search_text

        texts.append(search_text(kb, request.topic))
    kb.searcher.embed_queries(texts)
    vote = examples.vote(kb.searcher.embed_query(framed), frame)
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
        allowed &= PERSON_OPS | {"title", "add"}
    else:
        allowed -= {"with_coauthor", "together", "top_coauthors", "venues", "profile", "dossier"} if not \
            remembered else {"with_coauthor", "together"}
    if not CUES["help"].search(frame) and (request.topic or named):
        allowed.discard("help")  # "any researchers doing chess engines?" asks for people, not for help
    asks_part = focused and not has_draft and _PART_ASKED.search(frame)  # "its title again?": of the paper shown
    if named == 0 and not asks_part and draft_slots.revision(frame) and len(frame.split()) <= 14 and (has_draft or not request.topic
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
    if op == "title" and request.title and not named and PEOPLE_ON_TOPIC.search(frame):
        return "find"  # "who has worked on “neural question generation for …”?": a topic in quotes
    if named == 0 and remembered and not request.paper_id and _PAPER_PRONOUN.search(frame) and \
            request.aspect in ("who", "when", "where", "link") and op not in ("draft", "revise", "help") and \
            (op != "find" or request.aspect == "who" and not PEOPLE_ON_TOPIC.search(frame)):
        return "fact"  # "which venue was that in?", "and its other authors?": the paper just shown
    if named == 0 and focused and not (request.topic or request.paper_id or request.title) and \
            request.aspect in ("who", "when", "where", "link", "about", "all") and \
            op not in ("draft", "revise", "title") and (op != "help" or asks_part or request.aspect != "about") and \
            not PEOPLE_ON_TOPIC.search(frame):
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
