"""Downloads: every data file as CSV and JSON, described by a Frictionless data package.

Pure like render: valid rows in, (path under docs/, content) out, one file at a time; a
large download comes as pieces of bytes. Every file is
exported as CSV in the column order of its model (nested records become dotted
columns, lists of records a JSON cell) and as JSON; the files as the maintainers
wrote them are published too, under data/source/, with their JSON Schemas.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .contract import columns, json_schemas, schema_name, stem, table_schema
from .models import Record, dump
from .tables import Table
from .validate import Rows
from .write import Content

FOLDER = "data"


def downloads(data_file: str) -> dict[str, str]:
    """Where a data file's downloads live in the site, keyed by format."""
    return {"csv": f"{FOLDER}/{stem(data_file)}.csv",
            "json": f"{FOLDER}/{stem(data_file)}.json",
            "source": f"{FOLDER}/source/{data_file}"}


def export(rows: Rows, data_dir: Path) -> Iterator[tuple[str, Content]]:
    """The original files, CSV and JSON for every file, and datapackage.json."""
    resources = []
    for table, table_rows in rows:
        name, model = table.file, table.model
        records = [r.record for r in table_rows]
        paths = downloads(name)
        yield paths["source"], (data_dir / name).read_bytes()  # as the maintainers wrote it
        yield paths["json"], _json(records)
        yield paths["csv"], _csv(records, [name for name, _ in columns(model)])
        resources.append(_resource(table, paths, len(records)))
    package = {
        "profile": "tabular-data-package",
        "name": "ketamine-therapies-compared",
        "title": "Ketamine therapies compared: the data behind the site",
        "description": "Costs, evidence, legal status, mechanisms and checked claims for "
                       "ketamine treatment modalities; every fact cites its own sources and "
                       "carries its own evidence grade.",
        "resources": resources,
    }
    for schema_file, text in json_schemas().items():
        yield f"{FOLDER}/schemas/{schema_file}", text.encode()
    yield f"{FOLDER}/datapackage.json", (json.dumps(package, indent=1) + "\n").encode()


def _json(records: list[Record]) -> Iterator[bytes]:
    # One record a line: readable in a diff, and json's fast C encoder does the work.
    # Line by line, so a download of 100,000 rows is never whole in memory.
    yield b"[\n"
    for n, record in enumerate(records):
        yield (b",\n" if n else b"") + json.dumps(dump(record), ensure_ascii=False).encode()
    yield b"\n]\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) for v in value):
            return ";".join(str(v) for v in value)  # the same convention as our CSV files
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(records: list[Record], names: list[str]) -> Iterator[bytes]:
    line = _Line()
    writer = csv.writer(line, lineterminator="\n")
    writer.writerow(names)
    yield line.take()
    for record in records:  # row by row, as _json
        flat = dump(record)
        writer.writerow([_cell(_dig(flat, name)) for name in names])
        yield line.take()


class _Line:
    """A file for csv.writer that holds the row it last wrote, as UTF-8."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def take(self) -> bytes:
        text, self.text = self.text, ""
        return text.encode()


def _dig(values: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        values = values.get(part) if isinstance(values, dict) else None  # type: ignore[assignment]
    return values


def _resource(table: Table[Any], paths: dict[str, str], count: int) -> dict[str, Any]:
    name, model = table.file, table.model
    return {
        "name": stem(name),
        "path": paths["csv"].removeprefix(f"{FOLDER}/"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": (model.__doc__ or "").strip(),
        "schema": table_schema(table),
        "sources": [{"title": f"data/{name} in the project repository"}],
        "x-json-path": paths["json"].removeprefix(f"{FOLDER}/"),
        "x-json-schema": f"schemas/{schema_name(name)}",
        "x-source": paths["source"].removeprefix(f"{FOLDER}/"),
        "x-records": count,
    }


