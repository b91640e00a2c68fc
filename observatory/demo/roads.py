"""A synthetic road network for the demo territory, written as a real OpenStreetMap extract
(``.osm.pbf``), so that travel times are routed on it as on a real one.

Roads join neighbouring communes (the Delaunay triangulation of their interior points),
each through a bend so that it is longer than the straight line; their class follows the
size of the places they join (primary between towns, secondary from a large village,
tertiary otherwise), and one road in seven carries a ``maxspeed`` of 70.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium
import pandas as pd
from scipy.spatial import Delaunay


def road_edges(communes: pd.DataFrame) -> np.ndarray:
    """Pairs of commune positions joined by a road (each once, in order)."""
    aspect = np.cos(np.radians(communes["lat"].mean()))
    triangles = Delaunay(np.column_stack([communes["lon"] * aspect, communes["lat"]])).simplices
    pairs = np.vstack([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [0, 2]]])
    return np.unique(np.sort(pairs, axis=1), axis=0)


def write_road_network(path: Path, communes: pd.DataFrame) -> Path:
    """Write the demo's roads to ``path`` (``communes``: lon, lat, population, town)."""
    path = Path(path)
    path.unlink(missing_ok=True)
    edges = road_edges(communes)
    lon, lat = communes["lon"].to_numpy(), communes["lat"].to_numpy()
    population, town = communes["population"].to_numpy(), communes["town"].to_numpy()
    count = len(communes)
    with osmium.SimpleWriter(str(path)) as writer:
        for index in range(count):
            writer.add_node(osmium.osm.mutable.Node(id=index + 1, location=(float(lon[index]), float(lat[index]))))
        for number, (a, b) in enumerate(edges):
            bend = 0.12 if number % 2 else -0.12  # a road is never the straight line
            mid_lon = (lon[a] + lon[b]) / 2 - (lat[b] - lat[a]) * bend
            mid_lat = (lat[a] + lat[b]) / 2 + (lon[b] - lon[a]) * bend
            writer.add_node(osmium.osm.mutable.Node(id=count + number + 1, location=(float(mid_lon), float(mid_lat))))
        for number, (a, b) in enumerate(edges):
            kind = ("primary" if town[a] and town[b] else
                    "secondary" if max(population[a], population[b]) >= 1_500 else "tertiary")
            tags = {"highway": kind, **({"maxspeed": "70"} if number % 7 == 0 else {})}
            writer.add_way(osmium.osm.mutable.Way(id=number + 1, nodes=[int(a) + 1, count + number + 1, int(b) + 1],
                                                  tags=tags))
    return path
