"""Prose cues of a document, read from its text alone (no SymPy): sentences and sections, the
cues that introduce a worked example, a definition, a correction or a denial, case headings, and
statements that a label vector sums to one."""
from __future__ import annotations

import bisect
import functools
import re

_SENTENCE_END = re.compile(r"[.!?;](?=\s)|\n\s*\n(?!\s*(\$\$|\\\[|\\begin))")


# a display followed by a capital letter also ends a sentence ("\end{align} For $i \neq j$ ...")
_AFTER_DISPLAY = re.compile(r"(\$\$|\\\]|\\end\{[A-Za-z*]+\})\s+(?=[A-Z])")


@functools.lru_cache(maxsize=8)
def _sentence_ends(text: str) -> tuple[list[int], list[int]]:
    """The sentence ends of *text*, once per text: (their starts, sorted; their ends, sorted)."""
    ends = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)]
    ends += [(m.end(1), m.end()) for m in _AFTER_DISPLAY.finditer(text)]
    return sorted(a for a, _ in ends), sorted(b for _, b in ends)


def _sentence(text: str, offset: int) -> tuple[int, int]:
    """The span of the prose sentence around *offset* (formulas count as words)."""
    starts, stops = _sentence_ends(text)
    k = bisect.bisect_right(stops, max(offset, 0))
    start = stops[k - 1] if k else 0
    k = bisect.bisect_left(starts, offset)
    end = starts[k] if k < len(starts) else len(text)
    return start, end


_SECTION = re.compile(r"\n\s*(#|\\(sub)*section\b|\\paragraph\b)")


def _section_end(text: str, offset: int) -> int:
    """Where the section holding *offset* ends (the next heading, or the end)."""
    m = _SECTION.search(text, max(offset, 0))
    return m.start() if m else len(text)


_EXAMPLE_CUE = re.compile(r"\b(take|let|set|suppose|consider|choose|pick|say|example|instance|"
                          r"with|given|using|plug)\b", re.I)


def _introduces_example(text: str, offset: int) -> bool:
    """The sentence before the formula reads like a worked example ("take $T = 2$")."""
    start, _ = _sentence(text, offset)
    return bool(_EXAMPLE_CUE.search(text, start, offset))


_DEFINING_CUE = re.compile(r"\b(let|define[sd]?|denote[sd]?|consider|another|instead|now use|"
                           r"switch|for (the |a |an )?[\w-]*(entropy|loss|cost|error)|"
                           r"(loss|cost) (is|function))\b", re.I)
_NEGATIVE_CUE = re.compile(r"\b(wrong|mistake|incorrect|error|typo|bug|not|false)\b", re.I)


def _introduces_definition(text: str, offset: int) -> bool:
    """The sentence before the formula defines something anew ("and for cross-entropy cost")
    and does not call it wrong."""
    start, _ = _sentence(text, offset)
    before = text[start:offset]
    return bool(_DEFINING_CUE.search(before)) and not _NEGATIVE_CUE.search(before)


_CORRECTING_CUE = re.compile(r"\b(should (be|read|have been)|corrected|"
                             r"correction|correct (one|form|version|value)|instead|actually|"
                             r"in fact|rather)\b", re.I)


_DENIED = re.compile(r"\b((is|are|was|were) (not|never|false|wrong|incorrect)|not true|"
                     r"false|wrong|incorrect|mistaken|a (common )?(mistake|confusion|error))\b",
                     re.I)


_CONTRAST = re.compile(r"\b(but|rather|instead|however)\b", re.I)


def _denied(text: str, offset: int) -> bool:
    """The sentence around the formula says it is false ("$\\text{ReLU}(x) = x\\sigma(x)$ is
    false"): a claim the text rejects, never a definition — unless a contrast comes between
    the denial and the formula ("$a_i$ is not $\\sigma(z_i)$ but the softmax $a_i = …$")."""
    start, end = _sentence(text, offset)
    sentence = re.sub(r"[*_]", "", text[start:end])   # **not** true
    m = _DENIED.search(sentence)
    if not m:
        return False
    here = offset - start
    if m.start() >= here:   # "$A$ is false": no other formula between this one and the cue
        seg = sentence[max(here, 0):m.start()]
        if _MATH_START.match(seg):
            between = _MATH_START.sub("", seg, count=1)
        else:                # the offset is inside the formula: skip to its closing sign
            close = re.search(r"\$+|\\\]", seg)
            between = seg[close.end():] if close else ""
    else:                   # "it is not $A$", "a common mistake: $A$" (not its own "$")
        between = re.sub(r"(\$\$|\$|\\\[)\s*\Z", "", sentence[m.end():max(here, 0)].rstrip())
    if "$" in between or "\\[" in between:
        return False        # the denial is another formula's ("..., so $A$, and not $B$")
    return not (m.start() < here and _CONTRAST.search(text[start:end], m.end(), max(here, 0)))


