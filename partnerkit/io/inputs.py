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

from ..errors import InputFileError, OptionError, SurveyReadError
from ..i18n import Message
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


def expand_inputs(
    args: Iterable[str | Path], follow_links: bool = False, skipped: list[Path] | None = None
) -> list[Input]:
    """The exports named by files, folders and glob patterns, in a stable order.

    ``-`` is standard input (a CSV file), as is a named pipe: both are copied to a
    temporary file first (:func:`spool`). Inside a folder, a symbolic link that points
    outside it is followed only with ``follow_links``; else it is appended to
    ``skipped``.
    """
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
        if text == "-" or _is_pipe(path):
            add(Input(spool(path)))
            continue
        if glob.has_magic(text) and not path.exists():
            matches = sorted(glob.glob(text, recursive=True))  # noqa: PTH207 (absolute patterns)
            if not matches:
                raise OptionError(Message("error.pattern", pattern=text))
            base = _pattern_base(text)  # surveys/*/2024.csv: areas are the folders below surveys
            for match in matches:
                candidate = Path(match)
                if candidate.is_dir():
                    for found in _search(candidate, follow_links, skipped):
                        add(Input(found, base or candidate, pattern=True))
                elif _supported(candidate):
                    add(Input(candidate, base, pattern=True))
            continue
        if path.is_dir() and not _is_surveyxact_folder(path):
            found = list(_search(path, follow_links, skipped))
            if not found:
                raise InputFileError(
                    Message("error.empty_folder", path=path, supported=", ".join(SUPPORTED))
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


def _search(
    folder: Path, follow_links: bool = False, skipped: list[Path] | None = None
) -> Iterable[Path]:
    """Supported files and SurveyXact export folders below ``folder``, sorted; symbolic
    links out of ``folder`` only with ``follow_links`` (else listed in ``skipped``)."""
    import os

    root = folder.resolve()
    exports: list[Path] = []  # SurveyXact folders found; sorting puts parents first
    directories = [folder]
    for top, names, _ in os.walk(folder, followlinks=follow_links):
        directories += [Path(top) / n for n in names]
    for directory in sorted(directories):
        if _hidden(directory, folder) or any(e in directory.parents for e in exports):
            continue
        if directory.is_symlink() and not follow_links:
            if not directory.resolve().is_relative_to(root) and skipped is not None:
                skipped.append(directory)
            continue  # os.walk did not enter it; one inside the folder is read there
        if _is_surveyxact_folder(directory):
            exports.append(directory)
            yield directory
            continue
        for file in sorted(directory.iterdir()):
            if not (file.is_file() and _supported(file)) or file.name.startswith((".", "~$")):
                continue
            if not follow_links and file.is_symlink() and not _inside(file, root):
                if skipped is not None:
                    skipped.append(file)
                continue
            yield file


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def _is_pipe(path: Path) -> bool:
    """A named pipe or process substitution (``<(zcat x.csv.gz)``): no size to read."""
    import stat

    try:
        return stat.S_ISFIFO(path.stat().st_mode)
    except OSError:
        return False


#: where standard input and pipes were copied (removed when the process ends)
_SPOOLED: list[Path] = []
#: each copy's path, and the name messages give it (``<stdin>``, or the pipe's path)
_SHOWN: dict[str, str] = {}


class SpooledPath(type(Path())):  # type: ignore[misc]  # PosixPath or WindowsPath
    """The temporary copy of standard input or a pipe: opened as that file (``os.fspath``),
    named as what the user gave (``<stdin>``) wherever a message or an output shows it
    (``str``), so no message names the temporary copy."""

    def __str__(self) -> str:
        real = super().__str__()
        return _SHOWN.get(real, real)

    def __fspath__(self) -> str:
        return super().__str__()

    def __repr__(self) -> str:
        return f"SpooledPath({str(self)!r})"


def real_path(name: str | Path) -> Path:
    """The file behind a name as messages and sources show it (``<stdin>``: its copy)."""
    real = next((k for k, v in _SHOWN.items() if v == str(name)), None)
    return Path(real) if real is not None else Path(name)


def spool(path: Path) -> Path:
    """Standard input (``-``) or a pipe, copied to a temporary CSV file, which the reader
    can then sniff, measure and read in pieces like any file."""
    import atexit
    import shutil
    import sys
    import tempfile

    source = sys.stdin.buffer if str(path) == "-" else path.open("rb")
    folder = Path(tempfile.mkdtemp(prefix="partnerkit-stdin-"))
    target = folder / ("stdin.csv" if str(path) == "-" else f"{path.name or 'pipe'}.csv")
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    if source is not sys.stdin.buffer:
        source.close()
    if not _SPOOLED:
        atexit.register(remove_spooled)
    _SPOOLED.append(folder)
    _SHOWN[str(target)] = "<stdin>" if str(path) == "-" else str(path)
    target = SpooledPath(target)
    if target.stat().st_size == 0:
        what = "standard input" if str(path) == "-" else f"{path} (a pipe)"
        raise SurveyReadError(Message("error.stdin_empty", what=what))
    return target


def remove_spooled() -> None:
    """Remove the copies of standard input and pipes."""
    import shutil

    while _SPOOLED:
        shutil.rmtree(_SPOOLED.pop(), ignore_errors=True)
    _SHOWN.clear()


def _hidden(directory: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in directory.relative_to(root).parts)


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED


def _is_surveyxact_folder(path: Path) -> bool:
    if not path.is_dir():
        return False
    names = {p.name.lower() for p in path.iterdir()}
    return {"dataset.csv", "labels.csv"} <= names


def drop_identical(inputs: list[Input]) -> tuple[list[Input], list[str]]:
    """The inputs with each file content once, and a note per file left out.

    A folder holding the same export twice (a copy, a download saved twice) would
    stack every respondent twice. Files are compared by size first, then by a SHA-256
    of their bytes (SurveyXact folders: of their three files), so only files of equal
    size are read twice.
    """
    import hashlib

    def size(item: Input) -> tuple:
        files = _files_of(item.path)
        return tuple(f.stat().st_size for f in files) if files else (None,)

    by_size: dict[tuple, list[int]] = {}
    for k, item in enumerate(inputs):
        by_size.setdefault(size(item), []).append(k)
    first: dict[str, Input] = {}
    skipped: dict[int, str] = {}
    for sizes, group in by_size.items():
        if len(group) < 2 or sizes == (None,):
            continue
        for k in group:
            digest = hashlib.sha256()
            for file in _files_of(inputs[k].path):
                with file.open("rb") as fh:
                    for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        digest.update(block)
            key = digest.hexdigest()
            if key in first:
                skipped[k] = Message("warn.identical", path=inputs[k].path, first=first[key].path)
            else:
                first[key] = inputs[k]
    kept = [item for k, item in enumerate(inputs) if k not in skipped]
    return kept, [skipped[k] for k in sorted(skipped)]


def _files_of(path: Path) -> list[Path]:
    """The file itself, or a SurveyXact folder's files (none for what cannot be read)."""
    try:
        if path.is_dir():
            return sorted(p for p in path.iterdir() if p.is_file())
        return [path] if path.is_file() else []
    except OSError:
        return []
