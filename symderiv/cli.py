"""The ``symderiv`` command: a thin layer over the library.

Domain errors, bad option values and unknown commands or options become one-line messages
(exit 3; exit 2 means "unknown"); tracebacks never reach the user.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .errors import SymderivError

EXIT_BAD_INPUT = 3


def _seconds(text: str) -> float:
    """A time budget: a positive number of seconds, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds, not {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 1 <= value <= 4096:
        raise argparse.ArgumentTypeError(f"a size must be between 1 and 4096, not {text}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line naming the option; exit 3 (2 means "unknown")
        print(f"{self.prog}: error: {message} (see {self.prog} --help)",
              file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _fmt(p, choices=("text", "json"), default="text"):
    p.add_argument("--format", choices=choices, default=default, help=f"output format ({default})")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="symderiv", description=(
        "Derive and verify gradient formulas (softmax, losses, layers) for every size K."))
    parser.add_argument("--version", action="version", version=f"symderiv {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("derive", help="derive a gradient step by step", description=(
        "Derive a quantity from its definitions step by step, each step checked (without "
        "arguments: list the built-in theorems).  Examples: symderiv derive softmax-jacobian "
        "--format md;  symderiv derive '\\frac{\\partial L}{\\partial z_k}' --given "
        "'y_i = \\sigma(z_i)' --given 'L = -\\sum_i (t_i \\log y_i + (1 - t_i)\\log(1 - y_i))' "
        "--format numpy"))
    p.add_argument("name", nargs="?", metavar="QUANTITY",
                   help="a theorem name, or a LaTeX derivative such as '\\frac{\\partial L}"
                        "{\\partial z_k}'")
    p.add_argument("--given", action="append", default=[], metavar="DEF",
                   help="a definition 'name = latex' (repeatable)")
    p.add_argument("--where", action="append", default=[], metavar="COND",
                   help="an assumption or case condition, e.g. '\\sum_k t_k = 1' (repeatable)")
    p.add_argument("--timeout", type=_seconds, default=60.0, help="time budget in seconds (60)")
    _fmt(p, ("text", "md", "tex", "html", "json", "numpy"))

    p = sub.add_parser("prove", help="list or prove the built-in theorems", description=(
        "Without NAME, list the built-in theorems; with NAME, prove it and print its steps "
        "and verdict.  Example: symderiv prove cross-entropy --format md"))
    p.add_argument("name", nargs="?")
    p.add_argument("--timeout", type=_seconds, default=60.0, help="time budget in seconds (60)")
    _fmt(p, ("text", "md", "tex", "json"))

    p = sub.add_parser("check", help="check a LaTeX claim", description=(
        "Check a LaTeX claim 'lhs = rhs' (or a chain a = b = c).  Example: "
        "symderiv check '\\frac{\\partial y_i}{\\partial z_j} = \\beta y_i(\\delta_{ij} - y_j)' "
        "--given 'y_i = \\frac{e^{\\beta z_i}}{\\sum_{k=1}^{K} e^{\\beta z_k}}'.  "
        "Exit status: 0 proved/verified, 1 refuted, 2 unknown, 3 bad input."))
    p.add_argument("claim")
    p.add_argument("--given", action="append", default=[], metavar="DEF",
                   help="a definition 'name = latex' (repeatable)")
    p.add_argument("--where", action="append", default=[], metavar="COND",
                   help="a case condition or assumption, e.g. 'i = j', '\\delta > 0' (an "
                        "inequality: an assumption on real values) (repeatable)")
    p.add_argument("--timeout", type=_seconds, default=10.0, help="time budget in seconds (10)")
    p.add_argument("--size", type=_positive_int, action="append", default=[], metavar="K",
                   help="also check exactly at this K (repeatable)")
    _fmt(p)

    p = sub.add_parser("report", help="regenerate the reports on the bundled posts", description=(
        "Regenerate reports/<slug>.md, .tex, .json, .html and reports/index.md, .html from the "
        "claim files "
        "in reports/claims/.  With --posts DIR, also audit raw posts in DIR.  "
        "Example: symderiv report"))
    p.add_argument("--claims", type=Path, default=None, help="claim files folder")
    p.add_argument("--out", type=Path, default=None, help="output folder (reports/)")
    p.add_argument("--posts", type=Path, default=None, help="also audit the raw posts in DIR")
    p.add_argument("--pdf", action="store_true", help="also compile each .tex with latexmk")
    p.add_argument("--timeout", type=_seconds, default=10.0, help="time budget per formula (10 s)")

    p = sub.add_parser("audit", help="list and check the formulas of documents",
                       description="Extract every formula of each document and check those it "
                                   "can read.  PATH: files, folders (*.md, *.markdown, *.tex, "
                                   "*.txt, recursively) and globs.  Examples: symderiv audit "
                                   "post.md --given 'y_i = ...';  symderiv audit notes/ --jobs 2 "
                                   "--format jsonl --out reports/notes --resume")
    p.add_argument("file", nargs="+", metavar="PATH")
    p.add_argument("--given", action="append", default=[], metavar="DEF")
    p.add_argument("--where", action="append", default=[], metavar="COND")
    p.add_argument("--timeout", type=_seconds, default=10.0, help="time budget per formula (10)")
    _fmt(p, ("text", "md", "json", "jsonl", "html"))
    p.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                   help="documents audited at once by local worker processes (1)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="write each document's report (.audit.json, .audit.md) under DIR")
    p.add_argument("--resume", action="store_true",
                   help="with --out: skip documents whose report is current")
    p.add_argument("--scheduler", type=_address, default=None, metavar="ADDRESS",
                   help="run the documents on a Dask cluster (tcp://host:8786)")
    p.add_argument("--doc-timeout", type=_seconds, default=1800.0, metavar="S",
                   help="time budget per document (1800): the formulas left are listed unchecked")
    _check_code_parser(sub)
    return parser


def _check_code_parser(sub):
    p = sub.add_parser("check-code", help="check a NumPy function against a derived quantity",
                       description=(
        "Run FILE's FUNCTION in a limited child process on chosen inputs and compare it with "
        "a derived Jacobian or gradient (exactly, with a finite-difference cross-check and a "
        "symbolic reading naming the wrong line).  Example: symderiv check-code "
        "grads.py::softmax_jacobian --against softmax-jacobian.  Exit status: 0 pass, "
        "1 fail, 2 unknown, 3 bad input."))
    p.add_argument("target", metavar="FILE::FUNCTION")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--against", metavar="NAME", help="softmax-jacobian, softmax-jacobian-beta, "
                   "log-softmax-jacobian, sigmoid-grad, ce-grad, mse-grad, linear-grad-W, "
                   "linear-grad-x, linear-grad-b")
    g.add_argument("--against-latex", metavar="CLAIM",
                   help="a claim such as '\\frac{\\partial y_i}{\\partial z_j} = ...'")
    p.add_argument("--given", action="append", default=[], metavar="DEF")
    p.add_argument("--takes", choices=("auto", "logits", "probabilities"), default="auto",
                   help="how the softmax/sigmoid argument is given (auto: from the code)")
    p.add_argument("--timeout", type=_seconds, default=5.0, help="seconds per call (5)")
    _fmt(p)


