"""`python -m generator serve`: a live preview that survives a maintainer's mistakes.

Each server runs in a throwaway copy of the project while the test edits data/costs.csv
as a maintainer would:

1. a good edit shows up on the served /costs/ page (the time it took is printed; the
   speed target itself belongs to the benchmark, so only a generous timeout is asserted);
2. a bad edit (the unit `sesion`) prints `data/costs.csv:LINE: ... did you mean
   'session'?` in the terminal, the server keeps running, and the page keeps showing the
   last good text;
3. fixing the edit updates the page again;
4. once the last change has settled nothing keeps rebuilding: the generated pages are not
   rewritten and no more "file(s) written" lines are printed;
5. while the data is broken every served page, the 404 page too, shows the problems as
   the terminal prints them, escaped, on top of the last good page; a browser reloads by
   itself when they appear and again when they are fixed, and the overlay reads at 360 px;
6. `make serve PORT=...` serves on that port, and the terminal shows MkDocs' own lines
   without Material's end-of-life banner or MkDocs' "dirty build" warning.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.preview import hook
from generator.serve import write_config

from .conftest import ROOT, edit_costs, make_project

POLL_SECONDS = 0.05
UPDATE_TIMEOUT = 20.0
START_TIMEOUT = 45.0
WRITTEN = "file(s) written"


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    project: Path
    url: str
    stdout: Path
    stderr: Path

    def output(self) -> str:
        """Everything the command printed so far, as a maintainer's terminal shows it."""
        return (self.stdout.read_text("utf-8", errors="replace")
                + self.stderr.read_text("utf-8", errors="replace"))

    def page(self, path: str) -> str:
        """The served page (the 404 page for a missing one), or '' while the server
        cannot answer."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return str(response.read().decode("utf-8", errors="replace"))
        except urllib.error.HTTPError as err:
            with err:
                return str(err.read().decode("utf-8", errors="replace"))
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(condition: Callable[[], bool], timeout: float, server: Server) -> float:
    """Seconds until `condition()` held; fails with the server's output on timeout."""
    start = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - start
        if not server.alive():
            pytest.fail(f"the server exited (code {server.proc.returncode}):\n"
                        + server.output()[-4000:])
        if time.monotonic() - start > timeout:
            pytest.fail(f"not within {timeout:.0f} s; server output:\n"
                        + server.output()[-4000:])
        time.sleep(POLL_SECONDS)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the command and everything it started (mkdocs serve), by process group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    # mkdocs serve may outlive its parent; the group id is still the parent's pid.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@contextlib.contextmanager
def _serving(tmp_path: Path, command: list[str], port: int,
             prepare: Callable[[Path], None] | None = None) -> Iterator[Server]:
    """`command` running in a fresh copy of the project (first changed by `prepare`),
    once it serves /costs/ on `port`."""
    project = make_project(tmp_path / "project")
    if prepare is not None:
        prepare(project)
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    # Unbuffered, so the files show what a terminal would show, when it would show it.
    # Without NO_MKDOCS_2_WARNING: keeping Material's banner quiet is the command's job.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    env.pop("NO_MKDOCS_2_WARNING", None)
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(
            command, cwd=project, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, to end it with its children
        )
    running = Server(proc, project, f"http://127.0.0.1:{port}/", stdout, stderr)
    try:
        _wait_for(lambda: "</html>" in running.page("costs/"), START_TIMEOUT, running)
        yield running
    finally:
        _stop(proc)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    command = [sys.executable, "-m", "generator", "serve", "--addr", f"127.0.0.1:{port}"]
    with _serving(tmp_path, command, port) as running:
        yield running


def _generated(project: Path) -> dict[str, int]:
    docs = project / "docs"
    return {str(p.relative_to(docs)): p.stat().st_mtime_ns
            for p in sorted(docs.rglob("*")) if p.is_file()}


