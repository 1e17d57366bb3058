"""`python -m kg.ontology` regenerates schemes.ttl and README.md; `--check` only compares."""

from __future__ import annotations

import sys

from kg.errors import KgError
from kg.ontology import regenerate, stale_files


def main(argv: list[str]) -> int:
    try:
        if "--check" in argv:
            stale = stale_files()
            for p in stale:
                print(f"out of date: {p} (run python -m kg.ontology)", file=sys.stderr)
            return 1 if stale else 0
        for p in regenerate():
            print(f"wrote {p}")
    except KgError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
