"""A person's name where no part of it is anyone's here: said unknown, never read as a topic or as nobody."""

from __future__ import annotations

import re

from bot.text import fold


# Words that begin a request or address a person, never part of the name that follows ("Write to Dr Jane Roe").
_BEFORE_NAME = frozenset("what who whom how when where which why is are was has have had did does do can could would "
                         "will please tell show give list find write draft email e-mail message ping contact reach send "
                         "prepare compose hi hello hey dear professor prof dr mr mrs ms miss sir i my our the a an and "
                         "to for about with from on in at".split())
# Words of a group's name, never a person's ("the Lumen Lab team").
_NO_PERSON = frozenset("lab labs team teams group university institute school inc ltd corp company ai research "
                       "department".split())
_TITLE_CASE = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:[-'’][A-Za-z]+)?(?:\s+[A-Z][a-z]+(?:[-'’][A-Za-z]+)?){1,3}(?![\w-])")
# Lower-case text: a name is where a person stands ("zorblatt quennell's papers", "write jane roe a note").
_LOWER_NAME = re.compile(r"\b([a-z]{2,} [a-z]{2,})(?:'s|’s)\b|\b(?:to|for|write|email|message|ping|contact)\s+"
                         r"([a-z]{2,} [a-z]{2,})\s+(?:a|an|about|re|regarding|on|today|asap)\b")


def unnamed_person(text: str, common) -> str | None:
    """A name written where a person is asked about, when no part of it is anyone's here ("Write to Zorblatt
    Quennell about …"): two or more title-case words, those that begin the request or address the person left out,
    none of them a word the papers use (``common``: "Machine Translation" is a topic, not a person)."""
    runs = [m.group() for m in _TITLE_CASE.finditer(text)]
    runs += [m.group(1) or m.group(2) for m in _LOWER_NAME.finditer(text)]
    for run in runs:
        words = run.split()
        while words and words[0].lower().strip(".") in _BEFORE_NAME:
            words = words[1:]
        if len(words) >= 2 and not any(fold(w) in common or w.lower() in _BEFORE_NAME | _NO_PERSON for w in words):
            return " ".join(w[:1].upper() + w[1:] for w in words)
    return None
