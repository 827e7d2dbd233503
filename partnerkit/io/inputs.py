"""Turning what a user names (files, folders, glob patterns) into the exports to read.

Folders are searched recursively for supported files; a SurveyXact CSV export
folder (``dataset.csv`` + ``labels.csv``) counts as one export. Each export
knows the folder it was found in, so its housing area can be read from the
folder name (``surveys/<area>/<round>.xlsx``) or its file name
(``surveys/<area>_<round>.csv``).
"""

from __future__ import annotations

import glob
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFileError, OptionError
from .files import SUPPORTED
from .rounds import _NUMBERED, _YEAR

AREA_FROM = ("auto", "column", "folder", "filename")


@dataclass(frozen=True)
class Input:
    """One export to read, and where it was found."""

    path: Path
    root: Path | None = None  # the folder argument it was found under, if any
    pattern: bool = False  # found by a glob pattern

    def area(self, area_from: str, several: bool) -> str | None:
        """The area this export's name gives (None: none, or the column decides)."""
        if area_from == "column":
            return None
        from_folder = self._folder_area()
        from_name = area_from_name(self.path)
        if area_from == "folder":
            return from_folder or self.path.parent.name or None
        if area_from == "filename":
            return from_name
        # auto: names give the area only for batches (several files, a folder, a pattern)
        if not (several or self.root is not None or self.pattern):
            return None
        return from_folder or from_name

    def _folder_area(self) -> str | None:
        """The folder directly below the root, for ``root/<area>/<file>``."""
        if self.root is None:
            return None
        relative = self.path.relative_to(self.root)
        parts = relative.parts[:-1] if self.path.is_file() or self.path.suffix else relative.parts
        return parts[0] if parts else None


def area_from_name(path: Path) -> str | None:
    """The file name without its round: ``Nørrevang_2023.csv`` -> ``Nørrevang``.

    >>> area_from_name(Path("Nørrevang_2023.csv")), area_from_name(Path("Solhøj runde 2.xlsx"))
    ('Nørrevang', 'Solhøj')
    >>> area_from_name(Path("2023.xlsx")) is None
    True
    """
    stem = path.stem if path.suffix else path.name
    stem = _YEAR.sub(" ", stem)
    stem = _NUMBERED.sub(" ", stem)
    stem = re.sub(r"[\s_.-]+", " ", stem).strip()
    return stem or None


def expand_inputs(args: Iterable[str | Path]) -> list[Input]:
    """The exports named by files, folders and glob patterns, in a stable order."""
    out: list[Input] = []
    seen: set[Path] = set()

    def add(item: Input) -> None:
        key = item.path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(item)

    for arg in args:
        text = str(arg)
        path = Path(text)
        if glob.has_magic(text) and not path.exists():
            matches = sorted(glob.glob(text, recursive=True))  # noqa: PTH207 (absolute patterns)
            if not matches:
                raise OptionError(f"{text}: no file matches this pattern.")
            base = _pattern_base(text)  # surveys/*/2024.csv: areas are the folders below surveys
            for match in matches:
                candidate = Path(match)
                if candidate.is_dir():
                    for found in _search(candidate):
                        add(Input(found, base or candidate, pattern=True))
                elif _supported(candidate):
                    add(Input(candidate, base, pattern=True))
            continue
        if path.is_dir() and not _is_surveyxact_folder(path):
            found = list(_search(path))
            if not found:
                raise InputFileError(
                    f"{path}: is a folder with no survey files in it (looked for "
                    f"{', '.join(SUPPORTED)})."
                )
            for item in found:
                add(Input(item, path))
            continue
        add(Input(path))
    return out


def _pattern_base(pattern: str) -> Path | None:
    """The folder a glob pattern starts from: the parts before the first wildcard."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    if not fixed or len(fixed) == len(parts):
        return None
    return Path(*fixed)


def _search(folder: Path) -> Iterable[Path]:
    """Supported files and SurveyXact export folders below ``folder``, sorted."""
    exports: list[Path] = []  # SurveyXact folders found; sorting puts parents first
    for directory in sorted(p for p in [folder, *folder.rglob("*")] if p.is_dir()):
        if _hidden(directory, folder) or any(e in directory.parents for e in exports):
            continue
        if _is_surveyxact_folder(directory):
            exports.append(directory)
            yield directory
            continue
        for file in sorted(directory.iterdir()):
            if file.is_file() and _supported(file) and not file.name.startswith((".", "~$")):
                yield file


def _hidden(directory: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in directory.relative_to(root).parts)


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED


def _is_surveyxact_folder(path: Path) -> bool:
    if not path.is_dir():
        return False
    names = {p.name.lower() for p in path.iterdir()}
    return {"dataset.csv", "labels.csv"} <= names
