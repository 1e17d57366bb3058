"""The page and the report in a real headless chromium, with the network cut off.

Uses Debian's /usr/bin/chromium (``make browser`` installs it) through playwright; the
screenshot lands in tests/artifacts/graph.png for a person to look at.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_analyze import chain_extractions
from test_render import PAYLOAD, hostile_extraction

from kg.graph import extractions_to_graph
from kg.render import write_html
from kg.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian chromium not installed at /usr/bin/chromium "
                              "(run `make browser` or `apt-get install -y chromium`)"),
]


@dataclass
class Opened:
    """A page loaded from disk, with what it tried to fetch and what it complained about."""

    page: object
    fetched: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, expr: str, arg: object = None) -> object:
        return self.page.evaluate(expr, arg)

    def wait(self, expr: str, timeout: float = 30) -> None:
        # Polled from Python: the page's CSP forbids the eval that wait_for_function uses.
        end = time.monotonic() + timeout
        while not self.js(expr):
            assert time.monotonic() < end, f"timed out waiting for {expr}"
            self.page.wait_for_timeout(50)

    def node_id(self, label: str) -> int:
        return self.js("(l) => kg.data.info.findIndex((i) => i.label === l)", label)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    g = extractions_to_graph(chain_extractions() + [hostile_extraction()])
    write_html(g, out / "graph.html")
    write_report(g, out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def _open(browser, url: str) -> Iterator[Opened]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 850})
    page = ctx.new_page()
    opened = Opened(page)

    def block(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            opened.fetched.append(route.request.url)
            route.abort()

    ctx.route("**/*", block)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.goto(url)
    yield opened
    ctx.close()


@pytest.fixture
def graph_page(browser, site: Path) -> Iterator[Opened]:
    for opened in _open(browser, (site / "graph.html").as_uri()):
        opened.wait("window.kg && window.kg.stable")
        yield opened


def _dark_pixels(png: bytes) -> int:
    """Pixels clearly darker than the white background: nodes, edges and labels."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(image.histogram()[:200])


def _hover(o: Opened, node: int) -> None:
    box = o.page.locator("#network").bounding_box()
    at = o.js("(id) => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", node)
    o.page.mouse.move(box["x"] + at["x"] - 30, box["y"] + at["y"] - 30)
    o.page.mouse.move(box["x"] + at["x"], box["y"] + at["y"], steps=5)


def test_page_opens_offline_and_draws_its_nodes(graph_page: Opened) -> None:
    o = graph_page
    linked = o.js("kg.data.nodes.filter((n) => n.linked).length")
    assert linked == 17 and o.js("kg.nodeView.length") == linked
    assert o.js("kg.edgeView.length") == o.js("kg.data.edges.length") > 0
    # Count what the screen shows, as a person would see it: a screenshot also makes the
    # browser paint a frame, and vis draws on the animation frame after it settles.
    ARTIFACTS.mkdir(exist_ok=True)
    end = time.monotonic() + 15
    while (inked := _dark_pixels(o.page.locator("#network").screenshot())) <= 2000:
        assert time.monotonic() < end, f"blank network canvas ({inked} dark pixels)"
        o.page.wait_for_timeout(100)
    assert o.js("kg.frames") > 0
    o.page.screenshot(path=str(ARTIFACTS / "graph.png"))
    assert o.fetched == [] and o.errors == []


