"""Lighthouse report: five pages of the built site, served gzip-compressed as a static host would.

    python -m tests.lighthouse               # make lighthouse (builds site/, npm ci if needed)
    python -m tests.lighthouse --runs 3      # each page 3 times, the median run kept
    python -m tests.lighthouse --details     # also every resource of the first view
    python -m tests.lighthouse --site site-zensical   # another build of the site
    python -m tests.lighthouse --calibrate   # also with the CPU slowdown fitted to this machine

It serves site/ on 127.0.0.1 (gzip for HTML, CSS, JavaScript, JSON and SVG, as GitHub Pages
or nginx with gzip on would), runs Lighthouse (the npm devDependency, pinned in
package.json) with Debian's Chromium, headless, with its default mobile settings (Moto G
Power screen, simulated slow 4G, 4x CPU slowdown), and prints one table: page, the four
category scores, Largest Contentful Paint and the bytes a first view transfers. Below it,
every audit that cost a category points. The JSON reports go to tests/artifacts/lighthouse/.

The preset's 4x CPU slowdown assumes a host of Lighthouse benchmark index about 1,533; on a
slower or busier machine it emulates a slower phone than intended. --calibrate runs each
page again with the multiplier Lighthouse's throttling guide gives for the index its preset
run measured, and prints a second table: the phone the preset means, on this machine.

It is a report, not a test: it exits 0 whatever the scores, and 1 only when Lighthouse
itself fails (or site/, Node.js or Chromium is missing).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .static_host import QuietHandler, serve_folder

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
REPORTS = ROOT / "tests" / "artifacts" / "lighthouse"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The pages of the issue; the comparison page is the first of COMPARE_PREFERRED that exists.
PAGES = (("home", ""), ("costs", "costs/"), ("legal", "legal/"), ("outcomes", "outcomes/"))
COMPARE_PREFERRED = ("iv-infusion-vs-esketamine-nasal",)
# Lighthouse's benchmark index of a machine that other work slows down (an idle 2-core
# machine here reads 1,300-1,800); below it the simulated CPU times grow with the load.
BUSY_BENCHMARK_INDEX = 1000
# What a static host compresses (by extension); everything else goes as it is.
COMPRESSED = {".html", ".css", ".js", ".json", ".svg"}
# Without the background-networking flags Chromium keeps trying Google's hosts, which this
# closed network refuses; Lighthouse's launcher adds most of the others itself.
CHROMIUM_FLAGS = ["--headless=new", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


# --- the static host ----------------------------------------------------------------


@functools.cache
def _gzipped(path: Path) -> bytes:
    # zlib's default level; site/ does not change while it is served.
    return gzip.compress(path.read_bytes(), compresslevel=6)


class _GzipHandler(QuietHandler):
    """Files over HTTP/1.1 with keep-alive, gzip-compressed when the browser accepts it."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and unquote(urlsplit(self.path).path).endswith("/"):
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and path.suffix in COMPRESSED and wants_gzip):
            super().do_GET()  # as it is: other types, missing files, folder redirects
            return
        body = _gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# --- running Lighthouse ---------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """What one Lighthouse run found on one page."""

    page: str
    url: str
    scores: dict[str, int]  # category id -> 0..100
    lcp_ms: float
    bytes: int  # total-byte-weight: everything a first view transfers, headers included
    losses: list[str]  # audits that cost points, "category: audit title (score)"
    resources: list[tuple[str, int]]  # (URL, bytes transferred), largest first
    benchmark_index: float  # Lighthouse's measure of this machine's CPU speed at the run


class LighthouseFailed(Exception):
    """Lighthouse did not produce a report (or reported a runtime error)."""


def pages(site: Path) -> list[tuple[str, str]]:
    """(name, URL path) of the five pages: four fixed ones and one comparison page."""
    folders = sorted(p.parent.name for p in (site / "compare").glob("*/index.html"))
    if not folders:
        raise LighthouseFailed(f"no comparison page in {site / 'compare'}")
    chosen = next((f for f in COMPARE_PREFERRED if f in folders), folders[0])
    return [*PAGES, ("compare", f"compare/{chosen}/")]


def chromium_flags() -> list[str]:
    # Chromium's sandbox refuses to start as root (CI runs as root).
    return CHROMIUM_FLAGS + (["--no-sandbox"] if os.geteuid() == 0 else [])


def cpu_multiplier(benchmark_index: float) -> float:
    """The CPU slowdown that makes this machine the phone the mobile preset emulates.

    Lighthouse's 4x assumes a host of benchmark index about 1,533; its throttling guide
    (docs/throttling.md, "CPU throttling") scales the multiplier with the index, by the
    formula of its CPU throttling calculator: 1,300 is 3x, 800 is 2x, 150 is 1x.
    """
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


def run_lighthouse(url: str, out: Path, slowdown: float | None = None) -> dict[str, Any]:
    """One Lighthouse run (mobile, the default), its JSON report written to `out`; with
    `slowdown`, that CPU multiplier instead of the preset's 4x."""
    command = [
        str(LIGHTHOUSE), url,
        "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(chromium_flags())}",
        "--quiet",
    ] + ([f"--throttling.cpuSlowdownMultiplier={slowdown:.2f}"] if slowdown else [])
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out.is_file():
        raise LighthouseFailed(f"lighthouse exited {done.returncode} on {url}:\n"
                               f"{done.stderr.strip() or done.stdout.strip()}")
    report: dict[str, Any] = json.loads(out.read_text("utf-8"))
    if report.get("runtimeError"):
        raise LighthouseFailed(f"lighthouse on {url}: {report['runtimeError']}")
    return report


def summarise(page: str, url: str, report: dict[str, Any]) -> Result:
    """The figures of the table, and what cost points, from one JSON report."""
    audits = report["audits"]
    scores: dict[str, int] = {}
    losses: list[str] = []
    for cid in CATEGORIES:
        category = report["categories"][cid]
        if category["score"] is None:
            raise LighthouseFailed(f"{url}: no {cid} score (an audit errored)")
        scores[cid] = round(category["score"] * 100)
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                losses.append(f"{cid}: {audit['title']} ({audit['score']:.2f}"
                              + (f", {audit['displayValue']})" if audit.get("displayValue")
                                 else ")"))
    requests = audits["network-requests"]["details"]["items"]
    resources = sorted(((r["url"], int(r.get("transferSize") or 0)) for r in requests),
                       key=lambda item: -item[1])
    return Result(page=page, url=url, scores=scores,
                  lcp_ms=float(audits["largest-contentful-paint"]["numericValue"]),
                  bytes=int(audits["total-byte-weight"]["numericValue"]),
                  losses=losses, resources=resources,
                  benchmark_index=float(report["environment"]["benchmarkIndex"]))


def measure(page: str, url: str, runs: int, slowdown: float | None = None) -> Result:
    """`runs` Lighthouse runs of one page; the run with the median performance is kept.
    With `slowdown`, that CPU multiplier instead of the preset's 4x."""
    results = []
    for n in range(runs):
        suffix = ("-calibrated" if slowdown else "") + (f"-{n + 1}" if runs > 1 else "")
        out = REPORTS / f"{page}{suffix}.json"
        results.append(summarise(page, url, run_lighthouse(url, out, slowdown)))
    median = statistics.median_low(r.scores["performance"] for r in results)
    return next(r for r in results if r.scores["performance"] == median)


# --- the report -------------------------------------------------------------------------


def kib(size: int) -> str:
    return f"{size / 1024:.1f} KiB"


def table(results: Sequence[Result]) -> str:
    """The Markdown table of scores, LCP and first-view bytes."""
    lines = ["| page | performance | accessibility | best practices | SEO | LCP | first view |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        path = urlsplit(r.url).path
        cells = [f"{r.page} (`{path}`)", *(str(r.scores[c]) for c in CATEGORIES),
                 f"{r.lcp_ms / 1000:.1f} s", kib(r.bytes)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=1,
                        help="Lighthouse runs per page; the median performance run is kept")
    parser.add_argument("--site", type=Path, default=SITE,
                        help="the built site to serve (default: site/)")
    parser.add_argument("--details", action="store_true",
                        help="also list every resource of each page's first view")
    parser.add_argument("--calibrate", action="store_true",
                        help="then each page again with the CPU slowdown scaled to this "
                             "machine's benchmark index (Lighthouse's throttling guide)")
    args = parser.parse_args(argv)
    site: Path = args.site
    missing = [what for what, ok in (
        (f"{site}/index.html (make build)", (site / "index.html").is_file()),
        (f"{LIGHTHOUSE} (npm ci)", LIGHTHOUSE.is_file()),
        (f"Chromium at {CHROMIUM} (apt-get install chromium)", os.access(CHROMIUM, os.X_OK)),
        ("node (Node.js)", shutil.which("node") is not None),
    ) if not ok]
    if missing:
        print("lighthouse: missing " + "; ".join(missing), file=sys.stderr)
        return 1
    REPORTS.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    calibrated: list[Result] = []
    runs = max(1, args.runs)
    try:
        with serve_folder(site, _GzipHandler) as base:
            for name, path in pages(site):
                print(f"lighthouse: {name} ({base}{path})", file=sys.stderr, flush=True)
                results.append(measure(name, base + path, runs))
                if args.calibrate:
                    calibrated.append(measure(name, base + path, runs,
                                              cpu_multiplier(results[-1].benchmark_index)))
    except LighthouseFailed as err:
        print(f"lighthouse: {err}", file=sys.stderr)
        return 1
    print(table(results))
    if calibrated:
        print("\nThe same, the CPU slowdown scaled to this machine (the preset's run's "
              "benchmark index: "
              + ", ".join(f"{p.page} {p.benchmark_index:.0f} -> "
                          f"{cpu_multiplier(p.benchmark_index):.1f}x" for p in results) + "):\n")
        print(table(calibrated))
    for r in results:
        if r.losses:
            print(f"\n{r.page}: " + "; ".join(r.losses))
        if args.details:
            print(f"\n{r.page}, first view ({kib(r.bytes)}):")
            for url, size in r.resources:
                print(f"  {kib(size):>10}  {url}")
    speeds = sorted(r.benchmark_index for r in results)
    print(f"\nLighthouse {_version()}, mobile (its default: simulated slow 4G, 4x CPU "
          f"slowdown); CPU benchmark index {speeds[0]:.0f}-{speeds[-1]:.0f} (performance "
          f"reads low on a busy machine: {BUSY_BENCHMARK_INDEX} or less); JSON reports in "
          f"{REPORTS.relative_to(ROOT)}/")
    return 0


def _version() -> str:
    meta = json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text("utf-8"))
    return str(meta["version"])


if __name__ == "__main__":
    sys.exit(main())
