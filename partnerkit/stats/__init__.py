"""Statistics: intervals, reliability, group comparisons and p-value adjustment.

One package, a module per family (pingouin's shape: arrays or a DataFrame
in, numbers or a tidy DataFrame out, with the method and its reference named
in the Notes). scipy is imported inside the functions, so importing the
package is cheap.
"""

from __future__ import annotations

from .alpha import item_statistics, scale_reliability
from .compare import (
    adjust_p,
    brunner_munzel,
    cliffs_delta,
    effect_band,
    g_av,
    g_band,
    games_howell,
    hedges_g,
    kruskal_wallis,
    mann_whitney,
    paired_rank_biserial,
    paired_t_test,
    partial_overlap_t_test,
    welch_anova,
    welch_from_moments,
    welch_test,
    wilcoxon_signed_rank,
)
from .intervals import t_interval

__all__ = [
    "adjust_p",
    "brunner_munzel",
    "cliffs_delta",
    "effect_band",
    "g_av",
    "g_band",
    "games_howell",
    "hedges_g",
    "item_statistics",
    "kruskal_wallis",
    "mann_whitney",
    "paired_rank_biserial",
    "paired_t_test",
    "partial_overlap_t_test",
    "scale_reliability",
    "t_interval",
    "welch_anova",
    "welch_from_moments",
    "welch_test",
    "wilcoxon_signed_rank",
]