def test_serve_regenerates_and_survives_a_bad_edit(
    server: Server, capsys: pytest.CaptureFixture[str],
) -> None:
    project = server.project
    assert "zqgoodone" not in server.page("costs/")

    # (a) A good edit shows up on the served page.
    edit_costs(project, "Edited note zqgoodone")
    seconds = _wait_for(lambda: "zqgoodone" in server.page("costs/"), UPDATE_TIMEOUT, server)
    with capsys.disabled():
        print(f"\n[serve] data/costs.csv edit visible on /costs/ after {seconds:.2f} s")

    # (b) A bad edit: reported in the terminal, the server keeps going, and the page
    # keeps the last good text.
    written_before = server.output().count(WRITTEN)
    edit_costs(project, "Edited note zqbadtwo", unit="sesion")
    _wait_for(lambda: "did you mean 'session'?" in server.output(), UPDATE_TIMEOUT, server)
    time.sleep(2)
    assert server.alive(), "the server stopped after a bad edit:\n" + server.output()
    output = server.output()
    assert "data/costs.csv:" in output, output
    assert "did you mean 'session'?" in output, output
    report = [line for line in output.splitlines() if "did you mean 'session'?" in line]
    assert any(line.startswith("data/costs.csv:") for line in report), report
    assert output.count(WRITTEN) == written_before, "a bad edit wrote pages"
    shown = server.page("costs/")
    assert "zqgoodone" in shown, "the last good page is no longer served"
    assert "zqbadtwo" not in shown, "the bad edit reached the served page"

    # (c) Fixing the edit updates the page again.
    edit_costs(project, "Edited note zqfixedthree", unit="session")
    seconds = _wait_for(lambda: "zqfixedthree" in server.page("costs/"), UPDATE_TIMEOUT,
                        server)
    with capsys.disabled():
        print(f"[serve] fixed edit visible on /costs/ after {seconds:.2f} s")
    assert "zqgoodone" not in server.page("costs/")

    # (d) No reload loop: once settled, nothing is rewritten or rebuilt again.
    time.sleep(1)
    mtimes, output = _generated(project), server.output()
    time.sleep(3)
    assert _generated(project) == mtimes, "generated pages keep being rewritten"
    later = server.output()
    assert later.count(WRITTEN) == output.count(WRITTEN), (
        "the generator keeps writing:\n" + later[len(output):])
    assert later.count("Detected file changes") == output.count("Detected file changes"), (
        "mkdocs serve keeps rebuilding:\n" + later[len(output):])
    assert server.alive()


# --- Data errors in the browser ------------------------------------------------------

OVERLAY = 'id="generator-problems"'
BAD_UNIT = "<b>sesion</b>"  # markup from the data must arrive as text, never as markup
# Pages that the bad edit and its fix do not regenerate (hand-written, other tables, 404)
# must show the overlay and lose it as well as the page that was edited.
PAGES = ["costs/", "", "about/", "legal/", "no-such-page/"]
NOISE = ["reaches end of life", "Zensical", "NO_MKDOCS_2_WARNING", "'dirty' build"]


def _overlay_lines(page: str) -> list[str]:
    """The text of each line the overlay lists, as a reader sees it; [] without one."""
    start = page.find(OVERLAY)
    if start == -1:
        return []
    block = page[start:page.index("<!--/generator-problems-->", start)]
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", block, re.DOTALL)]


def _report(output: str) -> list[str]:
    """The last problem report the terminal shows: its lines up to 'Nothing was written.'"""
    lines = output.splitlines()
    end = len(lines) - 1 - lines[::-1].index("Nothing was written.")
    start = end
    while start > 0 and (lines[start - 1].startswith("data/")
                         or re.fullmatch(r"\d+ errors?\.", lines[start - 1])):
        start -= 1
    return lines[start:end]


def test_data_errors_cover_every_served_page_until_the_data_is_fixed(
    server: Server, capsys: pytest.CaptureFixture[str],
) -> None:
    project = server.project
    assert all(OVERLAY not in server.page(path) for path in PAGES)

    edit_costs(project, "Edited note zqbadone", unit=BAD_UNIT)
    seconds = _wait_for(lambda: OVERLAY in server.page("costs/"), UPDATE_TIMEOUT, server)
    with capsys.disabled():
        print(f"\n[serve] bad data/costs.csv edit shown as errors on /costs/ after "
              f"{seconds:.2f} s")
    _wait_for(lambda: all(OVERLAY in server.page(path) for path in PAGES), UPDATE_TIMEOUT,
              server)

    report = _report(server.output())
    assert any(line.startswith("data/costs.csv:") and f"got '{BAD_UNIT}'" in line
               and line.endswith("[bad-choice]") for line in report), report
    assert report[-1] == "1 error.", report
    for path in PAGES:
        page = server.page(path)
        assert _overlay_lines(page) == report, path
        assert BAD_UNIT not in page, f"markup from the data reached /{path} unescaped"
        assert "&lt;b&gt;sesion&lt;/b&gt;" in page, path
    assert "zqgoodone" not in server.page("costs/") and "zqbadone" not in server.page("costs/")
    # The overlay lives only in what the server sends: docs/ (what make build reads and
    # what could be committed) holds the generated pages and nothing of the preview.
    docs = project / "docs"
    assert not [p for p in docs.rglob("*") if p.is_file()
                and b"generator-problems" in p.read_bytes()]

    edit_costs(project, "Edited note zqfixedtwo", unit="session")
    seconds = _wait_for(lambda: OVERLAY not in server.page("costs/"), UPDATE_TIMEOUT, server)
    with capsys.disabled():
        print(f"[serve] fixed edit: errors gone from /costs/ after {seconds:.2f} s")
    _wait_for(lambda: all(OVERLAY not in server.page(path) for path in PAGES), UPDATE_TIMEOUT,
              server)
    assert "zqfixedtwo" in server.page("costs/")
    assert all("generator-problems" not in server.page(path) for path in PAGES)


