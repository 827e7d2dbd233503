"""Grouping keys: which columns ``--by`` refers to, and how group values read and sort."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .errors import OptionError, SurveyReadError
from .i18n import Joined, Message, t
from .instrument import ROLES, SECTORS
from .text import norm_header

if TYPE_CHECKING:
    import pandas as pd

    from .instrument import Instrument
    from .survey import Survey

#: The group of respondents who left the grouping column empty.
BLANK_GROUP = "not_given"  # its key in the catalogue: t(BLANK_GROUP, lang)


@dataclass(frozen=True)
class GroupKey:
    """A grouping key as the user named it and the survey column behind it."""

    name: str  # as given to --by; the key's name in results
    column: str  # column of Survey.data


def default_keys(survey: Survey) -> list[str]:
    """By actor, and by round when the survey has a round column."""
    return [role for role in ("actor", "round") if role in survey.data.columns]


#: The grouping keywords and the names they also go by (Danish; the example's header).
KEYWORDS = {
    "actor": ("actor", "aktør", "aktor", "aktørtype", "actor type"),
    "round": ("round", "runde"),
    "area": ("area", "område", "omraade"),
    "sector": ("sector", "sektor"),
    "respondent": ("respondent",),
}


def resolve_keys(survey: Survey, by: Sequence[str] | None, option: str = "--by") -> list[GroupKey]:
    """The grouping keys for ``by`` (``None`` means :func:`default_keys`).

    A name is looked up, in this order: a column header exactly as written; a keyword
    (``actor``, ``round``, ``area``, ``sector`` or its Danish name ``aktør``, ``runde``,
    ``område``, ``sektor``) whose column the survey has; a header, export tag or question
    text (Qualtrics' second header row, SurveyXact's structure, SPSS variable labels)
    without regard to case and spacing. A name several columns answer to is refused
    with the candidates listed; ``option`` names the option in messages.
    """
    names = default_keys(survey) if by is None else list(dict.fromkeys(by))
    return [_resolve(survey, name, option) for name in names]


def _resolve(survey: Survey, name: str, option: str) -> GroupKey:
    key = norm_header(name)
    keyword = next((k for k, words in KEYWORDS.items() if key in words), None)
    if keyword == "respondent":
        raise OptionError(Message("error.by_respondent", option=option))
    headers = _headers(survey)  # (header, column of data, how it is known)
    exact = list(
        dict.fromkeys(col for text, col, how in headers if how == "header" and text == name)
    )
    if len(exact) == 1:
        return _key(name, exact[0])
    if keyword is not None and keyword in survey.data.columns:
        return GroupKey(keyword, keyword)
    found = list(dict.fromkeys(col for text, col, _ in headers if norm_header(text) == key))
    if len(found) == 1:
        return _key(name, found[0])
    if len(found) > 1:
        listed = "; ".join(_describe(survey, c) for c in found[:12])
        raise OptionError(Message("error.by_ambiguous", option=option, name=name, listed=listed))
    if keyword is not None:
        role = "actor" if keyword == "sector" else keyword
        raise OptionError(_missing_role(survey, role, f"{option} {name}"))
    dropped = [c for c in survey.ledger.dropped_columns if norm_header(c) == key]
    if dropped:
        raise OptionError(Message("error.by_personal", option=option, name=name, column=dropped[0]))
    choices = ", ".join(f"'{c}'" for c in survey.other_columns[:12]) or Message("error.none")
    raise OptionError(
        Message("error.by_unknown", option=option, name=name, files=_files(survey), choices=choices)
    )


def _key(name: str, column: str) -> GroupKey:
    """A role column under its role's name, any other column under the name given."""
    return GroupKey(column, column) if column in KEYWORDS else GroupKey(name, column)


def _headers(survey: Survey) -> list[tuple[str, str, str]]:
    """Every name a groupable column goes by: (text, column of ``data``, "header"/"label")."""
    others = set(survey.other_columns)
    present = {r for r in ROLES if r in survey.data.columns and r != "respondent"}
    out = [(c, c, "header") for c in survey.other_columns]
    for match in survey.columns:
        if match.kind == "role" and match.target in present:
            column = match.target
        elif match.column in others:
            column = match.column
        else:
            continue
        out.append((match.column, column, "header"))
        if match.label:
            out.append((match.label, column, "label"))
    return out


def _describe(survey: Survey, column: str) -> str:
    label = next((m.label for m in survey.columns if m.column == column and m.label), None)
    return f"'{column}' ({label})" if label and label != column else f"'{column}'"


def _missing_role(survey: Survey, role: str, given: str | None = None) -> str:
    aliases = ", ".join(survey.instrument.role_aliases[role][:6])
    given = given or f"--by {role}"
    return Message("error.no_role", given=given, files=_files(survey), role=role, aliases=aliases)


