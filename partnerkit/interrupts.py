"""Ctrl-C on the command line: one ``Error: interrupted.`` line, exit code 130, at any
moment once partnerkit's code runs.

The command line ends the process from the signal handler itself rather than
raise a KeyboardInterrupt: an exception raised at an arbitrary instruction can
surface as something else (inside an import, Python 3.11 turns it into a
RuntimeError about ``__set_name__``) or meet a second Ctrl-C in the middle of
its own clean-up. The one clean-up needed, a half-written output file, is
registered here by :func:`partnerkit.output.write_atomic` and removed first.
--jobs workers end with the main process (:func:`partnerkit.parallel.start_worker`).
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

#: the exit status of a process ended by Ctrl-C (128 + SIGINT), as shells report it
INTERRUPTED = 130

#: temporary files to remove when the process is interrupted
_TEMPORARY: set[str] = set()

#: the line written on Ctrl-C, in the language of the command's messages
_LINE = [b"Error: interrupted.\n"]


def say_interrupted_in(lang: str) -> None:
    """Write the Ctrl-C line in ``lang`` from now on ("Fejl: afbrudt." in Danish)."""
    from .i18n import t

    _LINE[0] = f"{t('cli.error', lang)}: {t('cli.interrupted', lang)}\n".encode()


def remove_if_interrupted(path: str) -> None:
    _TEMPORARY.add(path)


def keep(path: str) -> None:
    """``path`` is complete or gone: nothing to remove any more."""
    _TEMPORARY.discard(path)


def interrupted_at_once(signum, frame) -> None:  # pragma: no cover - run in a subprocess
    """Remove half-written files, print the one line, and exit 130 at once."""
    for path in list(_TEMPORARY):
        with suppress(OSError):
            Path(path).unlink()
    os.write(2, _LINE[0])
    os._exit(INTERRUPTED)
