"""Stage 1, load: read each data file into raw records that remember their lines.

Only reading happens here; what the values mean is the validate stage's business.
YAML is read as parser events (never constructed into Python objects), so tags that
would build objects, duplicate keys and aliases are refused before any value exists.
Files as spreadsheets and editors save them are read, or named in one message each: a
byte-order mark, CRLF, empty trailing rows and columns are fine; UTF-16, Windows-1252,
';' or tab separators, a header in another case, stray quotes and YAML tabs are said
to be so, with how to re-save or fix them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast, overload

import yaml

from .problems import Problem

MAX_BYTES = 20 * 1024 * 1024  # far above any real data file; refuses a runaway paste

Loc = tuple[str | int, ...]

# The only tags a plain-data YAML file needs; anything else (!!python/object, !!set,
# custom !tags, merge keys) could build objects or hide values, so it is refused.
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as written: its values and the line of every value in it.

    `broken` records had a problem the loader already reported (a refused tag, a
    duplicate key); they are not validated again, but their ids still count as
    existing so that one mistake gives one message.
    """

    path: str
    line: int
    values: dict[str, Any]
    lines: dict[Loc, int] = field(default_factory=dict)
    broken: bool = False

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest part of `loc` that we know, else the record's."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return self.line


@dataclass(frozen=True)
class RawFile:
    """A data file as read: its records, and for CSV its header."""

    path: str
    records: Sequence[RawRecord]
    header: tuple[str, ...] | None = None


class CsvRecords(Sequence[RawRecord]):
    """A CSV file's good rows, read again from its bytes each time they are walked.

    Keeping every row's cells (and a dict per record) would cost several times the
    file's size; at 100,000 rows that breaks the memory budget, and reading a CSV row
    again costs about a microsecond.
    """

    def __init__(self, path: str, data: bytes, header: tuple[str, ...], count: int,
                 named: int, skipped: frozenset[int]) -> None:
        self._path = path
        self._data = data
        self._count = count
        # A row has a cell for each of the first `named` columns; the empty columns a
        # spreadsheet leaves after them may be there or not. A name used twice keeps its
        # first column (the loader reported the second).
        self._named = named
        self._width = len(header)
        self._columns = [(i, col) for i, col in enumerate(header[: self._named])
                         if col and col not in header[:i]]
        self._skipped = skipped  # the header, and lines the loader reported (a repeated header)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> RawRecord: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RawRecord]: ...
    def __getitem__(self, index: int | slice) -> RawRecord | Sequence[RawRecord]:
        return list(self)[index]

    def __iter__(self) -> Iterator[RawRecord]:
        named, width, columns, skipped = self._named, self._width, self._columns, self._skipped
        try:
            for line, row in _numbered(_csv_reader(self._data)):
                if (named <= len(row) <= width and line not in skipped
                        and any(cell.strip() for cell in row)):
                    # A spreadsheet saves a line break inside a cell as CRLF; keep one \n.
                    yield RawRecord(self._path, line, {
                        col: row[i].replace("\r\n", "\n") for i, col in columns})
        except csv.Error:
            return  # reported when the file was loaded


def load_dir(data_dir: Path, files: Mapping[str, Collection[str]], label: str = "data"
             ) -> Iterator[tuple[str, RawFile | None, list[Problem]]]:
    """Read each file in `data_dir` in turn, with every problem of each; `files` maps a
    file's name to the column names its header may use.

    One at a time, so a caller that is done with a file lets it go before the next.
    """
    for name, columns in files.items():
        raw, found = load_file(data_dir / name, f"{label}/{name}", columns)
        yield name, raw, found


