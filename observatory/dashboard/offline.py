"""What makes Plotly pages work from disk with no network."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from plotly.offline import get_plotlyjs

# plotly.js fetches its world topology from a CDN for every geo trace, even with the base
# layers hidden; offline the trace is then not drawn at all. Declaring an empty topology
# before the plots load removes the request: our own GeoJSON carries every shape drawn.
EMPTY_TOPOLOGY = {"type": "Topology", "objects": {}, "arcs": []}
GEO_ASSETS_SCRIPT = (
    "window.PlotlyGeoAssets = {topojson: {world_110m: " + json.dumps(EMPTY_TOPOLOGY)
    + ", world_50m: " + json.dumps(EMPTY_TOPOLOGY) + "}};"
)
# No modebar button that reaches a network: this plotly.js shows « Share chart... » (an upload
# to Plotly Cloud) unless told not to.
# No scroll-wheel zoom either: a map would trap the page's scrolling (zoom stays on the buttons).
PLOTLY_CONFIG = {"locale": "fr", "displaylogo": False, "responsive": True, "showSendToCloud": False, "scrollZoom": False,
                 "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}


# The pages' plotly.js: two partial bundles of the npm packages ``package.json`` pins (dev.py
# installs them), each a quarter of the whole bundle's 4.8 MB; a page loads only the one it needs.
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
BUNDLES = {"geo": ("plotly.js-geo-dist-min", "plotly-geo.min.js"),  # choropleth, scattergeo, scatter: the maps
           "basic": ("plotly.js-basic-dist-min", "plotly-basic.min.js")}  # scatter, bar: series and funnels
LOCALE = ("plotly.js-locales", "fr.js")  # French modebar, months and number format
LOCALE_FILE = "plotly-locale-fr.js"


def bundle_file(kind: str) -> str:
    """The file name under ``assets/`` of the bundle of ``kind`` ("geo" or "basic")."""
    return BUNDLES[kind][1]


def write_plotly_bundles(assets_dir: Path) -> None:
    """Write plotly.js beside the pages, which load it by a relative path: the partial bundles
    and the French locale when the npm packages are installed; otherwise (a machine without
    npm) the Python package's whole bundle under each name, in English, and a warning."""
    assets_dir.mkdir(parents=True, exist_ok=True)
    installed = all((NODE_MODULES / package / file).is_file() for package, file in (*BUNDLES.values(), LOCALE))
    if not installed:
        logging.getLogger(__name__).warning(
            "plotly.js partial bundles not installed (npm ci): the pages load the whole 4.8 MB bundle")
    for package, file in BUNDLES.values():
        if installed:
            shutil.copyfile(NODE_MODULES / package / file, assets_dir / file)
        else:
            (assets_dir / file).write_text(get_plotlyjs(), encoding="utf-8")
    # the locale is a CommonJS module: evaluated in a scope of its own, then registered
    locale = (NODE_MODULES / LOCALE[0] / LOCALE[1]).read_text(encoding="utf-8") if installed else "module.exports = null;"
    (assets_dir / LOCALE_FILE).write_text(
        "(function () { var module = {exports: null};\n" + locale
        + "\nif (module.exports && window.Plotly) { window.Plotly.register(module.exports); } })();\n", encoding="utf-8")
