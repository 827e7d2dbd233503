"""Renderers: one result object in, text (or a workbook's bytes) in a format out.

A small registry (after tablib's): each format names a module that is imported
on first use and exposes ``render(result, **options)``. The text formats of
``--format`` (:class:`Format`) render any result; ``xlsx`` and ``html`` render a
:class:`~partnerkit.report.Report` and are chosen by the file that
:func:`write_report` writes.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OptionError
from ..i18n import Message
from ..output import Format, format_for

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["Format", "format_for", "render", "write_report", "write_reports"]


_MODULES = {
    Format.table: ".table",
    Format.json: ".json",
    Format.csv: ".csv",
    Format.markdown: ".markdown",
    "xlsx": ".xlsx",  # reports only, as files: not choices of --format
    "html": ".html",
}
_REPORT_EXTENSIONS = {".xlsx": "xlsx", ".html": "html", ".htm": "html"}


def render(result, fmt: Format | str, **options) -> str | bytes:
    """Render ``result`` (a result object such as ``ScoreResult``) in ``fmt``.

    Text for the formats of :class:`Format`; ``"xlsx"`` gives a workbook's bytes.
    """
    module = import_module(_MODULES[fmt], __name__)
    return module.render(result, **options)


def write_report(
    report: Report, path: Path, inputs: tuple[Path, ...] = (), force: bool = False
) -> Path:
    """Write the report as a workbook (``.xlsx``) or a web page (``.html``) under the
    output policy (:func:`partnerkit.output.write_output`)."""
    return write_reports(report, [path], inputs, force=force)[0]


def _render_all(report: Report, formats: list[str]) -> dict[str, str | bytes]:
    """Each of ``formats`` rendered, the page in a child process while this one builds
    the workbook when both are asked for (:func:`~partnerkit.parallel.in_child`; where
    it cannot fork, one after the other). Both are Python work on one core each: the
    workbook took 0.8 s and the page 0.25 s of the report on the example (issue 23,
    machine paused), one core idle meanwhile. Should the page fail in the child, every
    format is rendered here, in order, so the same error comes first."""
    from ..parallel import can_fork, in_child

    if "html" not in formats or len(formats) < 2 or not can_fork():
        return {fmt: render(report, fmt) for fmt in formats}
    page = in_child(render, report, "html")
    rendered = {fmt: render(report, fmt) for fmt in formats if fmt != "html"}
    try:
        rendered["html"] = page.result()
    except Exception:  # rendered again here, where its error is raised
        return {fmt: render(report, fmt) for fmt in formats}
    return {fmt: rendered[fmt] for fmt in formats}


def write_reports(
    report: Report, paths: list[Path], inputs: tuple[Path, ...] = (), force: bool = False
) -> list[Path]:
    """Write the report to each of ``paths`` (``.xlsx`` and/or ``.html``) under the output
    policy, all or none: every path is checked and every format rendered (so a missing
    chart library or a refused path stops the run) before the first file is written."""
    from ..output import check_output, write_output

    kinds = []
    for path in paths:
        fmt = _REPORT_EXTENSIONS.get(path.suffix.lower())
        if fmt is None:
            raise OptionError(Message("error.report_suffix", path=path))
        check_output(path, inputs, force=force)
        kinds.append(fmt)
    rendered = _render_all(report, list(dict.fromkeys(kinds)))
    for path, fmt in zip(paths, kinds, strict=True):
        write_output(rendered[fmt], path, fmt, inputs, force=force)
    return list(paths)
