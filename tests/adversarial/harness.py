"""Shared harness of the adversarial rounds (7, 8, 9 ...): SymPy truth helpers, the truth script's
main loop, and the runner (audit, CLI checks, scoring).  The truth side never imports symderiv;
the runner calls the installed `symderiv` executable only.

A round's folder holds docs_*.py (D = {name: (text, items)}), claims.py (C = [claim dicts]),
and thin truth.py / run.py that call `truth_main(HERE, modules, claims_module)` and
`run_main(HERE)`.  An item is (substring of the formula, kind, expected, SymPy encoding):
kind def (a right definition), claim (True/False), claim|COND (false in general, true in the case
COND its sentence names: a proof listing COND among its conditions is right too), chain (class
per side), approx (a rounded value), amb (true under one plausible reading, false under another:
must stay unknown; the encoding returns the assignments of both readings).
"""
import itertools
import json
import os
import random
import subprocess
import sys
from collections import Counter

import sympy as sp

# ============================================================================ truth (SymPy) side
R = random.Random(8)
SIZES = (2, 3, 4)


def seed(n):
    """Reset the random points of `equal` (each round uses its own seed)."""
    R.seed(n)


def V(name, K, positive=False):
    """K symbols name1..nameK (index i of the text is position i-1)."""
    return [sp.Symbol(f"{name}{k}", real=True, positive=positive) for k in range(1, K + 1)]


def M(name, r, c):
    return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}{i+1}{j+1}", real=True))


def softmax(z):
    e = [sp.exp(v) for v in z]
    s = sum(e)
    return [x / s for x in e]


def sig(x):
    return 1 / (1 + sp.exp(-x))


def delta(i, j):
    return 1 if i == j else 0


def over(K, names, fn, cond=None):
    """fn(dict index->0-based position) -> list of sides, for every assignment satisfying cond."""
    out = []
    for vals in itertools.product(range(K), repeat=len(names)):
        d = dict(zip(names, vals))
        if cond is not None and not cond(d):
            continue
        out.append(fn(d))
    return out


def _val(s):
    if s.is_positive:
        return sp.Rational(R.randint(1, 9), R.randint(2, 9))
    return sp.Rational(R.randint(-9, 9), R.randint(2, 7))


def equal(a, b, trials=4):
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)):
            return False
        if a.shape != b.shape:
            return False
        return all(equal(x, y, trials) for x, y in zip(a, b))
    d = sp.sympify(a) - sp.sympify(b)
    if d == 0:
        return True
    fs = sorted(d.free_symbols, key=str)
    for _ in range(trials):
        sub = {s: _val(s) for s in fs}
        v = sp.N(d.subs(sub), 60)
        if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            continue   # a pole of the expressions (e.g. u = 1 in log(u/(1-u))): try other points
        if v.free_symbols or abs(v) > sp.Float("1e-40", 60):
            return False
    return True


def approx(shown, digits):
    """A chain side written as a rounded decimal: equal to x when x rounds to it."""
    return ("approx", shown, digits)


def side_equal(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple):
        return a == b
    if isinstance(b, tuple):
        a, b = b, a
    if isinstance(a, tuple):
        _, shown, digits = a
        err = abs(sp.N(b, 40) - shown)
        return bool(err <= sp.Rational(1, 2) * sp.Rational(1, 10 ** digits) + sp.Rational(1, 10**30))
    return equal(a, b)


def classes(assignments):
    """Equivalence classes of the sides of a chain, over every assignment (equal everywhere)."""
    n = len(assignments[0])
    cls = list(range(n))
    for a in range(n):
        for b in range(a):
            if all(side_equal(s[a], s[b]) for s in assignments):
                cls[a] = cls[b]
                break
    m = {}
    return [m.setdefault(c, len(m)) for c in cls]


def truth(kind, fn):
    """kind 'claim' -> bool; 'chain' -> class list; 'approx' -> bool (within half a unit)."""
    results = []
    for K in SIZES:
        A = fn(K)
        if A is None:
            continue
        if kind == "claim":
            results.append(all(equal(s[0], s[1]) for s in A))
        elif kind == "chain":
            results.append(tuple(classes(A)))
        elif kind == "approx":
            ok = True
            for exact, shown, digits in A:
                err = abs(sp.N(exact, 40) - shown)
                ok = ok and bool(err <= sp.Rational(1, 2) * sp.Rational(1, 10 ** digits) + sp.Rational(1, 10**30))
            results.append(ok)
    assert len(set(results)) == 1, (kind, results)
    r = results[0]
    return list(r) if kind == "chain" else bool(r)


