"""Round 9's mends (tests/adversarial/round9/FINDINGS.md): a one-hot or sum-to-one cue under a
negation, a hedge or a counterfactual (English, French, German, Chinese) states nothing."""
import pytest

from symderiv.read.prose import _sum_to_one_cues


@pytest.mark.parametrize("text", [
    "where $y$ is far from one-hot (raw counts), the shortcut fails",
    "had $y$ been one-hot, we would get this",
    "the one-hot assumption fails (the targets are counts)",
    "$y$ is one-hot only at the first step",
    "$y$ is hardly one-hot",
    "one-hot targets would give the textbook result",
    "in contrast with one-hot targets, $y$ holds counts",
    "ici $y$ n'est pas un vecteur one-hot",
    "hier ist $y$ kein one-hot Vektor",
    "这里 $y$ 不是 one-hot 向量",
])
def test_a_denied_or_hedged_cue_states_nothing(text):
    assert _sum_to_one_cues(text) == []


@pytest.mark.parametrize("text", [
    "where $y$ is a one-hot vector.",
    "against a one-hot label $y$",
    "where the targets sum to one, $\\sum_k t_k = 1$.",
    "On a dit que $y$ est un vecteur one-hot.",
    "不妨设 $y$ 是 one-hot 向量",        # "let us assume y is one-hot": an affirmation
])
def test_a_plain_cue_is_still_read(text):
    assert len(_sum_to_one_cues(text)) == 1
