"""Fixtures for the browser tests: Debian's Chromium driven by Playwright (sync API), and
the reader-page checks' tools (tests/browser/tools.py)."""

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer

from tests.browser import tools
from tests.browser.tools import CHROMIUM_ARGS, chromium_path

# How long actions and assertions wait for the page, in milliseconds.
BROWSER_TIMEOUT_MS = 15_000
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-output" / "browser"


@pytest.fixture(scope="session")
def chromium_executable():
    """The Chromium executable; without it the browser tests skip, saying how to install it.

    On CI (CI=true) a missing browser is a failure instead, so CI cannot pass without
    running the browser tests.
    """
    executable = chromium_path()
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        problem = f"no Chromium executable at {executable} (set CHROMIUM_PATH to use another)"
        how = "Install it with `sudo apt-get install chromium` (or `make browser`)."
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser test cannot run on CI: {problem}. {how}", pytrace=False)
        pytest.skip(f"Browser test skipped: {problem}. {how}")
    return executable


def require_tools(problems, how):
    """Skip the test over missing tools (``problems``), or fail on CI (CI=true), where
    every check must run; ``how`` says how to install the Node tools when one of those
    is missing."""
    if not problems:
        return
    problem = "; ".join(problems)
    how = how if any(str(tools.NODE_MODULES) in line for line in problems) else ""
    if os.environ.get("CI") == "true":
        pytest.fail(f"Check cannot run on CI: {problem}. {how}".strip(), pytrace=False)
    pytest.skip(f"Check skipped: {problem}. {how}".strip())


@pytest.fixture(scope="session")
def vnu_jar():
    """The Nu HTML Checker's jar (npm vnu-jar), run on the machine's Java."""
    java = tools.java_path()
    problems = tools.missing(tools.VNU_JAR)
    if not (os.path.isfile(java) and os.access(java, os.X_OK)):
        problems.append(
            f"no Java at {java} (set JAVA, or `apt-get install openjdk-17-jre-headless`)"
        )
    require_tools(problems, tools.HOW_TO_INSTALL)
    return tools.VNU_JAR


@pytest.fixture(scope="session")
def axe_script():
    """axe-core's browser script (npm axe-core), to inject into pages."""
    require_tools(tools.missing(tools.AXE_JS), tools.HOW_TO_INSTALL)
    return tools.AXE_JS


@pytest.fixture(scope="session")
def lighthouse_cli(chromium_executable):
    """Lighthouse's command line (npm lighthouse), on Node, driving Debian's Chromium."""
    problems = tools.missing(tools.LIGHTHOUSE_CLI)
    node = tools.node_path()
    if not (os.path.isfile(node) and os.access(node, os.X_OK)):
        problems.append(f"no Node.js at {node} (set NODE, or `apt-get install nodejs`)")
    require_tools(problems, tools.HOW_TO_INSTALL)
    return tools.LIGHTHOUSE_CLI


class SharedConnectionWSGIServer(ThreadedWSGIServer):
    """The live server, handling one request at a time while it shares the test's
    in-memory SQLite connection.

    On SQLite the test database lives in memory, so the server's threads all use the
    test's one connection. The admin sends requests side by side (Wagtail 8 autosaves
    the page editor while an image uploads in the chooser), and two of them on one
    SQLite connection fail with "cannot open savepoint - SQL statements in progress".
    Requests still arrive on many connections at once (keep-alive works as in
    production); only the application calls take turns. On PostgreSQL each thread has
    its own connection and nothing waits.
    """

    def set_app(self, application):
        if not self.connections_override:
            super().set_app(application)
            return
        turn = threading.Lock()

        def one_at_a_time(environ, start_response):
            with turn:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with requests taking turns on a shared connection
    (``SharedConnectionWSGIServer``)."""
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.server_class = SharedConnectionWSGIServer
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser(chromium_executable, transactional_db, monkeypatch):
    """A headless Chromium, started after the test database is ready and closed before it
    is flushed.

    Playwright's sync API keeps an asyncio event loop current in the test's thread while
    it runs, and Django then refuses ORM calls from that thread ("You cannot call this
    from an async context"). The test's ORM calls are plain synchronous code between
    browser steps, so they are allowed for as long as the browser runs, and no longer:
    the variable is restored afterwards and never leaks into other tests or their
    subprocesses.
    """
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (the admin can be slow on a busy machine).
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    """test-output/browser/ in the repository root (git-ignored), without stale failures."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for stale in SCREENSHOT_DIR.glob("failed-*"):
        stale.unlink()
    return SCREENSHOT_DIR


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
