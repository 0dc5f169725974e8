"""Stage 1, load: read each data file into raw records that remember their lines.

Only reading happens here; what the values mean is the validate stage's business.
YAML is read as parser events (never constructed into Python objects), so tags that
would build objects, duplicate keys and aliases are refused before any value exists.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
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

    def __init__(self, path: str, data: bytes, header: tuple[str, ...], count: int) -> None:
        self._path = path
        self._data = data
        self._header = header
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> RawRecord: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RawRecord]: ...
    def __getitem__(self, index: int | slice) -> RawRecord | Sequence[RawRecord]:
        return list(self)[index]

    def __iter__(self) -> Iterator[RawRecord]:
        width = len(self._header)
        try:
            for line, row in _numbered(_csv_reader(self._data)):
                if line > 1 and len(row) == width and any(cell.strip() for cell in row):
                    # A spreadsheet saves a line break inside a cell as CRLF; keep one \n.
                    yield RawRecord(self._path, line, {
                        col: cell.replace("\r\n", "\n")
                        for col, cell in zip(self._header, row, strict=True)})
        except csv.Error:
            return  # reported when the file was loaded


def load_dir(data_dir: Path, names: list[str], label: str = "data") -> Iterator[
    tuple[str, RawFile | None, list[Problem]]
]:
    """Read each named file in `data_dir` in turn, with every problem of each.

    One at a time, so a caller that is done with a file lets it go before the next.
    """
    for name in names:
        raw, found = load_file(data_dir / name, f"{label}/{name}")
        yield name, raw, found


def load_file(path: Path, shown: str) -> tuple[RawFile | None, list[Problem]]:
    """Read one CSV or YAML file; `shown` is the path used in messages."""
    if not path.is_file():
        return None, [Problem.of("file-missing", shown, 0)]
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [
            Problem.of("file-too-large", shown, 0, size=size, limit=MAX_BYTES)
        ]
    data = path.read_bytes()
    text, problem = _decode(data, shown)
    if problem:
        return None, [problem]
    if not text.strip():
        return None, [Problem.of("file-empty", shown, 1)]
    if path.suffix == ".csv":
        return _load_csv(data, shown)
    return _load_yaml(text, shown)


def _decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    try:
        # utf-8-sig accepts the byte-order mark that spreadsheet programs write.
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return "", Problem.of("not-utf8", shown, line, byte=data[err.start], column=column)


# --- CSV ------------------------------------------------------------------------


def _csv_reader(data: bytes) -> Any:
    # Decoded a few kilobytes at a time: a StringIO of the whole text would hold four
    # bytes a character. The bytes were checked as UTF-8 when the file was read.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    return csv.reader(lines, strict=True)


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each row of a CSV reader with the line it starts on."""
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _load_csv(data: bytes, shown: str) -> tuple[RawFile | None, list[Problem]]:
    problems: list[Problem] = []
    count = 0
    header: tuple[str, ...] | None = None
    reader = _csv_reader(data)
    try:
        for line, row in _numbered(reader):
            if header is None:
                header = tuple(cell.strip() for cell in row)
                problems += _check_header(header, shown)
                continue
            if not any(cell.strip() for cell in row):
                continue  # blank lines and the empty rows spreadsheets append
            if len(row) != len(header):
                problems.append(
                    Problem.of("ragged-row", shown, line, cells=len(row), columns=len(header))
                )
                continue
            count += 1
    except csv.Error as err:
        problems.append(
            Problem.of("csv-unreadable", shown, reader.line_num, error=err)
        )
    if header is None:
        return None, problems
    return RawFile(shown, CsvRecords(shown, data, header, count), header), problems


def _check_header(header: tuple[str, ...], shown: str) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for col in header:
        if not col:
            problems.append(Problem.of("column-unnamed", shown, 1))
        elif col in seen:
            problems.append(Problem.of("column-twice", shown, 1, col))
        seen.add(col)
    return problems


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
