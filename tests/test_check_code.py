"""check-code: NumPy code judged against the derived Jacobians and gradients (issue 15).

The implementations are test data (tests/data/code/): correct ones written the ways people
write them, deliberately wrong ones with one slip each (its line marked ``# slip``), and
hostile ones for the sandbox.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from symderiv.cli import main
from symderiv.codecheck import check_code, find_code_functions, judge_document_code
from symderiv.codecheck.reading import read_function
from symderiv.codecheck.sandbox import Limits
from symderiv.codecheck.targets import TARGETS, target
from symderiv.pytest_plugin import CodeCheckFailed, assert_code

DATA = Path(__file__).parent / "data" / "code"
CORRECT, WRONG, HOSTILE = DATA / "softmax_correct.py", DATA / "softmax_wrong.py", DATA / "hostile.py"
POSTS = Path(__file__).resolve().parents[2] / "shared" / "posts"

GOOD = [
    ("jac_loops", "softmax-jacobian"), ("jac_diag_outer", "softmax-jacobian"),
    ("jac_from_logits", "softmax-jacobian"), ("jac_batched_einsum", "softmax-jacobian"),
    ("jac_vectorised", "softmax-jacobian"), ("jac_beta", "softmax-jacobian-beta"),
    ("log_softmax_jac", "log-softmax-jacobian"), ("ce_grad", "ce-grad"),
    ("sigmoid_grad", "sigmoid-grad"), ("mse_grad", "mse-grad"),
    ("linear_grad_W", "linear-grad-W"), ("linear_grad_x", "linear-grad-x"),
    ("linear_grad_b", "linear-grad-b"),
]

# (function, target, the words the diagnosis must contain)
BAD = [
    ("jac_overwritten_diagonal", "softmax-jacobian", "the diagonal assignment is overwritten"),
    ("jac_transpose", "log-softmax-jacobian", "the result is the transpose"),
    ("jac_logits_for_probs", "softmax-jacobian", "uses z where softmax(z) is needed"),
    ("jac_missing_beta", "softmax-jacobian-beta", "off by a factor β"),
    ("jac_overflow", "softmax-jacobian", "overflows for large logits (no max subtraction)"),
    ("jac_wrong_sign", "softmax-jacobian", "wrong sign"),
    ("jac_batched_axis_swapped", "softmax-jacobian", "batched axis swapped"),
    ("ce_grad_wrong_sign", "ce-grad", "wrong sign"),
    ("linear_grad_W_transposed", "linear-grad-W", "the result is the transpose"),
    ("mse_grad_mean", "mse-grad", "off by a factor 2/K"),
]


def slip_lines(path: Path, function: str) -> set[int]:
    """The lines marked '# slip' inside *function* of the data file."""
    src = path.read_text()
    node = next(n for n in ast.parse(src).body if getattr(n, "name", None) == function)
    return {n for n in range(node.lineno, node.end_lineno + 1)
            if src.splitlines()[n - 1].rstrip().endswith("# slip")}


# ---- executed in the sandbox, compared exactly -------------------------------------------
@pytest.mark.parametrize("function,against", GOOD)
def test_correct_implementations_pass(function, against):
    r = check_code(CORRECT, function, against, symbolic=False)
    assert r.verdict == "pass", str(r)
    assert r.diagnosis == [] and r.differences == []
    fd = r.finite_difference
    assert fd["agree"] and fd["max_abs_error_derived"] < 1e-6
    assert fd["max_abs_error_code"] is not None and fd["max_abs_error_code"] < 1e-6


@pytest.mark.parametrize("function,against,words", BAD)
def test_wrong_implementations_get_their_diagnosis(function, against, words):
    r = check_code(WRONG, function, against, symbolic=False)
    assert r.verdict == "fail"
    assert any(words in d for d in r.diagnosis), r.diagnosis
    # the derived result and central differences agree even where the code does not
    assert r.finite_difference["agree"]


def test_differences_list_the_entries():
    r = check_code(WRONG, "jac_overwritten_diagonal", "softmax-jacobian", symbolic=False)
    diag = [d for d in r.differences if d["entry"][0] == d["entry"][1]]
    assert diag and all(set(d) == {"input", "entry", "got", "expected"} for d in r.differences)
    # the diagonal holds −y_i²: at y = (1/3, 2/3) entry [0, 0] is −1/9 instead of 2/9
    first = next(d for d in diag if "exact" in d["input"] and d["input"].startswith("K = 2"))
    assert abs(float(first["got"]) + 1 / 9) < 1e-9 and first["expected"] == "2/9"


# ---- the symbolic reading names the line ------------------------------------------------
@pytest.mark.parametrize("function,against", GOOD)
def test_symbolic_reading_passes_correct_code(function, against):
    r = read_function(CORRECT.read_text(), function, target(against))
    assert r.verdict == "pass", r.diagnosis


@pytest.mark.parametrize("function,against,words", BAD)
def test_symbolic_reading_names_the_wrong_line(function, against, words):
    r = read_function(WRONG.read_text(), function, target(against))
    assert r.verdict == "fail"
    assert any(words in d for d in r.diagnosis), r.diagnosis
    assert slip_lines(WRONG, function) <= set(r.lines), (r.lines, r.diagnosis)


def test_check_code_merges_the_line_into_the_diagnosis():
    r = check_code(WRONG, "jac_overwritten_diagonal", "softmax-jacobian")
    line = min(slip_lines(WRONG, "jac_overwritten_diagonal"))
    assert any("overwritten" in d and f"line {line} " in d for d in r.diagnosis), r.diagnosis
    assert r.symbolic["verdict"] == "fail"


@pytest.mark.parametrize("code,construct", [
    ("def jac(y):\n    while True:\n        pass\n", "a while loop at line 2"),
    ("def jac(y):\n    return scipy.special.softmax(y)\n", "the name 'scipy' at line 2"),
    ("def jac(y):\n    import os\n    os.system('rm -rf /')\n", "import os at line 2"),
    ("def jac(y):\n    try:\n        return y\n    except Exception:\n        pass\n",
     "try/except at line 2"),
])
def test_outside_the_subset_is_unknown_with_the_construct(code, construct):
    r = read_function(code, "jac", target("softmax-jacobian"))
    assert r.verdict == "unknown"
    assert r.diagnosis == [f"unknown, because {construct} is not read"]


def test_symbolic_reading_bounds_huge_arrays_and_long_loops():
    code = ("import numpy as np\ndef jac(y):\n    a = np.zeros((10**6, 10**6))\n"
            "    for i in range(10**9):\n        pass\n    return a\n")
    r = read_function(code, "jac", target("softmax-jacobian"))
    assert r.verdict == "unknown" and "is not read" in r.diagnosis[0]


# ---- documents: found, repaired, read, never run ----------------------------------------
def test_bundled_post_function_is_diagnosed_without_running(monkeypatch):
    import subprocess
    import symderiv.codecheck.sandbox as sandbox

    import builtins

    def refuse(*a, **k):
        raise AssertionError("code from a document must not be executed")
    real_compile = builtins.compile

    def ast_only(source, filename, mode, flags=0, *a, **k):   # ast.parse compiles to an AST
        if not flags & ast.PyCF_ONLY_AST:
            refuse()
        return real_compile(source, filename, mode, flags, *a, **k)
    for post in sorted(POSTS.glob("*.txt")):   # the engine's own modules, imported first
        judge_document_code(post.read_text(encoding="utf-8"), post.name)
    monkeypatch.setattr(sandbox, "run_calls", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "compile", ast_only)
    found = []
    for post in sorted(POSTS.glob("*.txt")):
        text = post.read_text(encoding="utf-8")
        for rec in judge_document_code(text, post.name):
            found.append((text, rec))
    assert found, "a bundled post has a hand-written function"
    failing = [(t, r) for t, r in found if r["verdict"] == "fail"]
    assert failing
    text, rec = failing[0]
    assert rec["kind"] == "code" and rec["against"] == "softmax-jacobian"
    assert rec["code"].startswith("def ") and rec["code"] in text
    overwritten = next(d for d in rec["diagnosis"] if "the diagonal assignment is overwritten" in d)
    # the line named is the document line whose formula writes the diagonal last
    m = re.search(r"line (\d+) `([^`]*)` overwrites", overwritten)
    assert m and text.split("\n")[int(m.group(1)) - 1].strip() == m.group(2)
    assert "-f[i]*f[j]" in m.group(2)
    assert any("off-diagonal entries are 0" in d for d in rec["diagnosis"])
    # the line's formula in index notation, against the theorem's case (for every K)
    assert "writes -y_i² where i = j" in overwritten
    assert "case i = j) gives y_i·(1 - y_i) for every K" in overwritten
    assert any("logits" in n for n in rec["notes"])   # the author applies it to z
    # the entries that differ, as formulas: a diagonal entry holds −y², not y(1 − y)
    d0 = next(d for d in rec["differences"] if d["entry"][-1] == d["entry"][-2])
    m = re.fullmatch(r"-(\w+)\*\*2", d0["got"])
    assert m and d0["expected"] == f"-{m.group(1)}*({m.group(1)} - 1)", d0


def test_find_code_functions_fenced_unfenced_and_broken_indentation():
    text = ("Some prose about the softmax.\n\n```python\nimport numpy as np\n"
            "def softmax_grad(s):\n    return np.diag(s) - np.outer(s, s)\n```\n\n"
            "Pasted flush left from a Q&A site:\n\n"
            "def sigmoid_prime(x):\ns = 1 / (1 + np.exp(-x))\nreturn s * (1 - s)\n\n"
            "And one with its last line at column 0:\n\n"
            "def dsoftmax(y):\n    J = np.diag(y)\n    for i in range(len(y)):\n"
            "        for j in range(len(y)):\n            if i == j:\n"
            "                J[i][j] = y[i] * (1 - y[i])\n            else:\n"
            "                J[i][j] = -y[i] * y[j]\nreturn J\n\nThanks!\n")
    found = find_code_functions(text)
    assert [(n, line) for n, _, line in found] == [
        ("softmax_grad", 5), ("sigmoid_prime", 11), ("dsoftmax", 17)]
    recs = judge_document_code(text)
    assert [(r["against"], r["verdict"]) for r in recs] == [
        ("softmax-jacobian", "pass"), ("sigmoid-grad", "pass"), ("softmax-jacobian", "pass")]


def test_document_function_with_no_stated_purpose_is_unknown():
    recs = judge_document_code("Here is my helper:\n\ndef f(a, b):\n    return a @ b\n")
    assert recs[0]["verdict"] == "unknown"
    assert recs[0]["diagnosis"][0].startswith("unknown, because what it computes is not said")


def test_hostile_document_code_is_only_read():
    text = ("def softmax_grad(y):\n    import os\n    os.system('touch /tmp/x')\n\n"
            "def sigmoid_grad(x):\n    while True:\n        pass\n\n"
            "def ce_grad(z, t):\n    a = np.zeros((10**8, 10**8))\n    return a\n\n"
            "def mse_grad(y, t):\n    __import__('os').system('touch /tmp/x')\n    return y\n\n"
            "def softmax_jacobian(y):\n    J = np.zeros((len(y), len(y)))\n"
            "    for i in range(10**12):\n        J[0][0] += i\n    return J\n")
    recs = judge_document_code(text)
    assert [r["verdict"] for r in recs] == ["unknown"] * 5
    assert all("is not read" in r["diagnosis"][0] for r in recs)


def test_document_reading_has_a_time_bound():
    text = "def softmax_grad(s):\n    return np.diag(s) - np.outer(s, s)\n"
    assert judge_document_code(text, timeout=30)[0]["verdict"] == "pass"
    slow = judge_document_code(text, timeout=0.001)[0]
    assert slow["verdict"] == "unknown" and "took longer than" in slow["diagnosis"][0]


def test_a_file_that_hangs_while_imported_is_killed(tmp_path):
    f = tmp_path / "hang.py"
    f.write_text("while True:\n    pass\n\ndef jac(y):\n    return y\n")
    r = check_code(f, "jac", "softmax-jacobian", symbolic=False, limits=Limits(timeout=0.5))
    assert r.verdict == "unknown" and "did not finish" in r.diagnosis[0]


# ---- the sandbox ------------------------------------------------------------------------
@pytest.mark.parametrize("function,words", [
    ("hangs", "hangs: did not return within 0.5 s"),
    ("allocates_10gb", "MemoryError"),
    ("forks", "not allowed under check-code: os.fork"),
    ("shells_out", "not allowed under check-code: os.system"),
    ("writes_files", "outside the temporary folder"),
    ("writes_beside", "outside the temporary folder"),
])
def test_hostile_user_code_is_killed_or_refused(function, words):
    probes = [Path("/tmp/symderiv-hostile-probe.txt"), Path("/tmp/symderiv-hostile-beside.txt")]
    for p in probes:
        p.unlink(missing_ok=True)
    r = check_code(HOSTILE, function, "softmax-jacobian", symbolic=False,
                   limits=Limits(timeout=0.5, total=8))
    assert r.verdict == "fail"
    assert any(words in d for d in r.diagnosis), r.diagnosis
    assert any(" on input K = " in d for d in r.diagnosis)      # the input that caused it
    assert not any(p.exists() for p in probes)


def test_writes_inside_the_temporary_folder_are_reported_and_removed():
    r = check_code(HOSTILE, "writes_its_folder", "softmax-jacobian", symbolic=False)
    assert r.verdict == "pass"
    assert any("scratch.txt" in n for n in r.notes)
    assert not Path("scratch.txt").exists()


# ---- interfaces -------------------------------------------------------------------------
def test_cli_json_and_exit_statuses(capsys):
    assert main(["check-code", f"{CORRECT}::jac_loops", "--against", "softmax-jacobian",
                 "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"function", "against", "verdict", "diagnosis", "differences",
            "finite_difference"} <= set(out)
    assert out["verdict"] == "pass"
    assert main(["check-code", f"{WRONG}::jac_wrong_sign", "--against",
                 "softmax-jacobian"]) == 1
    assert "wrong sign" in capsys.readouterr().out
    assert main(["check-code", f"{CORRECT}::ce_grad", "--against", "softmax-jacobian"]) == 2
    assert main(["check-code", f"{CORRECT}::jac_loops", "--against", "no-such"]) == 3
    assert main(["check-code", f"{CORRECT}::missing", "--against", "ce-grad"]) == 3
    assert main(["check-code", str(CORRECT), "--against", "ce-grad"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(e.startswith("symderiv check-code: ") for e in err)


def test_against_latex():
    given = [r"y_i = \frac{e^{z_i}}{\sum_k e^{z_k}}"]
    claim = r"\frac{\partial y_i}{\partial z_j} = y_i(\delta_{ij} - y_j)"
    assert check_code(CORRECT, "jac_loops", against_latex=claim, given=given).verdict == "pass"
    r = check_code(WRONG, "jac_overwritten_diagonal", against_latex=claim, given=given,
                   symbolic=False)
    assert r.verdict == "fail" and any("overwritten" in d for d in r.diagnosis)
    assert any("the claim itself is proved" in n for n in r.notes)
    # code that matches a refuted claim matches it; the claim's own verdict comes first,
    # and central differences side with the derivation
    src = "import numpy as np\ndef jac(y):\n    return -np.outer(y, y)\n"
    r = check_code(src, "jac", against_latex=r"\frac{\partial y_i}{\partial z_j} = -y_i y_j",
                   given=given, symbolic=False)
    assert r.verdict == "pass" and r.notes[0].startswith("the claim itself is refuted")
    assert not r.finite_difference["agree"]
    odd = check_code(CORRECT, "jac_loops", against_latex=r"\frac{\partial y_i}{\partial z_j}"
                     r" = \mathrm{rank}(y)", given=given)
    assert odd.verdict == "unknown"


def test_python_api_and_pytest_helper():
    import symderiv
    src = "import numpy as np\ndef jac(p):\n    return np.diag(p) - np.outer(p, p)\n"
    r = symderiv.check_code(src, "jac", against="softmax-jacobian")
    assert r.ok and r.to_json()["verdict"] == "pass"
    assert assert_code(f"{CORRECT}::jac_diag_outer", against="softmax-jacobian").ok
    with pytest.raises(CodeCheckFailed, match="wrong sign"):
        assert_code(WRONG, "jac_wrong_sign", against="softmax-jacobian")


def test_every_target_is_built_from_a_theorem_and_agrees_with_finite_differences():
    import numpy as np
    from symderiv.codecheck import finite
    from symderiv.codecheck.targets import softmax_exact
    import sympy
    z = [sympy.Rational(1, 2), sympy.Integer(-1), sympy.Rational(3, 4)]
    y = softmax_exact(z)
    tgt = TARGETS["softmax-jacobian"]
    exact = np.array([[float(e) for e in row] for row in tgt.expected({"y": y})])
    f, x0, _ = finite.forward_function("softmax-jacobian", {"z": np.array([float(v) for v in z])})
    assert np.max(np.abs(finite.jacobian_fd(f, x0) - exact)) < 1e-8
    assert all(t.theorem for t in TARGETS.values())


def _read_every_function(paths):
    """Every top-level function of *paths* read against two targets: (readings, exceptions)."""
    out, errors = 0, []
    for path in paths:
        src = Path(path).read_text(encoding="utf-8")
        for node in ast.parse(src).body:
            if isinstance(node, ast.FunctionDef):
                for name in ("softmax-jacobian", "ce-grad"):
                    try:
                        r = read_function(src, node.name, target(name))
                        assert r.verdict in ("pass", "fail", "unknown")
                        out += 1
                    except Exception as err:   # noqa: BLE001 - what the test counts
                        errors.append((path, node.name, repr(err)))
    return out, errors


def test_reading_arbitrary_code_never_raises():
    """Code that is not a Jacobian (our own modules) is read to a verdict, never a crash."""
    pkg = Path(__file__).resolve().parents[1] / "symderiv" / "codecheck"
    n, errors = _read_every_function([pkg / "symbolic.py", pkg / "symarray.py"])
    assert n > 50 and errors == []



def test_readme_check_code_examples_run(monkeypatch, capsys):
    import shlex
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Checking NumPy code", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    lines = [ln for ln in block.splitlines() if ln.strip()]
    assert len(lines) == 3
    for line in lines:
        cmd, _, comment = line.partition("  # ")
        expected = int(re.search(r"exit (\d)", comment).group(1)) if "exit" in comment else 0
        argv = shlex.split(cmd)
        assert argv[0] == "symderiv" and main(argv[1:]) == expected, line
    capsys.readouterr()
