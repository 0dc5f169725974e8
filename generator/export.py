"""Downloads: every data file as CSV and JSON, described by a Frictionless data package.

Pure like render: valid rows in, (path under docs/, bytes) out, one file at a time. Every file is
exported as CSV in the column order of its model (nested records become dotted
columns, lists of records a JSON cell) and as JSON; the files as the maintainers
wrote them are published too, under data/source/, with their JSON Schemas.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .contract import json_schemas, schema_name
from .models import DATA_FILES, Record, field_order
from .validate import Rows

FOLDER = "data"


def stem(data_file: str) -> str:
    return data_file.rsplit(".", 1)[0]


def downloads(data_file: str) -> dict[str, str]:
    """Where a data file's downloads live in the site, keyed by format."""
    return {"csv": f"{FOLDER}/{stem(data_file)}.csv",
            "json": f"{FOLDER}/{stem(data_file)}.json",
            "source": f"{FOLDER}/source/{data_file}"}


def export(rows: Rows, data_dir: Path) -> Iterator[tuple[str, bytes]]:
    """The original files, CSV and JSON for every file, and datapackage.json."""
    resources = []
    for name, model in DATA_FILES.items():
        records = [r.record for r in rows.get(name, ())]
        paths = downloads(name)
        yield paths["source"], (data_dir / name).read_bytes()  # as the maintainers wrote it
        yield paths["json"], _json(records)
        columns = _columns(model)
        yield paths["csv"], _csv(records, columns)
        resources.append(_resource(name, model, columns, paths, len(records)))
    package = {
        "profile": "tabular-data-package",
        "name": "ketamine-therapies-compared",
        "title": "Ketamine therapies compared: the data behind the site",
        "description": "Costs, evidence, legal status, mechanisms and checked claims for "
                       "ketamine treatment modalities; every row cites sources and carries a "
                       "certainty grade.",
        "resources": resources,
    }
    for schema_file, text in json_schemas().items():
        yield f"{FOLDER}/schemas/{schema_file}", text.encode()
    yield f"{FOLDER}/datapackage.json", (json.dumps(package, indent=1) + "\n").encode()


def _json(records: list[Record]) -> bytes:
    # One record a line: readable in a diff, and json's fast C encoder does the work.
    buffer = io.StringIO()
    buffer.write("[\n")
    for n, record in enumerate(records):
        if n:
            buffer.write(",\n")
        buffer.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False))
    buffer.write("\n]\n")
    return buffer.getvalue().encode()


def _columns(model: type[BaseModel], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(column name, JSON Schema of the column) with nested records flattened."""
    schema = model.model_json_schema()
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


def _nested(model: type[BaseModel], field: str) -> type[BaseModel] | None:
    annotation = model.model_fields[field].annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
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
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(records: list[Record], columns: list[tuple[str, dict[str, Any]]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    for record in records:
        flat = record.model_dump(mode="json")
        writer.writerow([_cell(_dig(flat, name)) for name, _ in columns])
    return buffer.getvalue().encode()


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


def _resource(name: str, model: type[Record], columns: list[tuple[str, dict[str, Any]]],
              paths: dict[str, str], count: int) -> dict[str, Any]:
    required = set(model.model_json_schema().get("required", []))
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
        "schema": {"fields": fields},
        "sources": [{"title": f"data/{name} in the project repository"}],
        "x-json-path": paths["json"].removeprefix(f"{FOLDER}/"),
        "x-json-schema": f"schemas/{schema_name(name)}",
        "x-source": paths["source"].removeprefix(f"{FOLDER}/"),
        "x-records": count,
    }