def _address(text: str) -> str:
    """A Dask scheduler's address: [PROTOCOL://]HOST:PORT."""
    import re
    m = re.fullmatch(r"(?:(tcp|tls|ucx|ws|wss)://)?(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.\-]+):(\d{1,5})",
                     text)
    if m is None or not 0 < int(m.group(3)) < 65536:
        raise argparse.ArgumentTypeError(f"not a scheduler address (tcp://HOST:PORT): {text!r}")
    return text


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"must be between 1 and 256 workers, not {text}")
    return value


def _derive_bounded(name: str, timeout: float):
    from .derivations import derive
    from .runner import run_bounded
    return run_bounded(derive, (name,), timeout=timeout)


def _cmd_derive(args) -> int:
    from .stepwise.command import run_derive
    return run_derive(args.name, args.given, args.where, args.format, args.timeout)


def _cmd_prove(args) -> int:
    from .derivations import THEOREMS
    from .report.derivation import render_derivation
    if not args.name:
        for name, fn in THEOREMS.items():
            doc = (fn.__doc__ or "").strip().splitlines()
            print(f"{name:22s} {doc[0] if doc else ''}")
        return 0
    d = _derive_bounded(args.name, args.timeout)
    from .runner import run_bounded
    v = run_bounded(type(d).verdict, (d,), timeout=args.timeout)
    wrong = run_bounded(type(d).wrong_verdicts, (d,), timeout=args.timeout)
    if args.format == "json":
        out = json.loads(render_derivation(d, "json"))
        out["verdict"] = v.to_json()
        out["wrong_variants"] = [{"variant": label, **w.to_json()} for label, w in wrong]
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(render_derivation(d, args.format), end="")
        print(f"\nverdict: {v.status} — {v.method}")
        for label, w in wrong:
            cx = f"; counterexample: {w.counterexample}" if w.counterexample else ""
            print(f"wrong variant '{label}': {w.status}{cx}")
    return v.exit_code


