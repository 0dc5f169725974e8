"""Time the generator in a fresh process; print the figures as JSON.

    python tests/bench/probe.py DATA_DIR [--stages] [--trace]

Run by run.py as a script (not with -m), with PYTHONPATH pointing at the copy of the
generator being measured. By default it times `pipeline.build()` into an empty docs/
folder: everything `python -m generator build` does (load, validate, assemble, render,
export, write) but the interpreter's start-up and the imports, and reports the process's
peak RSS. `--stages` times load+validate, assemble, render and export separately (in
memory, nothing written); `--trace` measures the peak of Python allocations with
tracemalloc (which slows everything down, so its run gives memory only).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from generator import pipeline
from generator.export import export
from generator.render import render_pages
from generator.write import joined


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    out: dict[str, object] = {}
    if args.trace:
        tracemalloc.start()
    start = time.perf_counter()
    if args.stages:
        checked = pipeline.check(args.data)
        if checked.errors:
            print(f"{len(checked.errors)} data errors", file=sys.stderr)
            return 1
        validated = time.perf_counter()
        data = pipeline.assemble(checked.rows)
        assembled = time.perf_counter()
        pages = sum(1 for _ in render_pages(data))
        rendered = time.perf_counter()
        downloads = sum(len(joined(content)) for _, content in export(checked.rows, args.data))
        exported = time.perf_counter()
        out["stages"] = {"load+validate": validated - start, "assemble": assembled - validated,
                         "render": rendered - assembled, "export": exported - rendered}
        out["pages"] = pages
        out["markdown_bytes"] = sum(len(text.encode()) for _, text in render_pages(data))
        out["download_bytes"] = downloads
    else:
        with tempfile.TemporaryDirectory() as docs:
            report = pipeline.build(args.data, Path(docs))
            out["files"] = len(report.written)
    out["seconds"] = time.perf_counter() - start
    if args.trace:
        out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    # ru_maxrss is in KiB on Linux: the process's peak, interpreter and imports included.
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
