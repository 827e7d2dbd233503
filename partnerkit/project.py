"""The project file ``partnerkit.toml``: an analyst's yearly run without arguments.

It declares the instrument, the inputs (files, folders, glob patterns,
relative to the project file), how areas are read from paths, ``min_n``, the
actor map, the language, the number of processes and the output format.
Options given on the command line override it: :func:`resolve_options` turns a
command's :class:`ReadOptions` into the :class:`RunSettings` it runs with.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OptionError
from .i18n import Message
from .instrument import dominance_problem, min_n_problem, protection_problem
from .io.inputs import AREA_FROM

if TYPE_CHECKING:
    from .output import Format
    from .survey import Survey

PROJECT_FILE = "partnerkit.toml"
_KEYS = {"instrument", "inputs", "area_from", "min_n", "actor_map", "lang", "jobs", "output"}
_KEYS |= {"protection", "dominance"}  # anonymity: see partnerkit.privacy.pattern


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
    protection: float | None = None  # scale points; checked against the scale when read
    dominance: bool | None = None

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
        raise OptionError(Message("error.no_project", path=path))
    return load_project(path)


def load_project(path: Path) -> Project:
    """Read and check a project file; every problem names the file and the key."""
    from .tomltext import TomlProblem, loads

    try:
        data = loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TomlProblem) as exc:
        raise OptionError(Message("error.project_unreadable", path=path, problem=exc)) from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise OptionError(
            Message(
                "error.project_key", path=path, key=unknown[0], allowed=", ".join(sorted(_KEYS))
            )
        )
    inputs = data.get("inputs", [])
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        raise OptionError(
            Message(
                "error.project_value", path=path, key="inputs", problem=Message("project.inputs")
            )
        )
    area_from = data.get("area_from")
    if area_from is not None and area_from not in AREA_FROM:
        problem = Message("project.one_of", choices=", ".join(AREA_FROM), value=area_from)
        raise OptionError(
            Message("error.project_value", path=path, key="area_from", problem=problem)
        )
    if data.get("min_n") is not None and min_n_problem(data["min_n"]):
        problem = min_n_problem(data["min_n"])
        raise OptionError(Message("error.project_value", path=path, key="min_n", problem=problem))
    if data.get("protection") is not None and protection_problem(data["protection"]):
        problem = protection_problem(data["protection"])
        raise OptionError(
            Message("error.project_value", path=path, key="protection", problem=problem)
        )
    if data.get("dominance") is not None and dominance_problem(data["dominance"]):
        problem = dominance_problem(data["dominance"])
        raise OptionError(
            Message("error.project_value", path=path, key="dominance", problem=problem)
        )
    jobs = data.get("jobs")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0):
        problem = Message("project.jobs", value=jobs)
        raise OptionError(Message("error.project_value", path=path, key="jobs", problem=problem))
    if data.get("lang") not in (None, "da", "en"):
        raise OptionError(Message("error.project_lang", path=path, value=data["lang"]))
    output = data.get("output", {})
    if not isinstance(output, dict):
        problem = Message("project.table")
        raise OptionError(
            Message("error.project_value", path=path, key="[output]", problem=problem)
        )
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
        protection=data.get("protection"),
        dominance=data.get("dominance"),
    )
    instrument = project.instrument
    if instrument is not None and ("/" in instrument or instrument.endswith(".toml")):
        project = Project(**{**project.__dict__, "instrument": project.resolve(instrument)})
    return project


@dataclass(frozen=True)
class ReadOptions:
    """What a command was told about its inputs and output; ``None`` where it was told nothing.

    The command line builds one per command from its options; :func:`resolve_options`
    fills the gaps from the project file and the defaults.
    """

    files: Sequence[str] | None = None
    instrument: str | None = None
    sheet: str | None = None
    layout: str | None = None
    round: str | None = None
    rounds: str | Sequence[str] | None = None  # "2022,2023" as typed, or a sequence
    actor_map: str | None = None
    area_from: str | None = None
    jobs: int | None = None
    fail_fast: bool = False
    follow_links: bool = False
    project: str | Path | None = None
    lang: str | None = None
    min_n: int | None = None
    format: str | None = None
    output: Path | None = None
    quiet: bool = False
    strict: bool = False  # a dimension without item columns is an error, not a warning


@dataclass(frozen=True)
class RunSettings:
    """The settings a command runs with: options first, then the project file, then defaults."""

    paths: tuple[str, ...]
    format: Format
    instrument: str | None = None
    sheet: str | None = None
    layout: str | None = None
    round: str | None = None
    rounds: tuple[str, ...] | None = None
    actor_map: str | None = None
    area_from: str = "auto"
    jobs: int = 1
    keep_going: bool = True
    follow_links: bool = False
    lang: str | None = None
    min_n: int | None = None
    output: Path | None = None
    quiet: bool = False
    project: Project | None = None

    @property
    def inputs(self) -> tuple[Path, ...]:
        """The inputs as paths, which an output file must never overwrite: the files,
        folders and patterns given, the actor map, the instrument file, the project file.
        (The files a folder or pattern led to are the survey's: ``Survey.input_paths``.)"""
        more = [self.actor_map, self.instrument if str(self.instrument).endswith(".toml") else None]
        if self.project is not None:
            more.append(self.project.path)
        return tuple(Path(p) for p in (*self.paths, *more) if p)

    def read(self, progress: Callable[[int, int], None] | None = None) -> Survey:
        """Read the survey these settings describe (see :func:`partnerkit.io.read_survey`).

        The project file's ``protection`` and ``dominance`` replace the instrument's
        (the project file is the more specific setting, as for ``min_n``).
        """
        from .io import read_survey

        survey = read_survey(
            self.paths,
            self.instrument,
            sheet=self.sheet,
            layout=self.layout,
            round=self.round,
            rounds=self.rounds,
            actor_map=self.actor_map,
            area_from=self.area_from,
            jobs=self.jobs,
            keep_going=self.keep_going,
            follow_links=self.follow_links,
            progress=progress,
        )
        return with_privacy_settings(survey, self.project)


def with_privacy_settings(survey: Survey, project: Project | None) -> Survey:
    """``survey`` with the project file's ``protection`` and ``dominance`` in its
    instrument (checked against the instrument's scale)."""
    from dataclasses import replace

    if project is None or (project.protection is None and project.dominance is None):
        return survey
    inst = survey.instrument
    changes: dict = {}
    if project.protection is not None:
        problem = protection_problem(project.protection, inst.scale)
        if problem:
            raise OptionError(
                Message("error.project_value", path=project.path, key="protection", problem=problem)
            )
        changes["protection"] = float(project.protection)
    if project.dominance is not None:
        changes["dominance"] = project.dominance
    return replace(survey, instrument=replace(inst, **changes))


def resolve_options(options: ReadOptions) -> RunSettings:
    """Settle a command's options against the project file and the defaults.

    Each setting is the option when given, else the project file's (``--project``,
    else ``partnerkit.toml`` in the working folder), else the default: the
    instrument's ``min_n`` and language (left ``None`` here), ``area_from`` auto,
    one process per CPU, the format from ``-o``'s extension, else table.

    Raises
    ------
    OptionError
        When there are no inputs, or the project file is broken.
    """
    project = find_project(options.project)

    def pick(name: str, default=None):
        value = getattr(options, name)
        if value is None and project is not None:
            value = getattr(project, name)
        # the command line hands over its choices as StrEnum members; the library takes text
        return default if value is None else value.value if isinstance(value, Enum) else value

    actor_map = options.actor_map
    if actor_map is None and project is not None and project.actor_map:
        actor_map = project.resolve(project.actor_map)
    cpus = usable_cpus()
    if options.min_n is not None and min_n_problem(options.min_n):
        raise OptionError(
            Message("error.option_problem", option="--min-n", problem=min_n_problem(options.min_n))
        )
    rounds = options.rounds
    if isinstance(rounds, str):  # as typed after --rounds; an empty one keeps every round
        rounds = rounds.split(",") if rounds else None
    return RunSettings(
        paths=_paths(options.files, project),
        format=_format(options.output, options.format, project),
        instrument=pick("instrument"),
        sheet=options.sheet,
        layout=options.layout,
        round=options.round,
        rounds=tuple(rounds) if rounds else None,
        actor_map=actor_map,
        area_from=pick("area_from", "auto"),
        # never more processes than CPUs: jobs = 100000 started one per file (4.3 GB for
        # 60 tiny files, issue 18)
        jobs=min(pick("jobs", 0) or cpus, cpus),
        keep_going=not options.fail_fast,
        follow_links=options.follow_links,
        lang=pick("lang"),
        min_n=pick("min_n"),
        output=options.output,
        quiet=options.quiet,
        project=project,
    )


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _paths(files: Sequence[str] | None, project: Project | None) -> tuple[str, ...]:
    if files:
        return tuple(files)
    if project and project.inputs:
        return tuple(project.resolve(p) for p in project.inputs)
    raise OptionError(Message("error.no_input"))


def _format(output: Path | None, fmt: str | None, project: Project | None) -> Format:
    """``fmt``; else, without ``-o``, the project file's; else from ``-o``'s extension, or table."""
    from .output import Format, format_for

    if fmt is None and output is None and project is not None and project.output.get("format"):
        try:
            return Format(project.output["format"])
        except ValueError:
            problem = Message("project.formats", choices=", ".join(f.value for f in Format))
            raise OptionError(
                Message(
                    "error.project_value", path=project.path, key="[output] format", problem=problem
                )
            ) from None
    return format_for(output, None if fmt is None else Format(fmt))


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

# A hidden group is safe when the published figures leave its mean an interval at
# least this many scale points wide (default: a quarter of the scale, 1 on 1-5).
# protection = 1.0
# Also hide groups whose answers on a dimension are all the same.
# dominance = false

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
    from .output import write_output

    if path.is_dir():
        path = path / PROJECT_FILE
    if path.exists() and not force:
        raise OptionError(Message("error.project_exists", path=path))
    # refused above unless --force; the rest of the output policy applies (write_output)
    write_output(STARTER, path, "toml", force=True)
    return path
