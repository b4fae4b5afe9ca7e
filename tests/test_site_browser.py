"""The bundled graph's site in a real browser: headless Chromium from Debian's packages
(``chromium`` and ``chromium-driver``), driven by Selenium with the system driver (nothing
downloads a browser). With ``CI`` set these tests must run; elsewhere they skip, saying
what to install. Each page is opened from ``file://`` and from the preview server, with
JavaScript on and off; the browser console must stay free of errors, and a screenshot of
each view is written to ``build/screenshots/`` (or ``$BMTOOLS_SCREENSHOTS``) for a person
to look at."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from pathlib import Path

import pytest

import bmtools
from bmtools.site import build_site
from bmtools.site.serve import make_server
from tests.conftest import BUNDLED_GRAPH, REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
INSTALL = (
    "browser tests need Debian's chromium and chromium-driver and the selenium package: "
    "apt-get install chromium chromium-driver && pip install '.[test]'"
)
SHOTS = Path(os.environ.get("BMTOOLS_SCREENSHOTS") or REPO / "build" / "screenshots")
UUID = "6560d3a2-0000-4000-8000-0000000000b1"
DEMO = (
    "public:: true\n\n"
    f"- A block other pages refer to, about the Merlin engine\n  id:: {UUID}\n"
    "\t- its child, shown wherever the block is embedded\n"
    f"- A block ref in a sentence: (({UUID})), then a nested embed below\n"
    "- {{embed [[milestones/examples/Space X]]}}\n"
    f"- {{{{embed (({UUID}))}}}}\n"
)


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return INSTALL
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        return INSTALL
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    problem = _missing()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the browser tests must run: {problem}")
        pytest.skip(problem)
    work = tmp_path_factory.mktemp("browser")
    graph = work / "graph"
    shutil.copytree(BUNDLED_GRAPH, graph)
    (graph / "pages" / "nested embeds and block refs.md").write_text(DEMO, encoding="utf-8")
    out = work / "site"
    build_site(
        bmtools.load_graph(graph),
        out,
        everything=True,
        today=dt.date(2026, 11, 22),
        cache_dir=work / "cache",
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def server(site):
    srv = make_server(site, 0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def _driver(javascript: bool):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1200,1600",
        "--allow-file-access-from-files",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="module", params=[True, False], ids=["js-on", "js-off"])
def browser(request, site):
    driver = _driver(request.param)
    driver.javascript = request.param
    yield driver
    driver.quit()


def _errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _shot(driver, name: str) -> None:
    mode = "js-on" if driver.javascript else "js-off"
    driver.save_screenshot(str(SHOTS / f"{name}-{mode}.png"))


def _base(where: str, site: Path, server: str) -> str:
    return site.resolve().as_uri() + "/" if where == "file" else server


PAGES = {
    "artifact": "p/milestones/info.html",
    "example": "p/milestones/examples/space_x.html",
    "embeds": "p/nested_embeds_and_block_refs.html",
    "roadmap": "roadmaps/milestones/examples/space_x.html",
}


@pytest.mark.parametrize("where", ["file", "http"])
def test_pages_show_their_content(browser, site, server, where):
    from selenium.webdriver.common.by import By

    base = _base(where, site, server)
    browser.get(base + PAGES["artifact"])
    section = browser.find_element(By.CSS_SELECTOR, "section.artifact")
    assert (
        "Item classes" in section.text
        and len(section.find_elements(By.CSS_SELECTOR, "table.items")) == 5
    )
    _shot(browser, f"artifact-{where}")
    browser.get(base + PAGES["example"])
    cards = browser.find_elements(By.CSS_SELECTOR, ".milestone-card")
    assert len(cards) == 9 and "Elon Musk" in cards[0].text
    assert browser.title.startswith("milestones/examples/Space X")
    _shot(browser, f"example-{where}")
    browser.get(base + PAGES["embeds"])
    refs = browser.find_elements(By.CSS_SELECTOR, ".block-ref")
    assert refs and "Merlin engine" in refs[0].text
    embeds = browser.find_elements(By.CSS_SELECTOR, "div.embed")
    assert any("Falcon 1 first launch" in e.text for e in embeds)
    assert any("its child, shown wherever" in e.text for e in embeds)
    refs[0].find_element(By.CSS_SELECTOR, "a.block-ref-link").click()
    assert browser.current_url.endswith(f"#b-{UUID}")
    _shot(browser, f"embeds-{where}")
    browser.get(base + PAGES["roadmap"])
    img = browser.find_element(By.CSS_SELECTOR, "img.timeline")
    # the SVG loaded (a broken image would be a small icon, and an error in the console)
    assert img.size["width"] > 300 and img.size["height"] > 100
    _shot(browser, f"roadmap-{where}")
    assert _errors(browser) == []


@pytest.mark.parametrize("where", ["file", "http"])
def test_search_type_a_word_and_follow_the_result(browser, site, server, where):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base = _base(where, site, server)
    browser.get(base + "index.html")
    box = browser.find_element(By.ID, "q")
    box.send_keys("merlin")
    box.submit()
    WebDriverWait(browser, 10).until(lambda d: "search.html" in d.current_url)
    if not browser.javascript:
        assert "Searching needs JavaScript" in browser.find_element(By.TAG_NAME, "main").text
        _shot(browser, f"search-{where}")
        return
    results = WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a")
    )
    titles = [r.text for r in results]
    assert "milestones/examples/Space X" in titles
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys("falcon reflown")  # every word must match, as typed
    WebDriverWait(browser, 10).until(
        lambda d: (
            [a.text for a in d.find_elements(By.CSS_SELECTOR, "#search-results a")]
            == ["milestones/examples/Space X"]
        )
    )
    _shot(browser, f"search-{where}")
    browser.find_element(By.CSS_SELECTOR, "#search-results a").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("space_x.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "milestones/examples/Space X"
    assert _errors(browser) == []
