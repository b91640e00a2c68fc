"""Road travel times between communes computed here, from an OpenStreetMap extract.

The drivable network is read from a ``.osm.pbf`` file with pyosmium: every way tagged with
a car-accessible ``highway`` class, at its ``maxspeed`` where tagged (km/h, « mph »
converted) and otherwise at the usual car-profile speed of its class (OSRM's defaults),
one-way streets respected. Each commune's reference point (its interior point) is snapped
to the nearest network node, reached at ``ACCESS_SPEED_KMH`` as the crow flies × 1.3; times
between communes are the shortest paths (scipy's Dijkstra), kept within the cut-off.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import osmium
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from ..sources.catalog import sha256_of
from ..sources.errors import SourceFormatError
from .travel_times import great_circle_km, unit_vectors

# km/h by highway class: OSRM's car profile defaults (car.lua, speeds table).
SPEEDS_KMH = {
    "motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40, "primary": 65, "primary_link": 30,
    "secondary": 55, "secondary_link": 25, "tertiary": 40, "tertiary_link": 20, "unclassified": 25,
    "residential": 25, "living_street": 10, "service": 15,
}
ACCESS_SPEED_KMH = 30.0  # from a commune's reference point to the road network, × 1.3 detour
ACCESS_DETOUR = 1.3
BATCH = 64  # communes routed at once: memory grows with BATCH × network nodes


def _speed(tags) -> float:
    """A way's speed: its ``maxspeed`` (« 70 », « 50 mph ») where it is a number, else its class's."""
    declared = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mph)?\s*", tags.get("maxspeed", "") or "")
    if declared:
        return float(declared.group(1)) * (1.609344 if declared.group(2) else 1.0)
    return float(SPEEDS_KMH[tags.get("highway")])


class _Roads(osmium.SimpleHandler):
    """Collects the drivable ways' segments as (from node, to node, minutes, one way)."""

    def __init__(self):
        super().__init__()
        self.parts: list[tuple] = []
        self.locations: dict[int, tuple[float, float]] = {}

    def way(self, way) -> None:
        tags = way.tags
        if tags.get("highway") not in SPEEDS_KMH or tags.get("access") in {"no", "private"} \
                or tags.get("motor_vehicle") == "no":
            return
        nodes = [(node.ref, node.location.lon, node.location.lat) for node in way.nodes if node.location.valid()]
        if len(nodes) < 2:
            return
        refs = np.array([ref for ref, _, _ in nodes])
        lon = np.array([x for _, x, _ in nodes])
        lat = np.array([y for _, _, y in nodes])
        minutes = great_circle_km(lon[:-1], lat[:-1], lon[1:], lat[1:]) / _speed(tags) * 60.0
        oneway = tags.get("oneway", "yes" if tags.get("highway") in {"motorway", "motorway_link"}
                          or tags.get("junction") == "roundabout" else "no")
        if oneway == "-1":
            refs, minutes = refs[::-1], minutes[::-1]
        self.parts.append((refs[:-1], refs[1:], minutes, oneway in {"yes", "true", "1", "-1"}))
        self.locations.update({ref: (x, y) for ref, x, y in nodes})


