"""Role columns as the rest of partnerkit sees them: actor types, respondent ids, texts.

Role values are normalised once per distinct value and kept as categoricals:
actors become the instrument's actor ids (directly, by an alias, or through an
actor map), respondent ids whole numbers or stripped texts, other roles stripped
texts (``2023.0`` reads ``2023``).

An actor map turns free-text actor answers ("Varde Kommune", "Boligselskabet
Vest") into actor types. It is a CSV file with two columns: the answer as
respondents wrote it, and the actor type (its name in any language, an alias or
its id). A header row is allowed. Matching ignores case and spacing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputFileError, SurveyReadError
from ..i18n import Message
from ..instrument import Instrument
from ..text import CONTROL, as_label, norm_header, short, without_controls
from .files import check_input_path, sniff_delimiter, sniff_encoding

if TYPE_CHECKING:
    import pandas as pd

_HEADER_WORDS = {"actor", "actor type", "aktør", "aktørtype", "type", "actor_type"}


def read_actor_map(path: str | Path, instrument: Instrument) -> dict[str, str]:
    """Normalised answer text to actor id, from the two-column CSV at ``path``."""
    path = Path(path)
    check_input_path(path)
    data = path.read_bytes()
    encoding = sniff_encoding(data[:4096], path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            Message("error.actor_map_decode", path=path, encoding=encoding)
        ) from exc
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text[:65536])))
    mapping: dict[str, str] = {}
    known = ", ".join(a.label(instrument.language) for a in instrument.actors)
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise SurveyReadError(Message("error.actor_map_row", path=path, row=number))
        actor = instrument.actor_lookup.get(norm_header(cells[1]))
        if actor is None:
            if number == 1 and norm_header(cells[1]) in _HEADER_WORDS:  # "answer,actor"
                continue
            raise SurveyReadError(
                Message(
                    "error.actor_map_actor",
                    path=path,
                    row=number,
                    actor=cells[1],
                    instrument=instrument.id,
                    known=known,
                )
            )
        mapping[norm_header(cells[0])] = actor.id
    return mapping


def as_actor_map(spec: str | Path | Mapping[str, str] | None, instrument: Instrument) -> dict:
    """An actor map from a CSV path or a mapping of answer to actor type (None: empty)."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        out = {}
        for answer, name in spec.items():
            actor = instrument.actor_lookup.get(norm_header(name))
            if actor is None:
                raise SurveyReadError(Message("error.actor_map_name", name=name))
            out[norm_header(answer)] = actor.id
        return out
    return read_actor_map(spec, instrument)


# ------------------------------------------------------------- role columns


def role_columns(
    columns: Mapping[str, pd.Series],
    instrument: Instrument,
    actor_map: Mapping[str, str],
    name: str,
) -> tuple[dict[str, object], list[str]]:
    """Role columns (role name to the column's values) normalised, with ``sector`` from the
    actors, and a warning naming actor values that are not actor types of the instrument.

    ``name`` (the file) heads the warning.
    """
    roles: dict[str, object] = {}
    warnings: list[str] = []
    for role, series in columns.items():
        controlled = _with_controls(series) if role != "respondent" else []
        if controlled:  # removed below, by as_shown
            listed = ", ".join(repr(short(v, 60)) for v in controlled[:5])
            warnings.append(Message("warn.controls", name=name, role=role, listed=listed))
        if role == "actor":
            roles[role], unknown = _canonical_actors(series, instrument, actor_map)
            roles["sector"] = sectors_of(roles[role], {a.id: a.sector for a in instrument.actors})
            if unknown:
                listed, more = _not_known(unknown)
                warnings.append(
                    Message(
                        "warn.unknown_actors",
                        name=name,
                        listed=listed,
                        more=more,
                        instrument=instrument.id,
                    )
                )
        elif role == "respondent":
            roles[role] = _ids(series)
        elif role == "organisation" and instrument.organisations:
            roles[role], unknown = _canonical(series, instrument.organisation_lookup, {})
            if unknown:
                listed, more = _not_known(unknown)
                warnings.append(
                    Message(
                        "warn.unknown_organisations",
                        name=name,
                        listed=listed,
                        more=more,
                        instrument=instrument.id,
                    )
                )
        else:
            roles[role] = _as_text(series)
    if "organisation" in roles and "actor" not in roles and instrument.organisations:
        # no actor-type column: each respondent's type is its organisation's
        of = {o.id: o.actor for o in instrument.organisations}
        roles["actor"] = roles["organisation"].map(of)
        roles["sector"] = roles["actor"].map({a.id: a.sector for a in instrument.actors})
    return roles, warnings


