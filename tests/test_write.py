"""Write stage: only changed files are touched, stale ones go, hand-written ones stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.write import BANNER, OwnershipError, owned, write


def _page(text: str) -> bytes:
    return f"---\n{BANNER} from x.\n---\n{text}\n".encode()


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    files = {"a.md": _page("a"), "sub/b.md": _page("b")}
    first = write(tmp_path, files)
    mtime = (tmp_path / "a.md").stat().st_mtime_ns
    second = write(tmp_path, {**files, "sub/b.md": _page("changed")})
    assert first.written == ("a.md", "sub/b.md")
    assert second.written == ("sub/b.md",) and second.unchanged == 1
    assert (tmp_path / "a.md").stat().st_mtime_ns == mtime


def test_pages_no_longer_produced_are_removed_with_their_empty_folder(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": _page("a"), "sub/b.md": _page("b")})
    report = write(tmp_path, {"a.md": _page("a")})
    assert report.removed == ("sub/b.md",)
    assert not (tmp_path / "sub").exists()
    assert owned(tmp_path) == {"a.md"}


def test_hand_written_pages_are_never_touched(tmp_path: Path) -> None:
    (tmp_path / "about.md").write_text("# Mine\n")
    write(tmp_path, {"a.md": _page("a")})
    write(tmp_path, {})
    assert (tmp_path / "about.md").read_text() == "# Mine\n"
    with pytest.raises(OwnershipError, match=r"docs/about\.md exists"):
        write(tmp_path, {"about.md": _page("generated")})
    assert (tmp_path / "about.md").read_text() == "# Mine\n"


def test_written_pages_are_readable_by_others_so_they_can_be_published(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": _page("a")})
    assert (tmp_path / "a.md").stat().st_mode & 0o777 == 0o644


def test_a_failure_part_way_leaves_docs_as_it_was(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, {"a.md": _page("a")})
    before = {p: p.read_bytes() for p in docs.rglob("*") if p.is_file()}

    def files():  # type: ignore[no-untyped-def]
        yield "a.md", _page("changed")
        yield "new/b.md", _page("b")
        raise RuntimeError("a page failed to render")

    with pytest.raises(RuntimeError):
        write(docs, files())
    assert {p: p.read_bytes() for p in docs.rglob("*") if p.is_file()} == before
    assert not (docs / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]  # no staging left behind


def test_a_file_given_in_pieces_is_compared_and_written_whole(tmp_path: Path) -> None:
    content = _page("x" * 10_000)
    pieces = [content[i:i + 999] for i in range(0, len(content), 999)]
    assert write(tmp_path, {"big.md": iter(pieces)}).written == ("big.md",)
    assert (tmp_path / "big.md").read_bytes() == content
    again = write(tmp_path, {"big.md": iter(pieces)})
    assert again.written == () and again.unchanged == 1
    longer = write(tmp_path, {"big.md": iter([*pieces, b"more"])})
    assert longer.written == ("big.md",)
    assert (tmp_path / "big.md").read_bytes() == content + b"more"