def load_file(path: Path, shown: str, columns: Collection[str] | None = None
              ) -> tuple[RawFile | None, list[Problem]]:
    """Read one CSV or YAML file; `shown` is the path used in messages.

    `columns` are the names a CSV header may use (the fields of the file's table, which
    the caller knows); they let a header in another case or spacing be recognised.
    """
    if not path.is_file():
        return None, [Problem.of("file-missing", shown, 0)]
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [
            Problem.of("file-too-large", shown, 0, size=size, limit=MAX_BYTES)
        ]
    data = path.read_bytes()
    is_csv = path.suffix == ".csv"
    text, problem = _decode(data, shown, is_csv)
    if problem:
        # A spreadsheet that saves in Windows-1252 often saves with ';' as well: say both.
        first = _first_line(data[:65536].decode("utf-8-sig", "replace"))
        separator = _separator(first, columns) if is_csv and problem.code != "utf16" else None
        return None, [problem] + ([Problem.of("csv-separator", shown, 1, separator=separator)]
                                  if separator else [])
    if not text.strip():
        return None, [Problem.of("file-empty", shown, 1)]
    if is_csv:
        separator = _separator(_first_line(text), columns)
        if separator:
            return None, [Problem.of("csv-separator", shown, 1, separator=separator)]
        return _load_csv(data, text, shown, columns)
    return _load_yaml(text, shown)


_RESAVE_CSV = ('re-save it as UTF-8: in Excel, Save As "CSV UTF-8 (Comma delimited)"; in '
               'LibreOffice, Save As, Text CSV, Edit filter settings, Character set '
               '"Unicode (UTF-8)"')
_RESAVE_TEXT = ('re-save it as UTF-8: in your editor\'s Save As, choose the encoding UTF-8 '
                '(Notepad: Encoding "UTF-8")')


def _decode(data: bytes, shown: str, is_csv: bool) -> tuple[str, Problem | None]:
    """The file's text, or the problem that it is not UTF-8.

    Another encoding is named when it is recognised, never decoded: a guess that is
    wrong would put wrong characters on the site without a word.
    """
    how = _RESAVE_CSV if is_csv else _RESAVE_TEXT
    if _is_utf16(data):
        return "", Problem.of("utf16", shown, 1, how=how)
    try:
        # utf-8-sig accepts the byte-order mark that spreadsheet programs write.
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        start = data.rfind(b"\n", 0, err.start) + 1
        # The bytes before the first bad one are UTF-8: count characters, not bytes.
        column = len(data[start: err.start].decode("utf-8-sig")) + 1
        byte = data[err.start]
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:  # a byte Windows-1252 does not use either
            return "", Problem.of("not-utf8", shown, line, byte=byte, column=column)
        return "", Problem.of("windows-1252", shown, line, byte=byte, column=column,
                              char=bytes([byte]).decode("cp1252"), how=how)


def _is_utf16(data: bytes) -> bool:
    """UTF-16 as Excel's "Unicode Text" and Notepad's "Unicode" save it.

    With a byte-order mark, or without one: then text in a Latin script has a zero
    byte in every other place, which UTF-8 text never has.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:4096]
    return len(head) >= 2 and head.count(0) * 4 >= len(head)


# --- CSV ------------------------------------------------------------------------


def _csv_reader(data: bytes) -> Any:
    # Decoded a few kilobytes at a time: a StringIO of the whole text would hold four
    # bytes a character. The bytes were checked as UTF-8 when the file was read.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    # No cell can be longer than the file, whose size is capped, so memory stays bounded;
    # the validate stage then names an overlong cell's field, length and limit, where the
    # reader would stop at 131,072 characters with none of them. (The limit is global to
    # the csv module; it is only ever raised.)
    csv.field_size_limit(max(MAX_BYTES, len(data)))
    return csv.reader(lines, strict=True)


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each row of a CSV reader with the line it starts on."""
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _load_csv(data: bytes, text: str, shown: str, columns: Collection[str] | None
              ) -> tuple[RawFile | None, list[Problem]]:
    problems: list[Problem] = []
    count = 0
    first: list[str] | None = None  # the header row as written
    header: tuple[str, ...] = ()
    named = 0
    skipped: set[int] = set()
    unnamed_used = False  # a value under the empty columns a spreadsheet leaves at the end
    reader = _csv_reader(data)
    start = 1  # the line the row being read starts on
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if first is None:
                if not any(cell.strip() for cell in row):
                    continue  # blank lines above the header
                first = row
                skipped.add(line)
                header, found = _check_header(row, shown, columns)
                problems += found
                named = len(header)
                while named and not header[named - 1]:
                    named -= 1
                continue
            if not any(cell.strip() for cell in row):
                continue  # blank lines and the empty rows spreadsheets append
            if row == first:
                problems.append(Problem.of("header-repeated", shown, line))
                skipped.add(line)
                continue
            if not named <= len(row) <= len(header):
                columns_shown = named if len(row) < named else len(header)
                problems.append(
                    Problem.of("ragged-row", shown, line, cells=len(row), columns=columns_shown)
                )
                continue
            if len(row) > named and not unnamed_used and any(c.strip() for c in row[named:]):
                unnamed_used = True
                problems.append(Problem.of("column-unnamed", shown, 1))
            count += 1
    except csv.Error as err:
        problems.append(_unreadable(err, text, start, header, reader.line_num, shown))
    if first is None:
        return None, problems
    records = CsvRecords(shown, data, header, count, named, frozenset(skipped))
    return RawFile(shown, records, header), problems


