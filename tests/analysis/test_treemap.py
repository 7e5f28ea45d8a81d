"""The squarified layout: exact tiling, areas proportional to values, near-square tiles."""
import itertools
import random
import sys

import pytest

from analysis_harness import REPO

sys.path.insert(0, str(REPO / "scripts"))
from scan_analysis.treemap import Rect, squarify  # noqa: E402


def overlap(a: Rect, b: Rect) -> float:
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return max(w, 0) * max(h, 0)


def test_paper_example():
    """Bruls et al.'s example, 6 6 4 3 2 2 1 in a 6 x 4 rectangle: the two 6s make a column
    of 3 x 2 tiles (a third tile would worsen it), then 4 and 3 a row of height 7/3 on top of
    what is left."""
    rects = squarify([6, 6, 4, 3, 2, 2, 1], Rect(0, 0, 6, 4))
    assert rects[0] == pytest.approx(Rect(0, 0, 3, 2))
    assert rects[1] == pytest.approx(Rect(0, 2, 3, 2))
    assert rects[2] == pytest.approx(Rect(3, 0, 12 / 7, 7 / 3))
    assert rects[3] == pytest.approx(Rect(3 + 12 / 7, 0, 9 / 7, 7 / 3))


@pytest.mark.parametrize("seed", range(20))
def test_random_values_tile_the_rectangle(seed):
    rng = random.Random(seed)
    values = sorted((rng.paretovariate(1.2) for _ in range(rng.randint(1, 60))), reverse=True)
    box = Rect(10, 20, rng.uniform(50, 900), rng.uniform(50, 600))
    rects = squarify(values, box)
    assert len(rects) == len(values)
    total = sum(values)
    for v, r in zip(values, rects):
        assert r.w * r.h == pytest.approx(v / total * box.w * box.h, rel=1e-6)
        assert box.x - 1e-6 <= r.x and r.x + r.w <= box.x + box.w + 1e-6
        assert box.y - 1e-6 <= r.y and r.y + r.h <= box.y + box.h + 1e-6
    for a, b in itertools.combinations(rects, 2):
        assert overlap(a, b) < 1e-6 * box.w * box.h


def test_degenerate_inputs():
    assert squarify([], Rect(0, 0, 10, 10)) == []
    assert squarify([1.0], Rect(0, 0, 0, 10)) == [Rect(0, 0, 0.0, 0.0)]
    assert squarify([5.0], Rect(0, 0, 4, 2)) == [Rect(0, 0, 4, 2)]
