"""Fixtures of the browser test: the real debtcalc binary serving the web
page (`serve --http-listen 127.0.0.1:0`), and Debian's headless Chromium
driven by Selenium through Debian's chromedriver (no browser download)."""

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
import server_process  # noqa: E402  (tests/e2e, put on the path above)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where the screenshots go (printed, so they can be found)."""
    path = Path(os.environ.get("BROWSER_TEST_OUTPUT", ROOT / "target" / "browser-test"))
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser test output (screenshots): {path}")
    return path


@pytest.fixture(scope="session")
def page_url():
    """Starts `debtcalc serve` with the web listener on a free port and
    yields the page's URL, read from the start-up log."""
    proc, url = server_process.start(
        ["--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"],
        r"web page at (http://\S+/)",
        "scripts/browser-test",
    )
    yield url
    server_process.stop(proc)


def _find(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(
        f"none of {names} found: install Debian's chromium and chromium-driver "
        "(scripts/install-chromium)"
    )


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), driven by Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _find("chromium", "chromium-browser")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,2200",
        # No request may leave the machine: the page needs none.
        "--no-proxy-server",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        options=options, service=Service(executable_path=_find("chromedriver"))
    )
    yield driver
    driver.quit()
