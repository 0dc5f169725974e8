"""Command line: `python -m generator check|build|serve`.

Problems become messages here and only here; tracebacks only with --debug.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import contract, pipeline, serve
from .problems import DataError, format_report
from .site import SiteBuildError, build_site
from .tables import TABLES
from .validate import graded
from .write import OwnershipError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data"), help="data folder")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="docs folder")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate data/ and report every problem")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--max-age-days", type=int, default=pipeline.REVIEW_MAX_AGE_DAYS,
                       help="warn about rows reviewed longer ago than this")
    sub.add_parser("build", help="validate data/ and write the generated pages into docs/")
    site = sub.add_parser("site", help="build, then mkdocs build --strict into site/ atomically")
    site.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs config")
    site.add_argument("--site-dir", type=Path, default=Path("site"), help="output folder")
    sub.add_parser("contract", help="rewrite data/schemas/ and the data dictionary in "
                   "CONTRIBUTING.md from the models")
    serve_cmd = sub.add_parser("serve", help="regenerate on every data change while mkdocs "
                               "serves, showing data errors in the browser")
    serve_cmd.add_argument("--addr", default=serve.DEFAULT_ADDR,
                           help="host:port to serve the preview on")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args.data, args.strict, args.max_age_days)
        if args.command == "build":
            return _build(args.data, args.docs)
        if args.command == "contract":
            return _contract(args.data, Path("CONTRIBUTING.md"))
        if args.command == "site":
            return _build(args.data, args.docs) or _site(args.config, args.site_dir)
        return _serve(args.data, args.docs, args.addr)
    except Exception as err:  # the CLI edge: a message, not a traceback
        if args.debug:
            raise
        print(f"error: {err} (run with --debug for details)", file=sys.stderr)
        return 2


def _check(data: Path, strict: bool, max_age_days: int) -> int:
    checked = pipeline.check(data, max_age_days=max_age_days)
    if checked.problems:
        print(format_report(checked.problems), file=sys.stderr)
    failed = bool(checked.errors) or (strict and bool(checked.problems))
    if not failed:
        facts = sum(1 for _, rows in checked.rows for r in rows for _ in graded(r.record))
        print(f"{data}: {len(TABLES)} files, {checked.rows.count()} records, {facts} graded "
              "facts, all valid.")
    return 1 if failed else 0


def _build(data: Path, docs: Path) -> int:
    try:
        # The repository's address, when the site is published from one (see README).
        report = pipeline.build(data, docs, os.environ.get("REPO_URL") or None)
    except DataError as err:
        print(format_report(err.problems), file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    except OwnershipError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"generator: {report}")
    return 0


def _contract(data: Path, guide: Path) -> int:
    folder = data / contract.SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    for name, text in contract.json_schemas().items():
        (folder / name).write_text(text, encoding="utf-8")
    text = guide.read_text("utf-8")
    start = text.index(contract.DICTIONARY_START)
    end = text.index(contract.DICTIONARY_END) + len(contract.DICTIONARY_END)
    guide.write_text(text[:start] + contract.data_dictionary() + text[end:], encoding="utf-8")
    print(f"wrote {folder}/ and the data dictionary in {guide}")
    return 0


def _site(config: Path, site_dir: Path) -> int:
    try:
        build_site(config, site_dir)
    except SiteBuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"mkdocs: site built into {site_dir}/")
    return 0


def _serve(data: Path, docs: Path, addr: str) -> int:
    """Regenerate pages on every data change while mkdocs serves them (see serve.py)."""
    return serve.serve(data, docs, addr)
