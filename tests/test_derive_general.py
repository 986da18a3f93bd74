"""symderiv derive QUANTITY --given ...: derivations from the definitions (issue 14).

For each layer/loss pair: every step (and every lemma's step) proved by verify, the result
proved equal to the textbook form, the condition it needs stated, and the generated NumPy
code run against central finite differences and the exact values of the SymPy result.
"""
import ast
import json
from functools import lru_cache

import numpy as np
import pytest
import sympy

import symderiv
from symderiv.api import notation_for
from symderiv.context import normalize_sizes
from symderiv.cli import main
from symderiv.stepwise import DeriveError, derive_from
from symderiv.stepwise.examples import PAIRS, SOFTMAX, SUM_T
from symderiv.stepwise.numpy_code import numpy_function
from symderiv.read import Notation, read_expr
from symderiv.verify import decide

from derive_numeric import compiled, exact_values, finite_differences, inputs, relative_error

IDS = [p[0] for p in PAIRS]


@lru_cache(maxsize=None)
def derived(pair_id):
    _, q, given, _, _ = next(p for p in PAIRS if p[0] == pair_id)
    return derive_from(q, given)


def _all_verdicts(d):
    out = list(d.verdicts)
    for lem in d.lemmas:
        out += _all_verdicts(lem)
    return out


def textbook(d, latex):
    """The textbook form read like the definitions (its sizes are the definitions' sizes)."""
    e = read_expr(latex, notation_for(d.quantity, d.given, Notation()))
    e = normalize_sizes(d.context, [e])[1][0]
    known = [dd.rhs for dd in d.context.definitions] + [d.result] + \
        [sympy.sympify(b) for _, rng in d.context.ranges for b in rng]  # safe: SymPy objects
    sizes = {str(s): s for e in known for s in e.free_symbols
             if isinstance(s, sympy.Symbol) and s.is_integer and s.is_positive}
    return e.xreplace({s: sizes[str(s)] for s in e.free_symbols
                       if isinstance(s, sympy.Symbol) and str(s) in sizes})


@pytest.mark.parametrize("pair_id", IDS)
def test_derived_from_definitions_every_step_proved(pair_id):
    _, _, _, book, needs_sum_t = next(p for p in PAIRS if p[0] == pair_id)
    d = derived(pair_id)
    assert len(d.verdicts) == len(d.steps) + len(d.cases)
    verdicts = _all_verdicts(d)
    assert verdicts and all(v.status == "proved" for v in verdicts)
    rules = " | ".join(s.rule for s in d.steps)
    assert "chain rule" in rules or "definition of" in rules
    # the result is the textbook form (proved by verify, under the condition it states)
    ctx = d.context.assume(*d.conditions) if d.conditions else d.context
    v = decide(d.result, textbook(d, book), ctx, exact=False)
    assert v.status == "proved", (pair_id, d.result, v.reason)
    assert decide(d.lhs, textbook(d, book), ctx, exact=False).status == "proved"
    assert bool(d.conditions) == needs_sum_t
    if needs_sum_t:   # without the condition the textbook form is refuted
        assert decide(d.lhs, textbook(d, book), d.context).status == "refuted"
        assert d.steps[-1].conditions == d.conditions and not d.steps[-2].conditions


@pytest.mark.parametrize("pair_id", IDS)
def test_numpy_code_matches_finite_differences_and_exact_values(pair_id):
    d = derived(pair_id)
    nf, ns = compiled(d)
    for seed in (0, 1):
        args, sizes, by_name = inputs(d, nf, seed)
        got = ns["derivative"](*args)
        fd = finite_differences(d, nf, ns, args)
        assert got.shape == fd.shape
        assert relative_error(got, fd) < 1e-6, pair_id
        assert relative_error(got, exact_values(d, nf, sizes, by_name)) < 1e-10, pair_id


@pytest.mark.parametrize("pair_id", ["softmax+CE", "log-softmax+NLL", "softmax with beta",
                                     "sigmoid+BCE"])
