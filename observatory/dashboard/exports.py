"""Static PNG and PDF exports of the main maps, for reports (kaleido with the system Chromium)."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

import plotly.io as pio

from .offline import EMPTY_TOPOLOGY

log = logging.getLogger(__name__)


def caption(figure, text: str):
    """The figure with ``text`` (territory, sources, dates) printed beneath it: an exported
    map leaves the site, its provenance goes with it."""
    figure.add_annotation(text=text, xref="paper", yref="paper", x=0, y=0, yshift=-8, xanchor="left",
                          yanchor="top", showarrow=False, align="left", font={"size": 11, "color": "#333"})
    figure.update_layout(margin={"b": 60})
    return figure


def export_maps(figures: dict, folder: Path, captions: dict[str, str]) -> dict[str, list[str]]:
    """Write ``<name>.png`` and ``<name>.pdf`` for each figure, its caption beneath; return
    the files written. The figures are captioned in place: export them once on-page HTML is made.

    Plotly's static export also wants its world topology: an empty one is served from a
    local folder, so nothing is fetched. Exports need a Chromium on the machine; without
    one the site is published without them and says so.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = {name: [f"{name}.png", f"{name}.pdf"] for name in figures}
    with tempfile.TemporaryDirectory() as topology:
        (Path(topology) / "world_110m.json").write_text(json.dumps(EMPTY_TOPOLOGY))
        previous = pio.defaults.topojson
        pio.defaults.topojson = Path(topology).as_uri() + "/"
        try:
            captioned = {name: caption(figure, captions[name]) for name, figure in figures.items()}
            targets = [(figure, folder / file) for name, figure in captioned.items() for file in files[name]]
            pio.write_images([figure for figure, _ in targets], [str(path) for _, path in targets],
                             width=1200, height=900)
        except Exception as error:  # kaleido raises several types when no browser can be started
            log.warning("map exports skipped: %s", error)
            return {}
        finally:
            pio.defaults.topojson = previous
    return files