_MATH_START = re.compile(r"^\s*(\$\$.*?\$\$|\$[^$]*\$|\\\[.*?\\\])", re.S)


def _corrects(text: str, offset: int) -> bool:
    """The sentence before the formula says an earlier one was wrong and gives it anew
    ("your $O_2$ is mistaken and should be corrected as below")."""
    start, _ = _sentence(text, offset)
    return bool(_CORRECTING_CUE.search(text, start, offset))


_CASE_LINE = re.compile(
    r"^[ ]{0,3}(?:#+[ \t]*)?(?:\*\*)?(?:case|when|for)\b[ \t]*:?[ \t]*\$?[ \t]*([A-Za-z])[ \t]*"
    r"(==|=|!=|≠|\\neq?|\\ne)[ \t]*([A-Za-z])[ \t]*\$?[ \t]*:?(?:\*\*)?[ \t]*$", re.I | re.M)


def _case_headings(text: str) -> list[tuple[int, int, str]]:
    """Lines such as "Case: i == j" (a heading of its own): (from, to, condition) — a case
    holds until the next case line or heading."""
    found = [(m.start(), m.group(1), m.group(2), m.group(3)) for m in _CASE_LINE.finditer(text)]
    out = []
    for n, (start, a, op, b) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(text)
        heading = _SECTION.search(text, start + 1, end)
        if heading:
            end = heading.start()
        if a != b:
            out.append((start, end, f"{a} = {b}" if op in ("=", "==") else f"{a} \\neq {b}"))
    return out


def _case_at(cases, offset: int) -> str | None:
    for a, b, c in cases:
        if a <= offset < b:
            return c
    return None


_THROUGHOUT = re.compile(r"\b(throughout|always|everywhere|in (all|every)|for all (the )?"
                         r"(formulas|examples)|(in )?(this|the whole|the entire) (post|note|"
                         r"lecture|chapter|text|paper|article|section))\b", re.I)
_SUM_TO_ONE = re.compile(r"\bone[- ]hot\b|\bprobability (vector|distribution)s?\b|"
                         r"\b(sums?|adds? up) to (one|1)\b", re.I)


def _sum_to_one_cues(text: str) -> list[tuple[None, int, str]]:
    """Prose saying a label vector sums to one ("y is a one-hot vector", "t is a probability
    distribution"): the condition Σ_k t_k = 1 the engine finds a claim needs is stated there."""
    cues = list(_SUM_TO_ONE.finditer(text))
    denied = [m for m in cues if _denied_cue(text, m)]
    found = [m for m in cues if m not in denied]
    said = {m.start(): f"'{m.group(0)}'" for m in found}
    if _SOFTMAX_CE.search(text) and _CROSS_ENTROPY.search(text) and not denied:
        # the targets of a softmax cross-entropy, one class or a distribution, sum to one
        for m in _TRUE_LABELS.finditer(text):
            if not _denied_cue(text, m):
                said[m.start()] = f"'{m.group(0)}' of a softmax cross-entropy"
    return [(None, text.count("\n", 0, at) + 1, what) for at, what in sorted(said.items())]


# "... to sum to one, which is not the case here", "... one-hot, but they are not"
_DENIED_AFTER = re.compile(r"[^.;:\n]*?(?:\b(?:which|that|this)\s+is\s+(?:not|n't)\b|"
                           # "one-hot only at the first step", "the assumption fails",
                           # "one-hot targets would give": a cue hedged after it
                           r"\bonly\s+(?:at|in|for|when|on|if)\b|\b(?:fails?|would)\b|"
                           r"\b(?:is|are)\s+(?:false|not true|not the case)\b|"
                           r"\bbut\s+(?:they|it|these|the \w+)\s+(?:are|is|do|does)\s*(?:not|n't)\b|"
                           r"\b(?:does|do)\s*(?:not|n't)\s+hold\b)", re.I)


def _denied_cue(text: str, m) -> bool:
    """The cue is denied in its clause before it (back to a comma, or in the four words
    before it: "unlike soft labels, which need not sum to one, our y is one-hot" is not
    denied, "y is not, as often assumed, one-hot" is), or by what its sentence says after
    it."""
    before = _clause_before(text, m)
    words = " ".join(before.split()[-4:])
    return bool(_NEGATED.search(before.rsplit(",", 1)[-1]) or _NEGATED.search(words) or
                _DENIED_AFTER.match(text, m.end(), min(len(text), m.end() + 200)))



_TRUE_LABELS = re.compile(r"\b(?:true|correct|target|ground[- ]truth)\s+(?:class\s+)?labels?\b",
                          re.I)
_SOFTMAX_CE = re.compile(r"\bsoft-?max\b", re.I)
_CROSS_ENTROPY = re.compile(r"\bcross[- ]entropy\b", re.I)


