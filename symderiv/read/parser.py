r"""The parser: a Lark LALR grammar over the pre-lexer's terminals.

The grammar file and the transformer are parameters of :class:`GrammarParser`, so a dialect is
a subclass (or another ``.lark`` file) rather than an edit of the reader.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lark import Lark
from lark.exceptions import UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer


class _Given(Lexer):
    """Lark's lexer slot: the terminals were made by :class:`~symderiv.read.scan.PreLexer`."""

    def __init__(self, lexer_conf):
        pass

    def lex(self, data):
        yield from data


_HINTS = {
    "DOP": ("an operator has nothing to apply to",
            "write its argument after it, e.g. \\frac{d}{dx} f(x)"),
    "BIGOP": ("a sum or product has nothing to sum",
              "write its summand after it, e.g. \\sum_k z_k"),
    "PM": ("a sign with nothing after it", "write the term after the sign"),
    "MULOP": ("an operator with nothing after it", "write the factor after the operator"),
    "FUNC": ("a function has no argument", "write e.g. \\log(x)"),
    "PARTIAL": ("a \\partial outside a derivative",
                "write \\frac{\\partial A}{\\partial B} or \\partial A / \\partial B"),
}


class GrammarParser:
    """Parse a list of terminals with *grammar* (a ``.lark`` text) and return the tree."""

    def __init__(self, grammar: str):
        self.lark = Lark(grammar, parser="lalr", lexer=_Given, start="start",
                         propagate_positions=False, maybe_placeholders=False)

    def parse(self, terminals: list, view, a: int):
        """The tree for *terminals* (from tokens ``[a, ...)`` of *view*), or a LatexError."""
        try:
            return self.lark.parse(terminals)
        except UnexpectedInput as e:
            raise self._error(e, terminals, view, a) from None

    @staticmethod
    def _error(e, terminals, view, a):
        if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken)
                                            and e.token.type == "$END"):
            last = terminals[-1] if terminals else None
            if last is not None and last.type in _HINTS:
                reason, hint = _HINTS[last.type]
                return view.err(reason, last.value.start, hint)
            return view.err("the expression ends too early", a, "complete the expression")
        tok = e.token
        at = tok.value.start if hasattr(tok.value, "start") else a
        prev = None
        for n, t in enumerate(terminals):
            if t is tok and n:
                prev = terminals[n - 1]
        if prev is not None and prev.type in _HINTS and prev.type != "FUNC":
            reason, hint = _HINTS[prev.type]
            return view.err(reason, prev.value.start, hint)
        if tok.type in ("RPAR", "RBRACK", "RBRACE", "RSET", "RBAR"):
            return view.err("empty parentheses", at, "put an expression inside")
        if tok.type == "PARTIAL":
            reason, hint = _HINTS["PARTIAL"]
            return view.err(reason, at, hint)
        near = view.src(at, min(at + 3, len(view.toks)))
        return view.err(f"cannot read the expression near {near!r}", at,
                        "check the operators and brackets")


@lru_cache(maxsize=None)
def default_parser() -> GrammarParser:
    text = resources.files("symderiv.read").joinpath("grammar.lark").read_text(encoding="utf-8")
    return GrammarParser(text)
