"""How the extractor does on articles it was not tuned on: build each hand-written fixture
report on its own and score it with the contract's independent scorer, question by question.

The fixtures (tests/fixtures/articles/*.txt) were written with their gold answers
(tests/fixtures/articles/gold/*.yaml) before the extractor was run on them, in styles the
seeds lack (Indian, US, British, Malaysian and Chinese reports; a court story; denials and
hypotheticals), so the table estimates the score on unseen articles.

    .venv/bin/python bench/generalisation.py [-v] [--gold DIR] [--articles DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
SCORER = ROOT.parent / "shared" / "contract" / "score.py"


def build_each(articles: Path, gold: Path, out: Path) -> list[str]:
    """Build one graph per gold file into OUT/<stem>/graph.ttl; return the stems that failed."""
    from kg.api import build
    from kg.errors import KgError

    failed = []
    for gf in sorted(gold.glob("*.yaml")):
        article = articles / f"{gf.stem}.txt"
        try:
            build([article], out / gf.stem)
        except KgError as e:
            print(f"build failed for {article.name}: {e}", file=sys.stderr)
            failed.append(gf.stem)
    return failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=Path, default=FIXTURES)
    ap.add_argument("--gold", type=Path, default=FIXTURES / "gold")
    ap.add_argument("--scorer", type=Path, default=SCORER)
    ap.add_argument("-v", action="store_true", help="list every miss and extra answer")
    a = ap.parse_args()
    if not a.scorer.is_file():
        print(f"contract scorer not found: {a.scorer} (give --scorer)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kg-generalisation-") as tmp:
        failed = build_each(a.articles, a.gold, Path(tmp))
        cmd = [sys.executable, str(a.scorer), "--batch", tmp, str(a.gold),
               "--ontology", str(ROOT / "ontology")]
        if a.v:
            cmd.append("-v")
        rc = subprocess.run(cmd, check=False).returncode
    return rc or (1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main())
