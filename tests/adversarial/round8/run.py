"""Round-8 runner: audits docs/ and checks the CLI claims with symderiv, then scores them against
labels.json / claims_labels.json (written by truth.py) and prints the wrong and undecided lists.

    cd tests/adversarial/round8
    ../../../.venv/bin/python run.py            # re-audit and re-check, then score
    ../../../.venv/bin/python run.py --reuse    # score the saved audits/ and cli_results.json
    ../../../.venv/bin/python run.py --reuse-audits    # re-check the CLI claims only
Writes audits/NAME.audit.json, cli_results.json and results.json (every judgement).
"""
import json
import os
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
EXE = os.path.join(ROOT, ".venv", "bin", "symderiv")
DECIDED = ("proved", "verified", "refuted")


def audit_all():
    os.makedirs(os.path.join(HERE, "audits"), exist_ok=True)
    p = subprocess.run([EXE, "audit", os.path.join(HERE, "docs"), "--jobs", "1", "--format", "jsonl"],
                       capture_output=True, text=True, timeout=1800, cwd=ROOT)
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        name = os.path.basename(d["document"])
        with open(os.path.join(HERE, "audits", name.replace(".md", ".audit.json")), "w") as fh:
            json.dump(d["records"] if d.get("error") is None else {"error": d["error"]}, fh, indent=1)


def check_all(claims):
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
    with open(os.path.join(HERE, "cli_results.json"), "w") as fh:
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


def split_chain(base_doc, text, it, recs, used):
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


def score_docs(labels):
    rows = []
    for name, items in sorted(labels.items()):
        path = os.path.join(HERE, "audits", name.replace(".md", ".audit.json"))
        recs = json.load(open(path)) if os.path.exists(path) else []
        rows.extend(score_doc(name, items, recs))
    return rows


def score_doc(name, items, recs):
    """The judgements of one document's labelled items, given its audit records (JSON)."""
    rows = []
    if isinstance(recs, dict):
        recs = []
    used = set()
    for it in items:
        cand = [n for n, r in enumerate(recs) if n not in used and matches(it["sub"], r.get("latex", ""))]
        if not cand and it["kind"] == "chain":
            text = open(os.path.join(HERE, "docs", name)).read()
            got = split_chain(name, text, it, recs, used)
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


def main():
    labels = json.load(open(os.path.join(HERE, "labels.json")))
    claims = json.load(open(os.path.join(HERE, "claims_labels.json")))
    if "--reuse" not in sys.argv and "--reuse-audits" not in sys.argv:
        audit_all()
    if "--reuse" not in sys.argv:
        cli = check_all(claims)
    else:
        cli = json.load(open(os.path.join(HERE, "cli_results.json")))
    rows = score_docs(labels)
    crows = []
    for c in cli:
        v = c["result"].get("verdict")
        crows.append(dict(id=c["id"], cls=c["cls"], claim=c["claim"], given=c["given"], where=c["where"], truth=c["truth"],
                          verdict=v, read_as=c["result"].get("read_as"), reason=c["result"].get("reason"),
                          readings=[(x.get("read_as"), x.get("verdict"), x.get("doubts")) for x in c["result"].get("readings") or []],
                          judgement=judge(v, c["truth"])))
    with open(os.path.join(HERE, "results.json"), "w") as fh:
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


if __name__ == "__main__":
    main()
