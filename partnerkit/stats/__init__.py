"""Statistics: intervals, reliability, group comparisons and p-value adjustment.

One package, a module per family (pingouin's shape: arrays or a DataFrame
in, numbers or a tidy DataFrame out, with the method and its reference named
in the Notes). scipy is imported inside the functions, so importing the
package is cheap.
"""

from __future__ import annotations

from .intervals import t_interval
from .reliability import item_statistics, scale_reliability

__all__ = ["item_statistics", "scale_reliability", "t_interval"]
