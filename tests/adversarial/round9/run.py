"""Round-9 runner: audits docs/ and checks the CLI claims with symderiv, then scores them against
labels.json / claims_labels.json (written by truth.py) and prints the wrong and undecided lists.
The code is the shared ../harness.py.

    cd tests/adversarial/round9
    ../../../.venv/bin/python run.py            # re-audit and re-check, then score
    ../../../.venv/bin/python run.py --reuse    # score the saved audits/ and cli_results.json
    ../../../.venv/bin/python run.py --reuse-audits    # re-check the CLI claims only
Writes audits/NAME.audit.json, cli_results.json and results.json (every judgement).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import harness  # noqa: E402
from harness import DECIDED, judge, matches, link_pairs, relations, formula_around  # noqa: E402,F401


def score_doc(name, items, recs):
    """The judgements of one document's labelled items, given its audit records (JSON)."""
    return harness.score_doc(HERE, name, items, recs)


def score_docs(labels):
    return harness.score_docs(HERE, labels)


if __name__ == "__main__":
    harness.run_main(HERE)
