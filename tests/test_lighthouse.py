"""The Lighthouse report's CPU calibration (tests/lighthouse.py, make lighthouse CALIBRATE=1)."""

from __future__ import annotations

import pytest

from .lighthouse import cpu_multiplier


@pytest.mark.parametrize(("index", "multiplier"), [
    (2000, 6.0), (1533, 4.0), (1300, 3.0), (1050, 2.5), (800, 2.0), (150, 1.0), (90, 1.0),
])
def test_the_cpu_slowdown_follows_lighthouses_throttling_calculator(index: float,
                                                                    multiplier: float) -> None:
    """The preset's 4x belongs to a host of index 1,533; slower hosts need less."""
    assert cpu_multiplier(index) == pytest.approx(multiplier, abs=0.01)
