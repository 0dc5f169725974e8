"""Downloads: every table as CSV and JSON that round-trip, described by datapackage.json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pandas
import pytest

from generator import pipeline
from generator.contract import table_schema_name
from generator.export import export
from generator.models import parse
from generator.tables import BY_NAME, TABLES
from generator.write import joined

from .conftest import GOLDEN_TODAY, MINIMAL, ROOT, json_validator


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    rows = pipeline.check(MINIMAL, today=GOLDEN_TODAY).rows
    return {path: joined(content) for path, content in export(rows, MINIMAL)}


def test_every_data_file_is_offered_as_source_csv_and_json(files: dict[str, bytes]) -> None:
    for table in TABLES:
        name = table.file
        stem = name.rsplit(".", 1)[0]
        assert files[f"data/source/{name}"] == (MINIMAL / name).read_bytes()
        assert f"data/{stem}.csv" in files and f"data/{stem}.json" in files


def test_json_downloads_hold_every_record_and_validate_against_the_models(
    files: dict[str, bytes]
) -> None:
    rows = pipeline.check(MINIMAL, today=GOLDEN_TODAY).rows
    for table in TABLES:
        records = json.loads(files[f"data/{table.file.rsplit('.', 1)[0]}.json"])
        assert [parse(table.model, r) for r in records] == rows.records(table)


def test_the_data_package_describes_each_csv_column_by_column(files: dict[str, bytes]) -> None:
    package = json.loads(files["data/datapackage.json"])
    assert package["profile"] == "tabular-data-package"
    assert len(package["resources"]) == len(TABLES)
    for resource in package["resources"]:
        table = list(csv.reader(io.StringIO(files["data/" + resource["path"]].decode())))
        header, body = table[0], table[1:]
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert len(body) == resource["x-records"] > 0
        for field in resource["schema"]["fields"]:
            assert field["type"] in {"string", "number", "integer", "boolean", "date"}
            column = [row[header.index(field["name"])] for row in body]
            if field.get("constraints", {}).get("required"):
                assert all(column), (resource["name"], field["name"])
            if field["type"] == "number":
                assert all(float(v) >= 0 for v in column if v)
            if "enum" in field.get("constraints", {}):
                assert set(column) <= set(field["constraints"]["enum"]) | {""}


def test_the_data_package_declares_each_table_key_and_its_references(
    files: dict[str, bytes]
) -> None:
    package = json.loads(files["data/datapackage.json"])
    resources = {r["name"]: r for r in package["resources"]}
    costs = resources["costs"]["schema"]
    assert costs["primaryKey"] == ["modality", "item"]
    assert costs["foreignKeys"] == [
        {"fields": "modality", "reference": {"resource": "modalities", "fields": "id"}}]
    assert resources["legal"]["schema"]["primaryKey"] == ["jurisdiction", "substance", "status"]
    for resource in package["resources"]:
        table = BY_NAME[resource["name"]]  # a resource is named after its table
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert set(resource["schema"]["primaryKey"]) <= set(names), resource["name"]
        assert resource["schema"]["primaryKey"] == list(table.key)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live data's downloads written out as the site publishes them."""
    out = tmp_path_factory.mktemp("published")
    rows = pipeline.check(ROOT / "data", today=GOLDEN_TODAY).rows
    for path, content in export(rows, ROOT / "data"):
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(joined(content))
    return out / "data"


def _frictionless_errors(package: Path) -> list[str]:
    from frictionless import validate

    report = validate(str(package))
    return [f"{task.name}: {error.type}" for task in report.tasks for error in task.errors]


def test_frictionless_accepts_the_published_data_package(published: Path) -> None:
    assert _frictionless_errors(published / "datapackage.json") == []


def _doctored(published: Path, tmp_path: Path, file: str, doctor: Any) -> Path:
    """A copy of the published package with one CSV changed by `doctor(rows)`."""
    copy = tmp_path / "data"
    shutil.copytree(published, copy)
    with (copy / file).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    doctor(rows)
    with (copy / file).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return copy