def amb(fn):
    """An ambiguous item: fn(K) -> (assignments under reading 1, assignments under reading 2).
    Labelled 'amb' when the claim holds under one plausible reading and fails under the other."""
    out = []
    for K in SIZES:
        A = fn(K)
        if A is None:
            continue
        r1, r2 = A
        out.append((all(equal(s[0], s[1]) for s in r1), all(equal(s[0], s[1]) for s in r2)))
    assert len(set(out)) == 1, out
    a, b = out[0]
    return "amb" if a != b else ("both-true" if a else "both-false")


def truth_main(here, doc_modules, claims_module):
    """Write here/docs/*.md, label every item with SymPy, check the hand labels; write labels.json
    and claims_labels.json.  Returns the exit status (1 when a hand label disagrees)."""
    docs = {}
    for mod in doc_modules:
        docs.update(mod.D)
    os.makedirs(os.path.join(here, "docs"), exist_ok=True)
    labels, bad = {}, []
    for name, (text, items) in sorted(docs.items()):
        with open(os.path.join(here, "docs", name), "w") as fh:
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
                got = truth(kind, fn)
                if expected is not None and got != expected:
                    bad.append((name, sub, expected, got))
            elif kind == "amb":
                got = amb(fn)
                if got != expected:
                    bad.append((name, sub, expected, got))
            rows.append(dict(sub=sub, kind=kind, truth=got, **({"cond": cond} if cond else {})))
            print(name, kind, repr(sub)[:60], got, flush=True)
        labels[name] = rows
    crow = []
    for c in claims_module.C:
        got = amb(c["fn"]) if c["expected"] == "amb" else truth("claim", c["fn"])
        if got != c["expected"]:
            bad.append((c["id"], c["claim"], c["expected"], got))
        crow.append(dict(id=c["id"], claim=c["claim"], given=c["given"], where=c["where"],
                         cls=c["cls"], truth=got))
        print(c["id"], got, flush=True)
    with open(os.path.join(here, "labels.json"), "w") as fh:
        json.dump(labels, fh, indent=1)
    with open(os.path.join(here, "claims_labels.json"), "w") as fh:
        json.dump(crow, fh, indent=1)
    n = sum(len(r) for r in labels.values())
    print(f"{len(labels)} documents, {n} items, {len(crow)} claims; disagreements with hand labels: {len(bad)}")
    for b in bad:
        print("  DISAGREE", b)
    return 1 if bad else 0


# ============================================================================ runner side
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXE = os.path.join(ROOT, ".venv", "bin", "symderiv")
DECIDED = ("proved", "verified", "refuted")


def audit_all(here, jobs=1):
    os.makedirs(os.path.join(here, "audits"), exist_ok=True)
    p = subprocess.run([EXE, "audit", os.path.join(here, "docs"), "--jobs", str(jobs), "--format", "jsonl"],
                       capture_output=True, text=True, timeout=3600, cwd=ROOT)
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        name = os.path.basename(d["document"])
        with open(os.path.join(here, "audits", name.replace(".md", ".audit.json")), "w") as fh:
            json.dump(d["records"] if d.get("error") is None else {"error": d["error"]}, fh, indent=1)


def check_all(here, claims):
    out = []
    for c in claims:
        cmd = [EXE, "check", c["claim"], "--format", "json"]
        for g in c["given"]:
            cmd += ["--given", g]
        for w in c["where"]:
            cmd += ["--where", w]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
            try:
                v = json.loads(p.stdout)
            except ValueError:
                v = {"verdict": f"exit{p.returncode}", "reason": p.stderr.strip()[:300]}
        except subprocess.TimeoutExpired:
            v = {"verdict": "timeout"}
        out.append(dict(c, result=v))
        print(c["id"], c["truth"], v.get("verdict"), flush=True)
    with open(os.path.join(here, "cli_results.json"), "w") as fh:
        json.dump(out, fh, indent=1)
    return out


def judge(verdict, truth):
    if truth == "amb":   # ambiguous: any decided verdict is wrong
        return "WRONG" if verdict in DECIDED else "ok"
    if verdict in ("proved", "verified"):
        return "ok" if truth else "WRONG"
    if verdict == "refuted":
        return "WRONG" if truth else "ok"
    return "undecided"


def matches(sub, latex):
    return latex.endswith(sub[:-1]) if sub.endswith("$") else sub in latex


def link_pairs(links):
    """(a, b) side numbers of each link: consecutive sides, or 'first side = that side'."""
    pairs = []
    lhs0 = links[0]["claim"].split("=")[0].replace("&", "").strip() if links else ""
    for k, ln in enumerate(links):
        txt = ln["claim"].replace("&", "")
        if k > 0 and lhs0 and txt.strip().startswith(lhs0) and not links[k - 1]["claim"].replace("&", "").strip().endswith(lhs0):
            pairs.append((0, k + 1))
        else:
            pairs.append((k, k + 1))
    return pairs


