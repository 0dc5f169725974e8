"""`python -m generator serve`: a live preview that survives a maintainer's mistakes.

One server runs in a throwaway copy of the project while the test edits data/costs.csv
as a maintainer would:

1. a good edit shows up on the served /costs/ page (the time it took is printed; the
   speed target itself belongs to the benchmark, so only a generous timeout is asserted);
2. a bad edit (the unit `sesion`) prints `data/costs.csv:LINE: ... did you mean
   'session'?` in the terminal, the server keeps running, and the page keeps showing the
   last good text;
3. fixing the edit updates the page again;
4. once the last change has settled nothing keeps rebuilding: the generated pages are not
   rewritten and no more "file(s) written" lines are printed.
"""

from __future__ import annotations

import contextlib
import os
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

import pytest

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
        """The served page, or '' while the server cannot answer."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return str(response.read().decode("utf-8", errors="replace"))
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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    project = make_project(tmp_path / "project")
    port = _free_port()
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    # Unbuffered, so the files show what a terminal would show, when it would show it.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
           "NO_MKDOCS_2_WARNING": "1"}
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=project, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, to end it with its children
        )
    running = Server(proc, project, f"http://127.0.0.1:{port}/", stdout, stderr)
    try:
        _wait_for(lambda: "</html>" in running.page("costs/"), START_TIMEOUT, running)
        yield running
    finally:
        _stop(proc)


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
