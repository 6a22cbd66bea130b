"""The HTML page in headless Chromium (Debian's ``chromium`` and ``chromium-driver``, installed
by ``scripts/install-chromium``, which ``make test`` runs first): it renders without a console
error, every model is in the DOM and drawn, search highlights and centres a model, the buttons
zoom and a drag pans. One browser per test session.

Screenshots: under each test's ``tmp_path`` and copied to ``tests/erd/artifacts/`` (ignored by
git) as ``relations.png`` and ``search-200.png``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from erd_schemas import EDGES, ENUMS, MODELS, RELATIONS, chain_schema
from schemashift.erd import build_diagram, render

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing: run scripts/install-chromium as root "
            "(apt-get install chromium chromium-driver); `make test` does"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser: Any, path: Path, schema: str) -> None:
    path.write_text(render(build_diagram([("schema.prisma", schema)]), "html", "Schema"), encoding="utf-8")
    browser.get_log("browser")  # (only this page's messages count below)
    browser.get(path.as_uri())
    assert browser.execute_script("return document.documentElement.getAttribute('data-ready')") == "true"


def _errors(browser: Any) -> list[dict[str, Any]]:
    return [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def _screenshot(browser: Any, tmp_path: Path, name: str) -> None:
    shot = tmp_path / name
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000  # a picture, not a blank page
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / name)


def _rect(browser: Any, selector: str) -> dict[str, float]:
    """Where an element is on the screen (CSS transforms included)."""
    rect: dict[str, float] = browser.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {x: r.x, y: r.y, width: r.width, height: r.height};",
        selector,
    )
    return rect


def _count_is(browser: Any, text: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 5).until(lambda b: b.find_element("id", "count").text == text)


DRAWN = """
return Array.from(document.querySelectorAll('g.entity')).map(g => {
  const r = g.getBoundingClientRect();
  return [g.dataset.name, r.width > 0 && r.height > 0];
});
"""
EDGES_JS = """
return Array.from(document.querySelectorAll('path.edge')).map(p =>
  [p.dataset.kind, p.dataset.source, p.dataset.target, p.getTotalLength() > 0]);
"""


def test_relations_page_renders_every_model_and_edge(browser: Any, tmp_path: Path) -> None:
    _open(browser, tmp_path / "erd.html", RELATIONS)
    drawn = browser.execute_script(DRAWN)
    assert sorted(name for name, _ in drawn) == sorted(MODELS + ENUMS)
    assert all(visible for _, visible in drawn)
    edges = browser.execute_script(EDGES_JS)
    assert sorted((k, s, t) for k, s, t, _ in edges) == sorted((e[0], e[1], e[2]) for e in EDGES)
    assert all(length for *_, length in edges)
    # clicking a model shows its relations and dims the rest
    browser.find_element("css selector", 'g.entity[data-name="Post"] rect.head').click()
    info = browser.find_element("id", "info")
    assert info.is_displayed()
    assert "m-n: Category.posts → Post.categories via _CategoryToPost" in info.text
    active = browser.execute_script("return document.querySelectorAll('path.edge.active').length")
    assert active == sum(1 for e in EDGES if "Post" in (e[1], e[2]))
    _screenshot(browser, tmp_path, "relations.png")
    assert _errors(browser) == []


def test_search_pan_and_zoom_on_200_models(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _open(browser, tmp_path / "erd.html", chain_schema(200))
    names = [name for name, _ in browser.execute_script(DRAWN)]
    assert sorted(names) == [f"Model{i:04d}" for i in range(200)]
    fitted = _rect(browser, "#view svg")
    view = _rect(browser, "#view")
    assert fitted["width"] <= view["width"] + 1 and fitted["height"] <= view["height"] + 1

    search = browser.find_element("id", "search")
    search.send_keys("model0150")
    _count_is(browser, "1 of 1")
    hits = browser.execute_script("return Array.from(document.querySelectorAll('g.entity.hit')).map(g => g.dataset.name)")
    assert hits == ["Model0150"]
    # centred and zoomed in: the model's box is in the middle of the view, at a readable size
    box = _rect(browser, 'g.entity[data-name="Model0150"]')
    centre_x, centre_y = view["x"] + view["width"] / 2, view["y"] + view["height"] / 2
    assert box["x"] <= centre_x <= box["x"] + box["width"]
    assert box["y"] <= centre_y <= box["y"] + box["height"]
    assert _rect(browser, "#view svg")["width"] > 4 * fitted["width"]
    _screenshot(browser, tmp_path, "search-200.png")

    # a partial name: every match, the best first; Enter goes to the next one
    search.clear()
    search.send_keys("Model015")
    _count_is(browser, "1 of 10")
    search.send_keys(Keys.ENTER)
    _count_is(browser, "2 of 10")
    search.send_keys(Keys.ESCAPE)
    assert browser.execute_script("return document.querySelectorAll('g.entity.hit').length") == 0

    # zoom buttons, a drag, fit
    before = _rect(browser, "#view svg")
    browser.find_element("id", "zoom-in").click()
    after = _rect(browser, "#view svg")
    assert after["width"] == pytest.approx(before["width"] * 1.25, rel=0.01)
    ActionChains(browser).move_to_element(browser.find_element("id", "view")).click_and_hold().move_by_offset(
        120, 80
    ).release().perform()
    moved = _rect(browser, "#view svg")
    assert (moved["x"] - after["x"], moved["y"] - after["y"]) == (pytest.approx(120, abs=4), pytest.approx(80, abs=4))
    # the wheel zooms around the pointer (here the view's centre, which stays where it is)
    from selenium.webdriver.common.actions.wheel_input import ScrollOrigin

    before = _rect(browser, "#view svg")
    origin = ScrollOrigin.from_element(browser.find_element("id", "view"))
    ActionChains(browser).scroll_from_origin(origin, 0, -200).perform()
    wheeled = _rect(browser, "#view svg")
    assert wheeled["width"] > before["width"] * 1.1
    ratio = wheeled["width"] / before["width"]
    assert centre_x - wheeled["x"] == pytest.approx((centre_x - before["x"]) * ratio, abs=3)
    browser.find_element("id", "fit").click()
    assert _rect(browser, "#view svg") == pytest.approx(fitted, abs=1)
    assert _errors(browser) == []