def relations(tex):
    """Number of top-level '=' / '\\approx' in a formula (brace depth 0)."""
    n, depth, k = 0, 0, 0
    while k < len(tex):
        ch = tex[k]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch == "=" and not tex[max(0, k - 1)] in "<>!":
            n += 1
        elif depth == 0 and tex.startswith("\\approx", k):
            n += 1
        k += 1
    return n


def formula_around(text, sub):
    """The $...$ / $$...$$ / environment text that contains sub."""
    probe = sub[:-1] if sub.endswith("$") else sub
    at = text.find(probe)
    for open_, close in (("$$", "$$"), ("\\begin{", "\\end{"), ("$", "$")):
        a = text.rfind(open_, 0, at)
        b = text.find(close, at + len(probe))
        if a >= 0 and b >= 0 and open_ not in text[a + len(open_):at]:
            return text[a + len(open_):b]
    return probe


def split_chain(here, base_doc, text, it, recs, used):
    """A chain the engine listed as several records (split at an approximation): score each piece."""
    F = formula_around(text, it["sub"])
    pieces = [(F.find(r["latex"].strip().rstrip(".,").strip()), n) for n, r in enumerate(recs)
              if n not in used and r.get("latex") and len(r["latex"].strip()) > 3 and r["latex"].strip().rstrip(".,").strip() in F]
    pieces = sorted(p for p in pieces if p[0] >= 0)
    rows, pos, cls = [], 0, it["truth"]
    for _, n in pieces:
        r = recs[n]
        k = relations(r["latex"])
        if k == 0 or pos + k >= len(cls) + 0 and pos + k > len(cls) - 1:
            if pos + k > len(cls) - 1:
                break
        used.add(n)
        links = r.get("links") or []
        base = dict(doc=base_doc, kind="chain", latex=r["latex"], line=r["location"]["line"], rkind=r["kind"],
                    read_as=r.get("read_as"), reason=r.get("reason"))
        if links and len(links) == k:
            for j, ln in enumerate(links):
                t = cls[pos + j] == cls[pos + j + 1]
                v = ln["verdict"]
                rows.append(dict(base, sub=f"{it['sub']} [piece link {pos + j}={pos + j + 1}]", link=ln["claim"],
                                 link_reason=ln.get("reason"), truth=t, verdict=v, judgement="undecided" if v == "adopted" else judge(v, t)))
        else:
            t = len(set(cls[pos:pos + k + 1])) == 1
            v = r["verdict"]
            rows.append(dict(base, sub=f"{it['sub']} [piece {pos}..{pos + k}]", truth=t, verdict=v,
                             judgement="undecided" if v == "adopted" else judge(v, t)))
        pos += k
    return rows


def score_docs(here, labels):
    rows = []
    for name, items in sorted(labels.items()):
        path = os.path.join(here, "audits", name.replace(".md", ".audit.json"))
        recs = json.load(open(path)) if os.path.exists(path) else []
        rows.extend(score_doc(here, name, items, recs))
    return rows


