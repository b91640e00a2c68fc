"""The border ring: communes beyond the territory whose people or GPs change its APL.

APL_i sums the supply of the communes j within reach of i, each shared among the demand
of the communes k within reach of j. So every commune within twice the reach of the
territory, and no other, enters its APL (travel times obey the triangle inequality). The
APL is computed over the territory and this ring, and only the territory's is published:
a commune near the border then counts the GPs across it, and shares its own GPs with the
people across it, as the DREES's national computation does.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from ..sources.geography import departement_of
from .travel_times import RoadModel, great_circle_km, unit_vectors

# The ring is drawn with the fastest conceivable road (straight, at 130 km/h): no provider's
# time between two communes is shorter, so the ring holds every commune that can matter.
FASTEST_ROAD = RoadModel(detour=1.0, speed_kmh=130.0)
AREA_COLUMNS = ["commune_code", "commune_name", "departement_code", "population", "lon", "lat", "area_km2"]


def within_reach(territory: pd.DataFrame, candidates: pd.DataFrame, minutes: float, road: RoadModel) -> pd.Series:
    """Which ``candidates`` lie within ``minutes`` of the nearest territory commune by
    ``road`` (straight-line distance × detour ÷ speed, from interior point to interior point)."""
    if candidates.empty or territory.empty:
        return pd.Series(False, index=candidates.index)
    tree = cKDTree(unit_vectors(territory["lon"].to_numpy(), territory["lat"].to_numpy()))
    _, nearest = tree.query(unit_vectors(candidates["lon"].to_numpy(), candidates["lat"].to_numpy()))
    kilometres = great_circle_km(candidates["lon"].to_numpy(), candidates["lat"].to_numpy(),
                                 territory["lon"].to_numpy()[nearest], territory["lat"].to_numpy()[nearest])
    return pd.Series(np.asarray(road.minutes(kilometres)) <= minutes, index=candidates.index)


def ring_of(territory: pd.DataFrame, neighbours: pd.DataFrame, reach_minutes: float, road: RoadModel) -> pd.DataFrame:
    """The neighbouring communes within twice the reach of the territory by ``road``."""
    outside = neighbours[~neighbours["commune_code"].isin(territory["commune_code"])]
    return outside[within_reach(territory, outside, 2 * reach_minutes, road).to_numpy()].reset_index(drop=True)


def departements_around(territory: gpd.GeoDataFrame, departements: gpd.GeoDataFrame, reach_minutes: float) -> list[str]:
    """Codes of the ``departements`` (contours with a ``code``) other than the territory's
    that come within the ring's distance of its communes' contours: a superset of those the
    ring draws from (a contour is nearer than any interior point), so their communes are
    the ones to fetch. Distances are measured in an equidistant projection centred on the
    territory, true to a few metres at that range."""
    if territory.empty or departements.empty:
        return []
    outline = territory.to_crs(4326).union_all()
    centre = outline.representative_point()
    local = f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +units=m"
    area = gpd.GeoSeries([outline], crs=4326).to_crs(local).iloc[0]
    others = departements.to_crs(local)
    own = set(departement_of(territory["commune_code"]))
    near = others.distance(area) <= FASTEST_ROAD.reach_km(2 * reach_minutes) * 1000.0
    return sorted(code for code in others.loc[near, "code"].astype(str) if code not in own)


def apl_area(reference: pd.DataFrame, ring: pd.DataFrame) -> pd.DataFrame:
    """The territory's communes and the ring's, with ``in_territory``: the APL's whole input."""
    territory = reference.assign(in_territory=True)
    if ring.empty:
        return territory
    return pd.concat([territory, ring.assign(in_territory=False)], ignore_index=True)
