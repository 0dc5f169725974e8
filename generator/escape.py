"""The one escaping function for text from data files.

Every character that Markdown, an extension or HTML could read as syntax is written
as a numeric character reference, so a value renders as exactly the characters
written whether it lands in Markdown (a heading) or in a raw HTML block (a table).
Letters, digits, spaces, commas and full stops stay as they are so that the
generated Markdown stays readable; everything else in ASCII punctuation (HTML's
& < > " ', emphasis, links, attribute lists, footnotes, snippet markers, emoji
shortcodes, pipes, backslashes, Jinja braces) is encoded.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping

from markupsafe import Markup

_KEEP = set(string.ascii_letters + string.digits + " ,.")
# Unicode spaces and separators would otherwise be collapsed or stripped by Markdown.
_ENCODE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}


def _encode(ch: str) -> str:
    if ch in _KEEP:
        return ch
    if ch == "\n":
        return "<br>"
    if ch in string.punctuation or ch == "\t" or unicodedata.category(ch) in _ENCODE_CATEGORIES:
        return f"&#{ord(ch)};"
    return ch


def escape_text(text: str) -> Markup:
    """Plain text -> Markdown/HTML that displays as exactly `text`."""
    return Markup("".join(_encode(ch) for ch in text))


def escape_attr(text: str) -> Markup:
    """Plain text -> the value of a double-quoted HTML attribute (no <br>)."""
    return Markup("".join("&#10;" if ch == "\n" else _encode(ch) for ch in text))


class Glossary:
    """Wraps glossary terms in <abbr> so they show a tooltip, escaping the rest."""

    def __init__(self, terms: Mapping[str, str]) -> None:
        self._terms = dict(terms)
        names = sorted(self._terms, key=len, reverse=True)  # longest first: 5-HT1A before 5-HT
        self._pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
            if names else None
        )

    def __call__(self, text: str) -> Markup:
        if self._pattern is None:
            return escape_text(text)
        out: list[str] = []
        last = 0
        for match in self._pattern.finditer(text):
            out.append(escape_text(text[last:match.start()]))
            term = match.group(1)
            out.append(
                f'<abbr title="{escape_attr(self._terms[term])}">{escape_text(term)}</abbr>'
            )
            last = match.end()
        out.append(escape_text(text[last:]))
        return Markup("".join(out))
