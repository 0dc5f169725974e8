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

import functools
import re
import string
import unicodedata
from collections.abc import Mapping

from markupsafe import Markup

_KEEP = set(string.ascii_letters + string.digits + " ,.")
# Unicode spaces and separators would otherwise be collapsed or stripped by Markdown.
_ENCODE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}
# ASCII in one translate() call: every punctuation character as a numeric reference.
_ASCII = {ord(ch): f"&#{ord(ch)};" for ch in string.punctuation if ch not in _KEEP}
_ASCII.update({code: f"&#{code};" for code in [*range(32), 127]})  # controls, if any got in
_ASCII[ord("\n")] = "<br>"
_ASCII[ord("\t")] = "&#9;"
_ASCII_ATTR = {**_ASCII, ord("\n"): "&#10;"}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=4096)
def _non_ascii(ch: str) -> str:
    return f"&#{ord(ch)};" if unicodedata.category(ch) in _ENCODE_CATEGORIES else ch


def _encode(text: str, table: dict[int, str]) -> str:
    out = text.translate(table)
    if not out.isascii():
        out = _NON_ASCII.sub(lambda m: _non_ascii(m.group()), out)
    return out


def escape_text(text: str) -> Markup:
    """Plain text -> Markdown/HTML that displays as exactly `text`."""
    return Markup(_encode(text, _ASCII))


def escape_attr(text: str) -> Markup:
    """Plain text -> the value of a double-quoted HTML attribute (no <br>)."""
    return Markup(_encode(text, _ASCII_ATTR))


class Glossary:
    """Wraps glossary terms in <abbr> so they show a tooltip, escaping the rest."""

    def __init__(self, terms: Mapping[str, str]) -> None:
        self._terms = dict(terms)
        names = sorted(self._terms, key=len, reverse=True)  # longest first: 5-HT1A before 5-HT
        self._pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
            if names else None
        )

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one Glossary per build; texts repeat
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