def test_serve_started_on_broken_data_shows_the_errors_then_the_site_once_fixed(
    tmp_path: Path,
) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "generator", "serve", "--addr", f"127.0.0.1:{port}"]

    def broken(project: Path) -> None:
        edit_costs(project, "Edited note zqbrokenstart", unit="sesion")

    with _serving(tmp_path, command, port, prepare=broken) as running:
        # No page was ever generated: the 404 page stands in for them, and says why.
        assert not (running.project / "docs" / "costs").exists()
        lines = _overlay_lines(running.page(""))
        assert any("did you mean 'session'?" in line for line in lines), lines
        edit_costs(running.project, "Edited note zqfixedstart", unit="session")
        _wait_for(lambda: "zqfixedstart" in running.page("costs/"), UPDATE_TIMEOUT, running)
        assert OVERLAY not in running.page("costs/")
        assert OVERLAY not in running.page("")


@pytest.fixture
def phone_tab(browser: Any) -> Iterator[Any]:
    """A 360 px tab in the session's one Chromium (tests/conftest.py): a second Playwright
    in the same process would fail."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  device_scale_factor=2)
    context.set_default_timeout(UPDATE_TIMEOUT * 1000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.browser
def test_the_browser_reloads_by_itself_into_the_errors_and_back_readable_at_360px(
    server: Server, tmp_path: Path, phone_tab: Any,
) -> None:
    from playwright.sync_api import expect

    tab = phone_tab
    tab.goto(server.url + "about/")
    overlay = tab.locator("#generator-problems")
    assert overlay.count() == 0

    # Nobody reloads the tab: livereload must, once the errors are drawn in.
    edit_costs(server.project, "Edited note zqbrowser", unit=BAD_UNIT)
    expect(overlay).to_be_visible()
    assert overlay.locator("li").all_inner_texts() == _report(server.output())
    tab.screenshot(path=str(tmp_path / "overlay-360.png"))
    box = overlay.bounding_box()
    assert box is not None and box["width"] >= 360 and box["height"] >= 740, box
    sizes = tab.evaluate("""() => {
        const o = document.getElementById('generator-problems');
        const px = (el) => parseFloat(getComputedStyle(el).fontSize);
        return {sideways: o.scrollWidth - o.clientWidth,
                smallest: Math.min(...[...o.querySelectorAll('h1, p, li')].map(px))};
    }""")
    assert sizes["sideways"] <= 0, sizes
    assert sizes["smallest"] >= 12, sizes
    assert tab.locator("#generator-problems b").count() == 0

    edit_costs(server.project, "Edited note zqbrowserfixed", unit="session")
    expect(overlay).to_have_count(0)
    tab.goto(server.url + "costs/")
    expect(tab.get_by_text("zqbrowserfixed").first).to_be_attached()


@pytest.mark.browser
def test_the_error_page_reloads_by_itself_into_the_site_once_the_data_is_fixed(
    tmp_path: Path, phone_tab: Any,
) -> None:
    from playwright.sync_api import expect

    port = _free_port()
    command = [sys.executable, "-m", "generator", "serve", "--addr", f"127.0.0.1:{port}"]

    def broken(project: Path) -> None:
        edit_costs(project, "Edited note zqbrokenstart", unit="sesion")

    # Broken from the start: no page exists, the server answers 404.html for all of
    # them, and that answer carries no livereload script of the server's own.
    tab = phone_tab
    with _serving(tmp_path, command, port, prepare=broken) as running:
        tab.goto(running.url + "costs/")
        overlay = tab.locator("#generator-problems")
        expect(overlay).to_be_visible()
        edit_costs(running.project, "Edited note zqfixedstart", unit="session")
        expect(overlay).to_have_count(0, timeout=START_TIMEOUT * 1000)
        expect(tab.get_by_text("zqfixedstart").first).to_be_attached()


def test_make_serve_serves_on_PORT_without_banner_or_dirty_build_noise(
    tmp_path: Path,
) -> None:
    port = _free_port()
    # The Makefile's serve recipe, run from the copy; RUNTIME= skips the venv install.
    command = ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "serve",
               f"PORT={port}", f"BIN={Path(sys.executable).parent}", "RUNTIME="]
    with _serving(tmp_path, command, port) as running:
        edit_costs(running.project, "Edited note zqmake")  # a rebuild prints its own lines
        _wait_for(lambda: "zqmake" in running.page("costs/"), UPDATE_TIMEOUT, running)
        _wait_for(lambda: "Reloading browsers" in running.output(), UPDATE_TIMEOUT, running)
        output = running.output()
    assert f"Serving on http://127.0.0.1:{port}/" in output, output
    assert "Detected file changes" in output and "Building documentation" in output, output
    noise = [line for line in output.splitlines() if any(n in line for n in NOISE)]
    assert noise == [], output


@pytest.mark.parametrize(("args", "addr"), [([], "127.0.0.1:8000"),
                                            (["PORT=8001"], "127.0.0.1:8001")])
def test_make_serve_defaults_to_port_8000_and_takes_PORT(args: list[str], addr: str) -> None:
    result = subprocess.run(["make", "-n", "--no-print-directory", "-f", str(ROOT / "Makefile"),
                             "serve", "RUNTIME=", *args],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert f"-m generator serve --addr {addr}" in result.stdout, result.stdout


# --- The overlay itself ----------------------------------------------------------------

PAGE = '<!doctype html><html><head><title>t</title></head><body class="x"><p>s</p></body></html>'


def test_the_overlay_shows_any_text_from_the_data_as_text() -> None:
    nasty = "data/costs.csv:2: unit: got '</li><script>alert(1)</script>&amp;' [bad-choice]"
    page = hook.with_overlay(PAGE, nasty + "\n1 error.")
    assert "<script>alert" not in page and "</li><script>" not in page
    assert _overlay_lines(page) == [nasty, "1 error."]
    assert page.index(OVERLAY) > page.index("<body")
    assert page.index("<style>") < page.index("</head>")


def test_the_overlay_is_replaced_not_stacked_and_goes_away_when_the_data_is_valid() -> None:
    once = hook.with_overlay(PAGE, "data/a.csv:2: x [bad-number]\n1 error.")
    assert hook.with_overlay(once, "data/a.csv:2: x [bad-number]\n1 error.") == once
    other = hook.with_overlay(once, "data/b.csv:3: y [bad-day]\n1 error.")
    assert _overlay_lines(other) == ["data/b.csv:3: y [bad-day]", "1 error."]
    assert hook.with_overlay(other, "") == PAGE


def test_the_serve_config_is_mkdocs_yml_plus_the_hook_and_the_watched_preview_folder(
    tmp_path: Path,
) -> None:
    from mkdocs.config import load_config

    project = make_project(tmp_path / "project")
    preview = tmp_path / "preview"
    preview.mkdir()
    before = (project / "mkdocs.yml").read_bytes()
    path = write_config(project / "mkdocs.yml", preview)
    served = load_config(config_file=str(path))
    built = load_config(config_file=str(project / "mkdocs.yml"))

    assert served.docs_dir == built.docs_dir == str(project / "docs")
    assert served.extra_javascript == built.extra_javascript
    assert served.markdown_extensions == built.markdown_extensions
    # Only the preview starts without the generated glossary snippet (after make clean).
    assert served.mdx_configs["pymdownx.snippets"] == {
        **built.mdx_configs["pymdownx.snippets"], "check_paths": False}
    assert served.nav == built.nav and served.theme.dirs == built.theme.dirs
    assert list(served.hooks) == [hook.__file__] and not built.hooks
    assert str(preview) in served.watch and str(project / "mkdocs.yml") in served.watch
    assert (project / "mkdocs.yml").read_bytes() == before
