"""What makes Plotly pages work from disk with no network."""

from __future__ import annotations

import json
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
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False, "scrollZoom": False,
                 "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}


def write_plotly_bundle(assets_dir: Path) -> Path:
    """Write plotly.js once beside the pages, which load it by a relative path."""
    assets_dir.mkdir(parents=True, exist_ok=True)
    path = assets_dir / "plotly.min.js"
    path.write_text(get_plotlyjs(), encoding="utf-8")
    return path
