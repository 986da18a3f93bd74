"""Code in a document is read (never run) and listed with the formulas: a hand-written softmax
Jacobian with a missing else is refuted with the entry that differs; a correct one holds."""
import json

from symderiv.cli import main

WRONG = '''The Jacobian of the softmax, by hand:

```python
def softmax_grad(s):
    jacobian = np.diag(s)
    for i in range(len(jacobian)):
        for j in range(len(jacobian)):
            if i == j:
                jacobian[i][j] = s[i] * (1 - s[i])
            jacobian[i][j] = -s[i] * s[j]
    return jacobian
```
'''

RIGHT = '''The Jacobian of the softmax:

```python
def softmax_grad(s):
    return np.diag(s) - np.outer(s, s)
```
'''


def _audit(tmp_path, capsys, text):
    doc = tmp_path / "doc.md"
    doc.write_text(text, encoding="utf-8")
    status = main(["audit", str(doc), "--format", "json"])
    return status, [r for r in json.loads(capsys.readouterr().out) if r["kind"] == "code"]


def test_a_missing_else_is_refuted(tmp_path, capsys):
    status, recs = _audit(tmp_path, capsys, WRONG)
    assert status == 1 and len(recs) == 1
    r = recs[0]
    assert r["verdict"] == "refuted" and "overwritten" in r["reason"], r
    assert r["counterexample"]["lhs"] != r["counterexample"]["rhs"]
    assert r["location"]["line"] == 4 and "def softmax_grad" in r["latex"]


def test_a_correct_jacobian_holds(tmp_path, capsys):
    status, recs = _audit(tmp_path, capsys, RIGHT)
    assert [r["verdict"] for r in recs] == ["verified"], recs
    assert status == 0


EVIL = '''The softmax Jacobian, by hand:

```python
def softmax_grad(s):
    jacobian = np.diag(s)
    x = "__import__('os').system('touch {marker}')"
    for i in range(len(jacobian)):
        for j in range(len(jacobian)):
            jacobian[i][j] = x
    return jacobian
```
'''


def test_a_string_in_document_code_is_never_evaluated(tmp_path, capsys):
    """The symbolic reading once turned a string constant into SymPy with sympify, which
    evaluates it: the document's code ran.  A string is now refused, the function unread."""
    marker = tmp_path / "PWNED"
    status, recs = _audit(tmp_path, capsys, EVIL.format(marker=marker))
    assert not marker.exists()
    assert [r["verdict"] for r in recs] == ["unknown"], recs
    assert "string" in recs[0]["reason"]