# "unlike the one-hot case", "not a probability distribution", "instead of one-hot labels":
# the cue is denied in its own clause
_NEGATED = re.compile(r"\b(unlike|not|no longer|instead of|rather than|except|never|"
                      r"isn't|aren't|doesn't|don't|neither|nor|without|"
                      # hedges and counterfactuals: "far from one-hot", "had y been one-hot"
                      r"far from|hardly|barely|scarcely|had|contrast|"
                      # French and German negations: "n'est pas", "kein", "nicht", "sondern"
                      r"pas|plutôt|kein|keine|keinen|nicht|sondern)\b"
                      # Chinese negations (no word boundaries): 不是, 并非, 不再, 而非 — not
                      # 不妨 ("let us assume"), 不失一般性 ("without loss of generality"), 非常
                      r"|不是|并非|不再|而非|非(?!常)|不(?!妨|失一般性)", re.I)


def _clause_before(text: str, m) -> str:
    """The words of the cue's clause before it (back to the last . ; : or line break)."""
    start = max(text.rfind(c, 0, m.start()) for c in ".;:\n。；！？") + 1
    return text[start:m.start()]


# "where $a_i$ is $\text{Softmax}(z_i)$.", "here $s$ denotes $\sigma(x)$": a name the prose
# explains by a formula (the whole object of the verb, up to the end of its clause)
_PROSE_DEF = re.compile(
    r"\b(?:where|here|with)\s+\$(?P<name>[^$\n]{1,40})\$\s+"
    r"(?:is|denotes|represents|stands for|means|is (?:given|defined) (?:by|as))\s+"
    r"\$(?P<value>[^$\n]{1,300})\$(?=\s*(?:[.,;:)]|$|and\b|for\b))"
    r"(?!\s*,?\s*(?:for (?:example|instance)|e\.g\.|say\b|perhaps|maybe))", re.I | re.M)


def prose_definitions(text: str) -> list[tuple[int, int, str]]:
    """(offset, line, "name = formula") for each name the prose defines by a formula
    ("where $a_i$ is $\\text{Softmax}(z_i)$") — outside code blocks.

    >>> prose_definitions("Where $a_i$ is $\\\\text{Softmax}(z_i)$.")
    [(6, 1, 'a_i = \\\\text{Softmax}(z_i)')]
    >>> prose_definitions("where $x$ is $2$ times the input")
    []
    """
    out = []
    for m in _PROSE_DEF.finditer(text):
        if "=" in m.group("name") or "=" in m.group("value"):
            continue
        out.append((m.start("name") - 1, text.count("\n", 0, m.start()) + 1,
                    f"{m.group('name').strip()} = {m.group('value').strip()}"))
    from .worked_vectors import activation_definitions   # "… before the softmax, while $A$
    out += activation_definitions(text)                    # is the activation": A = softmax(Z)
    for m in _ONES_DEF.finditer(text):   # "let $u$ be the vector of all ones": u = 1
        out.append((m.start("name") - 1, text.count("\n", 0, m.start()) + 1,
                    f"{m.group('name').strip()} = \\mathbf{{1}}"))
    return sorted(out)


# "Let $u$ be the vector of all ones", "where $u$ is the all-ones vector", "$\mathbf{u}$
# denotes a vector of ones": the vector of ones (its length is its context's)
_ONES_DEF = re.compile(
    r"\b(?:let|where|here|and|with)\s+\$(?P<name>\s*(?:\\mathbf\{\s*[A-Za-z]\s*\}|[A-Za-z])\s*)\$"
    r"\s+(?:be|is|denotes?|stands? for)\s+(?:the|a)\s+(?:(?:column\s+)?vector\s+of\s+(?:all\s+)?"
    r"ones|all[- ]ones?\s+(?:column\s+)?vector)\b", re.I)


# a text about neural networks that names the sigmoid (or the logistic function) means it by
# "Sig": its abbreviations are the sigmoid there, without a doubt
_NETWORK_CUE = re.compile(r"\b(neural net(work)?s?|activations?|sigmoid|logistic|ReLU|"
                          r"back-?propagation|hidden (layer|unit)s?)\b", re.I)


def confirmed_vocabulary(text: str) -> tuple[str, ...]:
    """The catalogue abbreviations the document's subject confirms (``Sig`` → the sigmoid).

    >>> confirmed_vocabulary("a neural network with a ReLU and a Sig unit")
    ('Sig', 'sig', 'sigm')
    >>> confirmed_vocabulary("the signal Sig of the filter")
    ()
    """
    parts = re.split(r"\n(?=# \S)", text)   # every part of a collection confirms it
    # (a part that is only a comment, such as a source line before the title, says nothing)
    parts = [p for p in parts if re.sub(r"<!--.*?-->", "", p, flags=re.S).strip()]
    return ("Sig", "sig", "sigm") if parts and all(
        len({m.group(0).lower()[:5] for m in _NETWORK_CUE.finditer(part)}) >= 2
        for part in parts) else ()
