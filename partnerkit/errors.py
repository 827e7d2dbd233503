"""Exceptions and exit codes.

The library raises these; it never prints or exits. The command-line interface
catches :class:`PartnerkitError` in one place and turns it into one
``Error: ...`` line (``Fejl: ...`` under ``--lang da``) with exit code :attr:`ExitCode.ERROR`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``partnerkit`` command."""

    OK = 0
    ERROR = 1  # bad input: file, sheet, column, instrument
    USAGE = 2  # bad command line (Click's convention)


class PartnerkitError(Exception):
    """Base class of every error partnerkit reports to a user."""

    @property
    def message(self) -> str:
        """The message as raised: text, or an ``i18n.Message`` the command line shows in
        the user's language (``str(error)`` is always the English text)."""
        return self.args[0] if self.args else ""


class InputFileError(PartnerkitError, OSError):
    """An input file is missing, unreadable or of an unsupported type."""


class SurveyReadError(PartnerkitError, ValueError):
    """A survey export was read but its content cannot be used."""


class MappingError(PartnerkitError, ValueError):
    """Columns of an export cannot be mapped to the instrument unambiguously."""


class InstrumentError(PartnerkitError, ValueError):
    """An instrument file is missing or invalid."""


class OptionError(PartnerkitError, ValueError):
    """An option value does not fit the data (for example ``--by`` an absent column)."""


class OutputError(PartnerkitError, OSError):
    """An output file cannot be written."""
