"""Weigh and time every page of a built dashboard in Chromium, as a reader opens it from disk.

    .venv/bin/python -m bench.site_load SITE_DIR [--runs 3] [--pages 'cartes*.html']

For each page: the bytes it loads (the HTML and every script, style sheet and data file it
requests), the time to the browser's load event and the time until its charts are drawn
(the median of ``--runs`` cold loads, each in a new browser context), at desktop width.
The commune and EPCI sheets are opened on the most populous commune and an EPCI of its
département, so that their département's figures (``data/fiches/``) are loaded and counted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

CHART = ".js-plotly-plot .main-svg"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def load(browser, page_path: Path, anchor: str = "") -> tuple[int, float, float]:
    """Bytes requested, milliseconds to the load event, milliseconds until the charts (and a
    sheet's table) are drawn."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    files: set[Path] = set()
    page.on("request", lambda request: files.add(Path(unquote(urlparse(request.url).path))))
    started = time.perf_counter()
    page.goto(page_path.as_uri() + anchor, wait_until="load")
    loaded = (time.perf_counter() - started) * 1000
    charts = page.locator(".plotly-graph-div").count()
    if charts:
        page.wait_for_function(f"document.querySelectorAll('{CHART}').length >= {charts}", timeout=60_000)
    if anchor:
        page.wait_for_selector("#fiche table", timeout=60_000)
    drawn = (time.perf_counter() - started) * 1000
    context.close()
    return sum(path.stat().st_size for path in files if path.is_file()), loaded, drawn


def sheet_anchors(site: Path) -> dict[str, str]:
    """``#code`` of the most populous commune and of an EPCI of its département, for the sheets."""
    index = json.loads((site / "data" / "territoires.js").read_text(encoding="utf-8")
                       .removeprefix("window.OBSERVATOIRE = ").rstrip().rstrip(";"))
    commune = max(index["communes"], key=lambda code: index["communes"][code]["population"] or 0)
    epci = next((code for code, item in index["epcis"].items() if item["dep"] == index["communes"][commune]["dep"]), "")
    return {"commune.html": f"#{commune}", **({"epci.html": f"#{epci}"} if epci else {})}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default="*.html", help="which pages (a glob; France has one maps page per département)")
    options = parser.parse_args()
    anchors = sheet_anchors(options.site)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("bench.site_load: no chromium on this machine (apt-get install -y chromium)")
    print(f"{'page':<20} {'loaded':>10} {'load event':>11} {'drawn':>9}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        for page_path in sorted(options.site.glob(options.pages)):
            runs = [load(browser, page_path, anchors.get(page_path.name, "")) for _ in range(options.runs)]
            weight = runs[0][0]
            print(f"{page_path.name:<20} {weight / 1e6:>8.2f} MB {statistics.median(r[1] for r in runs):>8.0f} ms "
                  f"{statistics.median(r[2] for r in runs):>6.0f} ms", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