def _cmd_check(args) -> int:
    # read and decided in the worker, which prints the verdict: no SymPy in this process
    from .runner import TimeBudgetExceeded, WorkerError, named, run_bounded
    try:
        out, code = run_bounded(named("symderiv.api", "check_rendered"), (
            args.claim, tuple(args.given), tuple(args.where), tuple(args.size), args.format),
            timeout=args.timeout)
    except (TimeBudgetExceeded, WorkerError) as err:
        from .api import failed_verdict, render_verdict
        v = failed_verdict(args.claim, err)
        out, code = render_verdict(v, args.format), v.exit_code
    print(out)
    return code


def _cmd_report(args) -> int:
    from .report.build import run_reports
    return run_reports(claims=args.claims, out=args.out, posts=args.posts, pdf=args.pdf,
                       timeout=args.timeout)


def _cmd_audit(args) -> int:
    corpus = (len(args.file) > 1 or args.format == "jsonl" or args.out or args.resume
              or args.scheduler or args.jobs > 1 or Path(args.file[0]).is_dir()
              or (not Path(args.file[0]).exists() and any(c in args.file[0] for c in "*?[")))
    if not corpus:   # one document, as always
        from .runner import AUDIT_PRELOAD, prestart
        prestart(AUDIT_PRELOAD)   # the formulas' worker starts while this reads the document
        from .report.build import audit_file
        return audit_file(Path(args.file[0]), given=args.given, where=args.where,
                          fmt=args.format, timeout=args.timeout, doc_timeout=args.doc_timeout)
    if args.resume and args.out is None:
        raise ValueError("--resume needs --out DIR (where the reports and their keys are)")
    if args.format == "html":
        raise ValueError("--format html audits one document; for several, use --format "
                         "text, md, json or jsonl (and --out DIR for a report per document)")
    from .corpus import CorpusOptions, audit_corpus
    return audit_corpus(args.file, CorpusOptions(
        given=tuple(args.given), where=tuple(args.where), timeout=args.timeout,
        doc_timeout=args.doc_timeout, jobs=args.jobs, fmt=args.format, out=args.out,
        resume=args.resume, scheduler=args.scheduler))


def _cmd_check_code(args) -> int:
    from .codecheck.check import check_code, dumps
    from .codecheck.sandbox import Limits
    if "::" not in args.target:
        raise ValueError(f"name the function as FILE::FUNCTION, not {args.target!r}")
    path, function = args.target.rsplit("::", 1)
    r = check_code(path, function, args.against, against_latex=args.against_latex,
                   given=args.given, takes=args.takes, limits=Limits(timeout=args.timeout))
    print(dumps(r) if args.format == "json" else r)
    return r.exit_code


COMMANDS = {"derive": _cmd_derive, "prove": _cmd_prove, "check": _cmd_check,
            "report": _cmd_report, "audit": _cmd_audit, "check-code": _cmd_check_code}


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return COMMANDS[args.command](args)
    except (SymderivError, ValueError, OSError) as err:
        msg = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"symderiv {args.command}: {msg}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("symderiv: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug of ours: one line, never a traceback
        print(f"symderiv {args.command}: internal error ({type(err).__name__}: {err}); "
              "please report it with the command line", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
