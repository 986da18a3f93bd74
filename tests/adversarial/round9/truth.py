"""Round-9 truth script: writes docs/*.md from docs_[a-f].py and labels every item with SymPy
at K = 2, 3, 4 (../harness.py, seed 9), asserting the hand labels agree.  Writes labels.json and
claims_labels.json (the CLI claims of claims.py).  Never imports symderiv.

    cd tests/adversarial/round9 && ../../../.venv/bin/python truth.py
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tlib  # noqa: E402,F401  (sets the seed, puts ../ on the path)
import harness  # noqa: E402
import docs_a, docs_b, docs_c, docs_d, docs_e, docs_f  # noqa: E402
import claims  # noqa: E402

if __name__ == "__main__":
    sys.exit(harness.truth_main(HERE, (docs_a, docs_b, docs_c, docs_d, docs_e, docs_f), claims))
