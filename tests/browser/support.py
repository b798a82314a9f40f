"""What every browser test shares: Debian's Chromium and its flags (never `playwright
install`), timeouts, and a watcher that fails a test on console errors (CSP violations
included), uncaught exceptions, failed requests and HTTP errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make while
# it runs are ordinary synchronous ones.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
TIMEOUT_MS = 5_000


def skip_without_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests",
            allow_module_level=True,
        )


class PageProblems(list):
    """Console errors, uncaught exceptions and failed requests seen while a test ran."""

    def watch(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.append(f"pageerror: {error}"))
        page.on("requestfailed", lambda r: self.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", self._on_response)
        return page

    def _on_console(self, message) -> None:
        # CSP violations are reported as console errors too.
        if message.type == "error":
            self.append(f"console: {message.text} ({message.location.get('url')})")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.append(f"HTTP {response.status}: {response.url}")


def launch(playwright, *extra_args: str):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args]
    )
