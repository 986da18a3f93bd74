"""Speed at the edges and on documents, in one run, against the targets of issue 16.

* edges: ``symderiv --version`` / ``--help``, the import floor (``import sympy,
  latex2sympy2_extended, flint``), a cold ``symderiv check`` of the README's first example
  (best of N runs each, alternated: the machine is shared);
* the API warm in one process: ``symderiv.check`` of the softmax Jacobian claim again and
  again (median), and a new claim each time (the same Jacobian with other names);
* documents: the three bundled posts audited raw (one ``symderiv audit FILE`` each, and one
  ``symderiv audit`` of the three), generated documents of 200 and 600 formulas (notes of
  tests/corpus_gen.py in one text): wall time, seconds per formula (linear: the same for
  both), and the peak resident memory of each process of the run (the formulas' workers).

    python benchmarks/bench_speed.py [--runs 5] [--formulas 200 600]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTS = ROOT.parent / "shared" / "posts"
sys.path.insert(0, str(ROOT / "tests"))
from corpus_gen import note  # noqa: E402

PY = sys.executable
CLAIM = r"\frac{\partial y_i}{\partial z_j} = \beta y_i (\delta_{ij} - y_j)"
GIVEN = r"y_i = \frac{e^{\beta z_i}}{\sum_{k=1}^{K} e^{\beta z_k}}"
TARGETS = {"edge": 0.15, "cold_ratio": 2.0, "warm_ms": 50.0, "posts": 5.0, "doc600": 30.0,
           "memory_mb": 300.0}


def wall(cmd: list[str], **kw) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, **kw)
    return time.perf_counter() - t0


def best(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    """The fastest of *runs* wall times of each command, the commands alternated."""
    out = {name: float("inf") for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            out[name] = min(out[name], wall(cmd))
    return out


def edges(runs: int) -> dict:
    sd = [PY, "-m", "symderiv"]
    got = best({
        "version": sd + ["--version"], "help": sd + ["--help"],
        "floor": [PY, "-c", "import sympy, latex2sympy2_extended, flint"],
        "cold check": sd + ["check", CLAIM, "--given", GIVEN],
    }, runs)
    print("| edge | seconds (best of %d) | target |" % runs)
    print("|---|---|---|")
    print(f"| `symderiv --version` | {got['version']:.3f} | < {TARGETS['edge']} |")
    print(f"| `symderiv --help` | {got['help']:.3f} | < {TARGETS['edge']} |")
    print(f"| import floor (sympy, latex2sympy2_extended, flint) | {got['floor']:.3f} | |")
    ratio = got["cold check"] / got["floor"]
    print(f"| cold `symderiv check` (README's first example) | {got['cold check']:.3f} "
          f"({ratio:.2f}× the floor) | < {TARGETS['cold_ratio']:g}× |")
    return {**got, "cold_ratio": ratio}


def _variants(n: int) -> list[tuple[str, str]]:
    """The Jacobian claim with other names (a new question each time, same difficulty)."""
    out = []
    for y in "ypqs":
        for z in "zauv":
            for i, j in (("i", "j"), ("a", "b"), ("m", "n")):
                if len({y, z, i, j}) < 4:
                    continue
                out.append((rf"\frac{{\partial {y}_{i}}}{{\partial {z}_{j}}} = \beta {y}_{i} "
                            rf"(\delta_{{{i}{j}}} - {y}_{j})",
                            rf"{y}_{i} = \frac{{e^{{\beta {z}_{i}}}}}{{\sum_{{k=1}}^{{K}} "
                            rf"e^{{\beta {z}_k}}}}"))
    return out[:n]


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) used so far by process *pid* (0 where unknown)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def warm_api(repeat: int = 21) -> dict:
    import symderiv
    from symderiv import runner
    t0 = time.perf_counter()
    assert symderiv.check(CLAIM, given=[GIVEN]).status == "proved"
    first = time.perf_counter() - t0
    worker = runner._IDLE[-1].proc.pid if runner._IDLE else None   # the warm worker

    def timed(claim, given):
        c0, w0, t0 = time.process_time(), _cpu_of(worker), time.perf_counter()
        assert symderiv.check(claim, given=[given]).status == "proved", claim
        return (time.perf_counter() - t0,
                time.process_time() - c0 + _cpu_of(worker) - w0)
    same = [timed(CLAIM, GIVEN) for _ in range(repeat)]
    new = [timed(claim, given) for claim, given in _variants(repeat)]

    def med(xs, k):
        return statistics.median(x[k] for x in xs) * 1000

    def mean(xs, k):   # CPU times come in clock ticks (10 ms): their mean, not median
        return statistics.fmean(x[k] for x in xs) * 1000
    out = {"first": first, "same": med(same, 0), "new": med(new, 0),
           "same_cpu": mean(same, 1), "new_cpu": mean(new, 1)}
    print("\n| API, one process | milliseconds (median) | CPU ms (mean), caller + worker "
          "| target |")
    print("|---|---|---|---|")
    print(f"| first `symderiv.check` of this process (cold caches; starts the warm worker "
          f"if none runs) | {first * 1000:.0f} | | |")
    print(f"| the Jacobian claim again ({repeat} calls) | {out['same']:.1f} | "
          f"{out['same_cpu']:.0f} | < {TARGETS['warm_ms']:g} |")
    print(f"| a new claim each time (the Jacobian, names varied; {len(new)} calls) | "
          f"{out['new']:.1f} | {out['new_cpu']:.0f} | < {TARGETS['warm_ms']:g} |")
    return out


# ---------------------------------------------------------------------------------------
def document(formulas: int) -> str:
    """Notes of tests/corpus_gen.py in one text (sections, not separate parts), until it
    holds *formulas* formulas."""
    from symderiv.extract import extract_formulas
    parts, count, n = [], 0, 0
    while count < formulas:
        _, text, _ = note(n)
        n += 1
        parts.append(text.replace("# ", "## ", 1))
        count += len(extract_formulas(text))
    return "# Notes\n\n" + "\n".join(parts)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(p))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _peak_mb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def run_with_memory(cmd: list[str]) -> tuple[float, list[int]]:
    """Wall time and the peak resident memory (MB) of every process of the run, sampled."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    peaks: dict[int, int] = {}
    while proc.poll() is None:
        if os.path.isdir("/proc"):
            for p in _tree(proc.pid):
                mb = _peak_mb(p)
                if mb:
                    peaks[p] = max(peaks.get(p, 0), mb)
        time.sleep(0.2)
    return time.perf_counter() - t0, sorted(peaks.values(), reverse=True)


