r"""What the prose of a worked example says its vectors are.

"Here $Z$ is the layer output before applying the softmax activation function, while $A$ is
the activation": A = softmax(Z), stated by the text in words (no doubt: the sentence names
the function, the vector it is applied to and the one it gives).  Only the catalogue's vector
functions (softmax and its spellings) are read so; any other wording is left alone.
"""
from __future__ import annotations

import re

__all__ = ["activation_definitions"]

_NAME = r"\$\s*(?P<{0}>[^$\n]{{1,30}}?)\s*\$"
_ACTIVATION = re.compile(
    _NAME.format("z") + r"\s+(?:is|are|denotes)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:outputs?|inputs?|logits?|scores?|pre-?activations?)\b[^$.;]{0,60}?\bbefore\s+"
    r"(?:applying\s+|the\s+application\s+of\s+)?(?:the\s+)?(?P<f>soft-?max)\b"
    r"(?:\s+(?:activation\s+)?function|\s+activation|\s+layer)?\s*,?\s*"
    r"(?:while|and|whereas)\s+" + _NAME.format("a") +
    r"\s+(?:is|denotes)\s+(?:the|its)\s+(?:activations?|outputs?)\b", re.I)

_SPELLING = {"softmax": "\\mathrm{softmax}"}


def activation_definitions(text: str) -> list[tuple[int, int, str]]:
    r"""(offset, line, "A = softmax(Z)") for each such sentence.

    >>> activation_definitions("Here $ Z $ is the layer output before applying the SoftMax "
    ...                        "activation function, while $ A $ is the activation.")
    [(87, 1, 'A = \\mathrm{softmax}(Z)')]
    >>> activation_definitions("Here $Z$ is the output before the ReLU, while $A$ is the "
    ...                        "activation.")
    []
    """
    out = []
    for m in _ACTIVATION.finditer(text):
        z, a = m.group("z").strip(), m.group("a").strip()
        if "=" in z or "=" in a or z == a:
            continue
        f = _SPELLING[m.group("f").lower().replace("-", "")]
        out.append((m.start("a") - 1, text.count("\n", 0, m.start()) + 1, f"{a} = {f}({z})"))
    return out
