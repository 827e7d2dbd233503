"""Result records as plain Python values, shared by the JSON and CSV writers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def plain(value: object) -> object:
    """A JSON-ready value: numpy scalars unwrapped, NaN and NA as None."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return value


def to_records(frame: pd.DataFrame) -> list[dict]:
    """Rows of ``frame`` as dicts of plain values, column order kept.

    Converted column by column: numbers through numpy's ``tolist`` (NaN as None),
    only cells of other columns one by one through :func:`plain`.
    """
    import numpy as np

    columns = list(frame.columns)
    values = []
    for j in range(len(columns)):
        column = frame.iloc[:, j]
        kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else "O"
        if kind in "iub":
            values.append(column.to_numpy().tolist())
        elif kind == "f":
            array = column.to_numpy()
            cells = array.astype(object)
            cells[np.isnan(array)] = None
            values.append(cells.tolist())
        else:  # texts, and nullable numbers (Int64), whose missing values are pd.NA
            values.append(_plain_cells(column.to_numpy(dtype=object)))
    if not columns:
        return [{} for _ in range(len(frame))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


#: Types whose values :func:`plain` returns as they are (a float NaN as None).
_NATIVE = frozenset({type(None), str, bool, int, float})


def _plain_cells(cells) -> list:
    """``[plain(v) for v in cells]`` (an object array): a column of Python texts, numbers
    and None as it is, NaN as None, without a call per cell (the 1,000 area files' JSON
    had 180,000 such cells, most of its time); other columns cell by cell."""
    import numpy as np

    if not set(map(type, cells)) <= _NATIVE:
        return [plain(v) for v in cells]
    out = cells.tolist()
    for i in np.flatnonzero(cells != cells).tolist():  # only NaN differs from itself
        out[i] = None
    return out
