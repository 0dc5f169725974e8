"""Problems found in the data, collected rather than raised one at a time.

Every problem has a stable code and its message comes from one table of templates,
so one mistake reads the same wherever it is found, and goldens pin code and text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# code: (message, hint). Placeholders are filled from the problem's parameters.
TEMPLATES: dict[str, tuple[str, str]] = {
    # reading files
    "file-missing": ("file is missing", "restore it from git"),
    "file-too-large": ("file is {size:,} bytes, over the {limit:,}-byte limit",
                       "split it or remove what was pasted by mistake"),
    "not-utf8": ("not valid UTF-8 (byte 0x{byte:02x} at column {column})",
                 "save the file as UTF-8"),
    "file-empty": ("file is empty", "it must hold at least one record"),
    "control-character": ("contains the invisible control character U+{char:04X}",
                          "delete it"),
    "csv-unreadable": ("CSV cannot be read: {error}", "check the quotes on this line"),
    "column-unnamed": ("a column has no name", "name it or delete it"),
    "column-twice": ("column appears twice", "delete one of them"),
    "ragged-row": ("row has {cells} cells but the header has {columns} columns",
                   "quote any value that contains a comma; look for a missing or extra comma"),
    "yaml-alias": ("YAML aliases (*name) are not allowed", "write the value out in full"),
    "yaml-syntax": ("YAML syntax: {what}", "check indentation, colons and quotes"),
    "yaml-unreadable": ("YAML cannot be read: {error}", "check the file in a YAML editor"),
    "yaml-not-list": ("expected a list of records", "start each record with '- '"),
    "yaml-not-record": ("expected a record of 'key: value' lines",
                        "start each record with '- key: value'"),
    "yaml-tag": ("YAML tag {tag} is not allowed",
                 "data files hold plain text, numbers, lists and mappings only"),
    "key-not-plain": ("keys must be plain words", "write 'key: value'"),
    "key-twice": ("key appears twice in this record (first on line {first})",
                  "delete one of them"),
    # files as spreadsheets and editors save them
    "utf16": ('file is saved as UTF-16 ("Unicode"), not UTF-8', "{how}"),
    "windows-1252": ("not UTF-8: byte 0x{byte:02x} at column {column} would be {char!r} in "
                     'Windows-1252 ("ANSI"), the encoding it was most likely saved in', "{how}"),
    "csv-separator": ("columns are separated by {separator}, not commas",
                      "re-save as CSV with commas: in LibreOffice, Save As, Text CSV, Edit filter "
                      "settings, Field delimiter ','; in Google Sheets, File > Download > CSV; "
                      "Excel takes it from Windows' region settings (List separator)"),
    "column-case": ("column {written!r} differs from {name!r} only in case or spacing",
                    "did you mean {name!r}? rename it in the header row"),
    "header-repeated": ("the header row appears again here", "delete this line"),
    "csv-unclosed-quote": ("the quoted cell that starts on this line has no closing quote, so "
                           "it runs to the end of the file",
                           'add the closing " where the cell ends; a " inside a quoted cell is '
                           'written twice, "5"" long"'),
    "csv-stray-quote": ("the quoted cell that starts on this line is closed by a quote on line "
                        "{end} that is followed by {after}, not by a comma",
                        'a " inside a quoted cell is written twice, "5"" long"; or add the '
                        "cell's missing closing quote"),
    "yaml-tab": ("a tab character is used for indentation; YAML indents with spaces only",
                 "replace the tab with spaces"),
    # one record
    "unknown-column": ("unknown column", "{suggestion}"),
    "missing-column": ("required column is missing", "add it to the header row"),
    "unknown-field": ("unknown field", "{suggestion}"),
    "missing-value": ("required value is missing", "add a value"),
    "bad-choice": ("expected one of {choices}, got {got}", "{suggestion}"),
    "bad-number": ("expected a number, got {got}", "{hint}"),
    "too-small": ("must be at least {limit}, got {got}", "{hint}"),
    "too-big": ("must be at most {limit}, got {got}", "check the value"),
    "too-many-digits": ("too many digits: {got}", "use at most 2 decimal places"),
    "bad-day": ("expected a real date YYYY-MM-DD, got {got}", "e.g. 2026-11-26"),
    "bad-id": ("expected an id of lowercase letters, digits and '-', got {got}",
               "e.g. iv-infusion"),
    "bad-doi": ("expected a DOI, got {got}",
                "e.g. 10.1001/archpsyc.63.8.856, without https://doi.org/"),
    "bad-term": ("has characters that are not allowed: {got}",
                 "letters, digits, '.' and '-' only"),
    "no-source": ("cites no source", "add at least one id from sources.yaml"),
    "empty-value": ("must not be empty", "write a value or remove the field"),
    "too-long": ("{length:,} characters, over the limit of {limit:,}", "{hint}"),
    "too-few": ("needs at least {limit} item(s)", "add one"),
    "not-a-list": ("expected a list, got {got}", "in YAML '[a, b]'; in CSV 'a;b'"),
    "not-text": ("expected text, got {got}", "write the value on the same line as the key"),
    "not-a-mapping": ("expected 'key: value' lines, got {got}",
                      "indent the keys under this one"),
    "not-a-flag": ("expected true or false, got {got}", "write true or false, or leave it empty"),
    "line-break": ("must be a single line", "remove the line break"),
    "bad-url": ("expected an http:// or https:// address, got {got}",
                "copy the page's address from the browser"),
    "url-space": ("a web address cannot contain spaces", "encode them as %20"),
    "bad-date": ("expected YYYY, YYYY-MM or YYYY-MM-DD, got {got}", "e.g. 2019 or 2019-03-05"),
    "not-a-date": ("{got} is not a real date", "check the month and day"),
    "future-date": ("{day} is in the future", "use the day you checked"),
    "bad-source-ref": ("expected a source id, optionally followed by a space and where in the "
                       "source (at most 60 characters), got {got}",
                       "e.g. daly-2019 or daly-2019 Table 3"),
    "no-price": ("no price given", "fill in low_usd, high_usd or both"),
    "open-without-high": ("set without a high_usd",
                          "leave high_open empty, an empty high_usd is open-ended already"),
    "low-above-high": ("{low} is above high_usd {high}", "swap the two values"),
    "source-no-author": ("a source needs authors or a publisher",
                         "add who wrote or published it"),
    "source-no-link": ("a source needs a web address or a DOI",
                       "add the original's url or doi"),
    "invalid": ("{message}", "correct the value"),
    # across records and files
    "unknown-id": ("unknown id {got} (no such record in {file})", "{suggestion}"),
    "id-typo": ("{got} is referenced nowhere; {count} line(s) use {used}, which is defined "
                "nowhere", "did you mean {used}? correct the id here"),
    "source-unused": ("source {got} is cited by no fact",
                      "cite it where it backs a fact, or remove it"),
    "duplicate-key": ("{key} is already used on line {first}", "give each record its own value"),
    "ref-loop": ("{got} leads back to itself through this field",
                 "point it at a record that contains it, or leave it empty"),
    "contradicts": ("a second {kind} row for {key}: line {first} says {other}",
                    "keep the one the sources back; put earlier ones in its detail"),
    "headline-twice": ("a second headline row for {modality} (the first is on line {first})",
                       "mark one row per modality as its headline"),
    "headline-missing": ("no row of {modality} is its headline",
                         "set headline to true on the row the home page should show"),
    "glance-missing": ("the home page or a comparison shows this fact in a phrase, and its "
                       "value (with the row's name, if it is shown under one) is {length} "
                       "characters, over {limit}",
                       "add a glance: the value in a phrase of at most {limit} characters"),
    "explains-nothing": ("{key} names no group of results in {file}",
                         "check the modality and comparator, or add the results first"),
    "grade-unsupported": ("grade {grade!r} is not supported by the cited sources, {cited}: it "
                          "needs a source of kind {needed}", "{suggestion}"),
    "review-overdue": ("last reviewed {day}, over {days} days ago",
                       "check it against its sources and update the date"),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can."""

    path: str
    line: int
    field: str
    code: str
    message: str
    hint: str = ""
    warning: bool = False

    @classmethod
    def of(cls, code: str, path: str, line: int, field: str = "", warning: bool = False,
           **params: Any) -> Problem:
        """The problem `code` at a place, its message filled in from TEMPLATES."""
        message, hint = TEMPLATES[code]
        return cls(path, line, field, code, message.format(**params), hint.format(**params),
                   warning)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        hint = f" ({self.hint})" if self.hint else ""
        field = f" {self.field}:" if self.field else ""
        kind = "warning: " if self.warning else ""
        return f"{where}:{field} {kind}{self.message}{hint} [{self.code}]"


class DataError(Exception):
    """Raised at the end of a stage when any problem was collected."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_sort_key)
        super().__init__(f"{len(self.problems)} problem(s) in the data")


class CodedError(ValueError):
    """Raised by a field check: the code of the problem and its parameters.

    `field` names the field to correct when a whole-record check finds the problem.
    """

    def __init__(self, code: str, field: str | None = None, **params: Any) -> None:
        super().__init__(TEMPLATES[code][0].format(**params))
        self.code = code
        self.field = field
        self.params = params


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.path, p.line, p.field, p.message)


def format_report(problems: list[Problem]) -> str:
    """Every problem on its own line, then a count, as the CLI prints them."""
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    lines = [str(p) for p in sorted(problems, key=_sort_key)]
    summary = []
    if errors:
        summary.append(f"{len(errors)} error{'s' if len(errors) != 1 else ''}")
    if warnings:
        summary.append(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    if summary:
        lines.append(", ".join(summary) + ".")
    return "\n".join(lines)
