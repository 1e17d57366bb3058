"""The ``kg`` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

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
    fresh: Annotated[bool, typer.Option("--fresh", help="Ignore cached extractions.")] = False,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir",
                         help="Extraction cache folder (default: OUT/.kg-cache).")] = None,
    executor: Annotated[str, typer.Option("--executor", "-e",
                        help="Where extraction runs: local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler",
                         help="dask scheduler address (default: a local cluster).")] = None,
) -> None:
    """Build the graph of INPUTS and write graph.ttl, graph.html and the report into --out."""
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
    typer.echo(f"built {len(result.graph)} triples from {st.get('articles', 0)} article(s) "
               f"({st.get('cached', 0)} cached, {st.get('extracted', 0)} extracted)")
    for name, path in sorted(result.outputs.items()):
        typer.echo(f"  {name:12s} {path}")


@app.command("read")
def read_cmd(
    path: Annotated[Path, typer.Argument(help="One article file.")],
) -> None:
    """Show what the extractor will see of one article: metadata and clean text."""
    import kg

    try:
        art = kg.read(path)
    except KgError as e:
        _fail(e)
    for key in ("title", "outlet", "byline", "published", "language", "encoding", "sha256", "path"):
        typer.echo(f"{key:10s} {getattr(art, key) or '-'}")
    typer.echo("")
    typer.echo(art.text)


@app.command()
def query(
    query: Annotated[str, typer.Argument(help="SPARQL text, a .rq file, or a saved query's name.")],
    graph: Annotated[Path, typer.Option("--graph", "-g", help="A built graph.ttl.")] = Path("out/graph.ttl"),
) -> None:
    """Run a SPARQL query on a built graph and print the answers."""
    typer.echo("query: not implemented yet", err=True)
    raise typer.Exit(2)


@app.command()
def export(
    graph: Annotated[Path, typer.Argument(help="A built graph.ttl.")],
    format: Annotated[str, typer.Option("--format", "-f", help="Output format.")] = "turtle",
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file.")] = Path("out/export"),
) -> None:
    """Export a built graph to another format."""
    typer.echo("export: not implemented yet", err=True)
    raise typer.Exit(2)


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
    graph: Annotated[Path, typer.Argument(help="A built graph.ttl.")],
    port: Annotated[int, typer.Option("--port", "-p")] = 7878,
) -> None:
    """Serve a graph as a read-only SPARQL 1.1 endpoint on 127.0.0.1."""
    typer.echo("serve: not implemented yet", err=True)
    raise typer.Exit(2)


def main() -> None:  # pragma: no cover - console entry
    try:
        app()
    except KgError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
