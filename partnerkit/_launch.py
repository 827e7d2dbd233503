"""The console script's first step: Ctrl-C handled before the command line loads.

Loading the command line (typer, click, rich) takes ~60 ms; a Ctrl-C in that time
printed a traceback from inside an import. This module, light and loaded first,
makes such a Ctrl-C (even one pressed while this module's own imports load, remembered
and answered once they have) the one ``Error: interrupted.`` line (``Fejl: afbrudt.`` when
``--lang da`` or ``PARTNERKIT_LANG=da`` asks for Danish) and exit code 130, then loads
:mod:`partnerkit.cli`, which takes over (a KeyboardInterrupt from then on).
"""

from __future__ import annotations

import signal
import sys

#: Ctrl-C presses before the handler below could be installed (while this module loads)
_PRESSED: list[int] = []
signal.signal(signal.SIGINT, lambda signum, frame: _PRESSED.append(signum))

from .argv import asked_lang  # noqa: E402 - after the Ctrl-C above is caught
from .interrupts import interrupted_at_once, say_interrupted_in  # noqa: E402


def main() -> None:
    """Entry point of the ``partnerkit`` console script."""
    if asked_lang(sys.argv[1:]) == "da":  # the project file's lang is read once cli loads
        say_interrupted_in("da")
    signal.signal(signal.SIGINT, interrupted_at_once)
    if _PRESSED:  # pressed while the lines above loaded: answered now, in the asked language
        interrupted_at_once(signal.SIGINT, None)
    from .cli import main as cli_main

    cli_main()
