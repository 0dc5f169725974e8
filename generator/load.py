"""Stage 1, load: read each data file into raw records that remember their lines.

Only reading happens here; what the values mean is the validate stage's business.
YAML is composed into nodes (never constructed into Python objects), so tags that
would build objects, duplicate keys and aliases are refused before any value exists.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
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
    records: tuple[RawRecord, ...]
    header: tuple[str, ...] | None = None


def load_dir(data_dir: Path, names: list[str], label: str = "data") -> tuple[
    dict[str, RawFile], list[Problem]
]:
    """Read every named file in `data_dir`; report every problem of every file."""
    files: dict[str, RawFile] = {}
    problems: list[Problem] = []
    for name in names:
        path = data_dir / name
        shown = f"{label}/{name}"
        raw, found = load_file(path, shown)
        problems += found
        if raw is not None:
            files[name] = raw
    return files, problems


def load_file(path: Path, shown: str) -> tuple[RawFile | None, list[Problem]]:
    """Read one CSV or YAML file; `shown` is the path used in messages."""
    if not path.is_file():
        return None, [Problem(shown, 0, "", "file is missing", "restore it from git")]
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [
            Problem(
                shown, 0, "", f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit",
                "split it or remove what was pasted by mistake",
            )
        ]
    text, problem = _decode(path.read_bytes(), shown)
    if problem:
        return None, [problem]
    if not text.strip():
        return None, [Problem(shown, 1, "", "file is empty", "it must hold at least one record")]
    if path.suffix == ".csv":
        return _load_csv(text, shown)
    return _load_yaml(text, shown)


def _decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    try:
        # utf-8-sig accepts the byte-order mark that spreadsheet programs write.
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return "", Problem(
            shown, line, "", f"not valid UTF-8 (byte 0x{data[err.start]:02x} at column {column})",
            "save the file as UTF-8",
        )


# --- CSV ------------------------------------------------------------------------


def _load_csv(text: str, shown: str) -> tuple[RawFile | None, list[Problem]]:
    problems: list[Problem] = []
    records: list[RawRecord] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: tuple[str, ...] | None = None
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                header = tuple(cell.strip() for cell in row)
                problems += _check_header(header, shown)
                continue
            if not any(cell.strip() for cell in row):
                continue  # blank lines and the empty rows spreadsheets append
            if len(row) != len(header):
                problems.append(
                    Problem(
                        shown, line, "",
                        f"row has {len(row)} cells but the header has {len(header)} columns",
                        "quote any value that contains a comma; look for a missing or extra comma",
                    )
                )
                continue
            # A spreadsheet saves a line break inside a cell as CRLF; keep it as one \n.
            values = {col: cell.replace("\r\n", "\n")
                      for col, cell in zip(header, row, strict=True)}
            records.append(RawRecord(shown, line, values))
    except csv.Error as err:
        problems.append(
            Problem(shown, reader.line_num, "", f"CSV cannot be read: {err}",
                    "check the quotes on this line")
        )
    if header is None:
        return None, problems
    return RawFile(shown, tuple(records), header), problems


def _check_header(header: tuple[str, ...], shown: str) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for col in header:
        if not col:
            problems.append(Problem(shown, 1, "", "a column has no name", "name it or delete it"))
        elif col in seen:
            problems.append(Problem(shown, 1, col, "column appears twice", "delete one of them"))
        seen.add(col)
    return problems


# --- YAML -----------------------------------------------------------------------


# libyaml, when PyYAML was built with it (the wheels are), parses about ten times faster.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Characters YAML does not allow in a document (as PyYAML's reader defines them).
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD"
                            "\U00010000-\U0010FFFF]")


def _load_yaml(text: str, shown: str) -> tuple[RawFile | None, list[Problem]]:
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        return None, [Problem(shown, text[: bad.start()].count("\n") + 1, "",
                              f"contains the invisible control character "
                              f"U+{ord(bad.group()):04X}", "delete it")]
    try:
        # Aliases are refused where they appear, before anything is built: this also
        # stops "billion laughs" alias bombs.
        for event in yaml.parse(text, Loader=_FAST_LOADER):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else 0
                return None, [Problem(shown, line, "",
                                      "YAML aliases (*name) are not allowed",
                                      "write the value out in full")]
        root = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        what = err.problem or err.context or "invalid YAML"
        return None, [Problem(shown, line, "", f"YAML syntax: {what}",
                              "check indentation, colons and quotes")]
    except yaml.YAMLError as err:
        return None, [Problem(shown, 0, "", f"YAML cannot be read: {err}", "")]
    if root is None:
        return None, [Problem(shown, 1, "", "file is empty", "it must hold at least one record")]
    if not isinstance(root, yaml.SequenceNode):
        return None, [Problem(shown, root.start_mark.line + 1, "",
                              "expected a list of records", "start each record with '- '")]
    problems: list[Problem] = []
    records: list[RawRecord] = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(shown, line, "", "expected a record of 'key: value' lines",
                                    "start each record with '- key: value'"))
            continue
        lines: dict[Loc, int] = {}
        found: list[Problem] = []
        values = _plain(item, (), lines, shown, found)
        problems += found
        records.append(RawRecord(shown, line, values, lines, broken=bool(found)))
    return RawFile(shown, tuple(records)), problems


def _plain(node: yaml.Node, loc: Loc, lines: dict[Loc, int], shown: str,
           problems: list[Problem]) -> Any:
    """Turn a node into plain values; scalars stay strings for pydantic to parse."""
    line = node.start_mark.line + 1
    name = ".".join(str(part) for part in loc)
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        problems.append(Problem(shown, line, name, f"YAML tag {tag} is not allowed",
                                "data files hold plain text, numbers, lists and mappings only"))
        return None
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == _NULL_TAG else node.value
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            lines[(*loc, index)] = child.start_mark.line + 1
            items.append(_plain(child, (*loc, index), lines, shown, problems))
        return items
    mapping: dict[str, Any] = {}
    assert isinstance(node, yaml.MappingNode)
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
            problems.append(Problem(shown, key_line, name, "keys must be plain words",
                                    "write 'key: value'"))
            continue
        key = key_node.value
        if key in mapping:
            problems.append(Problem(
                shown, key_line, ".".join(str(p) for p in (*loc, key)),
                f"key appears twice in this record (first on line {lines[(*loc, key)]})",
                "delete one of them",
            ))
            continue
        lines[(*loc, key)] = key_line
        mapping[key] = _plain(value_node, (*loc, key), lines, shown, problems)
    return mapping
