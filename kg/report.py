"""The analysis report: report.md, report.html and a few figures, each citing its articles.

Tables are built once as plain records and written twice (Markdown, HTML). Article text is
untrusted: Markdown cells are escaped for both Markdown and HTML, the HTML goes through
Jinja's autoescape, and figure labels are drawn with mathtext off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from markupsafe import Markup
from rdflib import Graph

from kg.analyze import STAGES, Analysis, Chain, Projection, analyze, chains_by_article
from kg.charts import bar_chart_svg
from kg.errors import OutputError
from kg.jinja import template
from kg.memo import ByObject
from kg.settings import DEFAULT, Settings

TOP = 10  # rows in the ranking tables and bars in a figure
MIN_BARS = 2
FIGURE_DIR = "figures"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    sources: tuple[str, ...]  # article IRIs


@dataclass(frozen=True)
class Section:
    """One table of the report, with what it means, its figure and its articles."""

    title: str
    note: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    figure: str | None = None  # path relative to the report
    empty: str = "Nothing found in these articles."

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for r in self.rows for s in r.sources}))


def _num(x: int | Decimal | float) -> str:
    if isinstance(x, Decimal):
        return format(x.normalize(), ",f")
    return f"{x:,}" if isinstance(x, int) else f"{x:,.4g}"


class _Names:
    """Labels and classes of entities, for table cells."""

    def __init__(self, proj: Projection) -> None:
        self.proj = proj

    def __call__(self, iri: str) -> str:
        n = self.proj.nodes.get(iri)
        return n.label if n else (iri.rsplit("/", 1)[-1] or iri)

    def cls(self, iri: str) -> str:
        n = self.proj.nodes.get(iri)
        return n.display if n else ""

    def articles(self, iri: str) -> tuple[str, ...]:
        n = self.proj.nodes.get(iri)
        return n.articles if n else ()


def _chain_text(c: Chain, name: _Names) -> str:
    return " → ".join(f"{name(i)} ({r})" for i, r in zip(c.steps, c.roles, strict=True))


def _chain_sections(a: Analysis, name: _Names) -> list[Section]:
    ordered = [c for group in chains_by_article(a.chains).values() for c in group]
    rows = [Row((_chain_text(c, name), "complete" if c.complete else "; ".join(c.gaps)),
                c.articles or tuple(x for i in c.steps for x in name.articles(i)))
            for c in ordered]
    paths = tuple(r for r, c in zip(rows, ordered, strict=True) if len(c.steps) > 1)
    complete = sum(c.complete for c in ordered)
    return [
        Section("The chain, article by article",
                f"Paths along {' → '.join(STAGES)}, read from the events each article reports. "
                f"{len(ordered)} chain(s), {complete} complete (a known source and a known use "
                f"of the data); {len(ordered) - len(paths)} loose end(s) of one step are listed "
                "under broken chains only.",
                ("Chain", "Status", "Sources"), paths),
        Section("Broken chains",
                "Where the articles lose the data's trail: a buyer with no known use, a sale "
                "with no known buyer, a use with no known seller.",
                ("Chain", "What is missing", "Sources"),
                tuple(r for r in rows if r.cells[1] != "complete"),
                empty="Every chain found runs from a source to a use."),
    ]


def _network_sections(a: Analysis, name: _Names) -> list[Section]:
    brokers = tuple(Row((name(c.iri), name.cls(c.iri), f"{c.betweenness:.3f}", str(c.degree)),
                        name.articles(c.iri)) for c in a.brokers)
    hubs = tuple(Row((name(c.iri), name.cls(c.iri), str(c.degree)), name.articles(c.iri))
                 for c in a.hubs)
    groups = tuple(
        Row((str(i), str(len(g)), ", ".join(name(m) for m in g[:8]) + (" …" if len(g) > 8 else "")),
            tuple(sorted({x for m in g for x in name.articles(m)})))
        for i, g in enumerate(a.communities, 1))
    return [
        Section("Brokers", "Entities that sit on the paths between others (betweenness "
                "centrality over the projected links): middlemen, resellers, shared channels.",
                ("Name", "Class", "Betweenness", "Degree", "Sources"), brokers),
        Section("Hubs", "Entities with the most links (degree).",
                ("Name", "Class", "Degree", "Sources"), hubs),
        Section("Groups", "Communities of entities more linked to each other than to the rest "
                "(Louvain, fixed seed).", ("Group", "Size", "Members", "Sources"), groups),
    ]


def _figure_sections(a: Analysis, name: _Names, figures: dict[str, str]) -> list[Section]:
    proj = a.projection
    cats = tuple(Row((name(c.iri), _num(c.records)), c.articles) for c in a.categories)
    money = tuple(Row((m.currency, m.role, _num(m.total), str(m.count)), m.articles)
                  for m in a.money)
    prices = tuple(Row((_num(u.per_record), u.currency,
                        _num(u.records) if u.records is not None else "", u.basis),
                       (u.article,) if u.article else ()) for u in a.prices)
    enforcement = tuple(Row((name(r.agency) if r.agency else "(agency not named)", r.year,
                             str(r.actions), str(r.arrested), str(r.cases), _kinds(r.kinds)),
                            r.articles) for r in a.enforcement)
    by_year: dict[str, set[str]] = {}
    for e in proj.events:
        if e.year and e.article:
            by_year.setdefault(e.year, set()).add(e.article)
    years = tuple(Row((y, str(c["cases"]), str(c["enforcement actions"]),
                       str(c["leaks and sales"])), tuple(sorted(by_year.get(y, ()))))
                  for y, c in a.years.items())
    return [
        Section("Most traded data categories", "Records per category of personal data. Within "
                "an article the largest figure counts (one batch is often reported at the leak "
                "and again at the sale); articles add up. A batch of several categories counts "
                "for each.", ("Data category", "Records", "Sources"), cats,
                figures.get("records_by_category")),
        Section("Money by currency and role", "Sums never mix currencies; roles say what the "
                "money was (a price, a profit, a loss...).",
                ("Currency", "Role", "Total", "Amounts", "Sources"), money),
        Section("Price per record", "A stated unit price, or a price divided by the records "
                "it bought.", ("Per record", "Currency", "Records", "Basis", "Sources"), prices,
                figures.get("price_per_record")),
        Section("Enforcement by agency and year", "Actions taken, people arrested or detained "
                "(a stated count, else the named targets) and cases opened.",
                ("Agency", "Year", "Actions", "Arrested", "Cases", "Kinds", "Sources"),
                enforcement),
        Section("Over time", "Cases, enforcement actions, leaks and sales per year (the event's "
                "own date, else the article's).",
                ("Year", "Cases", "Enforcement actions", "Leaks and sales", "Sources"), years,
                figures.get("cases_over_time")),
    ]


def _kinds(kinds: tuple[str, ...]) -> str:
    specific = [k for k in kinds if k != "EnforcementAction"]
    return ", ".join(specific or kinds)


def build_sections(a: Analysis, figures: dict[str, str] | None = None) -> list[Section]:
    """Every table of the report, in reading order."""
    name = _Names(a.projection)
    return (_chain_sections(a, name) + _network_sections(a, name)
            + _figure_sections(a, name, figures or {}))


# ---- figures -------------------------------------------------------------------------------


def _short(label: str, n: int = 28) -> str:
    label = " ".join(label.split())
    return label if len(label) <= n else label[: n - 1] + "…"


def write_figures(a: Analysis, folder: Path) -> dict[str, str]:
    """The few plots the data supports: one only where there are two bars to compare (one
    figure is a table's job); name -> path relative to the report."""
    name = _Names(a.projection)
    plots: dict[str, tuple[str, list[str], list[float], str]] = {}
    top = a.categories[:TOP]
    plots["records_by_category"] = ("Records by data category", [name(c.iri) for c in top],
                                    [float(c.records) for c in top], "records")
    top = a.prices[:TOP]
    plots["price_per_record"] = ("Price per record",
                                 [f"{u.currency} · {name_of_event(a, u.event)}" for u in top],
                                 [float(u.per_record) for u in top],
                                 "price per record (currency as labelled)")
    counts = {y: c["cases"] + c["enforcement actions"] for y, c in a.years.items()}
    years = [y for y, n in counts.items() if n]
    plots["cases_over_time"] = ("Cases and enforcement actions by year", years,
                                [float(counts[y]) for y in years], "count")
    out = {}
    for key, (title, labels, values, unit) in plots.items():
        if len(labels) < MIN_BARS:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{key}.svg"
        svg = bar_chart_svg(title, [_short(x) for x in labels], values, unit,
                            vertical=key == "cases_over_time", integer=key != "price_per_record")
        path.write_text(svg, encoding="utf-8")
        out[key] = f"{folder.name}/{path.name}"
    return out


def name_of_event(a: Analysis, event: str) -> str:
    """A short name for an event: its data categories, or its seller, or its article."""
    e = next((e for e in a.projection.events if e.iri == event), None)
    if e is None:
        return event
    name = _Names(a.projection)
    parts = [name(i) for r, i in e.participants if r == "dataCategory"] or \
            [name(i) for r, i in e.participants if r in ("seller", "buyer")]
    art = a.projection.articles.get(e.article or "")
    return ", ".join(parts) or (art.label if art else "")


# ---- writing -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#!~])")


def md_escape(text: str) -> str:
    """Article text as inert Markdown: no markup, no raw HTML, no table breaks."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _article_numbers(proj: Projection) -> dict[str, int]:
    return {x.iri: i for i, x in enumerate(proj.articles_in_order(), 1)}


# A row cites at most this many articles, the earliest in the report's numbering; a hub that
# hundreds of articles mention gets "and N more" instead of a wall of links.
CITE_LIMIT = 12


def cited(sources: Iterable[str], numbers: dict[str, int]) -> tuple[list[int], int]:
    """The article numbers a row shows, and how many more it leaves out."""
    nums = sorted({numbers[s] for s in sources if s in numbers})
    return nums[:CITE_LIMIT], max(0, len(nums) - CITE_LIMIT)


class Citations:
    """The report's article numbering, and what each row cites, worked out once per row (the
    Markdown and the HTML both ask)."""

    def __init__(self, proj: Projection) -> None:
        self.numbers = _article_numbers(proj)
        self._rows = ByObject()

    def __call__(self, sources: Iterable[str]) -> tuple[list[int], int]:
        return self._rows.get(sources, lambda s: cited(s, self.numbers))


def _md_cites(sources: Iterable[str], cites: Citations) -> str:
    nums, more = cites(sources)
    links = " ".join(f"[\\[{n}\\]](#article-{n})" for n in nums)
    return f"{links} and {more} more" if more else links


def to_markdown(sections: list[Section], a: Analysis, title: str,
                cites: Citations | None = None) -> str:
    """The report as Markdown (tables and citations); article text escaped."""
    cites = cites or Citations(a.projection)
    numbers = cites.numbers
    lines = [f"# {md_escape(title)}", "", md_escape(_summary(a)), ""]
    for s in sections:
        lines += [f"## {md_escape(s.title)}", "", md_escape(s.note), ""]
        if s.figure:
            lines += [f"![{md_escape(s.title)}]({s.figure})", "",
                      f"Figure sources: {_md_cites(s.sources, cites)}", ""]
        if not s.rows:
            lines += [f"_{md_escape(s.empty)}_", ""]
            continue
        lines.append("| " + " | ".join(map(md_escape, s.columns)) + " |")
        lines.append("|" + "---|" * len(s.columns))
        for r in s.rows:
            cells = [*map(md_escape, r.cells), _md_cites(r.sources, cites)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Articles", ""]
    for art in sorted(a.projection.articles.values(), key=lambda x: numbers[x.iri]):
        n = numbers[art.iri]
        meta = ", ".join(md_escape(x) for x in (art.publisher, art.published, art.source) if x)
        lines.append(f'<a id="article-{n}"></a>{n}. {md_escape(art.label)}'
                     f"{' — ' + meta if meta else ''} ([graph](graph.html#article={art.id}))")
    return "\n".join(lines) + "\n"


def _summary(a: Analysis) -> str:
    p = a.projection
    complete = sum(c.complete for c in a.chains)
    return (f"{len(p.articles)} article(s), {len(p.nodes)} entities, {len(p.events)} events, "
            f"{len(p.links)} links; {len(a.chains)} chain(s), {complete} complete, "
            f"{len(a.chains) - complete} broken.")


def to_html(sections: list[Section], a: Analysis, title: str,
            cites: Citations | None = None) -> str:
    """The report as one HTML page (figures beside it); every value autoescaped."""
    cites = cites or Citations(a.projection)
    arts = a.projection.articles_in_order()
    return template("report.html").render(
        title=title, summary=_summary(a), sections=sections, numbers=cites.numbers,
        articles=arts, cites=lambda sources: _html_cites(sources, cites))


def _html_cites(sources: Iterable[str], cites: Citations) -> Markup:
    """A row's citations as links (article numbers only: nothing to escape); a jinja macro
    per row cost more than the rest of the report."""
    nums, more = cites(sources)
    links = "".join(f'<a href="#article-{n}">[{n}]</a>' for n in nums)
    return Markup(f"{links} and {more} more" if more else links)


def prepare(proj: Projection | None = None) -> None:
    """Load what writing the report needs (its template, igraph) ahead of time, and work out
    what the events of ``proj`` add to the chain graph."""
    from kg.analyze import chains
    from kg.analyze.measures import _igraph_module

    template("report.html")
    _igraph_module()
    if proj is not None:
        chains.prepare(proj)


def forget() -> None:
    """Drop what ``prepare`` worked out, once the report is written."""
    from kg.analyze import chains

    chains.forget()


def write_report(graph: Graph | Analysis, out_dir: Path, settings: Settings = DEFAULT
                 ) -> list[Path]:
    """Write report.md, report.html and the figures into out_dir; return the files written."""
    a = graph if isinstance(graph, Analysis) else analyze(graph)
    title = "The trade in personal data: what the articles show"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        figures = write_figures(a, out_dir / FIGURE_DIR)
        sections = build_sections(a, figures)
        md, page = out_dir / "report.md", out_dir / "report.html"
        cites = Citations(a.projection)
        md.write_text(to_markdown(sections, a, title, cites), encoding="utf-8")
        page.write_text(to_html(sections, a, title, cites), encoding="utf-8")
    except OSError as e:
        raise OutputError(f"cannot write the report to {out_dir}: {e.strerror or e}") from e
    return [md, page] + [out_dir / f for f in sorted(figures.values())]
