"""Downloads: every table as CSV and JSON that round-trip, described by datapackage.json."""

from __future__ import annotations

import csv
import io
import json

import pytest

from generator import pipeline
from generator.export import export
from generator.models import DATA_FILES, parse
from generator.write import joined

from .conftest import GOLDEN_TODAY, ROOT


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    rows = pipeline.check(ROOT / "data", today=GOLDEN_TODAY).rows
    return {path: joined(content) for path, content in export(rows, ROOT / "data")}


def test_every_data_file_is_offered_as_source_csv_and_json(files: dict[str, bytes]) -> None:
    for name in DATA_FILES:
        stem = name.rsplit(".", 1)[0]
        assert files[f"data/source/{name}"] == (ROOT / "data" / name).read_bytes()
        assert f"data/{stem}.csv" in files and f"data/{stem}.json" in files


def test_json_downloads_hold_every_record_and_validate_against_the_models(
    files: dict[str, bytes]
) -> None:
    rows = pipeline.check(ROOT / "data", today=GOLDEN_TODAY).rows
    for name, model in DATA_FILES.items():
        records = json.loads(files[f"data/{name.rsplit('.', 1)[0]}.json"])
        assert [parse(model, r) for r in records] == [r.record for r in rows[name]]


def test_the_data_package_describes_each_csv_column_by_column(files: dict[str, bytes]) -> None:
    package = json.loads(files["data/datapackage.json"])
    assert package["profile"] == "tabular-data-package"
    assert len(package["resources"]) == len(DATA_FILES)
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