def documents(sizes: list[int]) -> dict:
    posts = sorted(p for p in POSTS.glob("*.txt"))
    sd = [PY, "-m", "symderiv", "audit"]
    each = sum(wall(sd + [str(p), "--format", "json"]) for p in posts)
    together = wall(sd + [str(p) for p in posts] + ["--format", "jsonl"])
    print("\n| documents | seconds | per formula | peak memory per process (MB) | target |")
    print("|---|---|---|---|---|")
    print(f"| the {len(posts)} bundled posts, one `symderiv audit FILE` each | {each:.1f} | | | "
          f"< {TARGETS['posts']:g} s |")
    print(f"| the {len(posts)} bundled posts, one `symderiv audit` of all | {together:.1f} | "
          "| | |")
    out = {"posts": each, "posts_together": together}
    with tempfile.TemporaryDirectory(prefix="symderiv-bench-") as tmp:
        for n in sizes:
            doc = Path(tmp) / f"notes-{n}.md"
            doc.write_text(document(n), encoding="utf-8")
            from symderiv.extract import extract_formulas
            count = len(extract_formulas(doc.read_text(encoding="utf-8")))
            secs, peaks = run_with_memory(sd + [str(doc), "--format", "json"])
            target = f"< {TARGETS['doc600']:g} s, < {TARGETS['memory_mb']:g} MB" \
                if n == 600 else ""
            print(f"| a document of {count} formulas | {secs:.1f} | {secs / count * 1000:.0f} ms "
                  f"| {', '.join(map(str, peaks[:4]))} | {target} |")
            out[n] = (secs, count, peaks)
    if len(sizes) > 1:
        (a, na, _), (b, nb, _) = out[sizes[0]], out[sizes[-1]]
        print(f"\ncost per formula, {nb} formulas / {na} formulas: "
              f"{(b / nb) / (a / na):.2f} (1.00 = linear; less: start-up shared); each of "
              f"the {nb - na} formulas more: {(b - a) / (nb - na) * 1000:.0f} ms")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs of each edge command (best)")
    ap.add_argument("--formulas", type=int, nargs="*", default=[200, 600],
                    help="sizes of the generated documents")
    args = ap.parse_args(argv)
    print(f"on this machine: {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the start (other sessions share them)\n")
    edges(args.runs)
    warm_api()
    documents(args.formulas)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
