"""Travel times between communes, in minutes, as a long-form table (origin, destination, minutes).

Three providers, one shape:

- ``estimated_times``: no network needed. Great-circle distance between the communes'
  interior points × a detour factor, at an average road speed. Within a commune the
  distance is the mean distance to the centre of a disc of the commune's area, 2/3·√(a/π),
  so a commune's own time is never zero (and is weighted, not dropped).
- ``read_matrix``: a CSV or Parquet origin–destination matrix from any routing engine.
- ``osrm_table``: an OSRM ``/table`` service (e.g. run on the operator's own machine).

Pairs are only built within reach of the largest catchment time, with a k-d tree, so
their number grows with the territory's area, not with its square.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088
COLUMNS = ["origin", "destination", "minutes"]


@dataclass(frozen=True)
class RoadModel:
    """How straight-line distance becomes road time: ``detour`` × distance at ``speed_kmh``.

    Defaults: 1.3 (the usual ratio of road to straight-line distance in rural France)
    and 60 km/h (a door-to-door average on secondary roads).
    """

    detour: float = 1.3
    speed_kmh: float = 60.0

    def minutes(self, kilometres: np.ndarray) -> np.ndarray:
        return kilometres * self.detour / self.speed_kmh * 60.0

    def reach_km(self, minutes: float) -> float:
        return minutes / 60.0 * self.speed_kmh / self.detour


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, for k-d tree searches by great-circle distance."""
    lon, lat = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def great_circle_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Haversine distance in kilometres."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype="float64")) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def internal_km(area_km2: np.ndarray) -> np.ndarray:
    """Mean distance from a point of a disc of that area to its centre: 2/3 · √(area/π)."""
    return 2.0 / 3.0 * np.sqrt(np.asarray(area_km2, dtype="float64") / np.pi)


def estimated_times(communes: pd.DataFrame, max_minutes: float, road: RoadModel = RoadModel()) -> pd.DataFrame:
    """Times between every two communes within ``max_minutes`` (both directions), plus each
    commune with itself. ``communes`` has commune_code, lon, lat, area_km2."""
    codes = communes["commune_code"].to_numpy()
    lon, lat = communes["lon"].to_numpy(dtype="float64"), communes["lat"].to_numpy(dtype="float64")
    tree = cKDTree(unit_vectors(lon, lat))
    chord = 2 * np.sin(road.reach_km(max_minutes) / EARTH_RADIUS_KM / 2)  # great-circle reach as a chord
    pairs = tree.query_pairs(chord, output_type="ndarray")
    first, second = pairs[:, 0], pairs[:, 1]
    minutes = road.minutes(great_circle_km(lon[first], lat[first], lon[second], lat[second]))
    own = np.arange(len(codes))
    origin = np.concatenate([first, second, own])
    destination = np.concatenate([second, first, own])
    times = np.concatenate([minutes, minutes, road.minutes(internal_km(communes["area_km2"].to_numpy()))])
    keep = times <= max_minutes
    categories = pd.Index(codes, dtype="string")
    return pd.DataFrame({"origin": pd.Categorical.from_codes(origin[keep], categories),
                         "destination": pd.Categorical.from_codes(destination[keep], categories),
                         "minutes": times[keep]})


def with_internal_times(pairs: pd.DataFrame, communes: pd.DataFrame, road: RoadModel = RoadModel()) -> pd.DataFrame:
    """Add each commune's own time where a routing matrix lacks it (or gives 0, which would
    count the commune's own doctors as reached instantly by everyone)."""
    own = pairs["origin"] == pairs["destination"]
    pairs = pairs[~own | (pairs["minutes"] > 0)]
    missing = communes[~communes["commune_code"].isin(pairs.loc[pairs["origin"] == pairs["destination"], "origin"])]
    internal = pd.DataFrame({"origin": missing["commune_code"], "destination": missing["commune_code"],
                             "minutes": road.minutes(internal_km(missing["area_km2"].to_numpy()))})
    return pd.concat([pairs, internal], ignore_index=True)


def read_matrix(path: Path) -> pd.DataFrame:
    """A long-form origin–destination matrix (columns origin, destination, minutes) from
    CSV or Parquet, as exported from a routing engine."""
    path = Path(path)
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(
        path, sep=None, engine="python", dtype={"origin": str, "destination": str})
    missing = [column for column in COLUMNS if column not in frame]
    if missing:
        from ..sources.errors import SourceFormatError

        raise SourceFormatError(path, 1, missing[0], "travel-time matrix column missing (origin, destination, minutes)")
    return frame[COLUMNS].astype({"origin": "string", "destination": "string", "minutes": "float64"})


def osrm_table(communes: pd.DataFrame, base_url: str, max_minutes: float, chunk: int = 100,
               timeout: float = 60) -> pd.DataFrame:
    """Driving times from an OSRM server's ``/table/v1/driving`` service, in blocks of
    ``chunk`` origins, kept within ``max_minutes``."""
    codes = communes["commune_code"].tolist()
    coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in zip(communes["lon"], communes["lat"]))
    blocks = []
    for start in range(0, len(codes), chunk):
        sources = ";".join(str(i) for i in range(start, min(start + chunk, len(codes))))
        url = f"{base_url.rstrip('/')}/table/v1/driving/{coordinates}?sources={sources}&annotations=duration"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            answer = json.load(response)
        if answer.get("code") != "Ok":
            raise RuntimeError(f"OSRM answered {answer.get('code')}: {answer.get('message', '')}")
        durations = np.array(answer["durations"], dtype="float64") / 60.0
        rows, cols = np.nonzero(np.nan_to_num(durations, nan=np.inf) <= max_minutes)
        blocks.append(pd.DataFrame({"origin": [codes[start + r] for r in rows], "destination": [codes[c] for c in cols],
                                    "minutes": durations[rows, cols]}))
    return pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=COLUMNS)
