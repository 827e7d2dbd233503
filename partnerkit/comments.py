"""Free-text comments: never shown unless asked for, and then only for groups of ``min_n``+.

Comment columns are found by their headers (Kommentar, Bemærkninger, Uddyb,
Forslag, Comment, Remarks, Suggestions...). Personal-data columns are dropped
on reading and never reach this point.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .grouping import GroupKey, group_labels
from .survey import Survey

if TYPE_CHECKING:
    import pandas as pd

_COMMENT = re.compile(
    r"kommentar|bemærk|uddyb|forslag|fritekst|comment|remark|suggest|free.?text|feedback",
    re.IGNORECASE,
)


def comment_columns(survey: Survey) -> list[str]:
    """The survey's free-text comment columns, by their headers."""
    return [c for c in survey.other_columns if _COMMENT.search(c)]


def collect_comments(
    survey: Survey, keys: Sequence[GroupKey], min_n: int, lang: str
) -> pd.DataFrame:
    """The comments of every group with at least ``min_n`` respondents.

    Returns
    -------
    pandas.DataFrame
        Columns: the grouping keys, ``column`` and ``text``; groups below ``min_n``
        contribute nothing.
    """
    import pandas as pd

    names = [k.name for k in keys]
    columns = comment_columns(survey)
    out_columns = [*names, "column", "text"]
    if not columns:
        return pd.DataFrame(columns=out_columns)
    labels = pd.DataFrame({k.name: group_labels(survey, k, lang) for k in keys})
    if names:
        size = labels.groupby(names)[names[0]].transform("size").to_numpy()
    else:
        size = np.full(len(survey.data), len(survey.data))
    parts = []
    for column in columns:
        text = survey.data[column].astype(object)
        keep = text.notna().to_numpy() & (size >= min_n)
        if not keep.any():
            continue
        part = labels.loc[keep].copy() if names else pd.DataFrame(index=range(int(keep.sum())))
        part["column"] = column
        part["text"] = [" ".join(str(v).split()) for v in text[keep]]
        parts.append(part.reset_index(drop=True))
    if not parts:
        return pd.DataFrame(columns=out_columns)
    return pd.concat(parts, ignore_index=True)[out_columns]
