"""The Excel workbook of a report: what analysts edit further (openpyxl).

Sheets: a summary (dimensions by actor group, zone colours by conditional
formatting, n, a reading guide, a native bar chart), one sheet per view
(scores, trend with a line chart, gaps, reliability, areas with a bar chart),
the method (instrument, rules, tests, version, input checksums) and the data
the charts draw. Numbers are stored as numbers with fixed decimals; a hidden
group is marked "–" on a grey fill, never a blank or a zero; every text cell
is formula-safe.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ..i18n import HIDDEN, MEAN_DECIMALS, bound, has_text, key_name, t
from ..output import xlsx_text

if TYPE_CHECKING:
    from ..report import Report

_GREEN, _YELLOW, _RED, _GREY = "C6EFCE", "FFEB9C", "FFC7CE", "E7E6E6"


def render(result: Report, **_options) -> bytes:
    """Registry entry point: the same as :func:`render_xlsx`."""
    return render_xlsx(result)


def render_xlsx(report: Report) -> bytes:
    """The report as an xlsx workbook, in bytes."""
    from openpyxl import Workbook

    book = Workbook()
    lang = report.lang
    summary = book.active
    summary.title = t("xlsx.summary", lang)
    chart_data = _summary(book, summary, report)
    _scores(book.create_sheet(t("xlsx.scores", lang)), report)
    if report.trend is not None:
        _trend(book.create_sheet(t("xlsx.trend", lang)), report, chart_data)
    if report.gaps is not None:
        _gaps(book.create_sheet(t("xlsx.gaps", lang)), report)
    _reliability(book.create_sheet(t("xlsx.reliability", lang)), report)
    if report.areas is not None:
        _areas(book.create_sheet(t("xlsx.areas", lang)), report)
    if report.trajectory is not None:
        _trajectory(book.create_sheet(t("xlsx.trajectory", lang)), report, chart_data)
    if report.area_model is not None:
        _area_model(book.create_sheet(t("xlsx.area_model", lang)), report)
    if report.relations is not None:
        for relation in report.relations.relations:
            _relation_sheet(book, report, relation)
    _method(book.create_sheet(t("report.method", lang)), report)
    book.move_sheet(chart_data, offset=len(book.sheetnames))
    for sheet in book:
        _fit_headers(sheet)
        if lang == "da":
            _danish_formats(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------- helpers


def _header(sheet, row: int, values: list[str], col: int = 1) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for offset, value in enumerate(values):
        cell = sheet.cell(row=row, column=col + offset, value=xlsx_text(value))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


_HEADER_FILL = "DDEBF7"
_LINE_HEIGHT = 15  # points per line of a header in Calibri 11
_LABEL_MAX = 24  # a text cell up to this long widens its column to fit


def _fit_headers(sheet) -> None:
    """Every header cell's column as wide as its longest word, its row as high as its
    wrapped lines, so that no word breaks in the middle and no header runs into the first
    row (issue 20; checked through LibreOffice in the tests). Widths are in characters of
    the default font; a bold word takes about a tenth more."""
    from openpyxl.utils import get_column_letter

    lines_of: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            if not cell.fill.fgColor.rgb.endswith(_HEADER_FILL):
                # a short label in a table (an actor type, a zone word) is not cut either;
                # longer texts (findings, notes) run over the empty cells beside them
                if len(cell.value) <= _LABEL_MAX and not cell.alignment.wrap_text:
                    dim = sheet.column_dimensions[get_column_letter(cell.column)]
                    dim.width = max(dim.width or 8.43, len(cell.value) + 2)
                continue
            letter = get_column_letter(cell.column)
            words = cell.value.split() or [""]
            dim = sheet.column_dimensions[letter]
            width = max(dim.width or 8.43, 1.2 * max(len(w) for w in words) + 3)
            dim.width = width
            lines_of[cell.row] = max(lines_of.get(cell.row, 1), _wrapped_lines(words, width))
    for row, lines in lines_of.items():
        sheet.row_dimensions[row].height = _LINE_HEIGHT * lines + 3


def _danish_formats(sheet) -> None:
    """Number formats tagged Danish (``[$-406]``, da-DK): a decimal comma in LibreOffice
    whatever its locale; Excel takes the separators from the reader's own settings."""
    for row in sheet.iter_rows():
        for cell in row:
            fmt = cell.number_format
            if isinstance(cell.value, int | float) and fmt != "General" and "[$" not in fmt:
                cell.number_format = f"[$-406]{fmt}"


