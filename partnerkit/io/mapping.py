"""Mapping the headers of an export to the instrument's items and role columns.

A header maps to an item when, after normalising case, white space and
trailing punctuation, it

1. equals the item id or one of its aliases (``how = "id"`` / ``"alias"``),
2. equals the item text in any language (``"text"``; Microsoft Forms puts the
   statement alone in the header), or
3. holds the item text as the statement of a matrix header:
   ``Stem - Statement`` (SurveyXact, Qualtrics) or ``Stem [Statement]``
   (Google Forms) (``"statement"``).

Headers that identify people (name, e-mail, IP address...) are marked personal
and dropped by the reader before anything else happens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import MappingError
from ..i18n import Message
from ..instrument import ROLES, Instrument
from ..text import norm, norm_header

#: Headers that identify a person, compared without case, spaces or punctuation.
PERSONAL_HEADERS = frozenset(
    {
        "name", "navn", "fuldtnavn", "fullname", "firstname", "lastname", "fornavn",
        "efternavn", "mellemnavn", "respondentname", "recipientfirstname",
        "recipientlastname",
        "email", "mail", "emailaddress", "emailadresse", "mailadresse", "epost",
        "epostadresse", "respondentemail", "recipientemail",
        "ipaddress", "ipadresse", "ip",
        "phone", "phonenumber", "telefon", "telefonnummer", "mobil", "mobilnummer",
        "cpr", "cprnummer", "cprnr", "address", "adresse", "etternavn", "forn", "ettern",
        "locationlatitude", "locationlongitude",
    }
)  # fmt: skip

_DASHES = (" - ", " – ", " — ")


def compact(header: str) -> str:
    """Header without case, spaces or punctuation: ``"E-mail address"`` -> ``"emailaddress"``."""
    return re.sub(r"[\W_]+", "", norm_header(header))


def is_personal(header: str) -> bool:
    return compact(header) in PERSONAL_HEADERS


@dataclass(frozen=True)
class ColumnPlan:
    """Where each column of one sheet goes."""

    items: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # item -> (column, how)
    roles: Mapping[str, str] = field(default_factory=dict)  # role -> column
    personal: tuple[str, ...] = ()
    other: tuple[str, ...] = ()
    relations: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # cell -> (column, how)


def statements(header: str, longest: int | None = None) -> list[str]:
    """Candidate statements inside a matrix header, longest first; with ``longest``, only
    those of at most that many characters (a header ``a - a - a ...`` has as many
    suffixes as dashes: all of them made mapping quadratic, issue 18).

    >>> statements("Samarbejdet - Alle partnere kender målene")
    ['Alle partnere kender målene']
    >>> statements("Partnerskabet [Alle partnere kender målene]")
    ['Alle partnere kender målene']
    >>> statements("a - b - c", longest=5)
    ['b - c', 'c']
    """
    found = []
    text = header.strip()
    if text.endswith("]"):
        start = text.rfind("[", 0, len(text) - 1)
        inner = text[start + 1 : -1] if start >= 0 else ""
        if inner and "]" not in inner:
            found.append(inner)
    limit = len(header) if longest is None else longest
    for dash in _DASHES:
        at = header.rfind(dash)
        cuts = []
        while at >= 0 and len(header) - at - len(dash) <= limit:
            cuts.append(at + len(dash))
            at = header.rfind(dash, 0, at + len(dash) - 1)  # overlapping: "- - -"
        found += [header[cut:] for cut in reversed(cuts)]
    return found


def item_keys(instrument: Instrument) -> dict[str, tuple[str, str]]:
    """Normalised id, alias and text of every item, to ``(item id, how)``."""
    keys: dict[str, tuple[str, str]] = {}
    for item in instrument.items:
        for text in item.text.values():
            keys.setdefault(norm_header(text), (item.id, "text"))
        for alias in item.aliases:
            keys[norm_header(alias)] = (item.id, "alias")
        keys[norm_header(item.id)] = (item.id, "id")
    return keys


def relation_keys(instrument: Instrument) -> dict[str, str]:
    """Normalised ``Stem - Target`` and ``Stem [Target]`` headers of every relation cell
    (the target by its id, names and aliases, the stem in every language) to the cell's
    column id (``"trust:police"``)."""
    keys: dict[str, str] = {}
    for relation in instrument.relations:
        for target in relation.targets:
            named = instrument.named(target)  # an actor type or a named organisation
            names = (*named.name.values(), *named.aliases, named.id)
            for stem in relation.stem.values():
                for name in names:
                    for header in (f"{stem} [{name}]", *(f"{stem}{d}{name}" for d in _DASHES)):
                        keys.setdefault(norm_header(header), relation.column(target))
    return keys


def plan_columns(
    headers: Sequence[str],
    instrument: Instrument,
    where: str,
    problems: list[str] | None = None,
    alternates: Mapping[str, Sequence[str]] | None = None,
) -> ColumnPlan:
    """Decide, for every header of one sheet, whether it is an item, a role, personal or other.

    ``alternates`` gives other texts naming a column (a SurveyXact question text,
    an SPSS variable label, a Qualtrics question); they are tried after the header.
    Raises :class:`MappingError` when two columns map to the same item, unless
    ``problems`` is given: then the message is appended there and the second
    column is treated as other.
    """
    alternates = alternates or {}
    key = (
        id(instrument),
        tuple(headers),
        tuple((h, tuple(alternates[h])) for h in headers if h in alternates),
    )
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is instrument:
        return cached[1]
    seen = len(problems) if problems is not None else 0
    plan = _plan_columns(headers, instrument, where, problems, alternates)
    if problems is None or len(problems) == seen:  # a plan with a problem is planned again
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        _PLANS[key] = (instrument, plan)
    return plan


#: Plans by header (and instrument): a batch of area files repeats one header, and
#: planning it for every file was 1.7 s of 1,000 files (issue 23). The instrument is
#: kept beside its plan, so a reused ``id`` never finds another instrument's plan.
_PLANS: dict[tuple, tuple[Instrument, ColumnPlan]] = {}
_MAX_PLANS = 256


def _clash(message: Message, problems: list[str] | None) -> None:
    """Two columns for one item or cell: an error, or a problem when ``problems`` collects."""
    if problems is None:
        raise MappingError(message)
    problems.append(message)


def _plan_columns(
    headers: Sequence[str],
    instrument: Instrument,
    where: str,
    problems: list[str] | None,
    alternates: Mapping[str, Sequence[str]],
) -> ColumnPlan:
    keys = item_keys(instrument)
    longest = max(map(len, keys), default=0) + 16  # room for spaces and punctuation
    # each alias to the first role (in ROLES order) naming it and its rank there
    role_keys: dict[str, tuple[str, int]] = {}
    for role in ROLES:
        for rank, alias in enumerate(instrument.role_aliases[role]):
            role_keys.setdefault(norm_header(alias), (role, rank))
    rel_keys = relation_keys(instrument)
    relations: dict[str, tuple[str, str]] = {}
    items: dict[str, tuple[str, str]] = {}
    role_candidates: dict[str, list[tuple[int, str]]] = {}
    personal, other = [], []
    for header in headers:
        names = [header, *alternates.get(header, ())]
        normal = [norm_header(n) for n in names]  # once per name: 20,000 headers x 5 roles
        role = next((role_keys[k] for k in normal if k in role_keys), None)
        if role is not None:
            role_candidates.setdefault(role[0], []).append((role[1], header))
            continue
        if any(is_personal(n) for n in names):
            personal.append(header)
            continue
        match = next((keys[k] for k in normal if k in keys), None)
        cell = (
            None
            if match is not None
            else next((rel_keys[k] for k in normal if k in rel_keys), None)
        )
        if cell is not None:
            if cell in relations:
                first = relations[cell][0]
                clash = Message("error.both_map_cell", where=where, first=first, second=header,
                                cell=cell)  # fmt: skip
                _clash(clash, problems)
                other.append(header)
            else:
                relations[cell] = (header, "text" if norm_header(header) in rel_keys else "label")
            continue
        if match is None:
            match = next(
                (
                    (keys[norm_header(s)][0], "statement")
                    for n in names
                    for s in statements(norm(n), longest)
                    if norm_header(s) in keys
                ),
                None,
            )
        if match is None:
            other.append(header)
            continue
        item_id, how = match
        if item_id in items:
            first = items[item_id][0]
            clash = Message("error.both_map_item", where=where, first=first, second=header,
                            item=item_id)  # fmt: skip
            _clash(clash, problems)
            other.append(header)
            continue
        items[item_id] = (header, how)
    roles: dict[str, str] = {}
    for role, candidates in role_candidates.items():
        candidates.sort()  # the header matching the earliest alias wins
        roles[role] = candidates[0][1]
        other += [header for _, header in candidates[1:]]
    others = set(other)  # once: built for every header, it made 20,000 columns take 38 s
    other_sorted = [h for h in headers if h in others]
    return ColumnPlan(
        items=items,
        roles=roles,
        personal=tuple(personal),
        other=tuple(other_sorted),
        relations=relations,
    )
