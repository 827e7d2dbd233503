"""What a command line asks for before it is parsed: the language of its messages.

Read from the raw arguments, so a Ctrl-C while the command line loads and Click's own
usage errors (which come before any option has a value) are in the user's language too.
Nothing is imported here: the console script reads it before anything else loads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence


def asked(args: Sequence[str], option: str) -> str | None:
    """The last value given to ``option`` in ``args`` (``--lang da`` or ``--lang=da``)."""
    value = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == option and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(option + "="):
            value = arg[len(option) + 1 :]
    return value


def asked_lang(args: Sequence[str], environ: Mapping[str, str] = os.environ) -> str | None:
    """``da`` or ``en`` when ``--lang`` or ``PARTNERKIT_LANG`` asks for it, else None (the
    project file, read later, may still choose)."""
    for chosen in (asked(args, "--lang"), environ.get("PARTNERKIT_LANG", "").strip()):
        if chosen in ("da", "en"):
            return chosen
    return None
