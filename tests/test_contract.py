"""The committed JSON Schemas and data dictionary match the models."""

from __future__ import annotations

import json

import jsonschema
import yaml

from generator.contract import DICTIONARY_END, DICTIONARY_START, data_dictionary, json_schemas
from generator.tables import TABLES

from .conftest import ROOT


def test_committed_json_schemas_are_current() -> None:
    folder = ROOT / "data" / "schemas"
    expected = json_schemas()
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected), "run `make dictionary`"
    for name, text in expected.items():
        assert (folder / name).read_text("utf-8") == text, f"{name} is stale: make dictionary"


def test_the_data_dictionary_in_contributing_is_current() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    start, end = guide.index(DICTIONARY_START), guide.index(DICTIONARY_END)
    assert guide[start:end + len(DICTIONARY_END)] == data_dictionary(), "run `make dictionary`"


def test_every_yaml_file_points_editors_at_its_schema_and_satisfies_it() -> None:
    for name in (t.file for t in TABLES):
        if not name.endswith(".yaml"):
            continue
        path = ROOT / "data" / name
        first = path.read_text("utf-8").splitlines()[0]
        schema_file = name.replace(".yaml", ".schema.json")
        assert first == f"# yaml-language-server: $schema=schemas/{schema_file}"
        schema = json.loads((ROOT / "data" / "schemas" / schema_file).read_text("utf-8"))
        records = yaml.safe_load(path.read_text("utf-8"))
        jsonschema.validate(_dates_as_text(records), schema)


def _dates_as_text(value: object) -> object:
    """YAML editors see an unquoted date as text, as JSON Schema's format 'date' expects."""
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    return value.isoformat() if hasattr(value, "isoformat") else value
