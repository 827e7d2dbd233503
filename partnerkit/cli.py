"""The ``partnerkit`` command: parse options, call the library, render, report errors.

No arithmetic and no formatting live here. pandas, scipy and openpyxl are
imported by the library code a command calls, never at the top of this module,
so ``partnerkit --help`` starts instantly.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from ._version import __version__
from .argv import asked_lang
from .errors import ExitCode, OptionError, PartnerkitError
from .interrupts import INTERRUPTED, interrupted_at_once, say_interrupted_in
from .output import Format, format_for, terminal_text

if TYPE_CHECKING:
    from .project import ReadOptions, RunSettings
    from .survey import Survey


class _Commands(typer.core.TyperGroup):
    """partnerkit's commands: Click's usage errors in the language of the messages (exit
    code 2 as Click's), decided from the raw arguments since none is parsed yet."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        args = sys.argv[1:] if args is None else list(args)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except typer.core._click.exceptions.ClickException as exc:
            _usage_error(exc, args)
            sys.exit(exc.exit_code)
        except typer.Abort:  # as Click's own main: an end of input at a prompt
            from .i18n import t

            typer.echo(t("click.aborted", _asked_lang(args)), err=True)
            sys.exit(ExitCode.ERROR)
        sys.exit(code if isinstance(code, int) else ExitCode.OK)


app = typer.Typer(
    name="partnerkit",
    cls=_Commands,
    help="Score, compare and report partnership surveys of social-housing area programmes.\n\n"
    "Danish output (tables, reports, errors, warnings and validate's report): give --lang da, "
    'set PARTNERKIT_LANG=da, or write lang = "da" in partnerkit.toml. This help is in '
    "English.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's markdown costs more than the rest of start-up
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Lang(StrEnum):
    """Languages of tables and reports."""

    da = "da"
    en = "en"


class Baseline(StrEnum):
    previous = "previous"
    first = "first"


class TestName(StrEnum):
    welch = "welch"
    mann_whitney = "mann-whitney"
    brunner_munzel = "brunner-munzel"


class GapTest(StrEnum):
    welch = "welch"
    kruskal = "kruskal"


class Paired(StrEnum):
    auto = "auto"
    yes = "yes"
    no = "no"


class Adjust(StrEnum):
    holm = "holm"
    bh = "bh"
    none = "none"


class AreaMethod(StrEnum):
    model = "model"
    welch = "welch"


class AreaFrom(StrEnum):
    auto = "auto"
    column = "column"
    folder = "folder"
    filename = "filename"


# Options shared by the commands --------------------------------------------

Files = Annotated[
    list[str] | None,
    typer.Argument(
        help="Survey exports (xlsx, xls, ods, csv, sav), folders (searched recursively) or glob "
        "patterns; several are stacked. [default: the inputs of partnerkit.toml]",
        show_default=False,
    ),
]
InstrumentOpt = Annotated[
    str | None,
    typer.Option(
        "--instrument",
        "-i",
        help="Bundled instrument name or path to an instrument TOML file [default: partnerskab].",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(help="Sheet name or number [default: the first sheet with item columns]."),
]
LayoutOpt = Annotated[
    str | None,
    typer.Option(
        "--layout",
        help="Force the export layout: plain, microsoft_forms, google_forms, qualtrics, "
        "surveymonkey, surveyxact or spss [default: detected].",
    ),
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        "-b",
        help="Group by actor, sector, round, area (or aktør, sektor, runde, område) or a column's "
        "header, export tag or question text; repeat for several keys. "
        "[default: actor, and round when there is a round column]",
    ),
]
MinNOpt = Annotated[
    int | None,
    typer.Option(
        "--min-n",
        help="Smallest group that shows statistics, at least 1 "
        "[default: the instrument's, else 5].",
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format", "-f", help="Output format [default: from -o's extension, else table]."
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of standard output."),
]
ActorMapOpt = Annotated[
    str | None,
    typer.Option(
        "--actor-map",
        help="CSV of free-text actor answers and the actor types they mean (two columns).",
    ),
]
LangOpt = Annotated[
    Lang | None,
    typer.Option(
        envvar="PARTNERKIT_LANG",
        help="Language of tables and reports: da or en (also PARTNERKIT_LANG, or lang in "
        "partnerkit.toml) [default: the instrument's].",
    ),
]
RoundsOpt = Annotated[
    str | None,
    typer.Option(
        "--rounds", help="Rounds to use, in order, separated by commas (e.g. 2022,2023,2024)."
    ),
]
RoundOpt = Annotated[
    str | None,
    typer.Option(
        "--round",
        help="The round of a single file that has no round column or round in its name.",
    ),
]
AreaFromOpt = Annotated[
    AreaFrom | None,
    typer.Option(
        "--area-from",
        help="Where the area comes from without an area column: folder, filename, column, "
        "or auto (folder, else file name, for batches) [default: auto].",
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=0,
        help="Workers: files read at once (and the anonymity patterns' measures, on "
        "processes in areas, on threads in report and relations), at most one per CPU "
        "[default: 0 = one per CPU].",
    ),
]
FollowLinksOpt = Annotated[
    bool,
    typer.Option(
        "--follow-links",
        help="Read files that symbolic links in a scanned folder point to outside it "
        "(skipped, with a warning, unless given).",
    ),
]
FailFastOpt = Annotated[
    bool,
    typer.Option(
        "--fail-fast/--keep-going",
        help="Stop at the first unreadable file, or read the others and list the failures "
        "at the end (exit code 1).",
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace an existing -o file that partnerkit did not write (or that was changed "
        "since). Inputs and write-protected files are never replaced.",
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit 1 instead of warning when a dimension has no column for any of its items.",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress, warnings or legends; data only.")
]
ProjectOpt = Annotated[
    Path | None,
    typer.Option(
        "--project", help="Project file [default: partnerkit.toml in the working folder]."
    ),
]
MergeSmallOpt = Annotated[
    bool,
    typer.Option(
        "--merge-small",
        help="Merge groups below --min-n into one 'Andre / Other' group when it is big enough.",
    ),
]
TracebackOpt = Annotated[
    bool, typer.Option("--traceback", help="Show the full traceback of an error (bug reports).")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"partnerkit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Score, compare and report partnership surveys of social-housing area programmes."""


# Commands -------------------------------------------------------------------


@app.command()
def score(
    files: Files = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    by: ByOpt = None,
    rounds: RoundsOpt = None,
    round: RoundOpt = None,
    actor_map: ActorMapOpt = None,
    area_from: AreaFromOpt = None,
    min_n: MinNOpt = None,
    merge_small: MergeSmallOpt = False,
    include_comments: Annotated[
        bool,
        typer.Option(
            "--include-comments",
            help="Show free-text comments, only of groups with at least --min-n respondents.",
        ),
    ] = False,
    format: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
    fail_fast: FailFastOpt = False,
    follow_links: FollowLinksOpt = False,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Score every partnership dimension per actor (and round), with an overall row.

    Groups with fewer than --min-n respondents show no statistics.
    """
    with reporting(traceback, lang=lang, project=project):
        from .project import ReadOptions
        from .scoring import score_survey

        run = _read(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                rounds=rounds,
                round=round,
                actor_map=actor_map,
                area_from=area_from,
                min_n=min_n,
                format=format,
                output=output,
                lang=lang,
                jobs=jobs,
                fail_fast=fail_fast,
                follow_links=follow_links,
                quiet=quiet,
                strict=strict,
                project=project,
            )
        )
        result = score_survey(
            run.survey,
            by,
            min_n=run.settings.min_n,
            lang=run.settings.lang,
            merge_small=merge_small,
            include_comments=include_comments,
        )
        _finish(run, result, force=force, overview=by is None)


@app.command()
def trend(
    files: Files = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", "-b", help="Also per group: actor, sector, area or a header."),
    ] = None,
    rounds: RoundsOpt = None,
    round: RoundOpt = None,
    actor_map: ActorMapOpt = None,
    area_from: AreaFromOpt = None,
    baseline: Annotated[
        Baseline, typer.Option(help="Compare each round with the previous one or the first.")
    ] = Baseline.previous,
    test: Annotated[TestName, typer.Option(help="The test of a change.")] = TestName.welch,
    paired: Annotated[
        Paired,
        typer.Option(
            help="Pair respondents linked by an id across rounds (auto: whoever is linked; "
            "partly linked rounds use the partially overlapping samples t-test)."
        ),
    ] = Paired.auto,
    adjust: Annotated[
        Adjust,
        typer.Option(
            help="p-value adjustment across every test of this output (bh: false discovery "
            "rate; holm: family-wise error rate)."
        ),
    ] = Adjust.bh,
    alpha: Annotated[
        float, typer.Option(help="Mark a change when its adjusted p-value is below this.")
    ] = 0.05,
    over_time: Annotated[
        bool,
        typer.Option(
            "--over-time",
            help="The trajectory over all rounds instead of pairs: the change per year (a "
            "line through every answer; a random intercept per respondent when ids link "
            "rounds) with its interval and p.",
        ),
    ] = False,
    min_n: MinNOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
    fail_fast: FailFastOpt = False,
    follow_links: FollowLinksOpt = False,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Show what changed between survey rounds, and whether it is more than chance.

    Rounds come from a round column, a year or round in the file or sheet name
    (area_2023.xlsx, runde 2.csv), or --round. Each change is tested on
    respondents' dimension scores (Welch's t-test by default, paired when the same
    respondents are linked), with Hedges' g and Cliff's delta, and p-values
    adjusted across every test of the output (Benjamini-Hochberg by default).
    --over-time shows the trajectory over all rounds: the change per year.
    """
    with reporting(traceback, lang=lang, project=project):
        from .project import ReadOptions
        from .trend import trend as run_trend

        run = _read(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                rounds=rounds,
                round=round,
                actor_map=actor_map,
                area_from=area_from,
                min_n=min_n,
                format=format,
                output=output,
                lang=lang,
                jobs=jobs,
                fail_fast=fail_fast,
                follow_links=follow_links,
                quiet=quiet,
                strict=strict,
                project=project,
            )
        )
        if over_time:
            from .trajectory import trajectory

            result = trajectory(
                run.survey,
                by or [],
                adjust=adjust.value,
                alpha=alpha,
                paired=paired.value,
                min_n=run.settings.min_n,
                lang=run.settings.lang,
            )
            _finish(run, result, force=force)
            return
        result = run_trend(
            run.survey,
            by or [],
            baseline=baseline.value,
            test=test.value,
            paired=paired.value,
            adjust=adjust.value,
            alpha=alpha,
            min_n=run.settings.min_n,
            lang=run.settings.lang,
        )
        _finish(run, result, force=force)


@app.command()
def gaps(
    files: Files = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    between: Annotated[
        str, typer.Option(help="Compare the groups of: actor, sector or a column header.")
    ] = "actor",
    by: Annotated[
        list[str] | None,
        typer.Option("--by", "-b", help="Compare within each round, area or other column."),
    ] = None,
    rounds: RoundsOpt = None,
    round: RoundOpt = None,
    actor_map: ActorMapOpt = None,
    area_from: AreaFromOpt = None,
    test: Annotated[
        GapTest, typer.Option(help="welch: Welch's t-test/ANOVA; kruskal: rank-based tests.")
    ] = GapTest.welch,
    adjust: Annotated[
        Adjust,
        typer.Option(
            help="p-value adjustment across every test of this output (bh: false discovery "
            "rate; holm: family-wise error rate)."
        ),
    ] = Adjust.bh,
    gap: Annotated[
        float | None,
        typer.Option(
            help="Flag gaps of at least this many scale points (and p_adj < alpha) "
            "[default: 0.5 on a 1-5 scale, in proportion on others]."
        ),
    ] = None,
    include_missing_group: Annotated[
        bool,
        typer.Option(
            "--include-missing-group",
            help="Let the '(not given)' group take part in tests and findings.",
        ),
    ] = False,
    alpha: Annotated[float, typer.Option(help="Significance level for flagged gaps.")] = 0.05,
    min_n: MinNOpt = None,
    merge_small: MergeSmallOpt = False,
    format: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
    fail_fast: FailFastOpt = False,
    follow_links: FollowLinksOpt = False,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Compare partners side by side: where do actor types or sectors differ?

    Per dimension the group means, the gap between the highest and lowest group,
    and a test (Welch's t-test or ANOVA with Games-Howell pairs; --test kruskal for
    rank tests), p adjusted across every test of the output; gaps of --gap points with p_adj below
    --alpha are flagged. Shared power (equality) is also shown by sector.
    """
    with reporting(traceback, lang=lang, project=project):
        from .gaps import gaps as run_gaps
        from .project import ReadOptions

        run = _read(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                rounds=rounds,
                round=round,
                actor_map=actor_map,
                area_from=area_from,
                min_n=min_n,
                format=format,
                output=output,
                lang=lang,
                jobs=jobs,
                fail_fast=fail_fast,
                follow_links=follow_links,
                quiet=quiet,
                strict=strict,
                project=project,
            )
        )
        result = run_gaps(
            run.survey,
            between,
            by or [],
            test=test.value,
            adjust=adjust.value,
            gap=gap,
            alpha=alpha,
            min_n=run.settings.min_n,
            lang=run.settings.lang,
            merge_small=merge_small,
            include_missing_group=include_missing_group,
        )
        _finish(run, result, force=force)


@app.command()
def relations(
    files: Files = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", "-b", help="Matrices per round, area or other column."),
    ] = None,
    relation: Annotated[
        list[str] | None,
        typer.Option("--relation", help="Show only this relation (id; repeat for more)."),
    ] = None,
    rounds: RoundsOpt = None,
    round: RoundOpt = None,
    actor_map: ActorMapOpt = None,
    area_from: AreaFromOpt = None,
    adjust: Annotated[
        Adjust,
        typer.Option(
            help="p-value adjustment across every test of this output (bh: false discovery "
            "rate; holm: family-wise error rate)."
        ),
    ] = Adjust.bh,
    gap: Annotated[
        float | None,
        typer.Option(
            help="Report differences of at least this many scale points (and p_adj < alpha) "
            "[default: 0.5 on a 1-5 scale, in proportion on others]."
        ),
    ] = None,
    alpha: Annotated[float, typer.Option(help="Significance level for findings.")] = 0.05,
    min_n: MinNOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
    fail_fast: FailFastOpt = False,
    follow_links: FollowLinksOpt = False,
    quiet: QuietOpt = False,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """How partners see each other: influence, desired influence, trust and value.

    Per relation question of the instrument, a rater x target matrix of means
    (rater groups under --min-n hidden); per actor the others' rating against its
    own (Welch's t-test); actual against desired influence as the others rate it
    (paired t-test) and the concentration of influence (top share, Gini); and
    trust A->B against B->A. p is adjusted across every test of the output.
    """
    with reporting(traceback, lang=lang, project=project):
        from .project import ReadOptions
        from .relations import relations as run_relations

        run = _read(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                rounds=rounds,
                round=round,
                actor_map=actor_map,
                area_from=area_from,
                min_n=min_n,
                format=format,
                output=output,
                lang=lang,
                jobs=jobs,
                fail_fast=fail_fast,
                follow_links=follow_links,
                quiet=quiet,
                project=project,
            )
        )
        result = run_relations(
            run.survey,
            by or [],
            relation=relation,
            adjust=adjust.value,
            gap=gap,
            alpha=alpha,
            min_n=run.settings.min_n,
            lang=run.settings.lang,
            jobs=run.settings.jobs,
        )
        _finish(run, result, force=force)


@app.command()
def areas(
    files: Files = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    compare_round: Annotated[
        str | None,
        typer.Option(
            "--compare-round",
            help="The round to compare the areas in [default: each area's latest].",
        ),
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(help="Sort areas by this dimension (id or name), highest first."),
    ] = None,
    focus: Annotated[
        str | None, typer.Option(help="Show this area against the others, dimension by dimension.")
    ] = None,
    with_trend: Annotated[
        bool, typer.Option("--trend", help="Add each area's change since its previous round.")
    ] = False,
    gap: Annotated[
        float | None,
        typer.Option(
            help="Flag areas at least this many points from the others "
            "[default: 0.5 on a 1-5 scale, in proportion on others]."
        ),
    ] = None,
    alpha: Annotated[float, typer.Option(help="Significance level for flags.")] = 0.05,
    adjust: Annotated[
        Adjust, typer.Option(help="p-value adjustment across all areas and dimensions.")
    ] = Adjust.bh,
    method: Annotated[
        AreaMethod,
        typer.Option(
            help="model: a random intercept per area (model-based means with intervals and "
            "rank intervals); welch: each area against the pooled others (Welch's t-test)."
        ),
    ] = AreaMethod.model,
    actor_map: ActorMapOpt = None,
    area_from: AreaFromOpt = None,
    min_n: MinNOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
    fail_fast: FailFastOpt = False,
    follow_links: FollowLinksOpt = False,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Compare many housing areas: each dimension per area, ranked and held against the others.

    Areas come from an area column, else from folder names (surveys/<area>/2024.xlsx)
    or file names (<area>_2024.csv). By default respondents are modelled within areas
    (a random intercept per area and dimension): each area's model-based mean with its
    interval, its rank interval, and a flag when it differs from the mean of the areas
    (Benjamini-Hochberg across the grid); --method welch compares each area with the
    pool of the others instead. One unreadable file is listed at the end without
    stopping the others.
    """
    with reporting(traceback, lang=lang, project=project):
        from .areas import areas as run_areas
        from .project import ReadOptions

        run = _read(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                actor_map=actor_map,
                area_from=area_from,
                min_n=min_n,
                format=format,
                output=output,
                lang=lang,
                jobs=jobs,
                fail_fast=fail_fast,
                follow_links=follow_links,
                quiet=quiet,
                strict=strict,
                project=project,
            )
        )
        result = run_areas(
            run.survey,
            round=compare_round,
            sort=sort,
            focus=focus,
            trend=with_trend,
            gap=gap,
            alpha=alpha,
            adjust=adjust.value,
            min_n=run.settings.min_n,
            lang=run.settings.lang,
            method=method.value,
            jobs=run.settings.jobs,
        )
        _finish(run, result, force=force)


@app.command()
def report(
    files: Files = None,
    output: Annotated[
        list[Path] | None,
        typer.Option(
            "--output",
            "-o",
            help="report.xlsx (Excel workbook) and/or report.html (web page); repeat for both.",
        ),
    ] = None,
    force: ForceOpt = False,
    title: Annotated[str | None, typer.Option(help="Title of the report.")] = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    rounds: RoundsOpt = None,
    round: RoundOpt = None,
    actor_map: ActorMapOpt = None,
    area_from: AreaFromOpt = None,
    min_n: MinNOpt = None,
    adjust: Annotated[
        Adjust,
        typer.Option(
            help="p-value adjustment across every test behind the report's findings (bh: "
            "false discovery rate; holm: family-wise error rate)."
        ),
    ] = Adjust.bh,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
    fail_fast: FailFastOpt = False,
    follow_links: FollowLinksOpt = False,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Write a report a partnership board can read: an Excel workbook and/or an HTML page.

    The snapshot (scores by actor type, gaps, reliability) shows the latest round;
    the trend shows every round; areas appear when there are several. Charts are
    native Excel charts in the workbook and inline SVG in the page. Nothing is
    written unless every output can be.
    """
    from .i18n import Message

    with reporting(traceback, lang=lang, project=project):
        from .project import ReadOptions
        from .render import write_reports
        from .report import build_report

        if not output:
            raise OptionError(Message("error.report_no_output"))
        run = _read(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                rounds=rounds,
                round=round,
                actor_map=actor_map,
                area_from=area_from,
                min_n=min_n,
                lang=lang,
                jobs=jobs,
                fail_fast=fail_fast,
                follow_links=follow_links,
                quiet=quiet,
                strict=strict,
                project=project,
            )
        )
        result = build_report(
            run.survey,
            title=title,
            lang=run.settings.lang,
            min_n=run.settings.min_n,
            adjust=adjust.value,
            jobs=run.settings.jobs,
        )
        if not run.settings.quiet:
            _warn(result.warnings)
        for path in write_reports(result, list(output), run.inputs, force=force):
            if not run.settings.quiet:
                _note(Message("cli.wrote", path=path))
        _report_failures(run.survey)


@app.command()
def reliability(
    files: Files = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by", "-b", help="Also per group: actor, sector, round, area or a column header."
        ),
    ] = None,
    items: Annotated[
        bool, typer.Option("--items", help="Show item statistics and answer distributions.")
    ] = False,
    actor_map: ActorMapOpt = None,
    area_from: AreaFromOpt = None,
    min_n: MinNOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
    fail_fast: FailFastOpt = False,
    follow_links: FollowLinksOpt = False,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Check that each dimension's items hold together: Cronbach's alpha, item statistics, flags.

    Alpha from pairwise covariances (as R psych alpha()) with a Feldt 95% interval;
    flags for alpha below 0.70, weak or reversed items, few respondents or items.
    """
    with reporting(traceback, lang=lang, project=project):
        from .project import ReadOptions
        from .reliability import reliability as run_reliability

        run = _read(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                actor_map=actor_map,
                area_from=area_from,
                min_n=min_n,
                format=format,
                output=output,
                lang=lang,
                jobs=jobs,
                fail_fast=fail_fast,
                follow_links=follow_links,
                quiet=quiet,
                strict=strict,
                project=project,
            )
        )
        result = run_reliability(
            run.survey, by or [], min_n=run.settings.min_n, lang=run.settings.lang
        )
        _finish(run, result, force=force, items=items)


@app.command("privacy-check")
def privacy_check(
    files: Files = None,
    published: Annotated[
        list[Path],
        typer.Option(
            "--published",
            "-p",
            help="A JSON output of partnerkit (score, gaps, trend, reliability, areas) made "
            "from FILES; repeat for several runs.",
        ),
    ] = ...,
    protection: Annotated[
        float | None,
        typer.Option(
            "--protection",
            help="Smallest safe width of a hidden mean, in points of the instrument's scale "
            "[default: the instrument's or project file's protection, else 1 point on 1-5, "
            "scaled to the scale's range].",
        ),
    ] = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    actor_map: ActorMapOpt = None,
    area_from: AreaFromOpt = None,
    min_n: MinNOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = None,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Attack published JSON outputs: can any hidden group's mean be worked out?

    Every published (n, mean) pair is a linear equation on the hidden groups' sums;
    linear programming gives each hidden group the interval its mean could lie in.
    Exit code 1 when a group below min_n is pinned to less than --protection. The
    report shows intervals of hidden groups: keep it to analysts.
    """
    from .i18n import Message

    with reporting(traceback, lang=lang, project=project):
        from .privacy_check import privacy_check as run_check
        from .project import ReadOptions

        run = _read(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                actor_map=actor_map,
                area_from=area_from,
                min_n=min_n,
                format=format,
                output=output,
                project=project,
                strict=strict,
            )
        )
        for path in published:
            if not path.is_file():
                raise OptionError(Message("error.published_missing", path=path))
        result = run_check(
            run.survey,
            published,
            protection=protection,
            min_n=min_n,
            names=[str(p) for p in published],
        )
        _finish(run, result, message_lang=_lang)  # an analyst's audit, as validate's report
        if result.exposed:
            _error(Message("cli.exposed", count=result.exposed, protection=result.protection))
            raise typer.Exit(ExitCode.ERROR)


@app.command()
def validate(
    files: Files = None,
    instrument: InstrumentOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
    strict: Annotated[
        bool,
        typer.Option(help="Also fail (exit 1) on an item with no column or an invalid cell."),
    ] = False,
    format: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = None,
    project: ProjectOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Show how exports are read, without scoring: columns, items, invalid answers, rows.

    Exit code 0 when every file can be scored, 1 when one cannot (or, with
    --strict, when an item has no column or a cell is invalid).
    """
    with reporting(traceback, lang=lang, project=project):
        from .project import ReadOptions, resolve_options
        from .validate import validate as run_validate

        settings = resolve_options(
            ReadOptions(
                files=files,
                instrument=instrument,
                sheet=sheet,
                layout=layout,
                format=format,
                output=output,
                project=project,
            )
        )
        result = run_validate(
            settings.paths,
            settings.instrument,
            sheet=settings.sheet,
            strict=strict,
            layout=settings.layout,
            lang=_lang,
        )
        emit(result, settings.format, output, inputs=settings.inputs, force=force)
        if not result.passed:
            raise typer.Exit(ExitCode.ERROR)


@app.command()
def template(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The questionnaire workbook to write (.xlsx).")
    ],
    instrument: InstrumentOpt = None,
    lang: LangOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            help="Replace an existing workbook that partnerkit did not write or that was "
            "changed since (a filled-in questionnaire is data: kept without --force)."
        ),
    ] = False,
    quiet: QuietOpt = False,
    traceback: TracebackOpt = False,
) -> None:
    """Write a questionnaire workbook with drop-down answers, ready to fill and score."""
    from .i18n import Message

    with reporting(traceback, lang=lang):
        from .template import write_template

        write_template(output, instrument, lang.value if lang else None, force=force)
        if not quiet:
            _note(Message("cli.wrote", path=output))


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the project file.")] = Path(
        "partnerkit.toml"
    ),
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
    traceback: TracebackOpt = False,
) -> None:
    """Write a commented partnerkit.toml: the settings of a yearly run."""
    from .i18n import Message

    with reporting(traceback):
        from .project import write_starter

        written = write_starter(path, force=force)
        _note(Message("cli.wrote_project", path=written))


instrument_app = typer.Typer(
    help="List, show, start and check instruments (dimensions, items and scale).",
    no_args_is_help=True,
)
app.add_typer(instrument_app, name="instrument")


@instrument_app.command("list")
def instrument_list(
    format: FormatOpt = None, lang: LangOpt = None, traceback: TracebackOpt = False
) -> None:
    """List the bundled instruments."""
    with reporting(traceback, lang=lang):
        from .instrument_tools import listing

        emit(listing(_lang), format_for(None, format), None)


@instrument_app.command("show")
def instrument_show(
    name: Annotated[str, typer.Argument(help="Bundled instrument name or TOML path.")] = (
        "partnerskab"
    ),
    lang: LangOpt = None,
    format: FormatOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Show an instrument's scale, dimensions and items (reverse-keyed items marked)."""
    with reporting(traceback, lang=lang):
        from .instrument_tools import show_instrument

        emit(show_instrument(name, lang), format_for(None, format), None)


@instrument_app.command("init")
def instrument_init(
    path: Annotated[Path, typer.Argument(help="The new instrument file (.toml).")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    traceback: TracebackOpt = False,
) -> None:
    """Write a commented starter instrument (a copy of the default) to adapt."""
    from .i18n import Message

    with reporting(traceback):
        from .instrument_tools import init_instrument

        init_instrument(path, force=force)
        _note(Message("cli.wrote_instrument", path=path))


@instrument_app.command("check")
def instrument_check(
    path: Annotated[Path, typer.Argument(help="Instrument TOML file to check.")],
    lang: LangOpt = None,
    traceback: TracebackOpt = False,
) -> None:
    """Check an instrument file and report every problem at once (exit 1 if any)."""
    from .i18n import Message

    with reporting(traceback, lang=lang):
        from rich.console import Console

        from .instrument import check_instrument, load_instrument

        problems = check_instrument(path)
        console = Console(highlight=False, soft_wrap=True)
        if problems:
            for problem in problems:
                console.print(terminal_text(f"{path}: {problem.text(_lang)}"), markup=False)
            _error(Message("cli.problems", path=path, count=len(problems)))
            raise typer.Exit(ExitCode.ERROR)
        inst = load_instrument(path)
        valid = Message(
            "cli.instrument_valid",
            path=path,
            instrument=inst.id,
            dimensions=len(inst.dimensions),
            items=len(inst.items),
        )
        console.print(terminal_text(valid.text(_lang)), markup=False)


# Reading inputs -----------------------------------------------------------------


class Run(NamedTuple):
    """A command's survey and the settings resolved from options and the project file."""

    survey: Survey
    settings: RunSettings

    @property
    def inputs(self) -> tuple[Path, ...]:
        """Every file the run read (named, found in folders, the instrument, the actor
        map, the project file): an output must never replace one of them."""
        return self.settings.inputs + self.survey.input_paths()


def _read(options: ReadOptions) -> Run:
    """Read the inputs of a command, with its options settled against the project file."""
    from .errors import MappingError
    from .i18n import Message
    from .instrument import DEFAULT_INSTRUMENT
    from .project import resolve_options
    from .scoring import coverage_message

    settings = resolve_options(options)
    with _progress(settings.quiet) as progress:
        survey = settings.read(progress)
    # a dimension with no columns would vanish from every table: said even with -q
    missing = coverage_message(survey, survey.instrument.id == DEFAULT_INSTRUMENT)
    if missing and options.strict:
        raise MappingError(Message("error.strict", message=missing))
    if missing:
        _warn([missing])
    return Run(survey, settings)


@contextmanager
def _progress(quiet: bool):
    """A progress bar on stderr while many files are read, only on a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .i18n import t

    with Progress(
        TextColumn(t("cli.reading", _lang)),
        BarColumn(),
        MofNCompleteColumn(),
        console=_stderr(),
        transient=True,
    ) as bar:
        task = bar.add_task("read", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _finish(run: Run, result, force: bool = False, **options) -> None:
    """Warn, emit the result, then list unreadable files and exit 1 if there were any."""
    if not run.settings.quiet:
        _warn(result.warnings)
    settings = run.settings
    emit(result, settings.format, settings.output, inputs=run.inputs, force=force,
         quiet=settings.quiet, **options)  # fmt: skip
    _report_failures(run.survey)


def _report_failures(survey: Survey) -> None:
    """List the files that could not be read, and exit 1 if there were any."""
    from .i18n import t

    failed = survey.failed
    if failed:
        text = t("cli.failed", _lang, count=len(failed))
        typer.secho(text, fg="red", bold=True, err=True)
        for failure in failed:
            _error(failure.message)
        raise typer.Exit(ExitCode.ERROR)


# Plumbing ---------------------------------------------------------------------


def _stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def reporting(
    show_traceback: bool, lang: Lang | None = None, project: Path | None = None
) -> Iterator[None]:
    """Turn known errors into one ``Error: ...`` line and an exit code.

    The language of the command's messages is decided first (:func:`message_lang`), so
    every error and warning of the run is in it; an error raised before that is English.
    """
    from .i18n import Message

    global _lang
    outer, _lang = _lang, "en"
    try:
        _lang = message_lang(lang, project)
        say_interrupted_in(_lang)
        yield
    except (typer.Exit, typer.Abort):
        raise
    except OptionError as exc:
        if show_traceback:
            raise
        _error(exc.message)
        raise typer.Exit(ExitCode.USAGE) from None
    except PartnerkitError as exc:
        if show_traceback:
            raise
        _error(exc.message)
        raise typer.Exit(ExitCode.ERROR) from None
    except KeyboardInterrupt:
        _error(Message("cli.interrupted"))
        raise typer.Exit(INTERRUPTED) from None
    except Exception as exc:
        if show_traceback:
            raise
        _error(Message("cli.bug", kind=type(exc).__name__, error=exc))
        raise typer.Exit(ExitCode.ERROR) from None
    finally:
        _lang = outer


_lang = "en"  # the language of the running command's messages, set by reporting()


def message_lang(lang: Lang | None = None, project: Path | None = None) -> str:
    """The language of errors, warnings and notes: ``--lang``, else ``PARTNERKIT_LANG``,
    else the project file's ``lang`` (``--project``, else partnerkit.toml here), else
    English. Decided from the parsed command line before anything is read; a broken
    project file leaves it English (its own error says what is wrong)."""
    chosen = lang or os.environ.get("PARTNERKIT_LANG", "").strip()
    if chosen in ("da", "en"):
        return str(chosen)
    from .project import find_project

    try:
        found = find_project(project)
    except PartnerkitError:
        return "en"
    return found.lang if found is not None and found.lang else "en"


# Status lines go through click (loaded with the CLI anyway): importing rich for them
# would add about 20 ms to every run. Colour is dropped when stderr is not a terminal.


# Messages name files, sheets and columns from the input: control characters in them are
# spelt out (terminal_text), so a file name cannot steer the terminal.


def _asked_lang(args: list[str]) -> str:
    """The language of messages as the raw arguments ask for it (before they are parsed)."""
    from .argv import asked

    return message_lang(asked_lang(args), asked(args, "--project"))


def _usage_error(exc, args: list[str]) -> None:
    """Click's error ``exc`` as Click shows it, in the language ``args`` ask for: Click's
    English texts are read back by their catalogue keys (a text no key reads stays English)."""
    from .i18n import _MESSAGES, t, translated

    lang = _asked_lang(args)
    if lang == "en" or isinstance(exc, typer.core._click.exceptions.NoArgsIsHelpError):
        exc.show()
        return
    keys = tuple(k for k in _MESSAGES if k.startswith("click.") and k != "click.usage")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = translated(ctx.get_usage(), ("click.usage",), lang)
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            option = ctx.help_option_names[0]
            hint = t("click.try", lang, command=ctx.command_path, option=option) + "\n"
        typer.echo(f"{usage}\n{hint}", err=True, color=ctx.color)
    message = translated(exc.format_message(), keys, lang)
    typer.echo(f"{t('cli.error', lang)}: {message}", err=True)


def _error(message: str) -> None:
    from .i18n import in_lang, t

    text = terminal_text(" ".join(str(in_lang(message, _lang)).split()))
    prefix = t("cli.error", _lang)
    typer.echo(typer.style(f"{prefix}: ", fg="red", bold=True) + text, err=True)


def _warn(warnings) -> None:
    from .i18n import in_lang, t

    prefix = t("cli.warning", _lang)
    for warning in warnings:
        text = terminal_text(str(in_lang(warning, _lang)))
        typer.echo(typer.style(f"{prefix}: ", fg="yellow") + text, err=True)


def _note(message: str) -> None:
    from .i18n import in_lang

    typer.echo(typer.style(terminal_text(str(in_lang(message, _lang))), dim=True), err=True)


def emit(
    result,
    fmt: Format,
    output: Path | None,
    inputs: tuple[Path, ...] = (),
    force: bool = False,
    **options,
) -> None:
    """Render ``result`` to standard output, or write it to ``output`` under the output
    policy (:func:`partnerkit.output.write_output`)."""
    from .i18n import Message
    from .output import write_output
    from .render import render

    quiet = options.get("quiet", False)
    privacy = result.privacy() if hasattr(result, "privacy") else {}
    if privacy.get("unproved"):
        _warn([Message("warn.unproved", count=privacy["unproved"])])
    if output is not None:
        text = render(result, fmt, width=100, **options)
        write_output(text, output, fmt.value, inputs, force=force)
        if not quiet and str(output) != "-":
            _note(Message("cli.wrote", path=output))
        return
    if fmt is Format.table:
        from rich.console import Console

        from .render.table import renderable

        console = Console(highlight=False)
        if console.is_terminal:  # colour, and the terminal's own width
            console = Console(highlight=False, width=max(console.width, TABLE_MIN_WIDTH))
            console.print(renderable(result, console.width, **options))
            return
        # a pipe or a file: plain text as wide as COLUMNS says (default 100), no trailing spaces
        sys.stdout.write(render(result, fmt, width=_pipe_width(), **options))
        return
    sys.stdout.write(render(result, fmt, **options))


TABLE_MIN_WIDTH = 60  # narrower, a dimension's name and one group column no longer fit


def _pipe_width() -> int:
    """The width of a table written to a pipe: ``COLUMNS`` when it is a number, else 100."""
    import os

    columns = os.environ.get("COLUMNS", "").strip()
    return max(int(columns), TABLE_MIN_WIDTH) if columns.isdigit() else 100


def main() -> None:
    """Entry point of the ``partnerkit`` console script."""
    from .i18n import Message

    # partnerkit does no linear algebra, but OpenBLAS starts a thread per core when
    # numpy is imported, and those threads spin for a while on the cores that parsing
    # and scoring use (measured: 0.15 s of CPU on a 1,000,000-row CSV, 1 s over 1,000
    # area files). A user's own setting wins; --jobs workers inherit this one.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _replace_surrogates()
    signal.signal(signal.SIGINT, interrupted_at_once)  # as partnerkit._launch set it
    try:
        _command_line(sys.argv[1:])(prog_name="partnerkit")
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:  # raised by code of its own (a test, a debugger)
        _error(Message("cli.interrupted"))
        code = INTERRUPTED
    else:  # pragma: no cover - typer always ends with SystemExit
        code = 0
    inputs = sys.modules.get("partnerkit.io.inputs")  # loaded when anything was read
    if inputs is not None:
        inputs.remove_spooled()  # copies of standard input: the hard exit skips atexit
    if sys.getprofile() or sys.gettrace():  # a profiler or coverage writes its report at exit
        raise SystemExit(code)
    _hard_exit(code)


def _command_line(args: list[str]):
    """The Click command ``app(prog_name=...)`` runs for ``args``: when the first argument
    names a command, the group with that command alone.

    Typer builds every command's options from its signature and help text before it
    parses anything: 65 ms of the 3,000-row benchmark survey's 1.2 s (15 commands,
    machine paused), where the one command a run can reach takes a few. The group's own
    help, ``--version`` and a mistyped name (with Click's suggestion) get every command.
    """
    import typer.main

    name = args[0] if args else ""
    commands = [
        c
        for c in app.registered_commands
        if (c.name or typer.main.get_command_name(c.callback.__name__)) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return typer.main.get_command(app)
    every = app.registered_commands, app.registered_groups
    app.registered_commands, app.registered_groups = commands, groups
    try:
        return typer.main.get_command(app)
    finally:
        app.registered_commands, app.registered_groups = every


def _replace_surrogates() -> None:
    """Write the bytes of a file name that is not UTF-8 (surrogate escapes) as U+FFFD on
    the terminal, rather than fail (stdout) or print ``\\udcf8`` (stderr)."""
    import codecs
    from contextlib import suppress

    def replace(exc: UnicodeError):  # bytes: an UTF-8 encoder takes only ASCII text back
        return "\ufffd".encode(exc.encoding, errors="replace"), exc.end

    codecs.register_error("partnerkit-replace", replace)
    for stream in (sys.stdout, sys.stderr):
        with suppress(AttributeError, ValueError):  # not a text stream of its own (a test's)
            stream.reconfigure(errors="partnerkit-replace")


def _hard_exit(code: object) -> None:
    """End the process now that every output is written and closed, without the
    interpreter's clean-up: freeing a large survey object by object took 70 to 90 ms
    on a 1,000,000-row CSV (mypy ends the same way, for the same reason)."""
    if isinstance(code, str):  # as sys.exit("message") would: the message, status 1
        if sys.stderr is not None:
            print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed when the process started (as under pythonw)
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away, or the stream was closed
            code = code or 1
    os._exit(int(code or 0))