def test_numpy_code_is_stable_for_large_logits(pair_id):
    """Max subtraction before exp: z = 1000 gives the same finite values as z shifted."""
    d = derived(pair_id)
    nf, ns = compiled(d)
    args, _, _ = inputs(d, nf, 0)
    pos = next(n for n, p in enumerate(nf.params) if p[1] == nf.wrt)
    big = list(args)
    big[pos] = np.asarray(args[pos]) + (1000.0 if pair_id != "sigmoid+BCE" else 0.0)
    if pair_id == "sigmoid+BCE":
        big[pos] = np.array([800.0, -800.0, 0.0])[:np.size(args[pos])]
    with np.errstate(over="raise", invalid="raise"):
        out = ns["derivative"](*big)
    assert np.all(np.isfinite(out))
    if pair_id != "sigmoid+BCE":   # softmax is shift invariant
        assert relative_error(out, ns["derivative"](*args)) < 1e-9


def test_generated_code_uses_only_our_names():
    """No name from the document reaches the code: parameters arg0…, nodes node0…."""
    d = derived("attention scores")
    src = d.to_numpy()
    tree = ast.parse(src)
    ours = {"np", "float", "result", "derivative", "value", "a", "positions", "nd", "order", "shape",
            "r", "p", "q", "n", "m", "u", "e", "sorted", "range", "len", "lambda",
            "_place", "_delta", "_last", "_sum", "_lse", "_sigmoid"}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.arg)):
            name = node.id if isinstance(node, ast.Name) else node.arg
            assert name in ours or name.startswith(("arg", "node", "size")), name
    assert "a_{ij}" in ast.get_docstring(tree.body[-2]) or "a_{ij}" in src  # the formula
    assert not any(isinstance(n, (ast.Import, ast.ImportFrom)) and
                   any(a.name != "numpy" for a in n.names) for n in ast.walk(tree))


def test_docstring_states_formula_and_condition():
    src = derived("softmax+CE").to_numpy()
    doc = ast.get_docstring(ast.parse(src).body[-2])
    assert "∂L/∂z_k = y_k − t_k" in doc and "Σ_j t_j = 1" in doc


def test_stated_assumption_is_used_and_named():
    d = derive_from(r"\frac{\partial L}{\partial z_k}",
                    [SOFTMAX, r"L = -\sum_{k=1}^{K} t_k \log y_k"], [SUM_T])
    assert d.where == (SUM_T,) and d.conditions
    assert d.result == derived("softmax+CE").result


def test_case_condition_gives_a_case():
    d = derive_from(r"\frac{\partial y_i}{\partial z_j}", [SOFTMAX], [r"i \neq j"])
    (case,) = d.cases
    y = sympy.IndexedBase("y")
    i, j = sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True)
    assert case.rhs == -y[i] * y[j]


def test_python_api_and_theorems_are_one_path():
    d = symderiv.derive(r"\frac{\partial L}{\partial z_k}",
                        given=[r"y_i = \tanh(z_i)", r"L = \frac{1}{2}\sum_i (y_i - t_i)^2"])
    assert "def derivative" in d.to_numpy() and d.lemmas
    th = symderiv.derive("softmax-jacobian")
    assert [s.rule for s in th.steps][:2] == ["definition of y_i", "quotient rule"]
    assert th.result == derived("softmax with beta").result


@pytest.mark.parametrize("quantity,given,match", [
    (r"y_k - t_k", [SOFTMAX], "derivative"),
    (r"\frac{\partial L}{\partial z_k}", [SOFTMAX], "L is not defined"),
    (r"\frac{\partial y_i}{\partial t_j}", [SOFTMAX], "does not depend"),
])
def test_bad_quantities_are_clear_errors(quantity, given, match):
    with pytest.raises(DeriveError, match=match):
        derive_from(quantity, given)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_lists_theorems_without_argument(capsys):
    code, out, _ = run(capsys, "derive")
    assert code == 0 and "softmax-jacobian" in out and "--given" in out


