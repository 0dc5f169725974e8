"""`python -m generator serve`: regenerate docs/ on every data change while MkDocs serves it.

While data/ is invalid, every served page shows the problems on top of the last good
site, as Hugo's server does, until the data is fixed. The generator writes them into a
throwaway preview folder; a serve-only MkDocs config there inherits mkdocs.yml, watches
the folder (so a change rebuilds and livereload reloads the browser) and adds the hook
`generator/preview/hook.py`, which draws them into every page. mkdocs.yml knows neither,
and nothing is written into docs/ but the pages, so nothing of the preview can reach
`make build`'s site/ or a commit.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mkdocs.utils.yaml import yaml_load

from . import pipeline
from .preview import hook
from .problems import DataError, format_report
from .write import OwnershipError

DEFAULT_ADDR = "127.0.0.1:8000"
SERVE_CONFIG = "mkdocs.serve.yml"
POLL_SECONDS = 0.2


def serve(data: Path, docs: Path, addr: str = DEFAULT_ADDR,
          config: Path = Path("mkdocs.yml")) -> int:
    """Build, start `mkdocs serve` on `addr`, rebuild whenever a file in `data` changes.

    Runs until the server stops or the command is interrupted (Ctrl-C or SIGTERM).
    """
    preview = Path(tempfile.mkdtemp(prefix="generator-serve-"))
    # SIGTERM as Ctrl-C, so the server is stopped and the preview folder removed.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    server: subprocess.Popen[bytes] | None = None
    interrupted = False
    try:
        problems = preview / hook.PROBLEMS
        regenerate(data, docs, problems)
        # --dirty: rebuild only the pages that changed (the generator rewrites only
        # those); a full rebuild takes about three times as long. --no-strict: MkDocs
        # warns that a dirty build is for previews, which strict mode would make fatal;
        # the hook hides that warning, real ones still print, `make build` stays strict.
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict",
             "--config-file", str(write_config(config, preview)), "--dev-addr", addr],
            # Material prints an end-of-life banner on every start (this hides it); we pin 1.x.
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        seen = _snapshot(data)
        while server.poll() is None:
            time.sleep(POLL_SECONDS)
            now = _snapshot(data)
            if now != seen:
                seen = now
                regenerate(data, docs, problems)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if server is not None:
            with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C while stopping
                server.terminate()
                server.wait()
        shutil.rmtree(preview, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    # A server that stopped by itself failed (a port in use, a broken config): say so.
    return 0 if interrupted or server is None else server.returncode or 0


def regenerate(data: Path, docs: Path, problems: Path) -> None:
    """Build docs/ from `data`, printing what `python -m generator build` prints, and
    leave in `problems` what the browser must show: the report as printed, or nothing.

    A failed build writes no page, so the last good site stays under the overlay.
    """
    try:
        # The repository's address, when the site is published from one (see README).
        report = pipeline.build(data, docs, os.environ.get("REPO_URL") or None)
    except DataError as err:
        shown = format_report(err.problems)
        print(shown, file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
    except OwnershipError as err:
        shown = f"error: {err}"
        print(shown, file=sys.stderr)
    else:
        shown = ""
        print(f"generator: {report}")
    # After the pages: the rebuild this triggers then sees the fixed pages too.
    _replace(problems, shown)


def write_config(config: Path, folder: Path) -> Path:
    """A serve-only MkDocs config in `folder`: `config`, plus the overlay hook and a watch
    on `folder` and on `config` itself (MkDocs watches only the file it was given).

    MkDocs resolves some paths against the config's own folder and replaces inherited
    lists instead of extending them, so those are restated here, absolute.
    """
    parent = config.resolve()
    with parent.open("rb") as handle:
        raw: dict[str, Any] = yaml_load(handle)

    def absolute(value: str) -> str:
        return str(parent.parent / value)

    serve_config: dict[str, Any] = {
        "INHERIT": str(parent),
        "docs_dir": absolute(raw.get("docs_dir", "docs")),
        "hooks": [absolute(h) for h in raw.get("hooks", [])] + [hook.__file__],
        "watch": [absolute(w) for w in raw.get("watch", [])] + [str(parent), str(folder)],
    }
    # The glossary snippet is generated: after `make clean` with broken data it does not
    # exist yet, and a missing snippet would stop MkDocs before it serves the errors.
    # Only the preview lets it pass; `make build` still refuses.
    if raw.get("markdown_extensions"):
        serve_config["markdown_extensions"] = [_snippets_optional(entry)
                                               for entry in raw["markdown_extensions"]]
    theme = raw.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        serve_config["theme"] = {"custom_dir": absolute(theme["custom_dir"])}
    path = folder / SERVE_CONFIG
    path.write_text(json.dumps(serve_config, indent=2), encoding="utf-8")  # JSON is YAML
    return path


def _snippets_optional(entry: Any) -> Any:
    if isinstance(entry, dict) and "pymdownx.snippets" in entry:
        return {"pymdownx.snippets": {**(entry["pymdownx.snippets"] or {}),
                                      "check_paths": False}}
    return entry


def _replace(path: Path, text: str) -> None:
    # Only a change triggers a rebuild; and atomically, so MkDocs never reads half a file.
    if path.is_file() and path.read_text("utf-8") == text:
        return
    staged = path.with_name(f".{path.name}.tmp")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, path)


def _snapshot(data: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(data.glob("*")) if p.is_file()
    }
