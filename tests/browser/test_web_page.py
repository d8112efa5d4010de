"""The web page in a real browser: headless Chromium loads the page from the
server this test starts (`serve --http-listen`), runs the DPRK settlement
of the library and finds the service's figures on the page; a bad input
typed on the page shows the service's own error message next to the field
it names. Screenshots are saved under the output folder printed by the
fixture (target/browser-test by default)."""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

# Waits are for the page to change, not measurements: generous, so that a
# slow CI machine does not fail the test.
WAIT = 60


def text_of(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def wait_for_text(browser, element_id: str, text: str) -> None:
    WebDriverWait(browser, WAIT).until(
        EC.text_to_be_present_in_element((By.ID, element_id), text),
        f"#{element_id} never showed {text!r}",
    )


def load_dprk(browser, page_url: str) -> None:
    browser.get(page_url)
    WebDriverWait(browser, WAIT).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#settlement option[value='dprk-2014']"),
        "the library never listed dprk-2014",
    )
    Select(browser.find_element(By.ID, "settlement")).select_by_value("dprk-2014")
    wait_for_text(browser, "figure-ratio", "1:5000")


def severe_console_messages(browser) -> list:
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_dprk_settlement_on_the_page(browser, page_url, output_dir):
    load_dprk(browser, page_url)
    wait_for_text(browser, "figure-written-off", "USD 9,864,000,000.00")
    assert "(90.00%)" in text_of(browser, "figure-written-off")
    assert text_of(browser, "figure-claim").startswith("USD 10,960,000,000.00")
    assert text_of(browser, "figure-remaining") == "USD 1,096,000,000.00"
    installments = text_of(browser, "figure-installments")
    assert installments.startswith("40 instalments: first USD 27,400,000.00 due 2015-01-01"), installments
    rows = browser.find_elements(By.CSS_SELECTOR, "#schedule tbody tr")
    assert len(rows) == 40
    # The reconciliation view: both figures and the ratio.
    assert text_of(browser, "figure-creditor") == "USD 10,960,000,000.00"
    assert text_of(browser, "figure-debtor") == "USD 2,192,000.00"
    assert text_of(browser, "figure-ratio").startswith("1:5000 exactly")
    # PV and grant element at 5% (the service's figures, as in the README).
    valuations = browser.find_element(By.ID, "valuations").text
    assert "5.00% USD 691,361,620.32 36.92%" in valuations, valuations
    # The charts, drawn by the service for the same request, shown as
    # images that loaded (blob: URLs, which the CSP allows), each with its
    # title and exact figures as its text alternative; the waterfall in the
    # reconciliation view.
    WebDriverWait(browser, WAIT).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, "#charts img, #reconciliation-view img")) == 4,
        "the four charts never appeared",
    )
    for chart in ("chart-schedule", "chart-reinvestment", "chart-grant-element", "chart-waterfall"):
        image = browser.find_element(By.CSS_SELECTOR, f"#{chart} img")
        WebDriverWait(browser, WAIT).until(
            lambda b: b.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image),
            f"#{chart} never loaded",
        )
        assert image.get_attribute("alt"), chart
    waterfall = browser.find_element(By.CSS_SELECTOR, "#reconciliation-view #chart-waterfall img")
    assert "1:5000" in waterfall.get_attribute("alt"), waterfall.get_attribute("alt")
    browser.execute_script("document.getElementById('schedule-details').open = false")
    browser.save_screenshot(str(output_dir / "dprk-2014.png"))

    # Nothing was fetched from another origin, and nothing was refused
    # (a Content-Security-Policy violation is logged as SEVERE).
    origin = "{0.scheme}://{0.netloc}".format(urlparse(page_url))
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources, "the page loaded no resource"
    assert all(name.startswith(origin) or name.startswith("blob:") for name in resources), resources
    assert severe_console_messages(browser) == []