def read_road_network(extracts: list[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The drivable network of one extract or several (Geofabrik cuts France by région; a
    road crossing two is in both): nodes (``node``, ``lon``, ``lat``) and directed edges (``source``, ``target``,
    ``minutes``) between node positions."""
    roads = _Roads()
    for path in map(Path, extracts):
        found = len(roads.parts)
        try:
            roads.apply_file(str(path), locations=True)
        except RuntimeError as error:
            raise SourceFormatError(path, None, None, f"unreadable OpenStreetMap extract: {error}") from error
        if len(roads.parts) == found:
            raise SourceFormatError(path, None, "highway", "no drivable road in this OpenStreetMap extract")
    ids = np.fromiter(roads.locations, dtype="int64")
    position = pd.Series(np.arange(len(ids)), index=ids)
    nodes = pd.DataFrame({"node": ids, "lon": [roads.locations[i][0] for i in ids],
                          "lat": [roads.locations[i][1] for i in ids]})
    edges = []
    for sources, targets, minutes, oneway in roads.parts:
        edges.append(pd.DataFrame({"source": position[sources].to_numpy(), "target": position[targets].to_numpy(),
                                   "minutes": minutes}))
        if not oneway:
            edges.append(pd.DataFrame({"source": position[targets].to_numpy(), "target": position[sources].to_numpy(),
                                       "minutes": minutes}))
    edges = pd.concat(edges, ignore_index=True)
    # One edge per pair of nodes, the fastest: a sparse matrix would add up repeated ones (a
    # road held by two extracts, or two ways drawn over the same segment).
    return nodes, edges.groupby(["source", "target"], as_index=False, sort=False)["minutes"].min()


def cached_osm_travel_times(communes: pd.DataFrame, extracts: list[Path], max_minutes: float,
                            cache_dir: Path) -> pd.DataFrame:
    """``osm_travel_times``, kept as a Parquet matrix with its origin record: routed again
    only when an extract, the communes' points or the cut-off change."""
    key = hashlib.sha256()
    digests = [sha256_of(path) for path in extracts]
    key.update("|".join(digests).encode())
    key.update(pd.util.hash_pandas_object(communes[["commune_code", "lon", "lat"]], index=False).to_numpy().tobytes())
    key.update(f"{max_minutes}|{sorted(SPEEDS_KMH.items())}|{ACCESS_SPEED_KMH}".encode())
    cache = Path(cache_dir) / f"osm_travel_times-{key.hexdigest()[:16]}.parquet"
    if cache.exists():
        return pd.read_parquet(cache)
    pairs = osm_travel_times(communes, extracts, max_minutes)
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(".partial")
    pairs.to_parquet(partial, index=False)
    partial.replace(cache)
    cache.with_suffix(".origin.json").write_text(json.dumps({
        "extracts": [Path(path).name for path in extracts], "extracts_sha256": digests, "communes": len(communes),
        "max_minutes": max_minutes, "pairs": len(pairs)}, indent=2), encoding="utf-8")
    return pairs


def osm_travel_times(communes: pd.DataFrame, extracts: list[Path], max_minutes: float) -> pd.DataFrame:
    """Long-form minutes from commune to commune within ``max_minutes`` by road, each
    commune's reference point joining the network at its nearest node."""
    nodes, edges = read_road_network(extracts)
    size = len(nodes)
    graph = coo_matrix((edges["minutes"], (edges["source"], edges["target"])), shape=(size, size)).tocsr()
    tree = cKDTree(unit_vectors(nodes["lon"].to_numpy(), nodes["lat"].to_numpy()))
    lon, lat = communes["lon"].to_numpy(), communes["lat"].to_numpy()
    _, nearest = tree.query(unit_vectors(lon, lat))
    access = great_circle_km(lon, lat, nodes["lon"].to_numpy()[nearest], nodes["lat"].to_numpy()[nearest]) \
        * ACCESS_DETOUR / ACCESS_SPEED_KMH * 60.0
    codes = communes["commune_code"].to_numpy()
    parts = []
    for start in range(0, len(codes), BATCH):
        rows = slice(start, start + BATCH)
        reach = dijkstra(graph, indices=nearest[rows], limit=max_minutes)[:, nearest]  # batch × communes
        total = reach + access[rows, None] + access[None, :]
        origin, destination = np.nonzero(total <= max_minutes)
        parts.append(pd.DataFrame({"origin": codes[rows][origin], "destination": codes[destination],
                                   "minutes": total[origin, destination]}))
    pairs = pd.concat(parts, ignore_index=True)
    return pairs[pairs["origin"] != pairs["destination"]].reset_index(drop=True)  # own times: from the area
