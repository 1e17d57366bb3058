"""The ``kg`` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help="Turn news reports about the illegal trade in personal data into a knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(err: KgError) -> None:
    """Print one line to stderr and exit with the error's code."""
    msg = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(err.exit_code)


def _warn(msg: str) -> None:
    typer.echo(f"warning: {msg}", err=True)


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(
        help="Article files (.txt, .md, .html) or folders.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder for graph.ttl, graph.html, report.")] = Path("out"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1,
                       help="Extraction processes (default: the settings' workers).")] = None,
    fresh: Annotated[bool, typer.Option(
        "--fresh", help="Ignore what earlier builds kept: read and extract all again.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir",
        help="Where builds keep extractions and the corpus (default: OUT/.kg-cache).")] = None,
    executor: Annotated[str, typer.Option("--executor", "-e",
                        help="Where extraction runs: local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler",
                         help="dask scheduler address (default: a local cluster).")] = None,
) -> None:
    """Build the graph of INPUTS and write graph.ttl, graph.html and the report into --out.

    Building into the same --out again reads and extracts only new or changed files."""
    import signal

    import kg

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds: workers stop, temporary outputs are removed

    signal.signal(signal.SIGTERM, _terminate)
    try:
        result = kg.build(inputs, out, progress=not quiet, workers=workers, fresh=fresh,
                          cache_dir=cache_dir, executor=executor, scheduler=scheduler)
    except KgError as e:
        _fail(e)
    except KeyboardInterrupt:
        typer.echo("error: interrupted; the previous outputs are unchanged", err=True)
        raise typer.Exit(130) from None
    for w in result.warnings:
        _warn(w)
    st = result.stats
    typer.echo(f"built {result.triples} triples from {st.get('articles', 0)} article(s) "
               f"({st.get('unchanged', 0)} unchanged, {st.get('cached', 0)} cached, "
               f"{st.get('extracted', 0)} extracted)")
    for name, path in sorted(result.outputs.items()):
        typer.echo(f"  {name:12s} {path}")
    global _DONE_AND_WRITTEN
    _DONE_AND_WRITTEN = True


@app.command("read")
def read_cmd(
    path: Annotated[Path, typer.Argument(help="One article file.")],
) -> None:
    """Show what the extractor will see of one article: metadata and clean text."""
    from kg.api import read  # not `kg.read`: once imported, the kg.read package shadows it

    try:
        art = read(path)
    except KgError as e:
        _fail(e)
    keys = "title outlet byline published language encoding id sha256 path".split()
    for key in keys:
        typer.echo(f"{key:10s} {getattr(art, key) or '-'}")
    typer.echo("")
    typer.echo(art.text)


@app.command()
def query(
    query: Annotated[str | None, typer.Argument(
        help="SPARQL text, a .rq file, or a saved query's name (see --list).")] = None,
    graph: Annotated[Path | None, typer.Option(
        "--graph", "-g", help="A built graph (default out/graph.ttl).")] = None,
    store: Annotated[str | None, typer.Option(
        "--store", "-s", help="Query a store: oxigraph:DIR or an http(s) SPARQL endpoint "
        "(with --graph, the graph is loaded into it first).")] = None,
    format: Annotated[str, typer.Option(  # noqa: A002
        "--format", "-f", help="table, csv, tsv, json or xml.")] = "table",
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="NAME=VALUE: fix ?NAME to VALUE (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N rows.")] = None,
    list_saved: Annotated[bool, typer.Option("--list", help="List the saved queries.")] = False,
) -> None:
    """Run a SPARQL query on a built graph or a store and print the answers."""
    import kg
    from kg.results import format_result
    from kg.sparql import describe, saved_queries

    if list_saved or query is None:
        for name, path in saved_queries().items():
            typer.echo(f"{name:28s} {describe(path)}")
        if query is None and not list_saved:
            raise typer.Exit(2)
        return
    try:
        params = dict(_name_value(p) for p in param or [])
        result = kg.query(query, graph=graph, store=store, params=params, limit=limit)
        typer.echo(format_result(result, format), nl=format == "table")
    except KgError as e:
        _fail(e)


def _name_value(text: str) -> tuple[str, str]:
    from kg.errors import QueryError

    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise QueryError(f"--param wants NAME=VALUE, got {text!r}")
    return name.strip().lstrip("?"), value


