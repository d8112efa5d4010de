"""Fixtures of the browser test: the real debtcalc binary serving the web
page (`serve --http-listen 127.0.0.1:0`), and Debian's headless Chromium
driven by Selenium through Debian's chromedriver (no browser download)."""

import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _binary() -> str:
    path = os.environ.get("DEBTCALC_BIN", str(ROOT / "target" / "debug" / "debtcalc"))
    if not Path(path).exists():
        pytest.fail(f"debtcalc binary not found at {path}; run scripts/browser-test (it builds it)")
    return path


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
    proc = subprocess.Popen(
        [_binary(), "serve", "--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "DEBTCALC_LOG": "info"},
    )
    url = None
    deadline = time.monotonic() + 30
    lines = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"web page at (http://\S+/)", re.sub(r"\x1b\[[0-9;]*m", "", line))
        if match:
            url = match.group(1)
            break
    if url is None:
        proc.kill()
        pytest.fail("server did not report the web page's address: " + "".join(lines))
    threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


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