def _check_header(row: list[str], shown: str, columns: Collection[str] | None
                  ) -> tuple[tuple[str, ...], list[Problem]]:
    """The header's names, and its problems.

    A name that differs from a column only in case or spacing ('Modality', 'Low USD') is
    reported here, once, and read as the column it means, so that its cells are
    validated as usual rather than each reported missing.
    """
    problems = []
    header = [cell.strip() for cell in row]
    if columns:
        meant: dict[str, list[str]] = {}
        for name in columns:
            meant.setdefault(_squashed(name), []).append(name)
        used = {cell for cell in row if cell in columns}
        for i, written in enumerate(row):
            names = meant.get(_squashed(written), [])
            if written not in columns and len(names) == 1 and names[0] not in used:
                used.add(names[0])
                header[i] = names[0]
                problems.append(Problem.of("column-case", shown, 1, written=written,
                                           name=names[0]))
    end = len(header)
    while end and not header[end - 1]:
        end -= 1  # empty columns at the end are checked row by row: values make them an error
    problems += [Problem.of("column-unnamed", shown, 1) for col in header[:end] if not col]
    twice = {col for col in header[:end] if col and header.count(col) > 1}
    problems += [Problem.of("column-twice", shown, 1, col) for col in sorted(twice)]
    return tuple(header), problems


def _squashed(name: str) -> str:
    """A column name without case, spaces, '_' or '-': 'Low USD' and 'low_usd' agree."""
    return re.sub(r"[\s_-]+", "", name).casefold()


_SEPARATORS = {";": "semicolons (';')", "\t": "tabs"}


def _separator(first_line: str, columns: Collection[str] | None) -> str | None:
    """How the columns of a header row are separated, if not by commas.

    Excel in many European locales saves CSV with ';', and cells copied from a
    spreadsheet into an editor are separated by tabs; read with commas, such a header
    is one long column name.
    """
    first_line = first_line.rstrip("\r\n")
    try:
        if len(next(csv.reader([first_line]), [])) != 1:
            return None
        wanted = {_squashed(name) for name in columns or ()}
        found = []
        for separator, shown in _SEPARATORS.items():
            cells = next(csv.reader([first_line], delimiter=separator), [])
            if len(cells) > 1 and (not wanted or any(_squashed(c) in wanted for c in cells)):
                found.append((len(cells), shown))
    except csv.Error:
        return None  # the reader will say what is wrong with the line
    return max(found)[1] if found else None


def _first_line(text: str) -> str:
    """The first line that is not blank: the header's."""
    start = 0
    while (end := text.find("\n", start)) >= 0 and not text[start:end].strip():
        start = end + 1
    return text[start:] if end < 0 else text[start:end]


def _unreadable(err: csv.Error, text: str, start: int, header: tuple[str, ...],
                line: int, shown: str) -> Problem:
    """The problem of a row the CSV reader refused: a misplaced quote, mostly."""
    trouble = _quote_trouble(text, start)
    if trouble is None:
        return Problem.of("csv-unreadable", shown, line, error=err)
    opened, cell, end, after = trouble
    col = header[cell] if cell < len(header) else ""
    if end is None:
        return Problem.of("csv-unclosed-quote", shown, opened, col)
    return Problem.of("csv-stray-quote", shown, opened, col, end=end, after=repr(after))


def _quote_trouble(text: str, start: int) -> tuple[int, int, int | None, str] | None:
    """Where the row starting on line `start` goes wrong, read as the CSV reader does.

    The line its quoted cell opens on, the cell's index, and the line of the quote
    that closes it early with the text after that quote (None: it never closes).
    """
    lines = io.StringIO(text, newline="")  # the reader's idea of a line
    for _ in range(start - 1):
        lines.readline()
    cell, opened, quoted, at_start = 0, 0, False, True
    for number, line in enumerate(lines, start):
        i = 0
        while i < len(line):
            char = line[i]
            if quoted:
                if char == '"' and line[i + 1: i + 2] == '"':
                    i += 1  # a doubled quote is one quote of the text
                elif char == '"':
                    quoted = False
                    if line[i + 1: i + 2] not in ("", ",", "\r", "\n"):
                        return opened, cell, number, line[i + 1: i + 21].rstrip("\r\n")
            elif char == '"' and at_start:
                quoted, opened = True, number
            elif char == ",":
                cell += 1
                at_start = True
                i += 1
                continue
            elif char in "\r\n":
                return None  # the row ended without a quoting problem
            at_start = False
            i += 1
    return (opened, cell, None, "") if quoted else None


# --- YAML -----------------------------------------------------------------------


# libyaml, when PyYAML was built with it (the wheels are), parses about ten times faster.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Characters YAML does not allow in a document (as PyYAML's reader defines them).
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD"
                            "\U00010000-\U0010FFFF]")


