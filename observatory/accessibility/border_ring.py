"""The border ring: communes beyond the territory whose people or GPs change its APL.

APL_i sums the supply of the communes j within reach of i, each shared among the demand
of the communes k within reach of j. So every commune within twice the reach of the
territory, and no other, enters its APL (travel times obey the triangle inequality). The
APL is computed over the territory and this ring, and only the territory's is published:
a commune near the border then counts the GPs across it, and shares its own GPs with the
people across it, as the DREES's national computation does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

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


def apl_area(reference: pd.DataFrame, ring: pd.DataFrame) -> pd.DataFrame:
    """The territory's communes and the ring's, with ``in_territory``: the APL's whole input."""
    territory = reference.assign(in_territory=True)
    if ring.empty:
        return territory
    return pd.concat([territory, ring.assign(in_territory=False)], ignore_index=True)
