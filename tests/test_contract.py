"""The committed JSON Schemas and data dictionary match the models."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import pipeline
from generator.contract import DICTIONARY_END, DICTIONARY_START, data_dictionary, json_schemas
from generator.tables import TABLES

from .conftest import GOLDEN_TODAY, MINIMAL, ROOT, json_validator


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
        json_validator(schema).validate(_dates_as_text(records))


def _dates_as_text(value: object) -> object:
    """YAML editors see an unquoted date as text, as JSON Schema's format 'date' expects."""
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    return value.isoformat() if hasattr(value, "isoformat") else value


Records = list[dict[str, Any]]


def _change(field: str, value: Any, index: int = 1) -> Callable[[Records], None]:
    def doctor(records: Records) -> None:
        records[index][field] = value
    return doctor


def _drop(field: str) -> Callable[[Records], None]:
    def doctor(records: Records) -> None:
        del records[1][field]
    return doctor


# One doctored copy per kind of rule; the JSON Schema and the build must both refuse each.
YAML_RULES = [
    ("sources.yaml", _change("url", "ftp://example.org/paper")),  # URL scheme
    ("sources.yaml", _change("url", "https://example.org/a paper")),  # URL with a space
    ("sources.yaml", _change("id", "Zarate_2006")),  # id pattern
    ("sources.yaml", _change("kind", "blog")),  # enum
    ("sources.yaml", _change("label", "L" * 41)),  # length
    ("sources.yaml", _change("title", "A title\nwith a line break")),  # one line
    ("sources.yaml", _change("year", "2006a")),  # number
    ("sources.yaml", _change("homepage", "https://example.org")),  # unknown key
    ("sources.yaml", _drop("kind")),  # required
    ("sources.yaml", _change("doi", "doi:10.1001/x")),  # DOI pattern
    ("modalities.yaml", _change("short", "S" * 25, 0)),  # a field's own tighter limit
]


@pytest.mark.parametrize(("file", "doctor"), YAML_RULES)
def test_json_schema_and_build_refuse_a_doctored_yaml_file(
        tmp_path: Path, file: str, doctor: Callable[[Records], None]) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    records = yaml.safe_load((data / file).read_text("utf-8"))
    schema = json.loads((ROOT / "data" / "schemas" / file.replace(".yaml", ".schema.json"))
                        .read_text("utf-8"))
    json_validator(schema).validate(_dates_as_text(copy.deepcopy(records)))  # valid before
    doctor(records)
    assert not json_validator(schema).is_valid(_dates_as_text(records))
    (data / file).write_text(yaml.safe_dump(records, allow_unicode=True), "utf-8")
    assert pipeline.check(data, today=GOLDEN_TODAY).errors
