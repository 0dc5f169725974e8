"""The table declarations are the one list of tables: everything else must agree with them."""

from __future__ import annotations

import pytest
import yaml

from generator import pipeline
from generator.contract import data_dictionary, schema_name
from generator.models import fields
from generator.render import doc_file, pages
from generator.tables import TABLES, Table

from .conftest import GOLDEN_TODAY, MINIMAL, ROOT


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_column_key_and_reference_names_a_field_of_the_model(table: Table) -> None:
    names = set(fields(table.model))
    for column in table.columns:
        wanted = column.field if isinstance(column.field, tuple) else (column.field,)
        assert set(wanted) <= names | {"value"}, column
    assert set(table.key) <= names
    assert set(table.references) <= names


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_table_has_its_data_file_schema_and_dictionary_entry(table: Table) -> None:
    assert (ROOT / "data" / table.file).is_file()
    assert (MINIMAL / table.file).is_file(), "the golden fixture needs every file"
    assert (ROOT / "data" / "schemas" / schema_name(table.file)).is_file()
    assert f"### `data/{table.file}`" in data_dictionary()


def _nav_paths(items: list) -> list[str]:  # type: ignore[type-arg]
    out = []
    for item in items:
        for value in item.values():
            out += _nav_paths(value) if isinstance(value, list) else [value]
    return out


def test_the_navigation_lists_every_table_page_and_only_pages_that_exist() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    nav = _nav_paths(config["nav"])
    checked = pipeline.check(MINIMAL, today=GOLDEN_TODAY)
    generated = {doc_file(p.path) for p in pages(pipeline.assemble(checked.rows))}
    hand_written = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")
                    if "includes" not in p.parts}
    for table in TABLES:
        if table.page:
            assert doc_file(table.page) in nav, f"{table.page} is not in mkdocs.yml's nav"
    missing = [p for p in nav if p not in generated | hand_written]
    assert missing == []