def _wrapped_lines(words: list[str], width: float) -> int:
    """Lines of ``words`` wrapped greedily at ``width`` characters (bold: a tenth wider)."""
    room = (width - 3) / 1.2
    lines, used = 1, 0.0
    for word in words:
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def _number(sheet, row: int, col: int, value, fmt: str = "0.00"):
    """A number with fixed decimals, or an empty cell for a missing value."""
    cell = sheet.cell(row=row, column=col)
    if value is None or value != value:
        return cell
    cell.value = float(value)
    cell.number_format = fmt
    return cell


def _hidden(sheet, row: int, col: int, text: str = HIDDEN):
    from openpyxl.styles import Alignment, Font, PatternFill

    cell = sheet.cell(row=row, column=col, value=text)
    cell.fill = PatternFill("solid", fgColor=_GREY)
    cell.font = Font(color="595959")
    cell.alignment = Alignment(horizontal="right")
    return cell


def _widths(sheet, widths: dict[str, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width


def _finish(sheet, header_row: int, last_col: int, last_row: int) -> None:
    """Frozen header, print area, fit to one page wide."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.print_area = f"A1:{get_column_letter(max(last_col, 1))}{max(last_row, 1)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _zone_formatting(sheet, cells: str, first_cell: str, report: Report) -> None:
    """Zone colours on numeric cells only (a hidden cell's text stays grey)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    zones = report.survey.instrument.zones
    # the zone of the number as shown (issue 20): 3.996 reads 4.00 and is green
    shown = f"ROUND({first_cell},{MEAN_DECIMALS})"
    rules = [
        (f"AND(ISNUMBER({first_cell}),{shown}>={zones.strength})", _GREEN),
        (
            f"AND(ISNUMBER({first_cell}),{shown}>={zones.attention},{shown}<{zones.strength})",
            _YELLOW,
        ),
        (f"AND(ISNUMBER({first_cell}),{shown}<{zones.attention})", _RED),
    ]
    for formula, colour in rules:
        fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        sheet.conditional_formatting.add(cells, FormulaRule(formula=[formula], fill=fill))


def _hidden_text(record: dict, min_n: int, lang: str) -> str:
    if record.get("suppressed_reason") == "no_columns":  # a dimension the export lacks
        return t("dimension.no_columns", lang)
    return f"{HIDDEN} n<{min_n}" if record.get("suppressed_reason") == "min_n" else HIDDEN


# ------------------------------------------------------------------- sheets


def _summary(book, sheet, report: Report):
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lang = report.lang
    inst = report.survey.instrument
    records = report.scores.records
    group_key = "actor" if "actor" in records.columns else None
    sheet["A1"] = xlsx_text(report.title)
    sheet["A1"].font = Font(bold=True, size=16)
    overall = records[records[group_key].isna()] if group_key else records
    n_total = int(report.scores.rows_scored)
    round_text = f" · {t('round', lang)} {report.round}" if report.round else ""
    sheet["A2"] = xlsx_text(f"{inst.label(lang)}{round_text} · n = {n_total}")
    z = inst.zones
    sheet["A3"] = t(
        "xlsx.guide", lang, lo=inst.scale.min, hi=inst.scale.max, s=bound(z.strength, lang),
        a=bound(z.attention, lang), n=report.min_n,
    )  # fmt: skip
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A3:J3")
    sheet.row_dimensions[3].height = 48

    groups = list(dict.fromkeys(records[group_key].dropna())) if group_key else []
    columns = [*groups, None]
    dims = list(dict.fromkeys(records["dimension"]))
    by = {
        (r[group_key] if group_key else None, r["dimension"]): r for r in records.to_dict("records")
    }
    names = {d.id: d.label(lang) for d in inst.dimensions}

    def grid(top: int, title: str, field: str, number_format: str) -> int:
        """Dimensions by group from row ``top``: ``field`` of each record, or hidden."""
        _header(sheet, top, [title, *groups, t("all", lang)])
        for i, dim in enumerate(dims, start=top + 1):
            sheet.cell(row=i, column=1, value=xlsx_text(names[dim]))
            for j, group in enumerate(columns, start=2):
                rec = by.get((group, dim))
                if rec is None:
                    continue
                if rec["suppressed"]:
                    _hidden(sheet, i, j, _hidden_text(rec, report.min_n, lang))
                else:
                    _number(sheet, i, j, rec[field], number_format)
        return top + len(dims)

    top = 5
    last_row = grid(top, t("dimension", lang), "mean", "0.00")
    last_col = 1 + len(columns)
    first = f"B{top + 1}"
    cells = f"{first}:{get_column_letter(last_col)}{last_row}"
    _zone_formatting(sheet, cells, first, report)

    n_top = last_row + 2
    grid(n_top, t("xlsx.respondents", lang), "n", "0")

    findings_row = n_top + len(dims) + 2
    sheet.cell(row=findings_row, column=1, value=t("report.findings", lang)).font = Font(bold=True)
    lines = report.findings or [t("xlsx.no_findings", lang)]
    for k, line in enumerate(lines, start=findings_row + 1):
        sheet.cell(row=k, column=1, value=xlsx_text(f"• {line}"))
    _widths(sheet, {"A": 38} | {get_column_letter(c): 13 for c in range(2, last_col + 1)})
    chart_row = findings_row + len(lines) + 2
    _finish(sheet, top, max(last_col, 10), chart_row + 30)  # the chart prints too
    for row in (top, n_top):
        sheet.row_dimensions[row].height = 32
    del overall

    # The chart draws only groups shown on every dimension, from a sheet of its own,
    # so no hidden group can appear in it as a zero.
    data = book.create_sheet(t("xlsx.chart_data", lang))
    shown = [
        g for g in columns if all(by.get((g, d)) and not by[(g, d)]["suppressed"] for d in dims)
    ]
    labels = [g if g is not None else t("all", lang) for g in shown]
    _header(data, 1, [t("dimension", lang), *labels])
    for i, dim in enumerate(dims, start=2):
        data.cell(row=i, column=1, value=xlsx_text(inst.dimension(dim).short_label(lang)))
        for j, group in enumerate(shown, start=2):
            _number(data, i, j, by[(group, dim)]["mean"])
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = t("xlsx.chart_profile", lang)
    chart.y_axis.title = t("xlsx.mean", lang)
    chart.y_axis.scaling.min = inst.scale.min
    chart.y_axis.scaling.max = inst.scale.max
    chart.height, chart.width = 12 + 0.4 * len(dims), 22
    chart.x_axis.scaling.orientation = "maxMin"  # the first dimension on top, as in the table
    values = Reference(data, min_col=2, max_col=1 + len(shown), min_row=1, max_row=1 + len(dims))
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=1 + len(dims)))
    sheet.add_chart(chart, f"A{chart_row}")
    from openpyxl.worksheet.pagebreak import Break

    sheet.row_breaks.append(Break(id=chart_row - 1))  # the chart starts a page of its own
    _widths(data, {"A": 16})
    return data


def _scores(sheet, report: Report) -> None:
    lang = report.lang
    records = report.scores.records
    keys = [k.name for k in report.scores.keys]
    favourable = report.survey.instrument.scale.favourable
    headers = [
        t("dimension", lang), *[key_name(k, lang).capitalize() for k in keys], "n",
        t("xlsx.mean", lang), "sd", "95% CI", "", f"% ≥ {favourable:g}", "Zone",
    ]  # fmt: skip
    _header(sheet, 1, headers)
    for i, rec in enumerate(records.to_dict("records"), start=2):
        sheet.cell(row=i, column=1, value=xlsx_text(rec["dimension_name"]))
        col = 2
        for k in keys:
            label = rec[k] if rec[k] is not None else t("all", lang)
            sheet.cell(row=i, column=col, value=xlsx_text(label))
            col += 1
        if rec["suppressed"]:
            _hidden(sheet, i, col, _hidden_text(rec, report.min_n, lang))
            for c in range(col + 1, col + 7):
                _hidden(sheet, i, c)
            continue
        _number(sheet, i, col, rec["n"], "0")
        for offset, key in enumerate(("mean", "sd", "ci_low", "ci_high"), start=1):
            _number(sheet, i, col + offset, rec[key])
        _number(sheet, i, col + 5, rec["pct_favourable"], "0.0")
        zone = rec["zone"]
        sheet.cell(row=i, column=col + 6, value=t(f"zone.{zone}", lang) if zone else "")
    from openpyxl.utils import get_column_letter

    last_col = len(headers)
    _widths(sheet, {"A": 38} | {get_column_letter(c): 14 for c in range(2, last_col + 1)})
    _finish(sheet, 1, last_col, len(records) + 1)


def _trend(sheet, report: Report, data) -> None:
    from openpyxl.utils import get_column_letter

    lang = report.lang
    trend = report.trend
    rounds = list(trend.round_order)
    per_round = trend.rounds
    dims = list(dict.fromkeys(per_round["dimension"]))
    significant = {
        (r["dimension"], r["round_to"]): r["diff"]
        for r in trend.records.to_dict("records")
        if r["significant"]
    }
    _header(sheet, 1, [t("dimension", lang), *rounds, *[f"{r} ▲▼" for r in rounds[1:]]])
    _round_means(sheet, per_round, dims, rounds, report)
    for i, dim in enumerate(dims, start=2):
        for j, round_ in enumerate(rounds[1:], start=2 + len(rounds)):
            diff = significant.get((dim, round_))
            if diff is not None:
                sheet.cell(row=i, column=j, value="▲" if diff > 0 else "▼")
    last_row = 1 + len(dims)
    cells = f"B2:{get_column_letter(1 + len(rounds))}{last_row}"
    _zone_formatting(sheet, cells, "B2", report)

    from .charts import trend_lines

    start = _line_charts(sheet, data, report, last_row + 3, *trend_lines(report))
    columns = [
        "dimension_name", "round_from", "round_to", "n_from", "n_to", "diff", "diff_ci_low",
        "diff_ci_high", "test", "p", "p_adj", "hedges_g", "significant",
    ]  # fmt: skip
    _table(sheet, start, trend.records, columns, lang, report.min_n)
    _widths(sheet, {"A": 38} | {get_column_letter(c): 12 for c in range(2, 15)})
    _finish(sheet, 1, max(len(columns), 1 + 2 * len(rounds)), start + len(trend.records))


#: Excel's own marker symbols and dash patterns, one of each per line (the SVG's are
#: ``charts.MARKERS`` and ``charts.DASHES``): with the Okabe-Ito colours no two lines
#: look alike, also in greyscale.
_SYMBOLS = ("circle", "square", "triangle", "diamond", "x", "star", "plus", "dash", "dot")
_DASHES = ("solid", "dash", "sysDot", "dashDot", "lgDash", "lgDashDot", "sysDash",
           "lgDashDotDot", "sysDashDot", "sysDashDotDot")  # fmt: skip
_CHART_ROWS = 18  # rows a trend chart takes, with a blank row after it


def _line_charts(sheet, data, report: Report, row: int, order, dims, lines) -> int:
    """Small multiples in the workbook: a native line chart per dimension of ``dims``,
    two a row from ``row``, a line per :class:`~partnerkit.render.charts.TrendLine`
    (those of the HTML chart) over the rounds ``order``, the value axis on the
    instrument's scale. Their numbers sit on the chart-data sheet, where a hidden round
    is an empty cell, drawn as a gap (Excel draws a text cell as zero). Returns the
    first row after the charts."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.marker import Marker
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
    from openpyxl.worksheet.pagebreak import Break

    lang = report.lang
    scale = report.survey.instrument.scale
    names = {d.id: d.label(lang) for d in report.survey.instrument.dimensions}
    top = data.max_row + 2
    for k, dim in enumerate(dims):
        head = top + k * (len(lines) + 2)
        _header(data, head, [names[dim], *order])
        for i, line in enumerate(lines, start=1):
            data.cell(row=head + i, column=1, value=xlsx_text(line.label))
            for j, mean in enumerate(line.means[dim], start=2):
                if mean is not None:  # a hidden round stays an empty cell: a gap
                    _number(data, head + i, j, mean)
        chart = LineChart()
        chart.title = xlsx_text(names[dim])
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = scale.min, scale.max
        chart.y_axis.majorUnit = 1
        chart.y_axis.number_format = "0"
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        chart.display_blanks = "gap"
        if len(lines) > 1:
            chart.legend.position = "r"
        else:  # one line: its chart's title names it
            chart.legend = None
        values = Reference(data, min_col=1, max_col=1 + len(order), min_row=head + 1,
                           max_row=head + len(lines))  # fmt: skip
        chart.add_data(values, from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(data, min_col=2, max_col=1 + len(order), min_row=head))
        groups = [line for line in lines if line.group is not None]
        for series, line in zip(chart.series, lines, strict=True):
            overall = line.group is None
            index = groups.index(line) if not overall else 0
            colour = line.style["color"].lstrip("#")
            dash = "solid" if overall else _DASHES[index % len(_DASHES)]
            series.graphicalProperties = GraphicalProperties(
                ln=LineProperties(solidFill=colour, prstDash=dash, w=38100 if overall else 19050)
            )
            symbol = "circle" if overall else _SYMBOLS[index % len(_SYMBOLS)]
            series.marker = Marker(symbol=symbol, size=5 if overall else 6)
            series.marker.graphicalProperties = GraphicalProperties(
                solidFill=colour, ln=LineProperties(solidFill="1A1A1A" if not overall else colour)
            )
            series.smooth = False
        # anchored to cells at both corners, so the two charts of a row share its width
        # whatever width the columns end up with (A-D and F-K: about equal); a row's
        # first line stays empty, so a page break there cuts no chart's border
        block = row + _CHART_ROWS * (k // 2)  # 1-based: the block's empty first row
        first, last = (0, 4) if k % 2 == 0 else (5, 11)
        chart.anchor = TwoCellAnchor(
            _from=AnchorMarker(col=first, row=block),  # 0-based: the row after ``block``
            to=AnchorMarker(col=last, row=block + _CHART_ROWS - 2),
        )
        sheet.add_chart(chart)
        if k % 6 == 0:  # three rows of charts a page, never a chart across a page break
            sheet.row_breaks.append(Break(id=block - 1))
    return row + _CHART_ROWS * ((len(dims) + 1) // 2)


def _round_means(sheet, per_round, dims: list[str], rounds: list[str], report: Report) -> None:
    """A dimension per row from row 2 (its name in column A), the mean of every round
    from column B; hidden means as hidden cells, rounds without a record left empty."""
    names = {d.id: d.label(report.lang) for d in report.survey.instrument.dimensions}
    cells: dict[tuple, dict] = {}
    for r in per_round.to_dict("records"):  # the first record of a cell, as before
        cells.setdefault((r["dimension"], r["round"]), r)
    for i, dim in enumerate(dims, start=2):
        sheet.cell(row=i, column=1, value=xlsx_text(names[dim]))
        for j, round_ in enumerate(rounds, start=2):
            rec = cells.get((dim, round_))
            if rec is None:
                continue
            if rec["suppressed"]:
                _hidden(sheet, i, j, _hidden_text(rec, report.min_n, report.lang))
            else:
                _number(sheet, i, j, rec["mean"])


def _trajectory(sheet, report: Report, data) -> None:
    """trend --over-time: the lines, then one native line chart per dimension (small
    multiples, two a row) of the round means shown; a hidden round is a gap."""
    from openpyxl.utils import get_column_letter

    from .charts import OVERALL_STYLE, TrendLine

    lang = report.lang
    result = report.trajectory
    rounds = list(result.round_order)
    per_round = result.rounds
    dims = list(dict.fromkeys(result.records["dimension"]))
    _header(sheet, 1, [t("dimension", lang), *rounds])
    _round_means(sheet, per_round, dims, rounds, report)
    last_row = 1 + len(dims)
    start = last_row + 2
    columns = ["dimension_name", "round_first", "round_last", "mean_first", "mean_last",
               "slope", "slope_low", "slope_high", "p", "p_adj", "significant",
               "model"]  # fmt: skip
    records = result.records.astype(object).where(result.records.notna(), None)
    _table(sheet, start, records, columns, lang, report.min_n)
    everyone = per_round
    for key in result.keys:  # the means of everyone (the overall group)
        everyone = everyone[everyone[key.name].isna()]
    shown = everyone[~everyone["suppressed"].astype(bool) & everyone["mean"].notna()]
    means = {(r["dimension"], str(r["round"])): float(r["mean"]) for r in shown.to_dict("records")}
    line = TrendLine(group=None, label=t("all", lang), style=OVERALL_STYLE,
                     means={d: [means.get((d, str(r))) for r in rounds] for d in dims},
                     changes={d: [] for d in dims})  # fmt: skip
    order = [str(r) for r in rounds]
    end = _line_charts(sheet, data, report, start + len(result.records) + 3, order, dims, [line])
    _widths(sheet, {"A": 38} | {get_column_letter(c): 12 for c in range(2, 15)})
    _finish(sheet, 1, max(len(columns), 1 + len(rounds)), end)


def _area_model(sheet, report: Report) -> None:
    """areas --method model: every area's estimate, interval and rank interval; hidden
    areas as hidden cells."""
    from openpyxl.utils import get_column_letter

    result = report.area_model
    columns = ["dimension_name", "area", "n", "mean", "estimate", "estimate_low",
               "estimate_high", "overall_mean", "rank", "rank_low", "rank_high", "model_p_adj",
               "flagged"]  # fmt: skip
    lacking = result.records["suppressed_reason"] == "no_columns"  # a row saying so
    records = result.records[result.records["area"].notna() | lacking]
    records = records.astype(object).where(records.notna(), None)
    _table(sheet, 1, records, columns, report.lang, report.min_n)
    _widths(sheet, {"A": 38, "B": 18} | {get_column_letter(c): 12 for c in range(3, 15)})
    _finish(sheet, 1, len(columns), 1 + len(records))


def _gaps(sheet, report: Report) -> None:
    from openpyxl.utils import get_column_letter

    lang = report.lang
    columns = ["dimension_name", "max_group", "min_group", "gap", "test", "statistic", "p",
               "p_adj", "flagged"]  # fmt: skip
    _table(sheet, 1, report.gaps.records, columns, lang, report.min_n)
    row = len(report.gaps.records) + 3
    if report.gaps.focus is not None:
        _table(sheet, row, report.gaps.focus, columns, lang, report.min_n)
        row += len(report.gaps.focus) + 2
    for k, line in enumerate(report.gaps.findings or [t("xlsx.no_findings", lang)], start=row):
        sheet.cell(row=k, column=1, value=xlsx_text(f"⚑ {line}"))
    _widths(sheet, {"A": 38} | {get_column_letter(c): 16 for c in range(2, len(columns) + 1)})
    _finish(sheet, 1, len(columns), row + len(report.gaps.findings))


def _reliability(sheet, report: Report) -> None:
    from openpyxl.utils import get_column_letter

    records = report.reliability.records.copy()
    records["flags"] = [
        "; ".join(f["message"] for f in flags) if isinstance(flags, list) else ""
        for flags in records["flags"]
    ]
    # alpha of a one-item dimension is not defined: said in words, not the hidden mark
    one_item = records["k"].eq(1).to_numpy() & ~records["suppressed"].astype(bool).to_numpy()
    records["alpha"] = records["alpha"].astype(object)
    records.loc[one_item, "alpha"] = t("rel.one_item", report.lang)
    columns = ["dimension_name", "n", "k", "alpha", "alpha_ci_low", "alpha_ci_high", "alpha_std",
               "average_r", "flags"]  # fmt: skip
    _table(sheet, 1, records, columns, report.lang, report.min_n)
    _widths(sheet, {"A": 38} | {get_column_letter(c): 11 for c in range(2, 9)} | {"I": 80})
    _finish(sheet, 1, len(columns), len(records) + 1)


def _areas(sheet, report: Report) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    lang = report.lang
    inst = report.survey.instrument
    records = report.areas.records
    dims = list(dict.fromkeys(records["dimension"]))
    areas = list(dict.fromkeys(records["area"].dropna()))
    by = {(r["area"], r["dimension"]): r for r in records.to_dict("records")}
    _header(sheet, 1, [key_name("area", lang).capitalize(), "n",
                       *[inst.dimension(d).short_label(lang) for d in dims]])  # fmt: skip
    for i, area in enumerate([*areas, None], start=2):
        sheet.cell(row=i, column=1, value=xlsx_text(area if area else t("all", lang)))
        rows = [by.get((area, d)) for d in dims]
        shown = [r for r in rows if r and not r["suppressed"]]
        if shown:
            _number(sheet, i, 2, max(r["n"] for r in shown), "0")
        else:
            _hidden(sheet, i, 2)
        for j, rec in enumerate(rows, start=3):
            if rec is None:
                continue
            if rec["suppressed"]:
                _hidden(sheet, i, j, _hidden_text(rec, report.min_n, lang))
            else:
                _number(sheet, i, j, rec["mean"])
    last_row = 1 + len(areas) + 1
    cells = f"C2:{get_column_letter(2 + len(dims))}{last_row}"
    _zone_formatting(sheet, cells, "C2", report)

    focus = inst.focus or dims[0]
    column = 3 + dims.index(focus)
    chart = BarChart()
    chart.title = t("xlsx.chart_areas", lang, dimension=inst.dimension(focus).label(lang))
    chart.y_axis.scaling.min = inst.scale.min
    chart.y_axis.scaling.max = inst.scale.max
    chart.height, chart.width = 10, 20
    visible = [a for a in areas if by.get((a, focus)) and not by[(a, focus)]["suppressed"]]
    if len(visible) == len(areas):  # a hidden area would draw as a zero: no chart then
        chart.add_data(
            Reference(sheet, min_col=column, min_row=1, max_row=1 + len(areas)),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=1 + len(areas)))
        sheet.add_chart(chart, f"A{last_row + 3}")
    start = last_row + 24
    columns = ["area", "dimension_name", "n", "mean", "rank", "benchmark_mean",
               "benchmark_diff", "benchmark_p_adj", "flagged"]  # fmt: skip
    _table(sheet, start, records[records["area"].notna()], columns, lang, report.min_n)
    _widths(sheet, {"A": 18, "B": 12} | {get_column_letter(c): 10 for c in range(3, 13)})
    _finish(sheet, 1, 2 + len(dims), start + len(records))


def _method(sheet, report: Report) -> None:
    from openpyxl.styles import Alignment, Font

    from .._version import __version__

    lang = report.lang
    inst = report.survey.instrument
    scale = inst.scale
    labels = ", ".join(f"{p} = {scale.name(p, lang)}" for p in scale.points)
    trend_test = (
        f"{t('test.' + report.trend.test, lang)}, {t('adjust.' + report.trend.adjust, lang)}"
        if report.trend is not None
        else "–"
    )
    rows = [
        ("Instrument", f"{inst.id} {inst.version} ({inst.label(lang)})"),
        (t("xlsx.m.scale", lang), labels),
        (
            t("xlsx.m.missing", lang),
            t(
                "xlsx.m.missing_text",
                lang,
                missing=scale.name("missing", lang),
                codes=", ".join(str(int(c)) for c in scale.missing_codes),
            ),
        ),
        (t("xlsx.m.score", lang), t("xlsx.m.score_text", lang)),
        (t("xlsx.m.anonymity", lang), t("xlsx.m.anonymity_text", lang, min_n=report.min_n)),
        (t("xlsx.trend", lang), trend_test),
        (
            t("xlsx.gaps", lang),
            f"{t('test.welch', lang)} / {t('test.welch-anova', lang)} + Games-Howell, "
            f"{t('adjust.holm', lang)}",
        ),
        (t("xlsx.reliability", lang), t("xlsx.m.alpha_method", lang)),
        ("partnerkit", __version__),
        (t("xlsx.m.rows", lang), _ledger_sentences(report)),
    ]
    rows += [
        (t("report.file", lang), f"{path}  sha256 {digest}") for path, digest in report.checksums
    ]
    sheet["A1"] = t("report.method", lang)
    sheet["A1"].font = Font(bold=True, size=14)
    for i, (key, value) in enumerate(rows, start=3):
        sheet.cell(row=i, column=1, value=xlsx_text(key)).font = Font(bold=True)
        cell = sheet.cell(row=i, column=2, value=xlsx_text(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    _widths(sheet, {"A": 22, "B": 110})
    _finish(sheet, 2, 2, 2 + len(rows))


def _ledger_sentences(report: Report) -> str:
    """The row ledger of the report's scores in full sentences (issue 20: it read "293 / 99
    1 no item answered…; 193 a round not chosen with --rounds", in English)."""
    lang = report.lang
    ledger = report.scores.ledger
    text = t("xlsx.m.rows_text", lang, read=ledger.rows_read, scored=report.scores.rows_scored)
    for e in ledger.excluded:
        if e.reason == "round_not_selected" and report.round:
            text += " " + t("xlsx.m.rows_round", lang, rows=e.rows, round=report.round)
        else:
            text += " " + t("xlsx.m.rows_reason", lang, rows=e.rows,
                            reason=t(f"reason.{e.reason}", lang))  # fmt: skip
    return text


def _table(sheet, start: int, frame, columns: list[str], lang: str, min_n: int) -> None:
    """Records as a table: numbers with decimals, booleans as words, hidden rows marked."""
    _header(sheet, start, [_column_title(c, lang) for c in columns])
    counts = {"n", "n_from", "n_to", "k", "rank"}
    for i, rec in enumerate(frame.to_dict("records"), start=start + 1):
        if rec.get("suppressed_reason") == "no_columns":  # a dimension the export lacks
            sheet.cell(row=i, column=1, value=xlsx_text(str(rec.get(columns[0]))))
            _hidden(sheet, i, 2, _hidden_text(rec, min_n, lang))
            continue
        hidden = bool(rec.get("suppressed"))
        for j, column in enumerate(columns, start=1):
            value = rec.get(column)
            if hidden and j > 1 and column not in ("area", "round_from", "round_to"):
                _hidden(sheet, i, j, _hidden_text(rec, min_n, lang) if j == 2 else HIDDEN)
                continue
            if isinstance(value, bool):
                sheet.cell(row=i, column=j, value=t("xlsx.yes" if value else "xlsx.no", lang))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                _number(sheet, i, j, value, _format_of(column, counts))
            elif value is None or value != value:
                continue
            elif column == "test" and has_text(f"test.{value}"):
                sheet.cell(row=i, column=j, value=t(f"test.{value}", lang))
            else:
                sheet.cell(row=i, column=j, value=xlsx_text(str(value)))


def _format_of(column: str, counts: set[str]) -> str:
    if column in counts:
        return "0"
    return "0.000" if column.startswith("p") else "0.00"


def _column_title(column: str, lang: str) -> str:
    titles = {
        "dimension_name": t("dimension", lang),
        "area": key_name("area", lang).capitalize(),
        "max_group": t("report.highest", lang),
        "min_group": t("report.lowest", lang),
        "flagged": "⚑",
        "significant": "▲▼",
        "flags": t("xlsx.flags", lang),
    }
    if column in titles:
        return titles[column]
    return t(f"col.{column}", lang) if has_text(f"col.{column}") else column


# ---------------------------------------------------------------- relations


def _relation_sheet(book, report: Report, relation_id: str) -> None:
    """One relation's rater x target matrix with colour scale formatting (issue 21)."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    from .views import relation_groups

    lang = report.lang
    inst = report.survey.instrument
    relation = inst.relation(relation_id)
    name = xlsx_text(relation.label(lang))[:31]
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    sheet = book.create_sheet(name)
    caption = t("relations.matrix", lang, relation=relation.label(lang))
    if report.round is not None:
        caption += t("html.in_round", lang, round=report.round)
    sheet.cell(row=1, column=1, value=xlsx_text(caption))
    row = 3
    for _context, tables in relation_groups(report.relations):
        records = dict(tables["matrices"]).get(relation_id, [])
        targets = list(dict.fromkeys(r["target"] for r in records))
        raters = list(dict.fromkeys(r["rater"] for r in records))
        _header(sheet, row, [t("relations.rater", lang), *targets, "n"])
        cell = {(r["rater"], r["target"]): r for r in records}
        first = row + 1
        for i, rater in enumerate(raters):
            r_row = first + i
            sheet.cell(row=r_row, column=1, value=xlsx_text(rater))
            ns = []
            for j, target in enumerate(targets):
                rec = cell.get((rater, target))
                if rec is None:
                    continue
                if rec["suppressed"]:
                    _hidden(sheet, r_row, 2 + j, _hidden_text(rec, report.min_n, lang))
                else:
                    _number(sheet, r_row, 2 + j, rec["mean"])
                    ns.append(rec["n"])
            if ns:
                sheet.cell(row=r_row, column=2 + len(targets), value=int(max(ns)))
        last = first + len(raters) - 1
        if targets and raters:
            area = f"B{first}:{get_column_letter(1 + len(targets))}{last}"
            scale = relation.scale
            sheet.conditional_formatting.add(
                area,
                ColorScaleRule(
                    start_type="num", start_value=scale.min, start_color=_RED,
                    mid_type="num", mid_value=(scale.min + scale.max) / 2, mid_color=_YELLOW,
                    end_type="num", end_value=scale.max, end_color=_GREEN,
                ),
            )  # fmt: skip
        _widths(sheet, {"A": 24} | {get_column_letter(2 + j): 13 for j in range(len(targets))})
        _finish(sheet, first - 1, 2 + len(targets), last)
        row = last + 3
