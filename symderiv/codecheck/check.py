"""check-code: call the user's function in the sandbox, compare, diagnose, cross-check.

>>> r = check_code("def jac(y):\\n    import numpy as np\\n    return np.diag(y) - np.outer(y, y)\\n",
...                "jac", against="softmax-jacobian")
>>> r.verdict, r.diagnosis
('pass', [])
"""
from __future__ import annotations

import ast
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sympy

from ..notation import SymderivError
from . import finite
from .diagnose import Numeric, compare, fmt_value
from .inputs import batch_aware, bind, cases_for, signature_of, uses_exp
from .sandbox import Limits, run_calls
from .targets import Target, target

__all__ = ["CodeCheckError", "CodeResult", "check_code", "find_function"]

EXIT = {"pass": 0, "fail": 1, "unknown": 2}


class CodeCheckError(ValueError, SymderivError):
    """Bad input for check-code: no such file or function, a file that is not Python."""


@dataclass
class CodeResult:
    function: str
    against: str
    verdict: str
    diagnosis: list = field(default_factory=list)
    differences: list = field(default_factory=list)
    finite_difference: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    symbolic: dict | None = None

    @property
    def exit_code(self) -> int:
        return EXIT[self.verdict]

    @property
    def ok(self) -> bool:
        return self.verdict == "pass"

    def to_json(self) -> dict:
        out = {"function": self.function, "against": self.against, "verdict": self.verdict,
               "diagnosis": list(self.diagnosis), "differences": list(self.differences),
               "finite_difference": dict(self.finite_difference), "notes": list(self.notes)}
        if self.symbolic is not None:
            out["symbolic"] = self.symbolic
        return out

    def __str__(self) -> str:
        lines = [f"{self.function} against {self.against}: {self.verdict}"]
        lines += [f"  diagnosis: {d}" for d in self.diagnosis]
        for d in self.differences[:6]:
            lines.append(f"  differs at {d['input']}, entry {d['entry']}: got {d['got']}, "
                         f"expected {d['expected']}")
        fd = self.finite_difference
        if fd.get("max_abs_error_derived") is not None:
            code = fd.get("max_abs_error_code")
            lines.append(f"  finite differences ({fd['method']}) at {fd['input']}: derived "
                         f"result within {fd['max_abs_error_derived']:.1e}"
                         + (f", the code's within {code:.1e}" if code is not None else ""))
        if self.symbolic is not None:
            lines.append(f"  symbolic reading: {self.symbolic['verdict']}"
                         + "".join(f"\n    {d}" for d in self.symbolic.get("diagnosis", [])))
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_markdown_(self):  # Jupyter
        return "```\n" + str(self) + "\n```"


def find_function(source: str, name: str) -> ast.FunctionDef:
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise CodeCheckError(f"not valid Python: {err.msg} at line {err.lineno}") from None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    raise CodeCheckError(f"no function {name!r} at the top level of the file"
                         + (f" (it defines {', '.join(names)})" if names else ""))


