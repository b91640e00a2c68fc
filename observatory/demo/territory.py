"""Synthetic communes: contours, names, populations by age band, and EPCIs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Polygon

from .spec import DemoSpec

CENTRE = (1.33, 47.60)  # lon, lat: where the synthetic département is drawn
RADII = (0.75, 0.34)  # degrees of longitude and latitude: ~6 400 km², like Loir-et-Cher
TOWNS = (  # (lon, lat, population): a préfecture and two sous-préfectures
    (1.34, 47.59, 46_200),
    (0.96, 47.78, 15_800),
    (1.73, 47.37, 14_400),
)
BAND_SHARES_RURAL = np.array([0.155, 0.125, 0.150, 0.215, 0.215, 0.140])
BAND_SHARES_URBAN = np.array([0.170, 0.190, 0.170, 0.190, 0.170, 0.110])

_ROOTS = (
    "Mont", "Vill", "Chaum", "Sell", "Font", "Beau", "Mar", "Cour", "Lan", "Mer", "Sal",
    "Ver", "Ros", "Bri", "Char", "Mor", "Cell", "Ouch", "Thor", "Noy", "Pont", "Sav",
    "Coud", "Feu", "Ray", "Lour", "Chiss", "Ment", "Vern", "Bois", "Mesl", "Fréch",
)
_ENDINGS = ("ay", "ières", "eval", "ville", "on", "igny", "euil", "ois", "ange", "elles", "ainvilliers", "ou")
_SUFFIXES = ("", "", "", "", "-sur-Loire", "-sur-Cher", "-en-Sologne", "-le-Château", "-la-Forêt", "-en-Beauce")


def _boundary() -> Polygon:
    angles = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    radius = 1 + 0.10 * np.sin(3 * angles + 1.0) + 0.06 * np.cos(5 * angles + 0.3)
    lon = CENTRE[0] + RADII[0] * radius * np.cos(angles)
    lat = CENTRE[1] + RADII[1] * radius * np.sin(angles)
    return Polygon(np.column_stack([lon, lat]))


def _seed_points(rng: np.random.Generator, boundary: Polygon, count: int) -> np.ndarray:
    """Well-spread points (dart throwing), the towns first so they get their own commune."""
    minx, miny, maxx, maxy = boundary.bounds
    aspect = np.cos(np.radians(CENTRE[1]))  # a degree of longitude is shorter
    spacing = 0.75 * np.sqrt(boundary.area * aspect / count)
    points = [np.array(town[:2]) for town in TOWNS]
    while len(points) < count:
        candidate = np.array([rng.uniform(minx, maxx), rng.uniform(miny, maxy)])
        if not boundary.contains(shapely.Point(candidate)):
            continue
        gaps = np.hypot((np.array(points)[:, 0] - candidate[0]) * aspect, np.array(points)[:, 1] - candidate[1])
        if gaps.min() > spacing:
            points.append(candidate)
        else:
            spacing *= 0.9995  # relax slowly so the loop always ends
    return np.array(points)


def _names(rng: np.random.Generator, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(_ROOTS) + rng.choice(_ENDINGS) + rng.choice(_SUFFIXES)
        if rng.random() < 0.18:
            name = "Saint-" + name
        if name not in names:
            names.append(name)
    return names


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to ``total`` exactly."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _populations(rng: np.random.Generator, spec: DemoSpec, count: int) -> np.ndarray:
    town_total = sum(town[2] for town in TOWNS)
    weights = np.minimum(rng.lognormal(mean=np.log(560), sigma=0.95, size=count - len(TOWNS)), 7_500)
    rural = _largest_remainder(weights, spec.population - town_total - 40 * (count - len(TOWNS))) + 40
    return np.concatenate([[town[2] for town in TOWNS], rural])


def _age_bands(rng: np.random.Generator, population: np.ndarray) -> np.ndarray:
    rows = []
    for inhabitants in population:
        urbanity = min(1.0, inhabitants / 10_000)
        shares = (1 - urbanity) * BAND_SHARES_RURAL + urbanity * BAND_SHARES_URBAN
        shares = rng.dirichlet(shares * 300)
        rows.append(_largest_remainder(shares, int(inhabitants)))
    return np.array(rows)


def _epcis(points: np.ndarray, population: np.ndarray, count: int) -> np.ndarray:
    """Cluster communes around ``count`` far-apart seeds (the préfecture first)."""
    seeds = [0]
    distance = np.hypot(*(points - points[0]).T)
    while len(seeds) < count:
        seeds.append(int(np.argmax(distance)))
        distance = np.minimum(distance, np.hypot(*(points - points[seeds[-1]]).T))
    gaps = np.stack([np.hypot(*(points - points[s]).T) for s in seeds], axis=1)
    return gaps.argmin(axis=1)


def build_communes(rng: np.random.Generator, spec: DemoSpec) -> pd.DataFrame:
    """One row per commune: code, name, contour (WGS84), population, age bands, EPCI."""
    boundary = _boundary()
    points = _seed_points(rng, boundary, spec.communes)
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=boundary.buffer(0.5), ordered=True)
    contours = [shapely.set_precision(cell.intersection(boundary), 1e-5) for cell in cells.geoms]
    contours = shapely.orient_polygons(np.array(contours, dtype=object), exterior_cw=False)
    population = _populations(rng, spec, spec.communes)
    names = _names(rng, spec.communes)
    names[: len(TOWNS)] = ["Valmont-sur-Loire", "Bréval-le-Château", "Romigny-en-Sologne"]
    epci = _epcis(points, population, spec.epcis)
    frame = pd.DataFrame({"name": names, "geometry": list(contours), "population": population, "epci": epci,
                          "lon": points[:, 0], "lat": points[:, 1], "town": np.arange(spec.communes) < len(TOWNS)})
    bands = _age_bands(rng, population)
    for index, column in enumerate(["pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59", "pop_60_74", "pop_75_plus"]):
        frame[column] = bands[:, index]
    # INSEE numbers communes roughly in alphabetical order within a département.
    frame = frame.sort_values("name", key=lambda s: s.str.replace("Saint-", "Saint ")).reset_index(drop=True)
    frame.insert(0, "code", [f"{spec.departement}{i:03d}" for i in range(1, spec.communes + 1)])
    largest = frame.loc[frame.groupby("epci")["population"].idxmax(), ["epci", "name", "town"]]
    labels = {row.epci: ("CA de " if row.town else "CC de ") + row.name for row in largest.itertuples()}
    frame["epci_name"] = frame["epci"].map(labels)
    frame["epci_code"] = frame["epci"].map(lambda i: f"2000{i + 1:05d}")
    return frame


CPTS = 4  # the demo's CPTS: fewer and larger than its EPCIs, across their borders
OUTSIDE_CPTS = 0.06  # the share of communes, the farthest from their CPTS's centre, left in none


def cpts_zoning(communes: pd.DataFrame) -> pd.DataFrame:
    """A synthetic CPTS zoning in the observatory's layout (``sources/zonings.py``): communes
    grouped around far-apart seeds taken from the last commune of the list (so not the EPCIs'),
    each CPTS named after its most populous commune; the communes farthest from their CPTS's
    seed are in none, as where no CPTS has formed yet."""
    points = communes[["lon", "lat"]].to_numpy()[::-1]
    zone = _epcis(points, communes["population"].to_numpy()[::-1], CPTS)[::-1]
    frame = communes[["code", "name", "population", "lon", "lat"]].assign(zone=zone)
    centres = frame.groupby("zone")[["lon", "lat"]].transform("mean")
    distance = np.hypot(frame["lon"] - centres["lon"], frame["lat"] - centres["lat"])
    frame = frame[distance < distance.quantile(1 - OUTSIDE_CPTS)]
    largest = frame.loc[frame.groupby("zone")["population"].idxmax()].set_index("zone")["name"]
    return pd.DataFrame({"code_commune": frame["code"], "code_zone": frame["zone"].map(lambda i: f"CPTS-{i + 1}"),
                         "nom_zone": frame["zone"].map(lambda i: f"CPTS de {largest[i]}"),
                         "nom_zonage": "CPTS (synthétiques)"}).sort_values("code_commune")