@app.command()
def export(
    graph: Annotated[Path, typer.Argument(help="A built graph.ttl.")],
    format: Annotated[str, typer.Option(  # noqa: A002
        "--format", "-f", help="turtle, nt, nquads, jsonld, graphml, gexf, csv or stix.")
    ] = "turtle",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output file (a folder for csv); default out/graph.<ext>.")] = None,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Replace private persons' names with stable pseudonyms.")] = False,
    store: Annotated[str | None, typer.Option(
        "--store", "-s", help="Load the graph into oxigraph:DIR or an http(s) SPARQL "
        "endpoint instead of writing a file.")] = None,
) -> None:
    """Export a built graph to another format, or load it into a store."""
    import kg

    try:
        written = kg.export(graph, format, out, redact=redact, store=store)
    except KgError as e:
        _fail(e)
    if store is not None:
        typer.echo(f"loaded {graph} into {store}")
    for path in written:
        typer.echo(str(path))


@app.command()
def validate(
    graph: Annotated[Path, typer.Argument(help="A built graph.ttl.")],
) -> None:
    """Check a graph against the SHACL shapes; exit 0 when it conforms, 1 when not."""
    from kg.errors import ValidationFailed
    from kg.validate import validate_graph

    try:
        report = validate_graph(graph)
    except KgError as e:
        _fail(e)
    for line in report.lines():
        typer.echo(line)
    n_warn = len(report.results) - len(report.violations)
    if not report.conforms:
        _fail(ValidationFailed(f"{graph} does not conform: {len(report.violations)} violation(s), "
                               f"{n_warn} warning(s)/info(s)"))
    typer.echo(f"{graph} conforms ({n_warn} warning(s)/info(s))")


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Folder of gold answer YAML files.")],
    inputs: Annotated[list[Path] | None, typer.Argument(help="Articles (default: seeds/).")] = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Every miss and extra answer, with its sentence.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable scores.")] = False,
    graphs: Annotated[Path | None, typer.Option(
        "--graphs", help="Score built graphs instead: DIR/<gold stem>/graph.ttl.")] = None,
    floor: Annotated[Path | None, typer.Option(
        "--floor", help="Exit 1 when below the floors in this JSON file.")] = None,
) -> None:
    """Score the extractor against gold answers, question by question."""
    import json

    from kg.evaluate import check_floor, format_report
    from kg.evaluate import evaluate as run_evaluation

    try:
        report = run_evaluation(gold, inputs or None, graphs)
        failures = check_floor(report, floor) if floor else []
    except KgError as e:
        _fail(e)
    for w in report.warnings:
        _warn(w)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_report(report, verbose=verbose))
    for f in failures:
        typer.echo(f"below floor: {f}", err=True)
    if failures:
        raise typer.Exit(1)


@app.command()
def serve(
    graph: Annotated[str, typer.Argument(help="A built graph.ttl, or oxigraph:DIR.")],
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535)] = 7878,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; anything but loopback exposes the graph.")
    ] = "127.0.0.1",
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=0.1, help="Seconds a query may run.")] = None,
    max_rows: Annotated[int | None, typer.Option(
        "--max-rows", min=1, help="Rows (or triples) a query may return.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every request.")] = False,
) -> None:
    """Serve a graph as a read-only SPARQL 1.1 endpoint (127.0.0.1 unless told otherwise)."""
    from dataclasses import replace

    from kg.serve import ServeConfig, SparqlServer

    config = replace(ServeConfig(), host=host, port=port, quiet=not verbose)
    if timeout is not None:
        config = replace(config, timeout_s=timeout)
    if max_rows is not None:
        config = replace(config, result_cap=max_rows)
    try:
        server = SparqlServer(graph, config)
    except KgError as e:
        _fail(e)
    if not server.loopback:
        _warn(f"listening on {host}: anyone who can reach this address can query the graph")
    typer.echo(f"SPARQL endpoint: {server.url}  ({server.triples} triples, read-only; "
               "Ctrl-C stops)", nl=True)
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)


# Set by a command whose work is done and written (build): the process then ends without
# tearing its heap down, which after a large build took longer than writing the report.
_DONE_AND_WRITTEN = False


def main() -> None:  # pragma: no cover - console entry
    try:
        app()
    except KgError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    except SystemExit as e:
        if _DONE_AND_WRITTEN and e.code in (0, None):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        raise


if __name__ == "__main__":  # pragma: no cover - `python -m kg.cli`
    main()
