"""The report's SVG bar charts: round axes, bars to scale, text kept as text."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from kg.charts import bar_chart_svg, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("top", "ticks"), [
    (7, [0, 2, 4, 6, 8]),
    (10, [0, 2, 4, 6, 8, 10]),
    (4_000_000, [0, 1e6, 2e6, 3e6, 4e6]),
    (0.37, [0, 0.1, 0.2, 0.3, 0.4]),
    (0, [0, 1]),
])
def test_ticks_are_round_and_reach_the_top(top: float, ticks: list[float]) -> None:
    assert nice_ticks(top) == pytest.approx(ticks)


def _bars(svg: str) -> list[ElementTree.Element]:
    root = ElementTree.fromstring(svg)
    return [r for r in root.findall(SVG + "rect") if r.find(SVG + "title") is not None]


def test_horizontal_bars_are_drawn_to_scale_in_the_order_given() -> None:
    svg = bar_chart_svg("Records", ["phones", "names", "emails"], [500.0, 250.0, 125.0], "records",
                        integer=True)
    bars = _bars(svg)
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2)
    assert widths[1] == pytest.approx(2 * widths[2], abs=0.2)
    assert [float(b.get("y")) for b in bars] == sorted(float(b.get("y")) for b in bars)
    assert [b.find(SVG + "title").text for b in bars] == ["phones: 500", "names: 250",
                                                          "emails: 125"]


def test_vertical_bars_stand_on_the_axis() -> None:
    svg = bar_chart_svg("By year", ["2019", "2020"], [3.0, 6.0], "count", vertical=True)
    a, b = _bars(svg)
    assert float(b.get("height")) == pytest.approx(2 * float(a.get("height")), abs=0.2)
    assert float(a.get("y")) + float(a.get("height")) == pytest.approx(
        float(b.get("y")) + float(b.get("height")), abs=0.2)
    assert float(a.get("x")) < float(b.get("x"))


def test_labels_and_title_are_text_not_markup() -> None:
    svg = bar_chart_svg("A <b>'title'</b>", ['<img src=x onerror="1">', "&amp;"], [1.0, 2.0],
                        "u")
    root = ElementTree.fromstring(svg)
    texts = [t.text for t in root.iter(SVG + "text")]
    assert '<img src=x onerror="1">' in texts and "&amp;" in texts
    assert "A <b>'title'</b>" in texts and root.get("aria-label") == "A <b>'title'</b>"
    assert not [e for e in root.iter() if e.tag in (SVG + "img", SVG + "b", "img", "b")]


def test_one_value_per_label() -> None:
    with pytest.raises(ValueError):
        bar_chart_svg("x", ["a"], [1.0, 2.0], "u")