def _load(path_or_source, function):
    if function is None and isinstance(path_or_source, str) and "::" in path_or_source:
        path_or_source, function = path_or_source.rsplit("::", 1)
    if function is None:
        raise CodeCheckError("name the function: FILE::FUNCTION")
    text = str(path_or_source)
    if isinstance(path_or_source, Path) or ("\n" not in text and not text.lstrip().startswith(
            ("def ", "import ", "from "))):
        p = Path(text)
        if not p.is_file():
            raise CodeCheckError(f"no such file: {text}")
        try:
            return p, p.read_text(encoding="utf-8"), function, False
        except UnicodeDecodeError as err:
            raise CodeCheckError(f"{text} is not UTF-8 text (byte {err.start})") from None
    fd, tmp = tempfile.mkstemp(suffix=".py", prefix="symderiv-source-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return Path(tmp), text, function, True


def check_code(path_or_source, function: str | None = None, against: str | None = None, *,
               against_latex: str | None = None, given=(), takes: str = "auto",
               limits: Limits = Limits(), symbolic: bool = True) -> CodeResult:
    """Judge *function* of a file (or of source text) against a derived quantity.

    *against*: a name of :data:`~symderiv.codecheck.targets.TARGETS`; *against_latex*: a
    claim ``\\frac{\\partial y_i}{\\partial z_j} = …`` (with *given* definitions) whose right
    side is the quantity.  *takes*: ``auto`` | ``logits`` | ``probabilities`` for the
    softmax/sigmoid argument.  The function runs in a limited child process.
    """
    if (against is None) == (against_latex is None):
        raise CodeCheckError("give exactly one of --against NAME or --against-latex CLAIM")
    if takes not in ("auto", "logits", "probabilities"):
        raise CodeCheckError(f"takes must be auto, logits or probabilities, not {takes!r}")
    path, source, function, temporary = _load(path_or_source, function)
    try:
        node = find_function(source, function)
        notes = []
        if against_latex is not None:
            from .latex_target import latex_target
            tgt, why = latex_target(against_latex, given)
            if tgt is None:
                return CodeResult(function, against_latex, "unknown", [f"unknown, because {why}"])
            notes += why
            label = against_latex
        else:
            tgt, label = target(against), against
        binding = bind(tgt, signature_of(node), uses_exp(node), takes)
        if binding.problem:
            return CodeResult(function, label, "unknown", [f"unknown, because {binding.problem}"])
        result = _judge(path, function, tgt, binding, limits, label, notes,
                        batch_aware(node))
    finally:
        if temporary:
            path.unlink(missing_ok=True)
    if symbolic:
        sym = _read(source, function, tgt, binding, limits)
        result.symbolic = sym.to_json()
        if result.verdict == "fail" and sym.verdict == "fail":
            result.diagnosis = _merge(result.diagnosis, sym.diagnosis)
    return result


def _read(source, function, tgt, binding, limits):
    """The symbolic reading, in a killable worker when the target can be named there."""
    from .documents import _read_bounded
    from .reading import read_function
    from .targets import TARGETS
    if TARGETS.get(tgt.name) is not tgt:
        return read_function(source, function, tgt, binding)
    takes = binding.conventions[0] if binding.conventions else "auto"
    return _read_bounded(source, function, tgt.name, 0, max(limits.timeout, 10.0) * 2, takes)


def _merge(ran: list, read: list) -> list:
    """The executed diagnoses, each replaced by the symbolic one that names its line."""
    out = []
    for d in ran:
        better = next((r for r in read if r.startswith(d + ":")), None)
        out.append(better or d)
    return out + [r for r in read if r not in out and not any(r.startswith(d + ":")
                                                                for d in ran)]


def _judge(path, function, tgt: Target, binding, limits, label, notes, aware) -> CodeResult:
    runs = []
    for conv in binding.conventions or (None,):
        cases = cases_for(tgt, binding, conv)
        run = run_calls(path, function, [c.args for c in cases], limits)
        res = _evaluate(tgt, cases, run, conv, function, label, aware)
        runs.append((conv, res, cases, run))
        if res.verdict == "pass":
            break
    conv, res, cases, run = next((r for r in runs if r[1].verdict == "pass"), runs[0])
    if len(binding.conventions) > 1:
        res.notes.append(f"the argument is given as {conv} (the name does not say which)"
                         + ("; as logits it fails" if conv == "probabilities" else ""))
    elif conv:
        res.notes.append(f"the {tgt.prob_role} argument is given as {conv}")
    res.notes = list(notes) + res.notes + [f"isolation: {run.isolation}"]
    if run.files_written:
        res.notes.append("the function wrote files in its temporary folder (deleted): "
                         + ", ".join(run.files_written[:5]))
    res.finite_difference = _finite(tgt, cases, run, conv)
    return res


def _evaluate(tgt, cases, run, conv, function, label, aware=True) -> CodeResult:
    res = CodeResult(function, label, "pass")
    if run.import_error:
        where = f" at line {run.import_where['line']}" if run.import_where else ""
        res.verdict = "unknown"
        res.diagnosis.append(f"unknown, because importing the file failed{where}: "
                             f"{run.import_error}")
        return res
    cmp = Numeric()
    by_kind = {"unbatched": [], "batched": []}
    for case, out in zip(cases, run.outcomes):
        by_kind["batched" if case.batched else "unbatched"].append((case, out))
    errors_only = {k: all(o.status != "ok" for _, o in v) and v for k, v in by_kind.items()}
    if errors_only["batched"] and not errors_only["unbatched"]:
        res.notes.append("does not take a batch of rows: judged unbatched")
    if errors_only["unbatched"] and not errors_only["batched"]:
        res.notes.append("takes only batches (rows): judged batched")
    float_ok = {c.label.replace(" (exact rationals)", "") for c, o in by_kind["unbatched"]
                if not c.exact and o.status == "ok"}
    exact_fail = [c for c, o in by_kind["unbatched"] if c.exact and o.status == "error"
                  and c.label.replace(" (exact rationals)", "") in float_ok]
    if exact_fail:
        res.notes.append("exact rational inputs are not accepted: compared in float64")
    fails = []
    for kind, items in by_kind.items():
        if errors_only[kind] and not errors_only[
                "unbatched" if kind == "batched" else "batched"]:
            continue          # one of the two layouts is not supported: fine
        for case, out in items:
            if out.status == "error" and case.exact:
                continue
            if out.status != "ok":
                where = (f" at line {out.where['line']} (`{out.where['text']}`)"
                         if out.where else "")
                word = {"error": "raises", "timeout": "hangs:", "killed": "was killed:",
                        "not-run": "not run:"}[out.status]
                fails.append((f"{word} {out.error}{where} on input {case.label}",
                              case.batched))
                continue
            comp = _compare_case(tgt, case, out.value, cmp)
            if not comp.ok:
                fails += [(f.text, case.batched) for f in comp.findings]
                for entry, got, exp in comp.differences[:4]:
                    res.differences.append({"input": case.label, "entry": list(entry),
                                            "got": fmt_value(got),
                                            "expected": fmt_value(exp) if exp is not None
                                            else None})
    batch_fails = list(dict.fromkeys(t for t, b in fails if b))
    if batch_fails and not aware and not errors_only["unbatched"]:
        res.notes.append("judged unbatched: the code does not handle a batch axis (on a "
                         "batch of rows: " + "; ".join(batch_fails[:2]) + ")")
        fails = [(t, b) for t, b in fails if not b]
        res.differences = [d for d in res.differences if "batch of" not in d["input"]]
    if fails:
        res.verdict = "fail"
        seen = []
        for text, _ in fails:
            if all(_kind(t) != _kind(text) for t in seen):
                seen.append(text)
        res.diagnosis = seen
        res.differences = res.differences[:12]
    return res


def _kind(text: str) -> str:
    """Diagnoses of one kind are said once (with the first input that showed them)."""
    if text.startswith("wrong shape"):
        return text.split(":")[0]
    return text.split(" on input ")[0]


def _compare_case(tgt, case, got, cmp):
    rows = case.rows
    exp = tgt.expected_batch(rows) if case.batched else tgt.expected(rows[0])
    variant = None
    if case.convention == "logits" and case.logits:
        logit_rows = case.logits if case.batched else [case.logits]
        alt = [{**r, tgt.prob_role: [sympy.Rational(v.numerator, v.denominator) for v in z]}
               for r, z in zip(rows, logit_rows)]
        variant = tgt.expected_batch(alt) if case.batched else tgt.expected(alt[0])
    diag = [r[tgt.prob_role] for r in rows] if tgt.kind == "jacobian" else None
    beta = rows[0].get("beta")
    return compare(got, exp, cmp, kind=tgt.kind, logits_variant=variant, diag_values=diag,
                   beta=beta, batched=case.batched, large="large" in case.tags,
                   label=case.label)


def _finite(tgt, cases, run, conv) -> dict:
    """Central differences of the target's function at the first plain unbatched input."""
    plain = [(c, o) for c, o in zip(cases, run.outcomes)
             if not c.exact and set(c.tags) <= {"batched"}]
    pick = next(((c, o) for c, o in plain if o.status == "ok" and not c.batched),
                next(((c, o) for c, o in plain if o.status == "ok"),
                     plain[0] if plain else None))
    if pick is None:
        return {}
    case, out = pick
    value = out.value
    if case.batched:   # the first row of a batch
        value = value[0] if isinstance(value, np.ndarray) and value.ndim else value
        logits = case.logits[0] if case.logits else None
    else:
        logits = case.logits
    vals = {}
    for role, v in case.rows[0].items():
        fl = np.asarray([float(sympy.N(x, 30)) for x in np.ravel(np.asarray(v, dtype=object))])
        vals[role] = fl.reshape(np.shape(np.asarray(v, dtype=object))) if np.ndim(v) else \
            float(sympy.N(v, 30))
    prob = tgt.prob_role
    if prob is not None:
        z = ([float(x) for x in logits] if logits else
             np.log(vals[prob]) if prob == "y" else np.log(vals[prob] / (1 - vals[prob])))
        vals["z"] = np.asarray(z, dtype=float)
    spec = finite.forward_function(tgt.fd or tgt.name, vals)
    if spec is None:
        return {}
    f, x0, as_target = spec
    fd = as_target(finite.jacobian_fd(f, x0))
    exp = np.asarray([float(sympy.N(e, 30)) for e in tgt.expected(case.rows[0]).ravel()]) \
        .reshape(tgt.expected(case.rows[0]).shape)
    label = case.label.split("] and [")[0].replace("batch of 2 rows: [", "first row: ")
    info = {"method": f"central differences, h = {finite.H:g}, float64", "input": label,
            "max_abs_error_derived": float(np.max(np.abs(fd - exp))) if fd.shape == exp.shape
            else None, "max_abs_error_code": None}
    if out.status == "ok" and isinstance(value, np.ndarray) and (
            not case.batched or tgt.batch == "rows"):
        try:
            got = np.asarray(value, dtype=float).reshape(fd.shape)
            info["max_abs_error_code"] = float(np.max(np.abs(got - fd)))
        except (ValueError, TypeError):
            pass
    info["agree"] = info["max_abs_error_derived"] is not None and \
        info["max_abs_error_derived"] < 1e-5
    return info


def dumps(result: CodeResult) -> str:
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False)
