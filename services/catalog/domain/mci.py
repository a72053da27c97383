"""The Material Circularity Indicator: the calculator of the hub.

The arithmetic lives in the kernel (``shared.mci``) since the circular service keeps an MCI as
the baseline of every transition journey: one formula, computed the same way in both places.
"""

from shared.mci import UTILITY_NUMERATOR, MciInput, MciResult, material_circularity

__all__ = ["UTILITY_NUMERATOR", "MciInput", "MciResult", "material_circularity"]
