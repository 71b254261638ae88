"""Telegram's message format, as the fake Bot API applies it: HTML parsed as strictly as Telegram does
(unknown tags, stray '<' or '&', unbalanced tags are refused), and readers for what a sent message carries.
"""

from __future__ import annotations

import html
import re

LIMIT = 4096
_TAGS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
         "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "a": "text_link", "code": "code",
         "pre": "pre", "tg-spoiler": "spoiler", "span": "spoiler", "blockquote": "blockquote"}
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")


class APIError(Exception):
    """A Bot API error answer: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters



def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


_HTML_TOKEN = re.compile(r"<[^<>]*>|&[^&;<>\s]*;|[^<>&]+|[<>&]")


def parse_html(source: str) -> tuple[str, list[dict]]:
    """Text and entities, as Telegram derives them from parse_mode=HTML; APIError like Telegram's."""
    out: list[str] = []
    entities, stack, length = [], [], 0
    for token in _HTML_TOKEN.finditer(source):
        piece, at = token.group(), token.start()
        if piece.startswith("<"):
            match = _TAG.fullmatch(piece)
            if not match or match.group(2).lower() not in _TAGS:
                raise APIError(400, f"Bad Request: can't parse entities: unsupported start tag at offset {at}")
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if not closing:
                stack.append((name, length, attrs))
                continue
            if not stack or stack[-1][0] != name:
                raise APIError(400, f"Bad Request: can't parse entities: unmatched end tag at offset {at}")
            _, start, open_attrs = stack.pop()
            entity = {"type": _TAGS[name], "offset": start, "length": length - start}
            if name == "a":
                href = re.search(r'href\s*=\s*"([^"]*)"', open_attrs)
                if not href:
                    raise APIError(400, "Bad Request: can't parse entities: a tag without href")
                entity["url"] = html.unescape(href.group(1))
            if entity["length"]:
                entities.append(entity)
            continue
        if piece.startswith("&"):
            if not _ENTITY.fullmatch(piece):
                raise APIError(400, f"Bad Request: can't parse entities: unsupported entity at offset {at}")
            piece = html.unescape(piece)
        elif piece == ">":
            raise APIError(400, f"Bad Request: can't parse entities: stray '>' at offset {at}")
        out.append(piece)
        length += utf16_len(piece)
    if stack:
        raise APIError(400, f"Bad Request: can't parse entities: can't find end tag for {stack[-1][0]}")
    return "".join(out), sorted(entities, key=lambda e: e["offset"])


def links(message: dict) -> list[str]:
    """The URLs a message links to (text_link entities)."""
    return [e["url"] for e in message.get("entities", []) if e["type"] == "text_link"]


def buttons(message: dict) -> list[tuple[str, str]]:
    """(label, callback_data) of a message's inline keyboard, row by row."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def button(message: dict, label: str) -> str:
    """The callback data of the button whose label contains ``label``."""
    for text, data in buttons(message):
        if label.lower() in text.lower():
            return data
    raise AssertionError(f"no button {label!r} in {buttons(message)}")
