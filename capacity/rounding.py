"""Rounding counts up without being fooled by float noise."""

import math

# ceil() of a float product such as 3 x 0.1 / 0.05 must not round 6.000000000000001 up to 7.
_CEIL_TOLERANCE = 1e-9


def ceil_tolerant(value: float) -> int:
    return math.ceil(value - _CEIL_TOLERANCE)
