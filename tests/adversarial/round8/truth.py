"""Round-8 truth script: writes docs/*.md from docs_[a-g].py and labels every item with SymPy
at K = 2, 3, 4 (tlib.truth), asserting the hand label (expected) agrees.  Writes labels.json.
Also labels the CLI claims of claims.py into claims_labels.json.  Never imports symderiv.

    cd tests/adversarial/round8 && ../../../.venv/bin/python truth.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlib  # noqa: E402
import docs_a, docs_b, docs_c, docs_d, docs_e, docs_f, docs_g  # noqa: E402
import claims  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    docs = {}
    for mod in (docs_a, docs_b, docs_c, docs_d, docs_e, docs_f, docs_g):
        docs.update(mod.D)
    os.makedirs(os.path.join(HERE, "docs"), exist_ok=True)
    labels, bad = {}, []
    for name, (text, items) in sorted(docs.items()):
        with open(os.path.join(HERE, "docs", name), "w") as fh:
            fh.write(text)
        rows = []
        for sub, kind, expected, fn in items:
            cond = None
            if kind.startswith("claim|"):   # false in general, true under the case its sentence names
                kind, cond = "claim", kind.split("|", 1)[1]
            probe = sub[:-1] if sub.endswith("$") else sub
            assert probe in text, (name, sub)
            got = expected
            if kind in ("claim", "chain", "approx"):
                got = tlib.truth(kind, fn)
            elif kind == "amb":
                got = tlib.amb(fn)
                if got != expected:
                    bad.append((name, sub, expected, got))
            rows.append(dict(sub=sub, kind=kind, truth=got, **({"cond": cond} if cond else {})))
            print(name, kind, repr(sub)[:60], got, flush=True)
        labels[name] = rows
    crow = []
    for c in claims.C:
        got = tlib.amb(c["fn"]) if c["expected"] == "amb" else tlib.truth("claim", c["fn"])
        if got != c["expected"]:
            bad.append((c["id"], c["claim"], c["expected"], got))
        crow.append(dict(id=c["id"], claim=c["claim"], given=c["given"], where=c["where"],
                         cls=c["cls"], truth=got))
        print(c["id"], got, flush=True)
    with open(os.path.join(HERE, "labels.json"), "w") as fh:
        json.dump(labels, fh, indent=1)
    with open(os.path.join(HERE, "claims_labels.json"), "w") as fh:
        json.dump(crow, fh, indent=1)
    n = sum(len(r) for r in labels.values())
    print(f"{len(labels)} documents, {n} items, {len(crow)} claims; disagreements with hand labels: {len(bad)}")
    for b in bad:
        print("  DISAGREE", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
