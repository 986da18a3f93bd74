"""The command line: contracts of DESIGN.md (JSON shape, exit statuses) and clean errors."""
import json
import subprocess
import sys

import pytest

from symderiv.cli import COMMANDS, build_parser, main

SOFTMAX = r"y_i = \frac{e^{\beta z_i}}{\sum_{k=1}^{K} e^{\beta z_k}}"
PLAIN = r"y_i = \frac{e^{z_i}}{\sum_{k=1}^{K} e^{z_k}}"
CE = r"L = -\sum_{k=1}^{K} t_k \log y_k"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_derive_markdown_shows_steps_and_result(capsys):
    code, out, _ = run(capsys, "derive", "softmax-jacobian", "--format", "md")
    assert code == 0
    for word in ("quotient rule", "collapse", "fold", "factor", r"\delta_{i j}", r"\beta"):
        assert word in out
    assert "Cases" in out and r"\neq" not in out.split("Cases")[0].split("Result")[0][-1:]


@pytest.mark.parametrize("fmt", ["text", "tex", "json"])
def test_derive_formats(capsys, fmt):
    code, out, _ = run(capsys, "derive", "softmax-jacobian", "--format", fmt)
    assert code == 0 and out.strip()
    if fmt == "json":
        data = json.loads(out)
        assert data["name"] == "softmax-jacobian" and len(data["steps"]) >= 5


@pytest.mark.parametrize("claim,given,where,status,code", [
    (r"\frac{\partial y_i}{\partial z_j} = \beta y_i (\delta_{ij} - y_j)", [SOFTMAX], [], "proved", 0),
    (r"\frac{\partial y_i}{\partial z_j} = y_i (\delta_{ij} - y_j)", [SOFTMAX], [], "refuted", 1),
    (r"\frac{\partial y_i}{\partial z_j} = -y_i y_j", [PLAIN], [r"i \neq j"], "proved", 0),
    (r"\frac{\partial L}{\partial z_k} = y_k - t_k", [PLAIN, CE], [r"\sum_{k=1}^{K} t_k = 1"], "proved", 0),
    (r"\frac{\partial L}{\partial z_k} = y_k - t_k", [PLAIN, CE], [], "refuted", 1),
])
def test_check_json_contract(capsys, claim, given, where, status, code):
    argv = ["check", claim, "--format", "json"]
    for g in given:
        argv += ["--given", g]
    for w in where:
        argv += ["--where", w]
    got, out, _ = run(capsys, *argv)
    data = json.loads(out)
    assert set(data) == {"claim", "read_as", "verdict", "method", "conditions",
                         "counterexample", "reason", "readings", "links"}
    assert data["verdict"] == status and got == code
    if status == "refuted":
        assert data["counterexample"]["lhs"] != data["counterexample"]["rhs"]


def test_check_chain_links(capsys):
    claim = r"\frac{\partial y_i}{\partial z_i} = \beta y_i (1 - y_i) = y_i - y_i^2"
    code, out, _ = run(capsys, "check", claim, "--given", SOFTMAX, "--format", "json")
    data = json.loads(out)
    assert len(data["links"]) == 2
    assert [l["verdict"] for l in data["links"]] == ["proved", "refuted"]
    assert data["verdict"] == "refuted" and "link 2" in data["reason"]


def test_check_bad_latex_is_exit_3(capsys):
    code, out, err = run(capsys, "check", r"\frac{a}{", "--format", "json")
    assert code == 3 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_check_unknown_exit_2(capsys):
    code, out, _ = run(capsys, "check", r"\frac{\partial y_i}{\partial z_j} = 0", "--given",
                       SOFTMAX, "--timeout", "0.001")
    assert code == 2 and "time budget" in out


@pytest.mark.parametrize("argv", [["frobnicate"], ["check"], ["derive", "x", "--bogus"],
                                  ["check", "a = b", "--format", "yaml"],
                                  ["check", "x = x", "--timeout", "1e9"],
                                  ["check", "x = x", "--timeout", "0"],
                                  ["check", "x = x", "--timeout", "nan"],
                                  ["check", "x = x", "--size", "-3"],
                                  ["report", "--timeout", "-1"]])
def test_bad_usage_exit_3(capsys, argv):
    """A bad option value is bad input: exit 3 (2 means "unknown"), one line naming it."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 3
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "argument" in err or "required" in err or "invalid choice" in err


def test_unknown_derivation_is_clean(capsys):
    code, _, err = run(capsys, "derive", "nope")
    assert code == 3 and "unknown derivation" in err and "Traceback" not in err


def test_every_command_has_help_with_example():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in COMMANDS:
        text = sub.choices[name].format_help()
        assert "Example" in text or "example" in text, name


def test_prove_lists_theorems(capsys):
    code, out, _ = run(capsys, "prove")
    assert code == 0 and "softmax-jacobian" in out and "cross-entropy" in out


def test_python_dash_m_and_version():
    out = subprocess.run([sys.executable, "-m", "symderiv", "--version"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("symderiv ")
    bad = subprocess.run([sys.executable, "-m", "symderiv", "nope"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 3 and "Traceback" not in bad.stderr


@pytest.mark.parametrize("data, said", [
    (b"", None),
    (b"Only prose here, no formula at all.\n", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL byte at offset 8"),
    (b"caf\xe9 $x = 1$", "byte 0xe9 at offset 3"),
    ("$x = 1$".encode("utf-16"), "UTF-16"),
    (b"\xed\xa0\x80 $x = 1$", "offset 0"),          # a lone surrogate, as UTF-8 bytes
])
def test_documents_that_are_not_text(tmp_path, capsys, data, said):
    doc = tmp_path / "doc.md"
    doc.write_bytes(data)
    code = main(["audit", str(doc)])
    out, err = capsys.readouterr()
    if said is None:      # empty or prose only: a report that says so, exit 0, one line
        assert code == 0 and "no formulas found" in out
        assert len(err.strip().splitlines()) == 1 and "no formulas found" in err
    else:
        assert code == 3 and said in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1 and out == ""


def test_a_utf8_bom_is_dropped(tmp_path, capsys):
    doc = tmp_path / "doc.md"
    doc.write_bytes(b"\xef\xbb\xbf" + rb"$\log(x y) = \log x + \log y$")
    assert main(["audit", str(doc), "--format", "json"]) == 0


def test_the_edges_do_not_load_the_engine():
    """--version and --help answer without importing SymPy (fast edges)."""
    code = ("import sys, contextlib, io\n"
            "from symderiv.cli import main\n"
            "for argv in (['--version'], ['--help'], ['check', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n"
            "            main(argv)\n"
            "        except SystemExit:\n"
            "            pass\n"
            "assert 'sympy' not in sys.modules, 'sympy imported'\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