def sectors_of(actors: pd.Categorical, sectors: Mapping[str, str]):
    """``actors.map(sectors)``, the actor types' categories mapped once per distinct set.

    pandas maps the categories anew on every call: 0.45 ms a file, 0.45 s of 1,000
    small files (issue 23). Here pandas' own ``map`` runs on the categories alone (each
    once, the codes 0..k-1), and the rows take the same two ways as in ``map``: a
    categorical of the rows' codes when the mapped categories are distinct, else the
    mapped categories (with a missing one for missing rows) taken at the codes.
    """
    import pandas as pd

    if np.nan in sectors:  # missing rows then mapped too: pandas' own way
        return actors.map(sectors)
    categories = actors.categories
    key = (tuple(categories), str(categories.dtype), actors.ordered, tuple(sectors.items()))
    mapped = _SECTORS.get(key)
    if mapped is None:
        every = pd.Categorical.from_codes(np.arange(len(categories)), dtype=actors.dtype)
        mapped = every.map(sectors)
        if len(_SECTORS) >= 256:
            _SECTORS.clear()
        _SECTORS[key] = mapped
    codes = actors.codes
    if isinstance(mapped, pd.Categorical):
        return pd.Categorical.from_codes(codes.copy(), dtype=mapped.dtype, validate=False)
    if (codes == -1).any():
        mapped = mapped.insert(len(mapped), sectors.get(np.nan, np.nan))
    return np.take(mapped, codes)


#: the actor types' categories mapped to sectors, by categories and sectors (sectors_of)
_SECTORS: dict[tuple, object] = {}


def _not_known(unknown: list[str]) -> tuple[str, str]:
    """A warning's unknown values: the first five listed, and " ..." when there are more."""
    listed = ", ".join(repr(short(str(u), 60)) for u in unknown[:5])
    return listed, " ..." if len(unknown) > 5 else ""


def constant(value: str, count: int) -> pd.Categorical:
    """``count`` times ``value``, as a categorical (a round or area from a name)."""
    import pandas as pd

    return pd.Categorical.from_codes(np.zeros(count, dtype=np.int64), dtype=_only(value))


@lru_cache(maxsize=4096)
def _only(value: str) -> pd.CategoricalDtype:
    """The categorical type of the one category ``value``, made once: checking the
    categories took 0.1 ms a file, twice a file (its round and area, issue 23)."""
    import pandas as pd

    return pd.CategoricalDtype([value])


def _ids(series: pd.Series):
    """Respondent ids: whole numbers as ``Int64``, anything else as stripped texts
    (``17.0`` reads ``17``). :func:`.stack.stack_parts` turns numbers into texts when files
    differ, so that ``17`` and ``"17"`` are one id.

    Numbers and text columns are converted vectorised; other columns (mixed cells,
    fractions) go through :func:`as_label` once per distinct value.
    """
    import pandas as pd

    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "i" and len(series):
        values = series.to_numpy()
        # whole numbers as they are, within the range floats hold exactly: a file with a
        # blank id (or an xlsx file) has its ids as floats, and an id must read the same
        if values.min() >= -(2**53) and values.max() <= 2**53:
            return pd.array(values, dtype="Int64")
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        if np.array_equal(values, np.floor(values), equal_nan=True):  # NaN floors to NaN
            return pd.array(values, dtype="Int64")
    elif isinstance(series.dtype, pd.StringDtype):
        text = series.str.strip()
        return text.mask(text == "").astype("string").array
    return pd.array(_as_text(series).astype(object), dtype="string")


def _as_text(series: pd.Series) -> pd.Categorical:
    """Role values as stripped texts (``2023.0`` reads ``2023``); missing stays missing.

    Work happens once per distinct value; the result is a categorical.
    """
    return _recode(series, lambda value: as_shown(value) or None)


def _canonical_actors(
    series: pd.Series, instrument: Instrument, actor_map: Mapping[str, str]
) -> tuple[pd.Categorical, list[str]]:
    """Actor values as the instrument's actor ids where they match (directly or through the
    actor map); others kept as given."""
    return _canonical(series, instrument.actor_lookup, actor_map)


def _canonical(
    series: pd.Series, lookup: Mapping[str, object], mapped: Mapping[str, str]
) -> tuple[pd.Categorical, list[str]]:
    """Values as the ids of the actor types or organisations ``lookup`` names (directly or
    through ``mapped``, answer text to id); others kept as given, and listed."""
    unknown: list[str] = []

    def canonical(value):
        text = as_shown(value)
        to = mapped.get(norm_header(text))
        found = lookup.get(norm_header(to if to else text))
        if found is None and lookup and text:
            unknown.append(text)
        return found.id if found else (text or None)

    return _recode(series, canonical), unknown


def as_shown(value: object) -> str:
    """A role value as the text a reader sees: as a label, without control characters."""
    return without_controls(as_label(value))


def _with_controls(series: pd.Series) -> list[str]:
    """The distinct values of ``series`` holding a control character (looked at once each)."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        uniques = series.cat.categories
    elif pd.api.types.is_numeric_dtype(series.dtype):
        return []
    else:
        uniques = pd.unique(series.to_numpy())
    return [u for u in uniques if isinstance(u, str) and CONTROL.search(u)]


def _recode(series: pd.Series, convert) -> pd.Categorical:
    """``convert`` applied to each distinct value of ``series``, as a categorical."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = list(series.cat.categories)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    converted = [convert(u) for u in uniques]
    merged, categories = pd.factorize(pd.array([*converted, None], dtype=object))
    # one gather: the last entry (None, code -1) serves the missing cells' code -1, in the
    # smallest integer type (a million rows: 85 ms as where + int64 + validation, issue 23)
    lookup = np.append(merged[:-1], -1).astype(np.min_scalar_type(-len(categories) - 1))
    return pd.Categorical.from_codes(lookup[codes], categories=list(categories), validate=False)
