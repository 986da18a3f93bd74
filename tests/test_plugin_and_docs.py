"""The pytest plugin in a fresh project (pytester), and the README's examples, run as written."""
import re
import shlex
from pathlib import Path

import pytest

from symderiv.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str, after: str) -> list[str]:
    section = README.split(after, 1)[1]
    section = re.split(r"\n## ", section, maxsplit=1)[0]
    return re.findall(rf"```{lang}\n(.*?)```", section, flags=re.S)


def test_readme_cli_examples_run(capsys):
    lines = [ln for b in _blocks("sh", "## Command line") for ln in b.splitlines() if ln.strip()]
    assert len(lines) >= 5
    for line in lines:
        cmd, _, comment = line.partition("  # ")
        expected = int(re.search(r"exit (\d)", comment).group(1)) if "exit" in comment else 0
        argv = shlex.split(cmd)
        assert argv[0] == "symderiv"
        assert main(argv[1:]) == expected, line
    capsys.readouterr()


def test_readme_api_example_runs():
    (code,) = _blocks("python", "## Python API")
    exec(compile(code, "README.md", "exec"), {})  # our own README, not user input


def test_readme_setup_commands_match_ci():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    (_, tests_cmd) = [b.strip() for b in _blocks("sh", "## Set-up")]
    assert tests_cmd in ci


def test_plugin_in_a_fresh_project(pytester):
    (toml,) = _blocks("toml", "## pytest")
    (test_py,) = _blocks("python", "## pytest")
    pytester.makefile(".toml", test_gradients=toml)
    pytester.makepyfile(test_user=test_py + '''

def test_a_wrong_identity():
    assert_identity(r"\\frac{\\partial y_i}{\\partial z_j} = y_i y_j",
                    given=[r"y_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}"])
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2, failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*test_gradients.toml::jacobian PASSED*",
                                 "*fused-ce-needs-sum-t XFAIL*"])
    text = result.stdout.str()
    assert "REFUTED" in text and "counterexample: K = " in text and "read as" in text


def test_plugin_unknown_can_skip(pytester):
    pytester.makefile(".toml", test_u='''
[[identity]]
id = "too-slow"
claim = '\\frac{\\partial y_i}{\\partial z_j} = 0'
given = ['y_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}']
''')
    res = pytester.runpytest_subprocess("--symderiv-timeout", "0.001")
    res.assert_outcomes(failed=1)
    res = pytester.runpytest_subprocess("--symderiv-timeout", "0.001",
                                        "--symderiv-unknown", "skip")
    res.assert_outcomes(skipped=1)


def test_plugin_under_xdist(pytester):
    pytest.importorskip("xdist")
    (toml,) = _blocks("toml", "## pytest")
    pytester.makefile(".toml", test_gradients=toml)
    res = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    res.assert_outcomes(passed=1, xfailed=1)
