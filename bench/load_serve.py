"""A bounded load test of `kg serve` on loopback: queries per second, latency and errors.

Starts the endpoint in this process on 127.0.0.1 (or uses --url, which must be a loopback
address), fires a bounded number of requests from a bounded number of threads for at most
a bounded time, then checks the endpoint still answers. The mix: every saved query, plus
one refused UPDATE and one malformed query in every twenty requests (expected 403 / 400).

    .venv/bin/python bench/load_serve.py GRAPH [--requests 2000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import ipaddress
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kg.serve import ServeConfig, SparqlServer
from kg.sparql import saved_queries

MAX_REQUESTS, MAX_CONCURRENCY, MAX_SECONDS = 20_000, 256, 300
REFUSED = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
MALFORMED = "SELECT ?x WHERE { ?x "


def _loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _mix(n: int) -> list[tuple[str, int]]:
    """n (query, expected status) pairs: the saved queries, a refused update, a bad query."""
    saved = [p.read_text(encoding="utf-8") for p in saved_queries().values()]
    out = []
    for i in range(n):
        if i % 20 == 7:
            out.append((REFUSED, 403))
        elif i % 20 == 13:
            out.append((MALFORMED, 400))
        else:
            out.append((saved[i % len(saved)], 200))
    return out


def run(url: str, requests: int, concurrency: int, seconds: float) -> dict[str, object]:
    """Fire the mix at the endpoint; count statuses and time each request."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    unexpected: Counter[str] = Counter()

    def one(job: tuple[str, int]) -> None:
        query, expected = job
        if time.monotonic() > deadline:
            return
        body = urllib.parse.urlencode({"query": query}).encode()
        req = urllib.request.Request(url, data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json"})
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                r.read()
                status = str(r.status)
        except urllib.error.HTTPError as e:
            e.read()
            status = str(e.code)
        except OSError as e:
            status = type(e).__name__
        took = time.perf_counter() - t
        with lock:
            statuses[status] += 1
            if status == str(expected):
                latencies.append(took)
            else:
                unexpected[f"{status} (expected {expected})"] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, _mix(requests)))
    wall = time.perf_counter() - started
    done = sum(statuses.values())
    return {"sent": done, "wall_s": wall, "qps": done / wall if wall else 0.0,
            "statuses": dict(sorted(statuses.items())), "unexpected": dict(unexpected),
            "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
            "p95_ms": (statistics.quantiles(latencies, n=20)[-1] * 1000
                       if len(latencies) > 1 else None)}


def alive(url: str) -> bool:
    q = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    try:
        with urllib.request.urlopen(f"{url}?{q}", timeout=30) as r:
            return r.status == 200
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path, nargs="?", default=Path("out/graph.ttl"))
    ap.add_argument("--url", help="a running kg serve on loopback (default: start one here)")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=120)
    args = ap.parse_args(argv)
    requests = max(1, min(args.requests, MAX_REQUESTS))
    concurrency = max(1, min(args.concurrency, MAX_CONCURRENCY))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))

    server = None
    url = args.url
    if url is None:
        server = SparqlServer(args.graph, ServeConfig(port=0)).start()
        url = server.url
    if not _loopback(url):
        print(f"refusing to load {url}: this script only targets loopback", file=sys.stderr)
        return 2
    try:
        print(f"endpoint {url}: {requests} requests, {concurrency} threads, "
              f"at most {seconds:.0f} s")
        r = run(url, requests, concurrency, seconds)
        ok = alive(url)
    finally:
        if server is not None:
            server.close()
    print(f"sent {r['sent']} in {r['wall_s']:.1f} s: {r['qps']:.0f} queries/s")
    print(f"statuses: {r['statuses']}")
    print(f"errors (status other than expected): {sum(r['unexpected'].values())} "
          f"{r['unexpected'] or ''}")
    if r["p50_ms"] is not None:
        print(f"latency of answered requests: p50 {r['p50_ms']:.1f} ms, "
              f"p95 {r['p95_ms'] or r['p50_ms']:.1f} ms")
    print(f"endpoint still answers afterwards: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