@pytest.mark.parametrize("fmt", ["text", "md", "tex", "html", "json", "numpy"])
def test_cli_formats(capsys, fmt):
    code, out, err = run(capsys, "derive", r"\frac{\partial L}{\partial z_k}", "--given",
                         SOFTMAX, "--given", r"L = -\sum_{k=1}^{K} t_k \log y_k",
                         "--format", fmt)
    assert code == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert data["lemmas"] and data["conditions"] == [r"\sum_{j=1}^{K} t_{j} = 1"]
        assert all(v["verdict"] == "proved" for v in data["verdicts"])
    elif fmt == "html":
        assert "Content-Security-Policy" in out and "<math" in out and "<script" not in out
        assert "def derivative" in out   # the NumPy code, escaped in <pre>
    elif fmt == "numpy":
        ast.parse(out)
    elif fmt == "md":
        assert "Lemma 1" in out and "**Needs**" in out
    else:
        assert "t" in out


def test_cli_bad_quantity_exit_3(capsys):
    code, out, err = run(capsys, "derive", r"\frac{\partial L}{\partial z_k}",
                         "--given", SOFTMAX)
    assert code == 3 and out == "" and len(err.strip().splitlines()) == 1
    assert "not defined" in err and "Traceback" not in err


def test_numpy_function_describes_parameters():
    nf = numpy_function(derived("linear dL/dW"))
    kinds = {name: kind for _, name, kind, _ in nf.params}
    assert kinds == {"W": "array", "b": "array", "x": "array", "y": "upstream"}
    assert nf.out_axes == (sympy.Symbol("a", integer=True), sympy.Symbol("c", integer=True))


def test_value_condition_is_substituted_and_unused_assumption_noted():
    d = derive_from(r"\frac{\partial y_i}{\partial z_j}",
                    [r"y_i = \frac{e^{\beta z_i}}{\sum_k e^{\beta z_k}}"],
                    [r"\beta = 2", SUM_T])
    y = sympy.IndexedBase("y")
    i, j = sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True)
    assert sympy.expand(d.result - 2 * y[i] * (sympy.KroneckerDelta(i, j) - y[j])) == 0
    assert not d.conditions and any("not needed" in n for n in d.notes)


def test_cli_time_budget_is_exit_2(capsys):
    code, out, err = run(capsys, "derive", "softmax-jacobian", "--timeout", "0.001")
    assert code == 2 and out == "" and "time budget" in err and "Traceback" not in err


def test_definition_with_an_index_outside_its_sum_is_refused():
    with pytest.raises(DeriveError, match="outside any sum"):
        derive_from(r"\frac{\partial L}{\partial z_k}",
                    [r"y_i = \sigma(z_i)",
                     r"L = -\sum_i t_i \log y_i + (1 - t_i)\log(1 - y_i)"])


@pytest.mark.parametrize("pair_id,expected", [
    ("softmax with beta", r"\beta \left(\mathrm{diag}\left(\mathbf{y}\right) - \mathbf{y} "
                          r"\mathbf{y}^\top\right)"),
    ("softmax+CE", r"\mathbf{y} - \mathbf{t}"),
    ("linear dL/dW", r"\frac{\partial L}{\partial \mathbf{y}} \mathbf{x}^\top"),
    ("linear dL/dx", r"W^\top \frac{\partial L}{\partial \mathbf{y}}"),
    ("attention scores", None),   # four free indices: no matrix reading
])
def test_matrix_form(pair_id, expected):
    got = derived(pair_id).matrix_form()
    assert (got.split(" = ", 1)[1] if got else None) == expected


def test_matrix_form_is_checked_not_assumed(monkeypatch):
    """A transposition slip in the pieces is caught: the rebuilt entries must be the result."""
    from symderiv.stepwise import matrix_form as mf
    real = mf._entry

    def transposed(e, r):   # Wᵀ g rebuilt with W's indices swapped
        tex, ent = real(e, r)
        if isinstance(ent, sympy.Sum):
            swap = {w: w.base[w.indices[::-1]] for w in ent.function.atoms(sympy.Indexed)
                    if len(w.indices) == 2}
            ent = sympy.Sum(ent.function.xreplace(swap), *ent.limits)
        return tex, ent
    monkeypatch.setattr(mf, "_entry", transposed)
    assert derived("linear dL/dx").matrix_form() is None


