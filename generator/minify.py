"""After MkDocs has built the site: our own stylesheet and script, minified.

The sources in docs/assets/ stay readable (comments say why each rule is there); the
published copies drop the comments and spaces, a few KiB of every page's first view.
Material's and the vendored files are minified already.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

# Under the built site; mkdocs.yml lists them in extra_css and extra_javascript.
OWN_ASSETS = ("assets/extra.css", "assets/javascripts/tables.js")


def minify_assets(site: Path) -> None:
    """Minify OWN_ASSETS in a freshly built `site` in place."""
    for name in OWN_ASSETS:
        path = site / name
        text = path.read_text("utf-8")
        small = rcssmin.cssmin(text) if path.suffix == ".css" else rjsmin.jsmin(text)
        path.write_text(small, "utf-8")