class _AliasFound(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


_RESOLVER = yaml.resolver.Resolver()  # the tags a safe loader gives untagged values


def _scalar_tag(event: yaml.ScalarEvent) -> str:
    if event.tag is None or event.tag == "!":
        return cast(str, _RESOLVER.resolve(yaml.ScalarNode, event.value,  # type: ignore[no-untyped-call]
                                           event.implicit))
    return event.tag


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 0
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def _load_yaml(text: str, shown: str) -> tuple[RawFile | None, list[Problem]]:
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        return None, [Problem.of("control-character", shown,
                                         text[: bad.start()].count("\n") + 1,
                                         char=ord(bad.group()))]
    reader = _Reader(shown)
    try:
        # Values are built straight from the parser's events, never as Python objects
        # of a tag's choosing; an alias is refused where it appears, which also stops
        # "billion laughs" alias bombs.
        root = reader.document(yaml.parse(text, Loader=_FAST_LOADER))
    except _AliasFound as alias:
        return None, [Problem.of("yaml-alias", shown, alias.line)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        if _is_tab(text, err):
            return None, [Problem.of("yaml-tab", shown, line)]
        what = err.problem or err.context or "invalid YAML"
        return None, [Problem.of("yaml-syntax", shown, line, what=what)]
    except yaml.YAMLError as err:
        return None, [Problem.of("yaml-unreadable", shown, 0, error=err)]
    if root is None:
        return None, [Problem.of("file-empty", shown, 1)]
    if root.kind != "seq":
        return None, [Problem.of("yaml-not-list", shown, root.line)]
    problems = reader.problems
    records: list[RawRecord] = []
    for item in root.value:
        if item.kind != "map":
            problems.append(Problem.of("yaml-not-record", shown, item.line))
            continue
        records.append(RawRecord(shown, item.line, item.value or {}, item.lines,
                                 broken=item.broken))
    return RawFile(shown, tuple(records)), problems


def _is_tab(text: str, err: yaml.MarkedYAMLError) -> bool:
    """Whether the parser stopped at a tab (libyaml: "found a tab character that violates
    indentation"; PyYAML: "found character '\\t' that cannot start any token")."""
    mark = err.problem_mark
    if mark is None:
        return False
    if "tab character" in (err.problem or ""):
        return True
    lines = text.splitlines()
    return mark.line < len(lines) and lines[mark.line][mark.column: mark.column + 1] == "\t"


@dataclass(slots=True)
class _Node:
    """A value built from events: its kind, its plain value, where it starts."""

    kind: str  # "scalar", "seq" or "map"
    line: int
    value: Any
    lines: dict[Loc, int]  # for a record: the line of every value in it
    broken: bool = False  # a problem inside was reported


class _Reader:
    """Builds plain values (strings, lists, dicts) from YAML parser events.

    Scalars stay strings for pydantic to parse; refused tags and duplicate keys become
    problems at their own line, and the record holding them is marked broken.
    """

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []

    def document(self, events: Iterator[yaml.Event]) -> _Node | None:
        next(events)  # StreamStartEvent
        event = next(events)
        if isinstance(event, yaml.StreamEndEvent):
            return None
        root = self._node(events, next(events), None, ())
        next(events)  # DocumentEndEvent
        event = next(events)
        if not isinstance(event, yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", None,
                "but found another document", event.start_mark)  # type: ignore[arg-type]
        return root

    def _node(self, events: Iterator[yaml.Event], event: yaml.Event,
              record: _Node | None, loc: Loc) -> _Node:
        line = _line(event)
        if isinstance(event, yaml.AliasEvent):
            raise _AliasFound(line)
        if isinstance(event, yaml.ScalarEvent):
            kind, tag = "scalar", _scalar_tag(event)
        elif isinstance(event, yaml.SequenceStartEvent):
            kind, tag = "seq", _SEQ_TAG if event.tag in (None, "!") else event.tag
        else:
            assert isinstance(event, yaml.MappingStartEvent)
            kind, tag = "map", _MAP_TAG if event.tag in (None, "!") else event.tag
        node = _Node(kind, line, None, {})
        if record is None and kind == "map":
            record = node  # a top-level item's mapping is a record
        if tag not in _PLAIN_TAGS:
            shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
            self._problem(record, line, ".".join(map(str, loc)), "yaml-tag", tag=shown_tag)
            if kind != "scalar":
                self._skip(events)
            return node
        if kind == "scalar":
            assert isinstance(event, yaml.ScalarEvent)
            node.value = None if tag == _NULL_TAG else event.value.strip()
        elif kind == "seq":
            node.value = self._sequence(events, record, loc)
        else:
            assert record is not None
            node.value = self._mapping(events, record, loc)
        return node

    def _sequence(self, events: Iterator[yaml.Event], record: _Node | None,
                  loc: Loc) -> list[Any]:
        items: list[Any] = []
        while not isinstance(event := next(events), yaml.SequenceEndEvent):
            if record is None:  # the file's top-level list: its items are records
                items.append(self._node(events, event, None, ()))
                continue
            where = (*loc, len(items))
            record.lines[where] = _line(event)
            items.append(self._node(events, event, record, where).value)
        return items

    def _mapping(self, events: Iterator[yaml.Event], record: _Node,
                 loc: Loc) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        while not isinstance(event := next(events), yaml.MappingEndEvent):
            key_line = _line(event)
            key = self._key(event)
            if key is None:
                self._drop(events, event)
                self._problem(record, key_line, ".".join(map(str, loc)), "key-not-plain")
                self._drop(events, next(events))
                continue
            value_event = next(events)
            if key in mapping:
                self._problem(record, key_line, ".".join(map(str, (*loc, key))), "key-twice",
                              first=record.lines[(*loc, key)])
                self._drop(events, value_event)
                continue
            record.lines[(*loc, key)] = key_line
            mapping[key] = self._node(events, value_event, record, (*loc, key)).value
        return mapping

    @staticmethod
    def _key(event: yaml.Event) -> str | None:
        """A key's text, or None when it is not a plain scalar (a list, a tag, '<<')."""
        if not isinstance(event, yaml.ScalarEvent):
            return None
        return event.value if _scalar_tag(event) in _PLAIN_TAGS else None

    def _drop(self, events: Iterator[yaml.Event], event: yaml.Event) -> None:
        """Read past a value that is not kept (aliases in it are still refused)."""
        if isinstance(event, yaml.AliasEvent):
            raise _AliasFound(_line(event))
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self._skip(events)

    def _skip(self, events: Iterator[yaml.Event]) -> None:
        depth = 1
        while depth:
            event = next(events)
            if isinstance(event, yaml.AliasEvent):
                raise _AliasFound(_line(event))
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1

    def _problem(self, record: _Node | None, line: int, field: str, code: str,
                 **params: Any) -> None:
        self.problems.append(Problem.of(code, self.shown, line, field, **params))
        if record is not None:
            record.broken = True
