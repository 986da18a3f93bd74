"""The reader's figure on the shared corpus (issue 11): runs ../shared/corpus/score.py with this
Python and prints its lines; exits 1 when any labelled fragment gets a wrong verdict.

    python scripts/corpus_score.py [--show]
"""
import re
import subprocess
import sys
from pathlib import Path

SCORER = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "score.py"


def main() -> int:
    if not SCORER.exists():
        print(f"corpus_score: no scorer at {SCORER} (../shared beside the project)", file=sys.stderr)
        return 3
    try:
        p = subprocess.run([sys.executable, str(SCORER), *sys.argv[1:]], capture_output=True,
                           text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        print("corpus_score: the scorer ran over 30 minutes", file=sys.stderr)
        return 3
    print(p.stdout, end="")
    m = re.search(r"^corpus: (\d+) wrong", p.stdout, re.M)
    if m is None:
        print(f"corpus_score: no figure from the scorer: {p.stderr[-300:]}", file=sys.stderr)
        return 3
    return 1 if int(m.group(1)) else 0


if __name__ == "__main__":
    sys.exit(main())
