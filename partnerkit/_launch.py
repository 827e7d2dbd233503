"""The console script's first step: Ctrl-C handled before the command line loads.

Loading the command line (typer, click, rich) takes ~60 ms; a Ctrl-C in that time
printed a traceback from inside an import. This module, light and loaded first,
makes such a Ctrl-C the one ``Error: interrupted.`` line and exit code 130, then
loads :mod:`partnerkit.cli`, which takes over (a KeyboardInterrupt from then on).
"""

from __future__ import annotations

import signal

from .interrupts import interrupted_at_once


def main() -> None:
    """Entry point of the ``partnerkit`` console script."""
    signal.signal(signal.SIGINT, interrupted_at_once)
    from .cli import main as cli_main

    cli_main()
