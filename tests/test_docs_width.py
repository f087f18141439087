"""The documentation on a 390 px wide phone: built pages rendered in headless
Chromium (Debian's ``chromium``), measured in the page (``docs_width.html``).

Nothing may be wider than the screen but a code block's own lines, which scroll
within the block instead of wrapping or breaking words; tables fit. The pages are
the widest of the docs (long tables of import paths, long console lines) and
the platform guides.
``PRODSERVER_DOCS_HTML`` names a build to measure (the ``docs`` tox environment
passes its own); without it, the docs are built for the test.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.processes import HOST, missing

ROOT = Path(__file__).resolve().parent.parent
WIDTH_PAGE = Path(__file__).with_name("docs_width.html")
PAGES = [
    "backends/index.html",
    "configuration.html",
    "starting.html",
    "deployment/index.html",
    "deployment/kubernetes.html",
    "command.html",
    "deployment/render.html",
    "deployment/fly.html",
    "deployment/railway.html",
    "uv.html",
]
REPORT = re.compile(r'<pre id="report">(.+?)</pre>', re.S)


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("PRODSERVER_DOCS_HTML")
    if given:
        return Path(given)
    pytest.importorskip("sphinx", reason="the docs extra is not installed")
    pytest.importorskip("furo", reason="the docs extra is not installed")
    out = tmp_path_factory.mktemp("html")
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "docs", str(out)],
        cwd=ROOT, check=True, timeout=600,
    )  # fmt: skip
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """The directory over HTTP on loopback: the check page reads the pages it
    loads into its frame, which a browser allows from the same origin only."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def chromium_dom(url: str, profile: Path) -> str:
    """The DOM of ``url`` once Chromium has loaded it and its scripts ran."""
    program = shutil.which("chromium") or shutil.which("chromium-browser")
    if program is None:
        missing("chromium is not installed (apt-get install chromium)")
    assert program is not None
    proc = subprocess.Popen(
        [
            program, "--headless", "--no-sandbox", "--disable-gpu",
            "--hide-scrollbars", "--window-size=800,900",
            "--virtual-time-budget=30000", f"--user-data-dir={profile}",
            "--dump-dom", url,
        ],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        out, _ = proc.communicate(timeout=180)
    finally:
        # Its helper processes share its session: stop any left behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return out


@pytest.mark.integration
def test_nothing_is_wider_than_a_phone_but_code_that_scrolls(
    built_docs: Path, tmp_path: Path
) -> None:
    check_page = built_docs / "_prodserver_width_check.html"
    shutil.copyfile(WIDTH_PAGE, check_page)
    try:
        with serving(built_docs) as base:
            url = f"{base}/{check_page.name}#{','.join(PAGES)}"
            dom = chromium_dom(url, tmp_path)
    finally:
        check_page.unlink()
    found = REPORT.search(dom)
    assert found, "the check page wrote no report"
    report: dict[str, dict[str, Any]] = json.loads(html.unescape(found[1]))
    assert sorted(report) == sorted(PAGES)
    for page, measured in report.items():
        assert measured["width"] == 390, page
        assert measured["scrollWidth"] <= 390, (page, measured["wide"])
        assert measured["wide"] == [], page
        assert measured["wrapping"] == 0, page
    # Long lines are there, and their blocks scroll.
    assert sum(measured["scrolling"] for measured in report.values()) > 0
