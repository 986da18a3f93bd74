"""Every link of a chain carries its own verbatim text (DESIGN.md: links[].claim)."""
from symderiv import check


def test_each_link_quotes_its_part_of_the_chain():
    v = check(r"a &= \frac{b}{c} = \frac{1}{2} \approx 0.5", [r"a = \frac{1}{2}", "b = 1", "c = 2"])
    assert [link.claim for link in v.links] == [
        r"a = \frac{b}{c}", r"\frac{b}{c} = \frac{1}{2}", r"\frac{1}{2} \approx 0.5"]
    assert [link.status for link in v.links] == ["proved", "proved", "verified"]


def test_a_wrong_link_is_the_one_quoted():
    v = check(r"y = 2x = 3x", ["y = 2x"])
    assert v.status == "refuted"
    assert [link.claim for link in v.links if link.status == "refuted"] == ["2x = 3x"]