def score_doc(here, name, items, recs):
    """The judgements of one document's labelled items, given its audit records (JSON)."""
    rows = []
    if isinstance(recs, dict):
        recs = []
    used = set()
    for it in items:
        cand = [n for n, r in enumerate(recs) if n not in used and matches(it["sub"], r.get("latex", ""))]
        if not cand and it["kind"] == "chain":
            text = open(os.path.join(here, "docs", name)).read()
            got = split_chain(here, name, text, it, recs, used)
            if got:
                rows.extend(got)
                continue
        if not cand:
            # an end-anchored label ('...$') names one piece of a chain the engine may list whole:
            # when it is not listed on its own, the chain's label scores it
            alt = it["sub"].endswith("$") and it["kind"] == "claim"
            rows.append(dict(doc=name, sub=it["sub"], kind="alternate" if alt else it["kind"], truth=it["truth"],
                             verdict="not found", judgement="alternate" if alt else "undecided", latex=None))
            continue
        n = cand[0]
        used.add(n)
        r = recs[n]
        base = dict(doc=name, sub=it["sub"], kind=it["kind"], latex=r["latex"], line=r["location"]["line"],
                    rkind=r["kind"], read_as=r.get("read_as"), reason=r.get("reason"),
                    readings=[(x.get("read_as"), x.get("verdict"), x.get("doubts")) for x in r.get("readings") or []])
        if it["kind"] == "def":
            j = "WRONG" if r["verdict"] == "refuted" else ("ok" if r["verdict"] in ("adopted",) + DECIDED else "undecided")
            rows.append(dict(base, truth=True, verdict=r["verdict"], judgement=j))
        elif it["kind"] == "chain":
            cls = it["truth"]
            links = r.get("links") or []
            if len(links) == len(cls) - 1:
                for (a, b), ln in zip(link_pairs(links), links):
                    t = cls[a] == cls[b]
                    v = ln["verdict"]
                    j = "undecided" if v == "adopted" else judge(v, t)
                    rows.append(dict(base, sub=f"{it['sub']} [link {a}={b}]", link=ln["claim"], link_read_as=ln.get("read_as"),
                                     link_reason=ln.get("reason"), truth=t, verdict=v, judgement=j))
            else:
                t = len(set(cls)) == 1
                rows.append(dict(base, truth=t, verdict=r["verdict"], judgement=judge(r["verdict"], t),
                                 note=f"{len(links)} links for {len(cls)} sides"))
        else:
            j = judge(r["verdict"], it["truth"])
            if j == "WRONG" and it.get("cond") and r["verdict"] == "proved" and it["cond"] in (r.get("conditions") or []):
                j = "ok"   # proved under the case its sentence names, and the verdict says so
            rows.append(dict(base, truth=it["truth"], verdict=r["verdict"], judgement=j))
    for n, r in enumerate(recs):
        if n not in used and r.get("verdict") in DECIDED:
            rows.append(dict(doc=name, sub=None, kind="unlabelled", latex=r["latex"], line=r["location"]["line"],
                             verdict=r["verdict"], read_as=r.get("read_as"), reason=r.get("reason"), truth=None, judgement="review"))
    return rows


def run_main(here, argv=None, jobs=1):
    """Audit (unless --reuse / --reuse-audits), check the claims (unless --reuse), score, print."""
    argv = sys.argv if argv is None else argv
    labels = json.load(open(os.path.join(here, "labels.json")))
    claims = json.load(open(os.path.join(here, "claims_labels.json")))
    if "--reuse" not in argv and "--reuse-audits" not in argv:
        audit_all(here, jobs)
    if "--reuse" not in argv:
        cli = check_all(here, claims)
    else:
        cli = json.load(open(os.path.join(here, "cli_results.json")))
    rows = score_docs(here, labels)
    crows = []
    for c in cli:
        v = c["result"].get("verdict")
        crows.append(dict(id=c["id"], cls=c["cls"], claim=c["claim"], given=c["given"], where=c["where"], truth=c["truth"],
                          verdict=v, read_as=c["result"].get("read_as"), reason=c["result"].get("reason"),
                          readings=[(x.get("read_as"), x.get("verdict"), x.get("doubts")) for x in c["result"].get("readings") or []],
                          judgement=judge(v, c["truth"])))
    with open(os.path.join(here, "results.json"), "w") as fh:
        json.dump(dict(documents=rows, claims=crows), fh, indent=1)
    scored = [r for r in rows if r["kind"] in ("claim", "chain", "approx")]
    ambs = [r for r in rows if r["kind"] == "amb"] + [r for r in crows if r["truth"] == "amb"]
    crows = [r for r in crows if r["truth"] != "amb"]
    defs = [r for r in rows if r["kind"] == "def"]
    print(f"documents: {len(labels)}; labelled claims/links: {len(scored)}; definitions: {len(defs)}; CLI claims: {len(crows)}")
    for title, rs in (("doc claims", scored), ("definitions", defs), ("CLI claims", crows), ("ambiguous (ok = undecided)", ambs)):
        c = Counter(r["judgement"] for r in rs)
        dec = c["ok"] + c["WRONG"]
        print(f"{title}: {dict(c)}; decided {dec}/{len(rs)} = {dec / max(1, len(rs)):.0%}")
    print("\nWRONG:")
    for r in rows + crows + [a for a in ambs if "id" in a]:
        if r["judgement"] == "WRONG":
            print(" ", r.get("doc", r.get("id")), "|", r.get("link") or r.get("latex") or r.get("claim"), "| truth", r["truth"], "| got", r["verdict"], "|", (r.get("link_reason") or r.get("reason") or "")[:160])
    print("\nundecided:")
    for r in rows + crows:
        if r["judgement"] == "undecided":
            print(" ", r.get("doc", r.get("id")), "|", (r.get("link") or r.get("latex") or r.get("claim") or r.get("sub"))[:90], "|", r["verdict"], "|", (r.get("link_reason") or r.get("reason") or "")[:140])
    print("\nunlabelled decided records (review):")
    for r in rows:
        if r["judgement"] == "review":
            print(" ", r["doc"], r["line"], "|", r["latex"][:90], "|", r["verdict"])
