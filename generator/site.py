"""After the pages are written: build the site with MkDocs, atomically.

MkDocs builds into a fresh folder beside site/, where our own assets are then minified;
only a successful build replaces site/, so a failed or interrupted build leaves the last
good site in place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .minify import minify_assets


class SiteBuildError(Exception):
    """mkdocs build failed; its output says why."""


def build_site(config: Path, site_dir: Path) -> None:
    """Run `mkdocs build --strict` into a temporary folder, then swap it into place."""
    parent = site_dir.resolve().parent
    fresh = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.tmp-", dir=parent))
    fresh.chmod(0o755)  # mkdtemp makes it private; a published site must be readable
    try:
        result = subprocess.run(
            # No --quiet: it hides warnings from MkDocs' strict-mode counter, so a broken
            # link would pass.
            [sys.executable, "-m", "mkdocs", "build", "--strict",
             "--config-file", str(config), "--site-dir", str(fresh)],
            check=False,
            # Material prints a banner about MkDocs 2.0 on every build; we pin 1.x.
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        if result.returncode != 0:
            raise SiteBuildError(f"mkdocs build failed (exit {result.returncode}); "
                                 f"{site_dir} is unchanged")
        minify_assets(fresh)
        old = parent / f"{site_dir.name}.old-{fresh.name.rsplit('-', 1)[-1]}"
        if site_dir.exists():
            site_dir.rename(old)
        fresh.rename(site_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
