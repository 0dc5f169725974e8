"""Which rendering of a big table builds fastest and still keeps what readers use?

    python -m tests.bench.renderings [--rows 10000] [--runs 3]    (run.py calls it too)

The same legal-status rows (from a synthetic data set, synth.py), 1,000 rows a page, are
built by MkDocs with our theme, Markdown extensions, search and table script, three ways:

- markdown-footnotes: a Markdown table, each row's sources as footnotes (the way a
  maintainer writes a cited table by hand in MkDocs);
- markdown-links: a Markdown table, each row's sources as links to a references page;
- html: the HTML table the generator writes (generator/markup.py), as the site ships it.

For each it reports the build time (median of the runs), the search index size, and what
the built pages keep, read from the HTML: row text in the search index, every row linking
to its sources, glossary tooltips (<abbr title>), tables our script makes sortable
(table.data-table) and rows with their own anchor (which back-links from the references
page need).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape

from generator import pipeline
from generator.escape import Glossary
from generator.markup import Writer
from generator.render import relative_url
from generator.views import Cite, Dataset, Table, TableRow

from . import synth

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ("markdown-footnotes", "markdown-links", "html")


def _config(variant: str) -> dict[str, Any]:
    """Our mkdocs.yml's look and behaviour, without its navigation of generated pages."""
    from .run import _load_config  # the one place that reads mkdocs.yml's !ENV tags

    ours = _load_config(ROOT / "mkdocs.yml")
    extensions = list(ours["markdown_extensions"])
    if variant == "markdown-footnotes":
        extensions.append("footnotes")
    return {
        "site_name": f"Rendering: {variant}",
        "theme": ours["theme"],
        "extra_css": ours["extra_css"],
        "extra_javascript": ours["extra_javascript"],
        "plugins": ["search"],
        "markdown_extensions": extensions,
        "exclude_docs": ours["exclude_docs"],
    }


def write_project(dest: Path, variant: str, data: Dataset) -> int:
    """A MkDocs project of the legal table's pages in one rendering; returns its row count."""
    docs = dest / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    (docs / "includes").mkdir(parents=True)
    (docs / "includes" / "abbreviations.md").write_text(
        "".join(f"*[{term}]: {definition}\n" for term, definition in data.terms.items()),
        "utf-8")
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(_config(variant), sort_keys=False), "utf-8")
    gloss = Glossary(data.terms)
    rows = 0
    for tp in data.tables["legal"]:
        path = f"legal-{tp.number:03d}.md"
        body = _html(path, tp.table, gloss) if variant == "html" else _markdown(
            tp.table, footnotes=variant == "markdown-footnotes")
        (docs / path).write_text(f"# Legal status, page {tp.number}\n\n{body}\n", "utf-8")
        rows += len(tp.table.rows)
    sources = "\n\n".join(f'<p id="{s.anchor}"><strong>{s.label}</strong>. {s.source.title}.</p>'
                          for s in data.sources)
    (docs / "references.md").write_text(f"# References\n\n{sources}\n", "utf-8")
    (docs / "index.md").write_text(
        "# Renderings\n\n" + "\n".join(f"- [Page {tp.number}](legal-{tp.number:03d}.md)"
                                       for tp in data.tables["legal"]) + "\n", "utf-8")
    return rows


def _html(path: str, table: Table, gloss: Glossary) -> str:
    writer = Writer(lambda target: escape(relative_url(path, target)), gloss)
    return str(writer.table(table, "legal"))


def _markdown(table: Table, footnotes: bool) -> str:
    columns = [*table.columns, "Grade", "Sources", "Reviewed"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    cited: dict[str, Cite] = {}
    for row in table.rows:
        row_cites = row.cites()
        cites = " ".join(_cite(c, footnotes) for c in row_cites)
        cited.update((c.source_id, c) for c in row_cites)
        cells = [_md_cell(c.text or " ".join(f.value for f in c.facts)) for c in row.cells]
        grade = next((f.badge.label for c in row.cells for f in c.facts), "")
        cells += [grade, cites, row.reviewed.isoformat() if row.reviewed else ""]
        lines.append("| " + " | ".join(cells) + " |")
    notes = "".join(f"\n[^{c.source_id}]: {_md_cell(c.label)}. {_md_cell(c.title)}."
                    for c in cited.values()) if footnotes else ""
    return "\n".join(lines) + "\n" + notes


def _cite(c: Cite, footnotes: bool) -> str:
    return f"[^{c.source_id}]" if footnotes else f"[{_md_cell(c.label)}]({c.target})"


def _md_cell(text: str) -> str:
    return re.sub(r"([\\|*_`\[\]<>])", r"\\\1", text.replace("\n", " "))


def features(site: Path, sample: TableRow) -> dict[str, bool]:
    """What the built pages keep, checked on the first page and the search index."""
    page = (site / "legal-001" / "index.html").read_text("utf-8")
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    text = sample.cells[0].text
    first_table = page[page.find("<table"):page.find("</table>")]
    body_rows = first_table.count("<tr") - 1
    return {
        "search": any(text in doc["text"] for doc in index["docs"]),
        "citations": first_table.count('href="') >= body_rows,
        "tooltips": "<abbr title=" in page,
        "sortable": 'class="data-table' in first_table,
        "row anchors": bool(re.search(r'<tr id="[^"]+"', first_table)),
    }


def measure(rows: int, runs: int, work: Path, log: Callable[[str], None] = print
            ) -> list[dict[str, Any]]:
    data_dir = work / "data"
    synth.write_data(data_dir, rows * 2)  # half of a synthetic set is legal-status rows
    checked = pipeline.check(data_dir)
    data = pipeline.assemble(checked.rows)
    results = []
    for variant in VARIANTS:
        project = work / variant
        table_rows = write_project(project, variant, data)
        times, built = [], None
        for _ in range(runs):
            shutil.rmtree(project / "site", ignore_errors=True)
            start = time.perf_counter()
            ran = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet"],
                                 cwd=project, capture_output=True, text=True, check=False,
                                 env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
            times.append(time.perf_counter() - start)
            if ran.returncode != 0:
                raise SystemExit(f"{variant}: mkdocs build failed:\n{ran.stderr[-2000:]}")
            built = project / "site"
        assert built is not None
        index = built / "search" / "search_index.json"
        results.append({
            "variant": variant, "rows": table_rows, "seconds": statistics.median(times),
            "search_index_mb": index.stat().st_size / 1e6,
            **features(built, data.tables["legal"][0].table.rows[0]),
        })
        log(f"   {variant}: {results[-1]['seconds']:.1f} s")
    return results


def report(results: list[dict[str, Any]]) -> str:
    base = next(r["seconds"] for r in results if r["variant"] == "markdown-footnotes")
    keys = ("search", "citations", "tooltips", "sortable", "row anchors")
    lines = ["| rendering | rows | MkDocs build (s) | vs footnotes | search index (MB) | "
             + " | ".join(keys) + " |", "|" + "---|" * (5 + len(keys))]
    for r in results:
        lines.append(f"| {r['variant']} | {r['rows']:,} | {r['seconds']:.1f} | "
                     f"{r['seconds'] / base:.2f}x | {r['search_index_mb']:.2f} | "
                     + " | ".join("yes" if r[k] else "no" for k in keys) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.renderings",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="renderings-") as work:
        print(report(measure(args.rows, args.runs, Path(work))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