def _files(survey: Survey) -> str:
    paths = [s.path for s in survey.sources]
    return paths[0] if len(paths) == 1 else Message("error.files", count=len(paths))


_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def natural_order(values: pd.Series | Sequence, preferred: Sequence[str] = ()) -> list:
    """Distinct values in reading order: ``preferred`` first, then numbers by value
    (``2022 < 2023``, ``runde 2 < runde 10``), then texts by first appearance; missing last.
    """
    seen = list(dict.fromkeys(v for v in values if v is not None and v == v))
    rank = {v: i for i, v in enumerate(preferred)}

    def sort_key(pair: tuple[int, object]):
        index, value = pair
        if value in rank:
            return (0, rank[value], 0.0, index)
        match = _NUMBER.search(str(value))
        if match:
            return (1, 0, float(match.group().replace(",", ".")), index)
        return (2, 0, 0.0, index)

    ordered = [v for _, v in sorted(enumerate(seen), key=sort_key)]
    has_missing = any(v is None or v != v for v in values)
    return [*ordered, None] if has_missing else ordered


def group_labels(survey: Survey, key: GroupKey, lang: str) -> np.ndarray:
    """The group of every respondent under ``key``, as display text."""
    codes, labels = group_codes(survey, key, lang)
    return np.array(labels, dtype=object)[codes]


def group_codes(survey: Survey, key: GroupKey, lang: str) -> tuple[np.ndarray, list[str]]:
    """Every respondent's group under ``key`` as an integer code, and the label of each code.

    Distinct values with the same display text share a code; missing values get
    the "(not given)" group.
    """
    import pandas as pd

    column = survey.data[key.column]
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw = column.cat.codes.to_numpy()
        number, uniques = _categorical_factorize(raw, column.dtype)
    else:
        raw, uniques = pd.factorize(column, use_na_sentinel=True)
        number = None
    labels = [_label(survey.instrument, key, u, lang) for u in uniques]
    labels.append(t(BLANK_GROUP, lang))  # code -1 reads the last one
    merged, names = pd.factorize(np.array(labels, dtype=object))
    if number is not None:  # each category's label code, then one gather of the rows
        merged = merged[number].astype(raw.dtype)
    return np.take(merged, raw, mode="wrap").astype(np.intp, copy=False), list(names)


def _categorical_factorize(raw: np.ndarray, dtype) -> tuple[np.ndarray, pd.Categorical]:
    """What ``pd.factorize(column, use_na_sentinel=True)`` finds of a categorical column
    (``raw``: its codes, -1 where missing): the categories that occur, in the order of
    their first row, and each category's number among them (-1 for one that does not
    occur, and a last entry, -1, for the missing rows' code -1).

    pandas hashes every row's code anew (20-40 ms a key on a million respondents, four
    times a ``score``, issue 23); here the first rows are found in a prefix of the rows
    that holds every category that occurs (:func:`.privacy.pattern.first_rows`; usually
    the first 4,096 rows hold them all), and the caller renumbers the rows by one gather
    of the small codes.
    """
    import pandas as pd

    from .privacy.pattern import by_first_row, first_rows

    size = len(dtype.categories)
    order = by_first_row(first_rows(raw, size), len(raw))
    number = np.full(size + 1, -1, dtype=np.intp)
    number[order] = np.arange(len(order))
    return number, pd.Categorical.from_codes(order, dtype=dtype)


def _label(inst: Instrument, key: GroupKey, value, lang: str) -> str:
    from .privacy.threshold import MERGED
    from .text import as_label

    if value == MERGED:
        return t("merged", lang)
    if key.column == "actor":
        actor = next((a for a in inst.actors if a.id == value), None)
        if actor is not None:
            return actor.label(lang)
    if key.column == "sector":
        return t(f"sector.{value}", lang)
    return as_label(value)


def group_order(survey: Survey, key: GroupKey, labels: Sequence[str], lang: str) -> list[str]:
    """Group labels in reading order: actors in the instrument's order, rounds as chosen
    with ``--rounds``, numbers by value."""
    preferred: Sequence[str] = []
    if key.column == "actor":
        preferred = [a.label(lang) for a in survey.instrument.actors]
    elif key.column == "sector":
        preferred = [t(f"sector.{s}", lang) for s in SECTORS]
    elif key.column == "round" and survey.round_order is not None:
        preferred = survey.round_order
    last = [t(BLANK_GROUP, lang), t("merged", lang)]
    order = natural_order([v for v in labels if v not in last], preferred)
    return [*order, *(v for v in last if v in labels)]


