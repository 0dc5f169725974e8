"""Time `generator.pipeline.generate()` in a fresh process; print the figures as JSON.

    python tests/bench/probe.py DATA_DIR [--stages] [--trace]

Run by run.py as a script (not with -m), with PYTHONPATH pointing at the copy of the
generator being measured, so the figures are of the generator alone: no interpreter
start-up, no imports, no writing. `--stages` times load+validate, assemble and render
separately; `--trace` measures the peak of Python allocations with tracemalloc (which
slows everything down, so its run gives memory only).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from generator import pipeline
from generator.render import render


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
        pages = render(data)
        rendered = time.perf_counter()
        out["stages"] = {"load+validate": validated - start, "assemble": assembled - validated,
                         "render": rendered - assembled}
        out["pages"] = len(pages)
        out["markdown_bytes"] = sum(len(text.encode()) for text in pages.values())
    else:
        files = pipeline.generate(args.data)
        out["files"] = len(files)
        out["bytes"] = sum(map(len, files.values()))
    out["seconds"] = time.perf_counter() - start
    if args.trace:
        out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    # ru_maxrss is in KiB on Linux: the process's peak, interpreter and imports included.
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
