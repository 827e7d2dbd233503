"""Write the HTML report of an export and full-page screenshots of it, to look at.

    python scripts/screenshot_report.py                      # the bundled example
    python scripts/screenshot_report.py data/examples/areas --lang en --out /tmp/shots

Writes ``report.html``, ``report-1280.png`` (a laptop screen),
``report-794.png`` (A4 width at 96 dpi, with print styles) and ``report.pdf``
(A4, as a browser prints it), and the workbook ``report.xlsx`` with
``report-xlsx.pdf`` (as LibreOffice prints it) and one ``workbook-NN.png`` per
PDF page, into ``--out`` (default: a new temporary folder, printed). Needs
playwright and a Chromium (``/usr/bin/chromium``, else playwright's own); the
workbook's pages need LibreOffice (``soffice``) and Ghostscript (``gs``).
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", nargs="*", help="survey exports or folders [default: example]")
    parser.add_argument("--out", type=Path, help="output folder [default: a temporary folder]")
    parser.add_argument("--lang", choices=("da", "en"), help="report language")
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
            page = browser.new_page()
            page.goto(page_path.resolve().as_uri())
            page.pdf(path=str(out / "report.pdf"), format="A4", print_background=True)
            page.close()
        finally:
            browser.close()
    _workbook_pages(report, out)
    print(out)
    for path in sorted(out.iterdir()):
        print(f"  {path.name}")
    return 0


def _workbook_pages(report, out: Path) -> None:
    """The workbook, its PDF as LibreOffice prints it, and a PNG of each page."""
    import subprocess

    from partnerkit.render.xlsx import render_xlsx

    soffice, gs = shutil.which("soffice"), shutil.which("gs")
    if not soffice or not gs:
        print("no soffice or gs: the workbook's pages are left out", file=sys.stderr)
        return
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
    subprocess.run(
        [gs, "-q", "-sDEVICE=png16m", "-r80", "-o", str(out / "workbook-%02d.png"), str(pdf)],
        check=True,
        timeout=300,
    )


if __name__ == "__main__":
    raise SystemExit(main())
