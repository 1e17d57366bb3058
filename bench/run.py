"""Build benchmark: throughput, memory and incremental rebuilds on a synthetic corpus, with the
bare spaCy pipeline on the same texts as the yardstick. Prints a Markdown table.

    python bench/run.py                 # 1k articles
    python bench/run.py --size 10k      # or several: --size 1k --size 10k
    python bench/run.py --quick         # 100 articles, a smoke run

Each measurement runs in its own process; peak RSS is sampled over that process and all its
children (worker processes included). Times are wall-clock seconds of the whole command,
start-up included, and each child ends as `kg build` does, without tearing down its heap (kg.cli
main), so the build and the bare pipeline are timed alike. The added-article rebuild is timed
--repeat times (a different article each time, on the same built corpus) and its median shown.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/corpus.py, beside this file)

SIZES = {"1k": 1_000, "10k": 10_000, "quick": 100}


# --- what runs in the child processes ----------------------------------------------------------


def child_bare(corpus_dir: str, workers: int) -> dict:
    """spacy.load + nlp.pipe over the article texts, as the build reads them."""
    import spacy

    from kg.read import iter_articles
    from kg.settings import DEFAULT

    texts = [a.text[: DEFAULT.max_article_chars] for a in iter_articles([corpus_dir])]
    nlp = spacy.load(DEFAULT.spacy_model)
    tokens = sum(len(doc) for doc in nlp.pipe(texts, n_process=workers,
                                              batch_size=DEFAULT.batch_size))
    return {"articles": len(texts), "tokens": tokens}


def child_build(corpus_dir: str, out: str, workers: int, fresh: bool) -> dict:
    """The library build, as `kg build` runs it."""
    import kg

    r = kg.build([corpus_dir], out, workers=workers, fresh=fresh)
    return {"articles": r.stats["articles"], "cached": r.stats["cached"],
            "extracted": r.stats["extracted"], "triples": r.triples,
            **{f"{k}_s": v for k, v in r.timings.items()}}


def child_main(argv: list[str]) -> None:
    kind, *args = argv
    if kind == "bare":
        res = child_bare(args[0], int(args[1]))
    else:
        res = child_build(args[0], args[1], int(args[2]), args[3] == "fresh")
    res["self_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(res), flush=True)
    sys.stderr.flush()
    os._exit(0)  # as `kg build` ends: no teardown of the heap (kg.cli.main)


# --- the parent: run, time, sample memory --------------------------------------------------------


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def measure(args: list[str]) -> dict:
    """Run one child, return its result with wall time and peak tree RSS (MiB)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, text=True)
        peak = 0
        while True:  # memory sampled every 0.2 s; the end is seen the moment it comes
            peak = max(peak, _tree_rss(proc.pid))
            try:
                proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                continue
        wall = time.perf_counter() - started
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step {args[0]} failed ({proc.returncode}):\n{err[-2000:]}")
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    res = json.loads(line[len("RESULT "):])
    res.update(wall_s=wall, peak_rss_mb=max(peak / 2**20, res["self_maxrss_mb"]))
    return res


def prepare_corpus(root: Path, n: int) -> Path:
    """The first n synthetic articles, generated once and reused."""
    folder = root / f"corpus-{n}"
    if len(list(folder.glob("*.txt"))) != n:
        shutil.rmtree(folder, ignore_errors=True)
        corpus.generate(n, folder)
    return folder


