"""Load stage: files as spreadsheets and editors save them, and files that must be refused."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml

from generator import load, pipeline
from generator.models import fields
from generator.problems import Problem
from generator.tables import BY_FILE

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


# --- files as Excel, LibreOffice, Google Sheets and editors save them ------------------

RESAVE_COMMAS = ("re-save as CSV with commas: in LibreOffice, Save As, Text CSV, Edit filter "
                 "settings, Field delimiter ','; in Google Sheets, File > Download > CSV; Excel "
                 "takes it from Windows' region settings (List separator)")
RESAVE_UTF8_CSV = ('re-save it as UTF-8: in Excel, Save As "CSV UTF-8 (Comma delimited)"; in '
                   'LibreOffice, Save As, Text CSV, Edit filter settings, Character set '
                   '"Unicode (UTF-8)"')
RESAVE_UTF8_TEXT = ('re-save it as UTF-8: in your editor\'s Save As, choose the encoding UTF-8 '
                    '(Notepad: Encoding "UTF-8")')


def _messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in sorted(problems)]


def _saved(tmp_path: Path, name: str, data: bytes) -> tuple[load.RawFile | None, list[str]]:
    f = tmp_path / name
    f.write_bytes(data)
    table = BY_FILE.get(name)
    raw, problems = load.load_file(f, f"data/{name}",
                                   tuple(fields(table.model)) if table else None)
    return raw, _messages(problems)


def _costs() -> str:
    return (MINIMAL / "costs.csv").read_text("utf-8")


def test_a_csv_saved_with_semicolons_is_one_message_naming_the_separator(tmp_path: Path) -> None:
    raw, messages = _saved(tmp_path, "costs.csv", _costs().replace(",", ";").encode())
    assert raw is None
    assert messages == [f"data/costs.csv:1: columns are separated by semicolons (';'), not "
                        f"commas ({RESAVE_COMMAS}) [csv-separator]"]


def test_a_semicolon_csv_with_quoted_header_cells_is_recognised_too(tmp_path: Path) -> None:
    # LibreOffice quotes every text cell when asked to; the header is still one row.
    header = ";".join(f'"{name}"' for name in _costs().splitlines()[0].split(","))
    raw, messages = _saved(tmp_path, "costs.csv", f"{header}\r\n".encode())
    assert raw is None and len(messages) == 1 and messages[0].endswith("[csv-separator]")


def test_a_csv_of_cells_pasted_from_a_spreadsheet_names_the_tabs(tmp_path: Path) -> None:
    raw, messages = _saved(tmp_path, "costs.csv", _costs().replace(",", "\t").encode())
    assert raw is None
    assert messages == [f"data/costs.csv:1: columns are separated by tabs, not commas "
                        f"({RESAVE_COMMAS}) [csv-separator]"]


def test_a_one_column_header_that_names_no_column_is_left_to_the_validate_stage(
        tmp_path: Path) -> None:
    raw, messages = _saved(tmp_path, "costs.csv", b"a;b\n1;2\n")
    assert raw is not None and raw.header == ("a;b",) and messages == []


def test_windows_1252_and_semicolons_are_both_reported_at_once(tmp_path: Path) -> None:
    # Excel's plain "CSV" in a French or German locale: Windows-1252 and ';'.
    data = _costs().replace(",", ";").replace("typical", "typ\u00e9cal").encode("cp1252")
    raw, messages = _saved(tmp_path, "costs.csv", data)
    assert raw is None
    assert messages == [
        f"data/costs.csv:1: columns are separated by semicolons (';'), not commas "
        f"({RESAVE_COMMAS}) [csv-separator]",
        f"data/costs.csv:2: not UTF-8: byte 0xe9 at column 27 would be 'é' in Windows-1252 "
        f'("ANSI"), the encoding it was most likely saved in ({RESAVE_UTF8_CSV}) '
        '[windows-1252]',
    ]


def test_a_header_in_another_case_or_spacing_is_one_message_and_its_cells_are_read(
        tmp_path: Path) -> None:
    header, rest = _costs().split("\n", 1)
    header = header.replace("modality,", " modality ,").replace("low_usd", "Low USD")
    raw, messages = _saved(tmp_path, "costs.csv", f"{header}\n{rest}".encode())
    assert messages == [
        "data/costs.csv:1: column ' modality ' differs from 'modality' only in case or spacing "
        "(did you mean 'modality'? rename it in the header row) [column-case]",
        "data/costs.csv:1: column 'Low USD' differs from 'low_usd' only in case or spacing "
        "(did you mean 'low_usd'? rename it in the header row) [column-case]",
    ]
    assert raw is not None and raw.header is not None
    assert raw.header[:3] == ("modality", "item", "low_usd")
    assert [r.values["low_usd"] for r in raw.records] == ["400", "300", "200"]


def test_a_misnamed_header_gives_no_more_messages_from_the_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    (data / "costs.csv").write_text(_costs().replace("modality,", "Modality,", 1), "utf-8")
    errors = [p for p in pipeline.check(data, today=GOLDEN_TODAY).errors
              if p.path.endswith("costs.csv")]
    assert [p.code for p in errors] == ["column-case"]


def test_a_header_the_loader_cannot_tell_apart_is_not_renamed(tmp_path: Path) -> None:
    # 'modality' is there already: 'Modality' is then an unknown column, for validate.
    header, rest = _costs().split("\n", 1)
    raw, messages = _saved(tmp_path, "costs.csv", f"{header},Modality\n{rest}".encode())
    assert raw is not None and raw.header is not None and raw.header[-1] == "Modality"
    assert not [m for m in messages if "column-case" in m]


def test_a_tab_in_yaml_indentation_is_named_with_its_line(tmp_path: Path) -> None:
    text = (MINIMAL / "sources.yaml").read_text("utf-8").replace("\n  kind: trial",
                                                                  "\n\tkind: trial")
    raw, messages = _saved(tmp_path, "sources.yaml", text.encode())
    assert raw is None
    assert messages == ["data/sources.yaml:8: a tab character is used for indentation; YAML "
                        "indents with spaces only (replace the tab with spaces) [yaml-tab]"]


def test_a_tab_is_named_by_the_pure_python_parser_too(tmp_path: Path, monkeypatch) -> None:
    # Without libyaml, PyYAML says "found character '\t' that cannot start any token".
    monkeypatch.setattr(load, "_FAST_LOADER", yaml.SafeLoader)
    for text, line in [("- id: x\n\ttitle: y\n", 2), ("- id: x\n  tags:\n  \t- a\n", 3),
                       ("-\tid: x\n", 1)]:
        raw, messages = _saved(tmp_path, "sources.yaml", text.encode())
        assert raw is None and messages == [
            f"data/sources.yaml:{line}: a tab character is used for indentation; YAML indents "
            "with spaces only (replace the tab with spaces) [yaml-tab]"]


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-16"),  # Excel's "Unicode Text": a byte-order mark FF FE
    lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    lambda text: text.encode("utf-16-le"),  # no byte-order mark: NUL in every other byte
], ids=["utf-16-le-bom", "utf-16-be-bom", "utf-16-no-bom"])
def test_a_utf16_file_is_named_not_decoded(tmp_path: Path, encode) -> None:
    raw, messages = _saved(tmp_path, "costs.csv", encode(_costs().replace(",", "\t")))
    assert raw is None
    assert messages == [f'data/costs.csv:1: file is saved as UTF-16 ("Unicode"), not UTF-8 '
                        f"({RESAVE_UTF8_CSV}) [utf16]"]


def test_a_utf16_yaml_file_says_how_to_resave_it_in_an_editor(tmp_path: Path) -> None:
    raw, messages = _saved(tmp_path, "sources.yaml", "- id: x\n".encode("utf-16"))
    assert raw is None
    assert messages == [f'data/sources.yaml:1: file is saved as UTF-16 ("Unicode"), not UTF-8 '
                        f"({RESAVE_UTF8_TEXT}) [utf16]"]


def test_a_windows_1252_file_is_named_with_the_line_column_and_character(
        tmp_path: Path) -> None:
    text = "- id: x\n  title: \u00e9t\u00e9, the clinic\u2019s\n"
    raw, messages = _saved(tmp_path, "glossary.yaml", text.encode("cp1252"))
    assert raw is None
    assert messages == [f"data/glossary.yaml:2: not UTF-8: byte 0xe9 at column 10 would be "
                        f"'é' in Windows-1252 (\"ANSI\"), the encoding it was most likely "
                        f"saved in ({RESAVE_UTF8_TEXT}) [windows-1252]"]


def test_bytes_of_no_known_encoding_are_plainly_not_utf8(tmp_path: Path) -> None:
    # 0x81 is unused in Windows-1252 too; the column counts characters, not bytes.
    raw, messages = _saved(tmp_path, "glossary.yaml", "- id: \u00e9x".encode() + b"\x81\n")
    assert raw is None
    assert messages == ["data/glossary.yaml:1: not valid UTF-8 (byte 0x81 at column 9) "
                        "(save the file as UTF-8) [not-utf8]"]


def test_a_cell_over_the_csv_modules_limit_is_read_for_validate_to_judge(
        tmp_path: Path) -> None:
    big = "x" * 200_000  # Python's csv stops at 131,072 characters by default
    raw, messages = _saved(tmp_path, "costs.csv",
                           _costs().replace("Listing date not given.", big).encode())
    assert messages == [] and raw is not None
    assert raw.records[0].values["detail"] == big


def test_an_oversized_cell_is_one_message_with_field_length_and_limit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    (data / "costs.csv").write_text(
        _costs().replace("Listing date not given.", "x" * 200_000), "utf-8")
    errors = [str(p) for p in pipeline.check(data, today=GOLDEN_TODAY).errors
              if p.path.endswith("costs.csv")]
    assert errors == [f"{data}/costs.csv:2: detail: 200,000 characters, over the limit of "
                      "600 (a detail is a sentence or two; the source holds the rest) "
                      "[too-long]"]


def test_no_cell_can_outgrow_the_file_size_limit(tmp_path: Path, monkeypatch) -> None:
    # The csv field limit is the file limit, and a file over it is never read: memory
    # stays bounded by MAX_BYTES however the cells are laid out.
    limit = csv.field_size_limit()
    monkeypatch.setattr(load, "MAX_BYTES", 1000)
    try:
        raw, messages = _saved(tmp_path, "costs.csv", _costs().encode())
        assert messages == [] and csv.field_size_limit() == 1000
        raw, messages = _saved(tmp_path, "costs.csv", ("a,b\n1," + "x" * 2000 + "\n").encode())
    finally:
        csv.field_size_limit(limit)  # global to the csv module
    assert raw is None
    assert messages == ["data/costs.csv: file is 2,007 bytes, over the 1,000-byte limit "
                        "(split it or remove what was pasted by mistake) [file-too-large]"]


def test_an_unclosed_quote_names_the_line_where_the_cell_started(tmp_path: Path) -> None:
    text = 'jurisdiction,status\n"A",x\nB,"Schedule\nIII\nC,y\n'
    raw, messages = _saved(tmp_path, "legal.csv", text.encode())
    assert messages == [
        'data/legal.csv:3: status: the quoted cell that starts on this line has no closing '
        'quote, so it runs to the end of the file (add the closing " where the cell ends; a " '
        'inside a quoted cell is written twice, "5"" long") [csv-unclosed-quote]']
    assert raw is not None and [r.values for r in raw.records] == [
        {"jurisdiction": "A", "status": "x"}]


def test_a_quote_that_ends_a_quoted_cell_early_names_both_lines(tmp_path: Path) -> None:
    text = 'jurisdiction,status\n"A","a line\nand 5" more",x\n'
    raw, messages = _saved(tmp_path, "legal.csv", text.encode())
    assert messages == [
        "data/legal.csv:2: status: the quoted cell that starts on this line is closed by a "
        "quote on line 3 that is followed by ' more\",x', not by a comma (a \" inside a quoted "
        "cell is written twice, \"5\"\" long\"; or add the cell's missing closing quote) "
        "[csv-stray-quote]"]
    assert raw is not None and list(raw.records) == []  # the row is refused whole


def test_a_quote_inside_an_unquoted_cell_is_just_text(tmp_path: Path) -> None:
    raw, messages = _saved(tmp_path, "costs.csv",
                           _costs().replace("Listing date not given.", '5" long').encode())
    assert messages == [] and raw is not None
    assert raw.records[0].values["detail"] == '5" long'


def test_an_excel_saved_csv_with_a_trailing_empty_column_just_works(tmp_path: Path) -> None:
    # Excel writes an extra ',' on every line once a cell right of the table was touched,
    # and a byte-order mark, CRLF and empty rows at the end.
    lines = _costs().splitlines()
    text = "\r\n".join(line + "," for line in lines) + "\r\n,,,,,,,,,,,,,\r\n\r\n"
    raw, messages = _saved(tmp_path, "costs.csv", b"\xef\xbb\xbf" + text.encode())
    plain, _ = load.load_file(MINIMAL / "costs.csv", "data/costs.csv")
    assert messages == [] and raw is not None and plain is not None
    assert [(r.line, r.values) for r in raw.records] == [
        (r.line, r.values) for r in plain.records]


def test_a_header_ending_in_a_comma_over_rows_without_one_just_works(tmp_path: Path) -> None:
    header, rest = _costs().split("\n", 1)
    raw, messages = _saved(tmp_path, "costs.csv", f"{header},\n{rest}".encode())
    assert messages == [] and raw is not None and len(raw.records) == 3


def test_a_value_under_an_unnamed_trailing_column_is_one_message(tmp_path: Path) -> None:
    lines = [line + "," for line in _costs().splitlines()]
    lines[1] += "forgotten"
    lines[2] += "and this"
    raw, messages = _saved(tmp_path, "costs.csv", "\n".join(lines).encode())
    assert messages == ["data/costs.csv:1: a column has no name (name it or delete it) "
                        "[column-unnamed]"]
    assert raw is not None and len(raw.records) == 3


def test_blank_lines_above_the_header_are_skipped_and_lines_stay_true(tmp_path: Path) -> None:
    raw, messages = _saved(tmp_path, "costs.csv", ("\n\n" + _costs()).encode())
    assert messages == [] and raw is not None
    assert [r.line for r in raw.records] == [4, 5, 6]


def test_a_repeated_header_is_one_message_and_not_a_record(tmp_path: Path) -> None:
    lines = _costs().splitlines()
    text = "\n".join([*lines[:2], lines[0], *lines[2:]]) + "\n"
    raw, messages = _saved(tmp_path, "costs.csv", text.encode())
    assert messages == ["data/costs.csv:3: the header row appears again here (delete this line) "
                        "[header-repeated]"]
    assert raw is not None and [r.line for r in raw.records] == [2, 4, 5]


def test_a_column_named_three_times_is_one_message_and_the_first_is_read(
        tmp_path: Path) -> None:
    text = "jurisdiction,status,status,status\nA,x,,\n"
    raw, messages = _saved(tmp_path, "legal.csv", text.encode())
    assert messages == ["data/legal.csv:1: status: column appears twice (delete one of them) "
                        "[column-twice]"]
    assert raw is not None and [r.values for r in raw.records] == [
        {"jurisdiction": "A", "status": "x"}]
