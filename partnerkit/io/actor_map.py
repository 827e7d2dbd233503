"""Mapping free-text actor answers ("Varde Kommune", "Boligselskabet Vest") to actor types.

An actor map is a CSV file with two columns: the answer as respondents wrote it,
and the actor type (its name in any language, an alias or its id). A header row
is allowed. Matching ignores case and spacing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from ..errors import InputFileError, SurveyReadError
from ..instrument import Instrument
from ..text import norm_header
from .files import check_input_path, sniff_delimiter, sniff_encoding

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
        raise InputFileError(f"{path}: cannot decode the actor map as {encoding}.") from exc
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text[:65536])))
    mapping: dict[str, str] = {}
    known = ", ".join(a.label(instrument.language) for a in instrument.actors)
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise SurveyReadError(
                f"{path}, row {number}: an actor map row needs two cells: the answer and the "
                "actor type."
            )
        actor = instrument.actor_lookup.get(norm_header(cells[1]))
        if actor is None:
            if number == 1 and norm_header(cells[1]) in _HEADER_WORDS:  # "answer,actor"
                continue
            raise SurveyReadError(
                f"{path}, row {number}: '{cells[1]}' is not an actor type of instrument "
                f"'{instrument.id}' (known: {known})."
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
                raise SurveyReadError(f"actor map: '{name}' is not an actor type.")
            out[norm_header(answer)] = actor.id
        return out
    return read_actor_map(spec, instrument)
