"""pytest plugin (registered through the ``pytest11`` entry point): identity checks as tests.

* ``assert_identity(claim, given=..., where=...)`` – passes on proved/verified; fails with how
  the claim was read, the verdict and the counterexample.  Import it, or use the fixture of
  the same name.
* identity files: ``test_*.toml`` files with ``[[identity]]`` tables are collected, one test
  item per claim::

      [[identity]]
      id = "softmax-jacobian"
      claim = '\\frac{\\partial y_i}{\\partial z_j} = \\beta y_i (\\delta_{ij} - y_j)'
      given = ['y_i = \\frac{e^{\\beta z_i}}{\\sum_{k=1}^{K} e^{\\beta z_k}}']
      where = []          # optional case conditions
      xfail = "reason"    # optional: expected to fail (refuted or unknown)

  ``unknown`` fails by default; ``--symderiv-unknown=skip`` skips it instead.
* ``assert_code(file, function, against=NAME)`` – a NumPy function checked like
  ``symderiv check-code`` (run in a limited child process); fails with the diagnosis.
"""
from __future__ import annotations

import tomllib
from typing import Iterable

import pytest

__all__ = ["assert_identity", "IdentityCheckFailed", "assert_code", "CodeCheckFailed"]


class IdentityCheckFailed(AssertionError):
    """An identity was refuted or undecided (the message shows the verdict)."""


def _message(v) -> str:
    return str(v)


def assert_identity(claim: str, given: Iterable[str] = (), where: Iterable[str] = (), *,
                    timeout: float | None = 10.0, allow_unknown: bool = False):
    """Check *claim*; raise :class:`IdentityCheckFailed` unless proved or verified.

    Returns the :class:`~symderiv.verify.Verdict` so a test can look further.
    """
    from .api import check
    v = check(claim, given, where, timeout=timeout)
    if v.ok or (allow_unknown and v.status == "unknown"):
        return v
    raise IdentityCheckFailed(_message(v))


class CodeCheckFailed(AssertionError):
    """A function failed check-code or was undecided (the message shows the diagnosis)."""


def assert_code(path_or_source, function: str | None = None, against: str | None = None, *,
                against_latex: str | None = None, given: Iterable[str] = (),
                takes: str = "auto", allow_unknown: bool = False):
    """Check a NumPy *function* against a derived quantity; raise unless it passes.

    ``assert_code("grads.py", "softmax_jacobian", against="softmax-jacobian")`` (or
    ``"grads.py::softmax_jacobian"``).  Returns the result (``.diagnosis``, ``.to_json()``).
    """
    from .codecheck import check_code
    r = check_code(path_or_source, function, against, against_latex=against_latex,
                   given=tuple(given), takes=takes)
    if r.ok or (allow_unknown and r.verdict == "unknown"):
        return r
    raise CodeCheckFailed(str(r))


@pytest.fixture(name="assert_identity")
def _assert_identity_fixture(request):
    timeout = request.config.getoption("symderiv_timeout")

    def run(claim, given=(), where=(), **kw):
        kw.setdefault("timeout", timeout)
        return assert_identity(claim, given, where, **kw)
    return run


def pytest_addoption(parser):
    group = parser.getgroup("symderiv", "symderiv identity checks")
    group.addoption("--symderiv-unknown", choices=("fail", "skip"), default="fail",
                    help="what an undecided identity does: fail (default) or skip")
    group.addoption("--symderiv-timeout", type=float, default=10.0,
                    help="time budget per identity in seconds (default 10)")


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".toml" and file_path.name.startswith("test_"):
        return IdentityFile.from_parent(parent, path=file_path)
    return None


class IdentityFile(pytest.File):
    def collect(self):
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise self.CollectError(f"{self.path.name}: not a valid identity file: {err}")
        entries = data.get("identity", [])
        if not isinstance(entries, list):
            raise self.CollectError(f"{self.path.name}: [[identity]] tables expected")
        shared_given = list(data.get("given", []))
        for n, entry in enumerate(entries, 1):
            if "claim" not in entry:
                raise self.CollectError(f"{self.path.name}: identity {n} has no 'claim'")
            name = str(entry.get("id", f"identity-{n}"))
            item = IdentityItem.from_parent(self, name=name, entry=entry,
                                            shared_given=shared_given)
            if entry.get("xfail"):
                reason = entry["xfail"] if isinstance(entry["xfail"], str) else ""
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True,
                                                  raises=IdentityCheckFailed))
            yield item


class IdentityItem(pytest.Item):
    def __init__(self, *, entry, shared_given, **kw):
        super().__init__(**kw)
        self.entry = entry
        self.shared_given = shared_given

    def runtest(self):
        from .api import check
        e = self.entry
        v = check(e["claim"], self.shared_given + list(e.get("given", [])),
                  list(e.get("where", [])),
                  timeout=self.config.getoption("symderiv_timeout"))
        self.user_properties.append(("verdict", v.status))
        if v.ok:
            return
        if v.status == "unknown" and self.config.getoption("symderiv_unknown") == "skip" \
                and not e.get("xfail"):
            pytest.skip(f"undecided: {v.reason}")
        raise IdentityCheckFailed(_message(v))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, IdentityCheckFailed):
            return f"{self.name}: {excinfo.value}"
        from .read import LatexError
        if isinstance(excinfo.value, LatexError):
            return f"{self.name}: cannot read the claim: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"identity: {self.name}"
