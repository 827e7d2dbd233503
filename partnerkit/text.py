"""Normalising the texts of headers and answers so that matching is forgiving."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
#: trailing punctuation dropped from headers; stripped from the end in one pass (a
#: pattern ``[.:;,!?*\s]+$`` backtracks: 21 s on a header of 40,000 dots, issue 18)
_TRAILING_PUNCT = " .:;,!?*"


def norm(text: object) -> str:
    """Case-folded text with surrounding and repeated white space removed.

    >>> norm("  Helt   ENIG\\n")
    'helt enig'
    """
    s = unicodedata.normalize("NFC", str(text))
    return _SPACE.sub(" ", s).strip().casefold()


def norm_header(text: object) -> str:
    """Like :func:`norm`, and trailing punctuation (``. : ? ! *``) is dropped too.

    >>> norm_header("Alle partnere kender målene. ")
    'alle partnere kender målene'
    """
    return norm(text).rstrip(_TRAILING_PUNCT)  # norm leaves single spaces only


#: characters no text shown to a reader may hold: C0 controls but tab and line breaks,
#: DEL and C1 controls (they break xlsx files, charts and terminals; never typed on purpose)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """``text`` without control characters.

    >>> without_controls("Kommune\x07")
    'Kommune'
    """
    return CONTROL.sub("", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(text: str) -> str:
    """``text`` with each byte of a file name that is not UTF-8 (kept by Python as a
    surrogate escape, which no UTF-8 output can hold) as the replacement character.

    >>> shown("N" + chr(0xDCF8) + "rrevang") == "N\N{REPLACEMENT CHARACTER}rrevang"
    True
    """
    return _SURROGATE.sub("\ufffd", text)


def as_label(value: object) -> str:
    """A cell value as display text: integral floats lose their ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def short(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= width else text[: width - 1] + "…"