def test_planted_script_does_not_run_on_hover_click_or_filter(graph_page: Opened,
                                                              browser, site: Path) -> None:
    o = graph_page
    node = o.node_id(PAYLOAD)
    assert node >= 0
    _hover(o, node)
    o.wait("document.getElementById('tip').style.display === 'block'")
    tip = o.js("""() => { const t = document.getElementById('tip');
                  return [t.textContent, t.querySelectorAll('img, script').length]; }""")
    assert PAYLOAD in tip[0] and tip[1] == 0  # shown as text, not turned into elements
    o.page.mouse.click(*[o.page.locator("#network").bounding_box()[k] + v for k, v in zip(
        ("x", "y"), o.js("(id) => kg.network.canvasToDOM(kg.network.getPositions([id])[id])",
                         node).values(), strict=True)])
    o.wait("document.getElementById('details').textContent.includes('onerror')")
    options = o.js("[...document.querySelectorAll('#article-filter option')].map(o => o.text)")
    assert any(PAYLOAD in t for t in options)
    assert o.js("document.querySelectorAll('img').length") == 0
    assert o.js("window.__xss === undefined")
    assert o.fetched == []
    for report in _open(browser, (site / "report.html").as_uri()):
        report.page.wait_for_load_state("load")
        assert report.js("window.__xss === undefined")
        assert report.js("document.querySelectorAll('img[src=x], script').length") == 0
        assert report.js("document.body.textContent.includes('<img src=x onerror=')")
        assert report.fetched == [] and report.errors == []


def test_search_by_name_selects_and_describes_the_node(graph_page: Opened) -> None:
    o = graph_page
    o.page.locator("#search").type("gravel")
    assert o.page.locator("#results button").all_inner_texts() == ["Gravel gang (buyer)"]
    o.page.locator("#search").press("Enter")
    assert o.js("kg.network.getSelectedNodes()") == [o.node_id("Gravel gang")]
    assert "used them for telecom fraud" in o.page.locator("#details").inner_text()
    o.page.locator("#search").fill("")
    o.page.locator("#search").type("nobody by that name")
    assert o.page.locator("#results").inner_text() == "no match"


def test_filters_by_class_article_and_relation(graph_page: Opened) -> None:
    o = graph_page
    shown = o.js("kg.nodeView.length")
    o.page.locator("#class-filter label", has_text="Agency").click()
    assert o.js("kg.nodeView.length") == shown - 2
    assert o.js("kg.nodeView.get().every((n) => n.cls !== 'Agency')")
    o.page.locator("#class-filter label", has_text="Agency").click()
    assert o.js("kg.nodeView.length") == shown

    o.page.select_option("#article-filter", label="Hacker sold clinic data (2022-06-10)")
    labels = set(o.js("kg.nodeView.get().map((n) => kg.data.info[n.id].label)"))
    assert labels == {"Vex", "Pinecrest clinic", "patient names", "unnamed buyer",
                      "Prosecutors in Eastport"}
    o.page.select_option("#article-filter", value="-1")

    sold = o.js("kg.edgeView.get().filter((e) => e.rel === 'sold to').length")
    assert sold == 4
    o.page.locator("#relation-filter label", has_text="sold to").click()
    assert o.js("kg.edgeView.get().filter((e) => e.rel === 'sold to').length") == 0
    assert "of 17 nodes" in o.page.locator("#status").inner_text()


def test_chain_layout_puts_the_stages_left_to_right(graph_page: Opened) -> None:
    o = graph_page
    o.page.locator("label", has_text="Chain →").click()
    order = ["Bellmart", "Orrin", "Tazz", "Gravel gang", "telecom fraud", "retirees"]
    xs = [o.js("(id) => kg.network.getPositions([id])[id].x", o.node_id(n)) for n in order]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    ARTIFACTS.mkdir(exist_ok=True)
    o.page.screenshot(path=str(ARTIFACTS / "graph-chain.png"))
    o.page.locator("label", has_text="Physics").click()
    o.page.wait_for_timeout(300)
    assert o.js("(id) => kg.network.getPositions([id])[id].x", o.node_id("Bellmart")) != xs[0]


def test_report_links_open_the_graph_filtered_to_their_article(browser, site: Path) -> None:
    md = (site / "report.md").read_text(encoding="utf-8")
    link = next(x for x in md.split("(graph.html#")[1:] if x.startswith("article="))
    for o in _open(browser, (site / "graph.html").as_uri() + "#" + link.split(")")[0]):
        o.wait("window.kg && window.kg.stable")
        arts = o.js("kg.nodeView.get().map((n) => n.arts)")
        chosen = int(o.js("document.getElementById('article-filter').value"))
        assert chosen >= 0 and arts and all(chosen in a for a in arts)
        assert o.js("kg.nodeView.length") < o.js("kg.data.nodes.length")