def test_a_bad_input_shows_the_services_message_next_to_its_field(browser, page_url, output_dir):
    load_dprk(browser, page_url)
    field = browser.find_element(By.ID, "write-off")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("1.5")
    # Keyboard only: Enter submits the form.
    field.send_keys(Keys.ENTER)
    wait_for_text(browser, "write-off-error", "must be between 0 and 1 inclusive, got 1.5")
    # The service's BadRequest names the field; the page shows it there.
    assert text_of(browser, "write-off-error").startswith("write_off.write_off_share: ")
    assert field.get_attribute("aria-invalid") == "true"
    assert "write-off-error" in field.get_attribute("aria-describedby")
    # No other field is blamed, and no stale figure is left on the page.
    for other in ("installments-error", "discount-rates-error", "request-json-error"):
        assert text_of(browser, other) == ""
    assert browser.find_elements(By.ID, "figure-written-off") == []
    browser.save_screenshot(str(output_dir / "bad-write-off.png"))

    # A rate the service cannot read is blamed on the rates field.
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("0.9")
    rates = browser.find_element(By.ID, "discount-rates")
    rates.send_keys(Keys.CONTROL, "a")
    rates.send_keys("0.05, 1_0")
    rates.send_keys(Keys.ENTER)
    wait_for_text(browser, "discount-rates-error", "valuation.discount_rates[1]")
    assert text_of(browser, "write-off-error") == ""


def test_the_page_fits_a_narrow_screen(browser, page_url, output_dir):
    # A phone's screen, 390 CSS pixels wide (a window cannot be made that
    # narrow in every Chromium; the device metrics can).
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 1600, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        load_dprk(browser, page_url)
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert width == 390
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        # What sticks out, outside the tables' own scrolling boxes.
        wide = browser.execute_script(
            """
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > width + 1)
              .filter(e => !e.closest('.table-wrap') || e.classList.contains('table-wrap'))
              .slice(0, 8)
              .map(e => e.tagName + '#' + e.id + '.' + e.className);
            """
        )
        assert overflow <= 0 and wide == [], f"the page is {overflow}px wider than the screen: {wide}"
        browser.save_screenshot(str(output_dir / "dprk-2014-narrow.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_every_settlement_of_the_library_runs_on_the_page(browser, page_url):
    """The page sends each library settlement as the library has it (a
    settlement without a repayment gets no terms from the empty inputs) and
    the service answers it."""
    browser.get(page_url)
    WebDriverWait(browser, WAIT).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#settlement option[value='dprk-2014']")
    )
    ids = [
        option.get_attribute("value")
        for option in browser.find_elements(By.CSS_SELECTOR, "#settlement option")
    ]
    assert len(ids) >= 10, ids
    refused = {}
    for settlement in ids:
        Select(browser.find_element(By.ID, "settlement")).select_by_value(settlement)
        # Each analysis ends in "Updated: ..." or a refusal; wait for this one's.
        WebDriverWait(browser, WAIT).until(
            lambda b: b.execute_script(
                "return document.getElementById('settlement').value === arguments[0]"
                " && !document.getElementById('results').hasAttribute('aria-busy')"
                " && /^(Updated|The service refused|Not sent)/.test("
                "document.getElementById('form-status').textContent)",
                settlement,
            ),
            f"{settlement} never finished",
        )
        status = text_of(browser, "form-status")
        if not status.startswith("Updated"):
            errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".field-error") if e.text]
            refused[settlement] = (status, errors)
    assert refused == {}


def test_every_input_has_a_label(browser, page_url):
    browser.get(page_url)
    WebDriverWait(browser, WAIT).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#settlement option"))
    unlabelled = browser.execute_script(
        """
        return [...document.querySelectorAll('input, select, textarea')]
          .filter(e => e.labels.length === 0)
          .map(e => e.id);
        """
    )
    assert unlabelled == []


def test_the_page_is_usable_from_the_keyboard(browser, page_url):
    from selenium.webdriver.common.action_chains import ActionChains

    # A fresh page (nothing focused yet) opened on the DPRK settlement.
    browser.get(page_url + "?settlement=dprk-2014")
    wait_for_text(browser, "figure-ratio", "1:5000")

    def tab():
        ActionChains(browser).send_keys(Keys.TAB).perform()
        return browser.switch_to.active_element

    assert tab().get_attribute("class") == "skip"
    assert tab().get_attribute("id") == "settlement"
    # Tab through the inputs, change the write-off on the way, and press
    # Enter on the button.
    seen = []
    for _ in range(40):
        active = tab()
        seen.append(active.get_attribute("id"))
        if seen[-1] == "write-off":
            ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys("0.8").perform()
        if seen[-1] == "analyse":
            break
    assert seen[-1] == "analyse", seen
    assert "write-off" in seen and "discount-rates" in seen, seen
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for_text(browser, "figure-written-off", "USD 8,768,000,000.00 (80.00%)")