def prepare_seed_corpus(root: Path, n: int) -> Path:
    """The seed articles repeated to n files; each copy gets a line of its own, or the
    reader would read a repeated story once."""
    folder = root / f"seeds-{n}"
    seeds = sorted((HERE.parent / "seeds").glob("*.txt"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(n):
        src = seeds[i % len(seeds)]
        text = src.read_text(encoding="utf-8")
        copy = f"{text}\n\nArchive copy {i}.\n"
        (folder / f"seed_{i:05d}.txt").write_text(copy, encoding="utf-8")
    return folder


def bench_size(root: Path, n: int, workers: int, incremental: bool, seeds: bool = False,
               repeat: int = 5) -> dict:
    """Bare pipeline, full fresh build, then one added article on top of the built corpus
    (``repeat`` times, each a different article on the same built corpus: the median counts,
    a two-second command being at the mercy of the machine's noise)."""
    folder = prepare_seed_corpus(root, n) if seeds else prepare_corpus(root, n)
    out = root / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    print(f"[{n}] bare spaCy ...", file=sys.stderr, flush=True)
    bare = measure(["bare", str(folder), str(workers)])
    print(f"[{n}] full build ...", file=sys.stderr, flush=True)
    full = measure(["build", str(folder), str(out), str(workers), "fresh"])
    row = {"n": n, "workers": workers, "bare": bare, "full": full}
    if incremental:
        runs = []
        for i in range(repeat):
            print(f"[{n}] incremental build (+1 article), {i + 1} of {repeat} ...",
                  file=sys.stderr, flush=True)
            (extra,) = corpus.generate(1, folder, start=n + i)
            try:
                runs.append(measure(["build", str(folder), str(out), str(workers), "cached"]))
            finally:
                extra.unlink()
            measure(["build", str(folder), str(out), str(workers), "cached"])  # back to n
        runs.sort(key=lambda r: r["wall_s"])
        row["incr"] = {**runs[len(runs) // 2], "runs_s": [r["wall_s"] for r in runs]}
    return row


def table(rows: list[dict]) -> str:
    head = ("| articles | workers | bare spaCy s | build s | build/bare throughput | "
            "extract phase s | write phase s | articles/s | triples | triples/s | "
            "peak RSS build MiB | peak RSS bare MiB | +1 article s | +1 / full |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        b, f = r["bare"], r["full"]
        incr = r.get("incr")
        cells = [
            f"{r['n']:,}", str(r["workers"]), f"{b['wall_s']:.1f}", f"{f['wall_s']:.1f}",
            f"{b['wall_s'] / f['wall_s']:.2f}", f"{f['extract_s']:.1f}", f"{f['write_s']:.1f}",
            f"{f['articles'] / f['wall_s']:.1f}", f"{f['triples']:,}",
            f"{f['triples'] / f['wall_s']:,.0f}", f"{f['peak_rss_mb']:,.0f}",
            f"{b['peak_rss_mb']:,.0f}",
            (f"{incr['wall_s']:.2f} (median of {len(incr['runs_s'])}: "
             f"{min(incr['runs_s']):.2f}–{max(incr['runs_s']):.2f}; "
             f"{incr['extracted']} extracted)") if incr else "-",
            f"{incr['wall_s'] / f['wall_s']:.1%}" if incr else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Where the build's time goes (seconds, in the build process):", "",
              "| articles | run | extract + assemble | graph.ttl | graph.html | report |",
              "|---|---|---|---|---|---|"]
    for r in rows:
        for run in ("full", "incr"):
            if run in r:
                t = r[run]
                lines.append(f"| {r['n']:,} | {run} | {t.get('extract_s', 0):.1f} | "
                             f"{t.get('write_turtle_s', 0):.1f} | {t.get('write_html_s', 0):.1f} "
                             f"| {t.get('write_report_s', 0):.1f} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, metavar="N",
                    help="instead of the synthetic corpus: the seed articles repeated to N files")
    ap.add_argument("--size", action="append", choices=sorted(SIZES),
                    help="corpus size (repeatable; default 1k)")
    ap.add_argument("--quick", action="store_true", help="100 articles only")
    ap.add_argument("--workers", type=int, default=None,
                    help="processes for both the build and spaCy's n_process "
                         "(default: the settings' workers)")
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where corpora and outputs go (default: a temporary folder)")
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--repeat", type=int, default=5,
                    help="added-article rebuilds to take the median of (default 5)")
    args = ap.parse_args()

    from kg.settings import DEFAULT

    workers = args.workers or DEFAULT.workers
    sizes = ["quick"] if args.quick else (args.size or ["1k"])
    root = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    if args.seeds:
        rows = [bench_size(root, args.seeds, workers, not args.no_incremental, seeds=True,
                           repeat=args.repeat)]
    else:
        rows = [bench_size(root, SIZES[s], workers, not args.no_incremental,
                           repeat=args.repeat) for s in sizes]
    print(f"datatrade-kg build benchmark: {os.cpu_count()} CPUs, load average {load:.1f} "
          f"at start, workers={workers}, corpus in {root}")
    print(table(rows))
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"bench-{stamp}.json").write_text(json.dumps(rows, indent=1))
    if args.workdir is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
