"""Real headless Chromium for browser tests, driven by Playwright's sync API."""

from pathlib import Path

import pytest

# The distribution's Chromium: `playwright install` would download a browser, which
# neither CI nor developer machines can do.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_browser(live_server):
    """One headless Chromium for the whole session.

    It depends on `live_server` so that it closes first: Chromium's keep-alive
    connections would otherwise end after the server stopped sharing its SQLite
    connection, and the server's request threads would fail while closing it.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install chromium` to run browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; without this, Django
    # refuses ORM calls there (e.g. factories creating users) as "async unsafe".
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh page in its own browser context (no cookies shared between tests)."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir(pytestconfig) -> Path:
    """Where browser tests save screenshots for people to look at."""
    directory = pytestconfig.rootpath / "test-artifacts" / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory
