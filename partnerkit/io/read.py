"""Reading survey exports: files in, one :class:`~partnerkit.survey.Survey` out.

``read_survey`` expands the inputs (:mod:`.inputs`), reads each file's part
(:mod:`.part`), in worker processes when there are many, and stacks the parts
(:mod:`.stack`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import OptionError, PartnerkitError, SurveyReadError
from ..i18n import Message
from ..instrument import Instrument, load_instrument
from ..survey import Survey
from .inputs import AREA_FROM, drop_identical, expand_inputs
from .part import Part, read_part
from .roles import as_actor_map
from .stack import Frames, stack_frames, stack_parts


def read_survey(
    paths: str | Path | Iterable[str | Path],
    instrument: Instrument | str | Path | None = None,
    *,
    sheet: str | int | None = None,
    layout: str | None = None,
    round: str | None = None,
    rounds: str | Sequence[str] | None = None,
    actor_map: str | Path | Mapping[str, str] | None = None,
    area_from: str = "auto",
    jobs: int = 1,
    keep_going: bool = False,
    progress: Callable[[int, int], None] | None = None,
    follow_links: bool = False,
) -> Survey:
    """Read one or more survey exports and map them to an instrument.

    Parameters
    ----------
    paths
        Files, folders (searched recursively) and glob patterns; several exports are
        stacked (their columns are matched by header).
    instrument
        An :class:`~partnerkit.instrument.Instrument`, a bundled name or a TOML path;
        ``None`` for the default ``partnerskab``.
    sheet
        Sheet name or 1-based number; ``None`` takes the first sheet that has item
        columns.
    layout
        Force a platform layout (see :data:`.layouts.LAYOUTS`); ``None``
        detects it.
    round
        The round of a single file without a round column (else the round comes from
        the round column, or a year or ``runde N`` in the file or sheet name).
    rounds
        Keep only these rounds, in this order (as
        :func:`partnerkit.grouping.select_rounds`); ``None`` or empty keeps every round.
    actor_map
        A CSV file (answer, actor type) or a mapping that turns free-text actor
        answers into the instrument's actor types.
    area_from
        Where the housing area comes from without an area column: ``"folder"``
        (``surveys/<area>/<round>.xlsx``), ``"filename"`` (``<area>_<round>.csv``),
        ``"column"`` (never from names) or ``"auto"`` (folder, else file name, for
        batches of several files or a folder).
    jobs
        Read this many files at once in separate processes (results are identical
        to reading them one by one, in the same order).
    keep_going
        Record an unreadable file in :attr:`Survey.failed` and read the others,
        instead of raising at the first.
    progress
        Called as ``progress(done, total)`` while files are read.
    follow_links
        Read files that symbolic links inside a named folder point to outside it;
        without, they are skipped with a warning.

    Returns
    -------
    Survey
        One row per response that answered at least one item, plus a ledger of
        excluded rows, invalid cells and dropped personal-data columns.

    Examples
    --------
    >>> survey = read_survey("data/examples/partnerskab_2022-2024.xlsx")
    >>> survey.ledger.rows_read, survey.sources[0].layout
    (293, 'microsoft_forms')
    """
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument)
    if area_from not in AREA_FROM:
        raise OptionError(
            Message(
                "error.choose", option="--area-from", value=area_from, choices=", ".join(AREA_FROM)
            )
        )
    skipped: list[Path] = []
    inputs = expand_inputs(
        [paths] if isinstance(paths, str | Path) else paths, follow_links, skipped
    )
    if not inputs:
        raise OptionError(Message("error.no_inputs"))
    if round is not None and len(inputs) > 1:
        raise OptionError(Message("error.round_one_file"))
    inputs, identical = drop_identical(inputs)  # the same file twice: read once, and said
    several = len(inputs) > 1
    mapping = as_actor_map(actor_map, instrument)
    tasks = [
        (item.path, instrument, sheet, layout, round, mapping, item.area(area_from, several))
        for item in inputs
    ]
    results, frames = _run(tasks, jobs, keep_going, progress)
    parts = [r for r in results if isinstance(r, Part)]
    failed = tuple(r for r in results if isinstance(r, Failure))
    if not parts:
        raise (
            failed[0].error
            if len(failed) == 1
            else SurveyReadError(
                Message("error.none_read", count=len(failed), first=failed[0].message)
            )
        )
    survey = replace(stack_parts(parts, instrument, frames), failed=failed)
    if identical:
        ledger = replace(survey.ledger, warnings=(*identical, *survey.ledger.warnings))
        survey = replace(survey, ledger=ledger)
    if skipped:
        listed = ", ".join(str(p) for p in skipped[:3]) + (" ..." if len(skipped) > 3 else "")
        note = Message("warn.links", count=len(skipped), listed=listed)
        ledger = replace(survey.ledger, warnings=(note, *survey.ledger.warnings))
        survey = replace(survey, ledger=ledger)
    if isinstance(rounds, str):  # "2022,2024", as --rounds takes them
        rounds = rounds.split(",")
    if rounds:
        from ..grouping import select_rounds  # on the stacked survey of every file

        survey = select_rounds(survey, rounds)
    return survey


@dataclass(frozen=True)
class Failure:
    """A file that could not be read, and why."""

    path: str
    message: str
    error: PartnerkitError

    def to_dict(self) -> dict:
        return {"file": self.path, "error": self.message}


def _read_task(index: int, task) -> Part | Failure:
    path, instrument, sheet, layout, round_value, mapping, area = task
    try:
        return read_part(index, path, instrument, sheet, layout, round_value, mapping, area)
    except PartnerkitError as exc:
        return Failure(str(path), exc.message, exc)


def _read_batch_in_worker(batch: list[tuple[int, tuple]]) -> tuple[list, Frames | None]:
    """Read a run of files in a worker process and stack their frames there.

    The parts come back without their frames (``data`` and ``dont_know_cells`` are
    ``None``); their rows come back once, stacked in input order. Unpickling and
    concatenating a frame per file was the serial part of ``--jobs`` on many small
    files (0.2 s and 0.2 to 0.5 s for 1,000 files); now the main process handles one
    frame per run.
    """
    results = [_read_task(index, task) for index, task in batch]
    parts = [r for r in results if isinstance(r, Part)]
    frames = stack_frames([(p.data, p.dont_know_cells) for p in parts]) if parts else None
    shipped = [
        replace(r, data=None, dont_know_cells=None) if isinstance(r, Part) else r for r in results
    ]
    return shipped, frames


PARALLEL_MIN_FILES = 8  # fewer files are read in this process: starting workers costs more
RUNS_PER_WORKER = 8  # runs of files handed to each worker: enough to even out the load


def _run(
    tasks: list, jobs: int, keep_going: bool, progress
) -> tuple[list[Part | Failure], list[Frames] | None]:
    """Read every task, in parallel when it pays, keeping the input order.

    Returns the results and, from worker processes, the parts' frames stacked per run
    of files (:func:`_read_batch_in_worker`); ``None`` when the parts keep their own.
    """
    total = len(tasks)
    results: list[Part | Failure] = []
    if jobs > 1 and total >= PARALLEL_MIN_FILES:
        # the workers are forked from this process and start with what it has imported:
        # each imported pandas again, which this process imports to stack their frames
        import pandas  # noqa: F401
        import python_calamine  # noqa: F401

        from ..parallel import worker_pool

        workers = min(jobs, total)
        size = max(1, total // (RUNS_PER_WORKER * workers))
        numbered = list(enumerate(tasks))
        runs = [numbered[at : at + size] for at in range(0, total, size)]
        frames: list[Frames] = []
        with worker_pool(workers) as pool:
            for done, stacked in pool.map(_read_batch_in_worker, runs):
                results += done
                if stacked is not None:
                    frames.append(stacked)
                if progress:
                    progress(len(results), total)
                failure = next((r for r in done if isinstance(r, Failure)), None)
                if not keep_going and failure is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise failure.error
        return results, frames
    for i, task in enumerate(tasks):
        results.append(_read_task(i, task))
        if progress:
            progress(i + 1, total)
        if not keep_going and isinstance(results[i], Failure):
            raise results[i].error
    return results, None