def _set(column: str, value: str, row: int = 1) -> Any:
    """A doctor that writes `value` into one cell of the named column."""
    def doctor(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value
    return doctor


# One doctored copy per kind of rule the Table Schemas carry; Frictionless must refuse each.
TABLE_RULES = [
    ("costs.csv", _set("modality", "no-such-modality"), "foreign-key"),
    ("legal.csv", lambda rows: rows.append(list(rows[1])), "primary-key"),
    ("costs.csv", _set("unit", "fortnight"), "constraint-error"),  # enum
    ("costs.csv", _set("low_usd", "-5"), "constraint-error"),  # minimum
    ("costs.csv", _set("low_usd", "$400"), "type-error"),  # number
    ("costs.csv", _set("high_open", "yes"), "type-error"),  # boolean
    ("costs.csv", _set("as_of", "2024-13"), "constraint-error"),  # partial date pattern
    ("costs.csv", _set("reviewed", "26/11/2026"), "type-error"),  # date
    ("costs.csv", _set("sources", "Daly 2019"), "constraint-error"),  # id list pattern
    ("costs.csv", _set("grade", ""), "constraint-error"),  # required
    ("legal.csv", _set("status", "x" * 301), "constraint-error"),  # maxLength
    ("legal.csv", _set("jurisdiction", "United\u0007Kingdom"), "constraint-error"),  # text
]


@pytest.mark.parametrize(("file", "doctor", "error"), TABLE_RULES)
def test_frictionless_refuses_a_doctored_copy(published: Path, tmp_path: Path, file: str,
                                              doctor: Any, error: str) -> None:
    errors = _frictionless_errors(_doctored(published, tmp_path, file, doctor)
                                  / "datapackage.json")
    assert any(e.endswith(error) for e in errors), errors


@pytest.mark.parametrize(("file", "doctor", "error"), TABLE_RULES[2:])
def test_the_build_refuses_what_the_table_schema_refuses(tmp_path: Path, file: str,
                                                         doctor: Any, error: str) -> None:
    """The published contract is no stricter than the build: a maintainer's file that
    fails the Table Schema fails `make build` too."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    with (data / file).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    doctor(rows)
    with (data / file).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    assert pipeline.check(data, today=GOLDEN_TODAY).errors


def test_every_csv_file_satisfies_its_own_table_schema() -> None:
    from frictionless import Resource, Schema

    for table in TABLES:
        if table.file.endswith(".csv"):
            schema = Schema.from_descriptor(json.loads(
                (ROOT / "data" / "schemas" / table_schema_name(table.file)).read_text("utf-8")))
            report = Resource(table.file, basepath=str(ROOT / "data"), schema=schema).validate()
            assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])


def test_json_downloads_keep_numbers_dates_and_lists(published: Path) -> None:
    costs = json.loads((published / "costs.json").read_text("utf-8"))
    assert all(isinstance(c["low_usd"], (int, float)) for c in costs if c["low_usd"] is not None)
    assert all(isinstance(c["sources"], list) for c in costs)
    assert all(dt.date.fromisoformat(c["reviewed"]) for c in costs if c["reviewed"])
    frame = pandas.read_json(published / "costs.json")
    assert frame["low_usd"].dtype.kind in "if"


def test_json_downloads_satisfy_the_published_json_schemas(published: Path) -> None:
    package = json.loads((published / "datapackage.json").read_text("utf-8"))
    for resource in package["resources"]:
        schema = json.loads((published / resource["x-json-schema"]).read_text("utf-8"))
        records = json.loads((published / resource["x-json-path"]).read_text("utf-8"))
        json_validator(schema).validate(records)


def test_an_optional_nested_fact_becomes_dotted_columns(files: dict[str, bytes]) -> None:
    table = list(csv.DictReader(io.StringIO(files["data/modalities.csv"].decode())))
    first = table[0]
    assert first["course.count"] == "6" and first["course.or_more"] == "true"
    assert first["course.grade"] == "observational"
    assert not any(value.startswith("{") for value in first.values())
