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
from ..instrument import ROLES, Instrument
from ..text import norm_header

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

_BRACKET = re.compile(r"\[([^\[\]]+)\]$")
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


def statements(header: str) -> list[str]:
    """Candidate statements inside a matrix header, longest first.

    >>> statements("Samarbejdet - Alle partnere kender målene")
    ['Alle partnere kender målene']
    >>> statements("Partnerskabet [Alle partnere kender målene]")
    ['Alle partnere kender målene']
    """
    found = []
    bracket = _BRACKET.search(header.strip())
    if bracket:
        found.append(bracket.group(1))
    for dash in _DASHES:
        parts = header.split(dash)
        found += [dash.join(parts[i:]) for i in range(1, len(parts))]
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
    keys = item_keys(instrument)
    role_keys = {role: [norm_header(a) for a in instrument.role_aliases[role]] for role in ROLES}
    items: dict[str, tuple[str, str]] = {}
    role_candidates: dict[str, list[tuple[int, str]]] = {}
    personal, other = [], []
    for header in headers:
        names = [header, *alternates.get(header, ())]
        role = next(
            ((r, role_keys[r].index(norm_header(n))) for n in names for r in ROLES
             if norm_header(n) in role_keys[r]),
            None,
        )  # fmt: skip
        if role is not None:
            role_candidates.setdefault(role[0], []).append((role[1], header))
            continue
        if any(is_personal(n) for n in names):
            personal.append(header)
            continue
        match = next((keys[norm_header(n)] for n in names if norm_header(n) in keys), None)
        if match is None:
            match = next(
                (
                    (keys[norm_header(s)][0], "statement")
                    for n in names
                    for s in statements(n)
                    if norm_header(s) in keys
                ),
                None,
            )
        if match is None:
            other.append(header)
            continue
        item_id, how = match
        if item_id in items:
            message = (
                f"{where}: columns '{items[item_id][0]}' and '{header}' both map to item "
                f"'{item_id}'. Remove or rename one of them."
            )
            if problems is None:
                raise MappingError(message)
            problems.append(message)
            other.append(header)
            continue
        items[item_id] = (header, how)
    roles: dict[str, str] = {}
    for role, candidates in role_candidates.items():
        candidates.sort()  # the header matching the earliest alias wins
        roles[role] = candidates[0][1]
        other += [header for _, header in candidates[1:]]
    other_sorted = [h for h in headers if h in set(other)]
    return ColumnPlan(items=items, roles=roles, personal=tuple(personal), other=tuple(other_sorted))
