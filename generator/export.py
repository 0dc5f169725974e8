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
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .contract import json_schemas, schema_name
from .models import Record, dump, field_order, fields, is_record_type, json_schema
from .tables import BY_NAME, Table
from .validate import Rows
from .write import Content

FOLDER = "data"


def stem(data_file: str) -> str:
    return data_file.rsplit(".", 1)[0]


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
        columns = _columns(model)
        yield paths["csv"], _csv(records, columns)
        resources.append(_resource(table, columns, paths, len(records)))
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


def _columns(model: type[Record], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(column name, JSON Schema of the column) with nested records flattened."""
    schema = json_schema(model)
    defs = schema.get("$defs", {})
    columns = []
    for field in field_order(model):
        prop = schema["properties"][field]
        target = _nested(model, field)
        if target is not None:
            columns += _columns(target, f"{prefix}{field}.")
        else:
            columns.append((prefix + field, _resolve(prop, defs)))
    return columns


def _nested(model: type[Record], field: str) -> type[Record] | None:
    """The record type a field holds, optional or not: its fields become dotted columns."""
    annotation = fields(model)[field].annotation
    options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    for candidate in (annotation, *options):
        if is_record_type(candidate):
            return candidate
    return None


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in prop:
        options = [p for p in prop["anyOf"] if p.get("type") != "null"]
        numeric = [p for p in options if p.get("type") in {"number", "integer"}]
        return {**prop, **_resolve(numeric[0] if numeric else options[0], defs)}
    if "$ref" in prop:
        return {**prop, **defs[prop["$ref"].rsplit("/", 1)[-1]]}
    return prop


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


def _csv(records: list[Record], columns: list[tuple[str, dict[str, Any]]]) -> Iterator[bytes]:
    line = _Line()
    writer = csv.writer(line, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    yield line.take()
    for record in records:  # row by row, as _json
        flat = dump(record)
        writer.writerow([_cell(_dig(flat, name)) for name, _ in columns])
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


def _field(name: str, prop: dict[str, Any]) -> dict[str, Any]:
    kind = prop.get("type")
    if "enum" in prop:
        return {"name": name, "type": "string", "constraints": {"enum": prop["enum"]},
                "description": prop.get("description", "")}
    if prop.get("format") == "date":
        frictionless = "date"
    elif kind in {"number", "integer", "boolean"}:
        frictionless = str(kind)
    else:
        frictionless = "string"  # lists are ';'-separated ids, nested lists JSON text
    field: dict[str, Any] = {"name": name, "type": frictionless}
    if prop.get("description"):
        field["description"] = prop["description"]
    if kind == "array":
        field["description"] = (field.get("description", "") + " Several values are "
                                "separated by ';'.").strip()
    return field


def _resource(table: Table[Any], columns: list[tuple[str, dict[str, Any]]],
              paths: dict[str, str], count: int) -> dict[str, Any]:
    name, model = table.file, table.model
    required = set(json_schema(model).get("required", []))
    fields = []
    for column, prop in columns:
        field = _field(column, prop)
        if column in required:
            field["constraints"] = {**field.get("constraints", {}), "required": True}
        fields.append(field)
    return {
        "name": stem(name),
        "path": paths["csv"].removeprefix(f"{FOLDER}/"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": (model.__doc__ or "").strip(),
        "schema": _schema(table, fields,
                          {column for column, prop in columns if prop.get("type") == "array"}),
        "sources": [{"title": f"data/{name} in the project repository"}],
        "x-json-path": paths["json"].removeprefix(f"{FOLDER}/"),
        "x-json-schema": f"schemas/{schema_name(name)}",
        "x-source": paths["source"].removeprefix(f"{FOLDER}/"),
        "x-records": count,
    }


def _schema(table: Table[Any], fields: list[dict[str, Any]], lists: set[str]
            ) -> dict[str, Any]:
    """A Table Schema: the fields, the key and the references to other tables."""
    schema: dict[str, Any] = {"fields": fields, "primaryKey": list(table.key)}
    names = {f["name"] for f in fields}
    foreign = []
    for field, target in table.references.items():
        # Only a column that holds one id can be a foreign key in a Table Schema.
        if field in names and field not in lists:
            other = BY_NAME[target]
            assert len(other.key) == 1, f"{other.name} is referenced by one field"
            foreign.append({"fields": field,
                            "reference": {"resource": stem(other.file), "fields": other.key[0]}})
    if foreign:
        schema["foreignKeys"] = foreign
    return schema
