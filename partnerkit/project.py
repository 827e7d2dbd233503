"""The project file ``partnerkit.toml``: an analyst's yearly run without arguments.

It declares the instrument, the inputs (files, folders, glob patterns,
relative to the project file), how areas are read from paths, ``min_n``, the
actor map, the language, the number of processes and the output format.
Options given on the command line override it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OptionError
from .io.inputs import AREA_FROM

PROJECT_FILE = "partnerkit.toml"
_KEYS = {"instrument", "inputs", "area_from", "min_n", "actor_map", "lang", "jobs", "output"}


@dataclass(frozen=True)
class Project:
    """Settings read from a project file; ``None`` where the file says nothing."""

    path: Path
    instrument: str | None = None
    inputs: tuple[str, ...] = ()
    area_from: str | None = None
    min_n: int | None = None
    actor_map: str | None = None
    lang: str | None = None
    jobs: int | None = None
    output: dict = field(default_factory=dict)  # format, ...

    @property
    def folder(self) -> Path:
        return self.path.parent

    def resolve(self, value: str | None) -> str | None:
        """A path or pattern of the project file, relative to its folder."""
        if value is None:
            return None
        path = Path(value)
        return value if path.is_absolute() else str(self.folder / path)


def find_project(path: str | Path | None = None) -> Project | None:
    """The project file at ``path``, else ``partnerkit.toml`` in the working folder, else None."""
    if path is None:
        candidate = Path.cwd() / PROJECT_FILE
        return load_project(candidate) if candidate.is_file() else None
    path = Path(path)
    if path.is_dir():
        path = path / PROJECT_FILE
    if not path.is_file():
        raise OptionError(f"--project {path}: no such project file.")
    return load_project(path)


def load_project(path: Path) -> Project:
    """Read and check a project file; every problem names the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise OptionError(f"{path}: cannot read the project file ({exc}).") from exc
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise OptionError(
            f"{path}: unknown key '{unknown[0]}' (allowed: {', '.join(sorted(_KEYS))})."
        )
    inputs = data.get("inputs", [])
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        raise OptionError(f"{path}: inputs: a list of files, folders or patterns.")
    area_from = data.get("area_from")
    if area_from is not None and area_from not in AREA_FROM:
        raise OptionError(f"{path}: area_from: one of {', '.join(AREA_FROM)}, got {area_from!r}.")
    for key in ("min_n", "jobs"):
        value = data.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise OptionError(f"{path}: {key}: a whole number, got {value!r}.")
    if data.get("lang") not in (None, "da", "en"):
        raise OptionError(f"{path}: lang: 'da' or 'en', got {data['lang']!r}.")
    output = data.get("output", {})
    if not isinstance(output, dict):
        raise OptionError(f"{path}: [output]: a table (format = ...).")
    project = Project(
        path=path.resolve(),
        instrument=data.get("instrument"),
        inputs=tuple(inputs),
        area_from=area_from,
        min_n=data.get("min_n"),
        actor_map=data.get("actor_map"),
        lang=data.get("lang"),
        jobs=data.get("jobs"),
        output=output,
    )
    instrument = project.instrument
    if instrument is not None and ("/" in instrument or instrument.endswith(".toml")):
        project = Project(**{**project.__dict__, "instrument": project.resolve(instrument)})
    return project


STARTER = """\
# partnerkit project file: the settings of a yearly run, so that
# `partnerkit areas` (or score, trend, gaps, reliability) needs no arguments.
# Paths are relative to this file. Options on the command line override it.

# The instrument: a bundled name (partnerskab) or a TOML file.
instrument = "partnerskab"

# Where the exports are: files, folders (searched recursively) and glob patterns.
# One folder per area (surveys/<area>/<round>.xlsx) or files named
# surveys/<area>_<round>.csv both work.
inputs = ["surveys"]

# Where a housing area's name comes from when there is no area column:
# "auto" (folder, else file name), "folder", "filename" or "column".
area_from = "auto"

# Groups with fewer respondents show no statistics.
min_n = 5

# A CSV file mapping free-text actor answers to actor types (two columns).
# actor_map = "actors.csv"

# Language of tables and reports: "da" or "en".
lang = "da"

# Files read at once; 0 means one process per CPU.
jobs = 0

[output]
# table, json, csv or markdown
format = "table"
"""


def write_starter(path: Path, force: bool = False) -> Path:
    """Write the commented starter project file."""
    from .output import write_atomic

    if path.is_dir():
        path = path / PROJECT_FILE
    if path.exists() and not force:
        raise OptionError(f"{path}: exists already; give --force to replace it.")
    write_atomic(STARTER, path)
    return path
