"""Load stage: files as spreadsheets and editors save them, and files that must be refused."""

from __future__ import annotations

from pathlib import Path

from generator import load, pipeline

from .conftest import GOLDEN_TODAY, MINIMAL


def test_csv_with_bom_and_crlf_is_read_like_a_plain_file(tmp_path: Path) -> None:
    plain = MINIMAL / "costs.csv"
    saved = tmp_path / "costs.csv"
    saved.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes().replace(b"\n", b"\r\n"))
    a, problems_a = load.load_file(plain, "data/costs.csv")
    b, problems_b = load.load_file(saved, "data/costs.csv")
    assert problems_a == problems_b == []
    assert a is not None and b is not None
    assert a.header == b.header
    assert [r.values for r in a.records] == [r.values for r in b.records]
    assert [r.line for r in a.records] == [2, 3, 4]


def test_yaml_with_bom_and_crlf_is_accepted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for f in MINIMAL.iterdir():
        content = f.read_bytes().replace(b"\n", b"\r\n")
        (data / f.name).write_bytes(b"\xef\xbb\xbf" + content if f.suffix == ".yaml" else content)
    assert pipeline.check(data, today=GOLDEN_TODAY).problems == []


def test_yaml_records_remember_the_line_of_every_nested_value() -> None:
    raw, problems = load.load_file(MINIMAL / "modalities.yaml", "data/modalities.yaml")
    assert problems == [] and raw is not None
    first = raw.records[0]
    assert first.line == 1
    assert first.line_of(("doses", 0, "grade")) == 16
    assert first.line_of(("doses", 0, "no-such-key")) == 15  # falls back to the item
    assert raw.records[1].line == 19


def test_a_quoted_multiline_csv_cell_keeps_the_line_where_its_row_starts(tmp_path: Path) -> None:
    f = tmp_path / "legal.csv"
    f.write_text('a,b\n"one\ntwo",x\nthree,y\n', encoding="utf-8")
    raw, problems = load.load_file(f, "data/legal.csv")
    assert problems == [] and raw is not None
    assert [(r.line, r.values["a"]) for r in raw.records] == [(2, "one\ntwo"), (4, "three")]


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(load, "MAX_BYTES", 100)
    f = tmp_path / "claims.yaml"
    f.write_text("- id: x\n" * 50, encoding="utf-8")
    raw, problems = load.load_file(f, "data/claims.yaml")
    assert raw is None
    assert "over the 100-byte limit" in problems[0].message


def test_an_alias_bomb_is_refused_at_its_first_alias(tmp_path: Path) -> None:
    lines = ["- id: x", "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  {chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
              for i in range(9)]
    f = tmp_path / "claims.yaml"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, problems = load.load_file(f, "data/claims.yaml")
    assert raw is None
    assert [(p.line, p.message) for p in problems] == [
        (3, "YAML aliases (*name) are not allowed")
    ]


def test_blank_trailing_spreadsheet_rows_are_ignored(tmp_path: Path) -> None:
    f = tmp_path / "legal.csv"
    f.write_text((MINIMAL / "legal.csv").read_text("utf-8") + ",,,,,,,\n\n", encoding="utf-8")
    raw, problems = load.load_file(f, "data/legal.csv")
    assert problems == [] and raw is not None and len(raw.records) == 1


def test_a_whole_record_with_a_refused_tag_is_one_problem_not_a_crash(tmp_path: Path) -> None:
    f = tmp_path / "sources.yaml"
    f.write_text("- !!python/object:os.system {id: x}\n- id: y\n  title: Fine\n",
                 encoding="utf-8")
    raw, problems = load.load_file(f, "data/sources.yaml")
    assert [(p.line, p.message) for p in problems] == [
        (1, "YAML tag !!python/object:os.system is not allowed")
    ]
    assert raw is not None and [(r.values, r.broken) for r in raw.records] == [
        ({}, True), ({"id": "y", "title": "Fine"}, False)
    ]
