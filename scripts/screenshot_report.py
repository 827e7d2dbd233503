"""Write the HTML report of an export and full-page screenshots of it, to look at.

    python scripts/screenshot_report.py                      # the bundled example
    python scripts/screenshot_report.py data/examples/areas --lang en --out /tmp/shots
    python scripts/screenshot_report.py data/examples/areas --docs   # the README's images

Writes ``report.html``, ``report-1280.png`` (a laptop screen),
``report-794.png`` (A4 width at 96 dpi, with print styles), ``report.pdf``
(A4, as a browser prints it) with one ``print-NN.png`` per page, and the
workbook ``report.xlsx`` with ``report-xlsx.pdf`` (as LibreOffice prints it)
and one ``workbook-NN.png`` per PDF page, into ``--out`` (default: a new
temporary folder, printed). With ``--docs`` it also writes the README's three
images: ``docs/report.png`` (the top of the page on a 1280 px laptop),
``docs/report-print.png`` (the first A4 page: title and findings) and
``docs/workbook.png`` (the workbook's page ``--workbook-page``, by default the
first with the trend's charts). Needs playwright and a Chromium
(``/usr/bin/chromium``, else playwright's own); PDF pages become PNGs with
``pdftoppm`` (poppler) or else Ghostscript (``gs``); the workbook's pages need
LibreOffice (``soffice``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "examples" / "partnerskab_2022-2024.xlsx"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {1280: "screen", 794: "print"}
DOCS = ROOT / "docs"
LAPTOP = {"width": 1280, "height": 1500}  # the part of the page docs/report.png shows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", nargs="*", help="survey exports or folders [default: example]")
    parser.add_argument("--out", type=Path, help="output folder [default: a temporary folder]")
    parser.add_argument("--lang", choices=("da", "en"), help="report language")
    parser.add_argument("--docs", action="store_true", help="also write the README's images")
    parser.add_argument(
        "--workbook-page", type=int, help="the workbook page docs/workbook.png shows [trend]"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    import partnerkit as pk
    from partnerkit.render.html import render_html
    from partnerkit.report import build_report

    exports = args.exports or [str(EXAMPLE)]
    survey = pk.read_survey(exports if len(exports) > 1 else exports[0])
    report = build_report(survey, lang=args.lang)
    out = args.out or Path(tempfile.mkdtemp(prefix="partnerkit-report-"))
    out.mkdir(parents=True, exist_ok=True)
    page_path = out / "report.html"
    page_path.write_text(render_html(report), encoding="utf-8")

    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for width, media in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.emulate_media(media=media)
                page.goto(page_path.resolve().as_uri())
                shot = out / f"report-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                page.close()
            if args.docs:
                page = browser.new_page(viewport=LAPTOP)
                page.goto(page_path.resolve().as_uri())
                page.screenshot(path=str(out / "laptop.png"))
                page.close()
            page = browser.new_page()
            page.goto(page_path.resolve().as_uri())
            page.pdf(path=str(out / "report.pdf"), format="A4", print_background=True)
            page.close()
        finally:
            browser.close()
    _pdf_pages(out / "report.pdf", out / "print", dpi=80)
    pages = _workbook_pages(report, out)
    if args.docs:
        _small(out / "laptop.png", DOCS / "report.png")
        _small(out / "print-01.png", DOCS / "report-print.png")
        if pages:
            count = len(list(out.glob("workbook-*.png")))
            chosen = args.workbook_page or _trend_page(out / "report-xlsx.pdf", report, count) or 1
            _small(out / f"workbook-{chosen:02d}.png", DOCS / "workbook.png")
    print(out)
    for path in sorted(out.iterdir()):
        print(f"  {path.name}")
    return 0


def _pdf_pages(pdf: Path, prefix: Path, dpi: int) -> None:
    """A PNG of each page of ``pdf``: ``<prefix>-01.png``, ... (pdftoppm, else Ghostscript)."""
    import subprocess

    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True,
                       timeout=300)  # fmt: skip
        for page in prefix.parent.glob(f"{prefix.name}-*.png"):  # pdftoppm: -1 or -01
            number = int(page.stem.rsplit("-", 1)[1])
            page.rename(prefix.parent / f"{prefix.name}-{number:02d}.png")
        return
    if not shutil.which("gs"):
        print(f"no pdftoppm or gs: {pdf.name}'s pages are left out", file=sys.stderr)
        return
    subprocess.run(
        ["gs", "-q", "-sDEVICE=png16m", f"-r{dpi}", "-dTextAlphaBits=4",
         "-dGraphicsAlphaBits=4", "-o", f"{prefix}-%02d.png", str(pdf)],
        check=True, timeout=300,
    )  # fmt: skip


def _trend_page(pdf: Path, report, pages: int) -> int | None:
    """The first page of the workbook's PDF with the trend's charts, or None: the page
    after the trend's table (found in Ghostscript's text of each page by its header
    row, whose ▲▼ columns no other sheet has); the charts start a page of their own."""
    import subprocess

    if report.trend is None or not shutil.which("gs"):
        return None
    rounds = [str(r) for r in report.trend.round_order]
    for number in range(1, pages + 1):
        text = subprocess.run(
            ["gs", "-q", "-sDEVICE=txtwrite", f"-dFirstPage={number}", f"-dLastPage={number}",
             "-o", "-", str(pdf)],
            capture_output=True, text=True, timeout=300,
        ).stdout  # fmt: skip
        if all(r in text for r in rounds) and "▲▼" in text:
            return min(number + 1, pages)
    return None


def _small(source: Path, target: Path) -> None:
    """``source`` as a palette PNG (a quarter of the bytes; the README links it)."""
    from PIL import Image

    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
            target, optimize=True
        )
    print(f"  {target.relative_to(ROOT)}")


def _workbook_pages(report, out: Path) -> bool:
    """The workbook, its PDF as LibreOffice prints it, and a PNG of each page."""
    import subprocess

    from partnerkit.render.xlsx import render_xlsx

    soffice = shutil.which("soffice")
    if not soffice or not (shutil.which("pdftoppm") or shutil.which("gs")):
        print("no soffice, or no pdftoppm or gs: the workbook's pages are left out",
              file=sys.stderr)  # fmt: skip
        return False
    book = out / "report.xlsx"
    book.write_bytes(render_xlsx(report))
    work = Path(tempfile.mkdtemp(prefix="partnerkit-lo-"))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{work}", "--headless", "--convert-to", "pdf",
         "--outdir", str(work), str(book)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdf = out / "report-xlsx.pdf"
    shutil.move(work / "report.pdf", pdf)
    shutil.rmtree(work, ignore_errors=True)
    _pdf_pages(pdf, out / "workbook", dpi=100)
    return True


if __name__ == "__main__":
    raise SystemExit(main())