def test_vector_notation_reads_per_entry_in_the_denominator_layout():
    d = derived("linear+MSE (vector)")
    assert any("denominator layout" in n for n in d.notes)
    assert any("x read as a column vector" in n for n in d.notes)   # the reading, stated
    assert d.matrix_form().endswith(r"\left(\mathbf{y} - \mathbf{t}\right) \mathbf{x}^\top")


def test_step_the_normal_form_misses_is_verified_exactly_and_said_so(capsys):
    """σ of a sum: the normal form does not reach 0 on the fold e^{-Σ}/(1 + e^{-Σ})² =
    h(1 − h); exact evaluation verifies it, and the report says which steps are only
    verified (a wrong step would still stop the derivation: test_derivations)."""
    given = [r"h_c = \sigma(\sum_{d=1}^{n} W_{cd} x_d)",
             r"L = \frac{1}{2}\sum_{c=1}^{m} (h_c - t_c)^2",
             r"1 \leq a \leq m", r"1 \leq b \leq n", r"1 \leq c \leq m"]
    d = derive_from(r"\frac{\partial L}{\partial W_{ab}}", given)
    statuses = {v.status for v in _all_verdicts(d)}
    assert statuses == {"proved", "verified"}
    assert "verified by exact evaluation only" in d.render("text")
    nf, ns = compiled(d)
    args, sizes, by_name = inputs(d, nf, 0)
    got = ns["derivative"](*args)
    assert relative_error(got, finite_differences(d, nf, ns, args)) < 1e-6


def test_text_in_generated_code_cannot_escape_its_string_or_comment():
    from symderiv.stepwise.numpy_code import _comment, _docstring, _escape_line
    evil = 'y"""; import os; os.system("x") #\\\n\r\u2028z'
    src = ("def f():\n" + _docstring(evil) + "\n    return 1\n"
           + '"""' + _escape_line(evil) + '"""\n' + "x = 1   # " + _comment(evil) + "\n")
    tree = ast.parse(src)
    assert [type(n).__name__ for n in tree.body] == ["FunctionDef", "Expr", "Assign"]
    assert not any(isinstance(n, (ast.Import, ast.Call)) for n in ast.walk(tree))


@pytest.mark.slow
def test_latex_reports_compile(tmp_path):
    """Every derivation's LaTeX, in the reports' document, compiles (as report --pdf does)."""
    import os
    import shutil
    from symderiv.report.build import compile_pdf_logged
    from symderiv.report.latex_doc import document
    if shutil.which("latexmk") is None:
        if os.environ.get("SYMDERIV_REQUIRE_TEX") == "1":
            pytest.fail("latexmk is required here (SYMDERIV_REQUIRE_TEX=1) but not installed")
        pytest.skip("latexmk is not installed")
    body = "\n".join(derived(p[0]).render("tex") for p in PAIRS)
    tex = tmp_path / "derivations.tex"
    tex.write_text(document("Derivations from their definitions", body), encoding="utf-8")
    pdf, log, _ = compile_pdf_logged(tex, timeout=180)
    assert pdf.exists() and pdf.stat().st_size > 1000
    assert "! " not in log   # no TeX error


def test_relu_derivative_and_its_code():
    """ReLU: the derivative is Heaviside(z_k) (SymPy's ½ at the kink, stated by the form);
    the code uses np.maximum / np.heaviside and matches finite differences off the kink."""
    d = derive_from(r"\frac{\partial L}{\partial z_k}",
                    [r"y_i = \max(0, z_i)", r"L = \frac{1}{2}\sum_i (y_i - t_i)^2"])
    assert d.result.has(sympy.Heaviside)
    nf, ns = compiled(d)
    for seed in range(6):
        args, sizes, by_name = inputs(d, nf, seed)
        got = ns["derivative"](*args)
        if np.count_nonzero(got) == 0:
            continue   # every z_k < 0 at this seed
        assert relative_error(got, finite_differences(d, nf, ns, args)) < 1e-6
        assert relative_error(got, exact_values(d, nf, sizes, by_name)) < 1e-10
        break
    else:
        pytest.fail("no seed with a positive z_k")