@dataclass(frozen=True)
class GroupRows:
    """One group of respondents: its level, its label per key (None = all) and its rows."""

    level: str  # "cell", "margin" or "overall"
    labels: dict[str, str | None]
    rows: np.ndarray  # positions in Survey.data


def group_rows(survey: Survey, keys: Sequence[GroupKey], lang: str) -> list[GroupRows]:
    """The groups of every level, as in :func:`partnerkit.scoring.group_statistics`:
    cells (all keys), margins over the first key (two or more keys) and the overall group.
    """
    import pandas as pd

    names = [k.name for k in keys]
    labels = pd.DataFrame({k.name: group_labels(survey, k, lang) for k in keys})
    levels = []
    if names:
        levels.append((names, "cell"))
    if len(names) >= 2:
        levels.append((names[1:], "margin"))
    groups = []
    for level_keys, level in levels:
        for value, rows in labels.groupby(level_keys, sort=False).indices.items():
            value = value if isinstance(value, tuple) else (value,)
            given = dict(zip(level_keys, value, strict=True))
            groups.append(GroupRows(level, {n: given.get(n) for n in names}, np.asarray(rows)))
    groups.append(GroupRows("overall", dict.fromkeys(names), np.arange(len(survey.data))))
    rank = {}
    for key in keys:
        order = group_order(survey, key, labels[key.name].unique().tolist(), lang)
        rank[key.name] = {v: i for i, v in enumerate(order)}

    def sort_key(g: GroupRows):
        return tuple(
            rank[n].get(g.labels[n], len(rank[n])) if g.labels[n] is not None else len(rank[n])
            for n in reversed(names)
        )

    return sorted(groups, key=sort_key)


def select_rounds(survey: Survey, rounds: Sequence[str]) -> Survey:
    """The survey with only ``rounds``, in that order; other rows are excluded with a reason."""
    from dataclasses import replace

    from .survey import ROW_COLUMN, SOURCE_COLUMN, Exclusion

    if "round" not in survey.data.columns:
        raise OptionError(Message("error.rounds_none", files=_files(survey)))
    wanted = [str(r).strip() for r in rounds if str(r).strip()]
    if not wanted:
        raise OptionError(Message("error.rounds_empty"))
    repeated = sorted({r for r in wanted if wanted.count(r) > 1})
    if repeated:
        raise OptionError(Message("error.rounds_twice", rounds=", ".join(repeated)))
    present = natural_order(survey.data["round"].dropna().unique().tolist())
    missing = [r for r in wanted if r not in present]
    if missing:
        raise OptionError(
            Message(
                "error.rounds_missing",
                missing=", ".join(missing),
                files=_files(survey),
                present=", ".join(map(str, present)),
            )
        )
    keep = survey.data["round"].isin(wanted).to_numpy()
    dropped = survey.data.loc[~keep, [SOURCE_COLUMN, ROW_COLUMN]].head(10)
    examples = tuple(survey.row_ref(s, r) for s, r in dropped.itertuples(index=False))
    exclusion = Exclusion("round_not_selected", int((~keep).sum()), examples)
    return replace(
        survey,
        data=survey.data.loc[keep].reset_index(drop=True),
        dont_know=None
        if survey.dont_know is None
        else survey.dont_know.loc[keep].reset_index(drop=True),
        ledger=survey.ledger.with_exclusions((exclusion,)),
        round_order=tuple(wanted),
        read_data=survey.as_read,
    )


def round_order(survey: Survey) -> list[str]:
    """The rounds of the survey in order: as chosen with ``--rounds``, else natural order."""
    if survey.round_order is not None:
        return list(survey.round_order)
    if "round" not in survey.data.columns:
        return []
    return natural_order(survey.data["round"].dropna().unique().tolist())


def keys_over_rounds(
    survey: Survey, by: Sequence[str] | None, purpose: str
) -> tuple[list[GroupKey], list[str], Sequence[str]]:
    """The ``--by`` keys (and their names) of a command that follows a survey over its
    rounds (``trend``, its ``--over-time`` view), and the rounds in order: at least two,
    or an error that ends with ``purpose`` ("rounds to compare")."""
    if "round" not in survey.data.columns:
        where = Joined(s.where for s in survey.sources)
        raise SurveyReadError(Message("error.no_rounds", where=where))
    by = list(by or [])
    if any(k.strip().casefold() == "round" for k in by):
        raise OptionError(Message("error.by_round_trend"))
    keys = resolve_keys(survey, by)
    rounds = round_order(survey)
    if len(rounds) < 2:
        shown = ", ".join(rounds) or Message("error.none")
        raise SurveyReadError(Message("error.one_round", rounds=shown, purpose=purpose))
    return keys, [k.name for k in keys], rounds
