"""Enhanced two-step floating catchment area (E2SFCA), vectorised.

Luo & Qi (2009), as used by the DREES for the APL (Barlet et al., 2012):

- step 1, for each supply location j: R_j = S_j / Σ_k W(t_kj) · P_k
- step 2, for each demand location i: A_i = Σ_j W(t_ij) · R_j

over the origin–destination pairs given (pairs beyond the last band weigh 0). W is a step
function of the travel time t: with the DREES's bands ``((10, 1), (15, 2/3), (20, 1/3))`` a
time t ≤ 10 weighs 1, 10 < t ≤ 15 weighs 2/3, 15 < t ≤ 20 weighs 1/3, t > 20 weighs 0
(upper bounds included, as in PySAL ``access.weights.step_fn``). The pair of a commune
with itself is a pair like any other: its (non-zero) internal time is weighted too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Bands = tuple[tuple[float, float], ...]
DREES_BANDS: Bands = ((10.0, 1.0), (15.0, 2 / 3), (20.0, 1 / 3))  # the DREES's Paramètres sheet


def step_weights(minutes: np.ndarray, bands: Bands = DREES_BANDS) -> np.ndarray:
    """Weight of each travel time: the weight of the first band whose upper bound it does not exceed."""
    bounds = np.array([bound for bound, _ in bands])
    values = np.array([weight for _, weight in bands] + [0.0])
    return values[np.searchsorted(bounds, np.asarray(minutes, dtype="float64"), side="left")]


def e2sfca(origins: np.ndarray, destinations: np.ndarray, minutes: np.ndarray,
           demand: np.ndarray, supply: np.ndarray, bands: Bands = DREES_BANDS) -> np.ndarray:
    """Accessibility of each location (index 0..n-1) to the supply of the others.

    ``origins``/``destinations`` index demand and supply locations (the same n communes);
    ``demand`` has one value per location, ``supply`` too or one column per variant (n × k,
    the APL's age-limited ones): the variants share the weights and the weighted demand,
    computed once. A supply location whose weighted demand is zero offers nothing to share
    (R_j = 0).
    """
    weight = step_weights(minutes, bands)
    keep = weight > 0
    if not keep.all():  # pairs are usually built within reach already: no copy then
        origins, destinations, weight = origins[keep], destinations[keep], weight[keep]
    n = len(demand)
    weighted_demand = np.bincount(destinations, weights=weight * demand[origins], minlength=n)
    supply = np.asarray(supply, dtype="float64")
    shared = weighted_demand.reshape((n,) + (1,) * (supply.ndim - 1))
    with np.errstate(divide="ignore", invalid="ignore"):  # no demand within reach: the ratio is 0
        ratio = np.where(shared > 0, supply / shared, 0.0)
    if supply.ndim == 1:
        return np.bincount(origins, weights=weight * ratio[destinations], minlength=n)
    return np.column_stack([np.bincount(origins, weights=weight * ratio[destinations, variant], minlength=n)
                            for variant in range(supply.shape[1])])


def positions(codes: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each code in ``index`` (-1 when absent). Categorical codes (as the
    travel-time tables carry them) are mapped through their few categories, not row by row."""
    if isinstance(codes.dtype, pd.CategoricalDtype):
        by_category = index.get_indexer(codes.cat.categories)
        category_codes = codes.cat.codes.to_numpy()
        if len(by_category) == len(index) and (by_category == np.arange(len(index))).all():
            return category_codes  # categories in the index's own order: codes are positions
        return np.where(category_codes >= 0, by_category[category_codes], -1)
    return index.get_indexer(codes)


def pair_positions(pairs: pd.DataFrame, index: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Origin and destination positions in ``index`` and minutes, for pairs whose two ends are in it."""
    origins, destinations = positions(pairs["origin"], index), positions(pairs["destination"], index)
    minutes = pairs["minutes"].to_numpy(dtype="float64")
    known = (origins >= 0) & (destinations >= 0)
    if known.all():
        return origins, destinations, minutes
    return origins[known], destinations[known], minutes[known]


def e2sfca_frame(pairs: pd.DataFrame, locations: pd.DataFrame, demand: str, supply: str,
                 bands: Bands = DREES_BANDS) -> pd.Series:
    """E2SFCA over a long-form ``pairs`` table (origin, destination, minutes) for the
    ``locations`` table indexed by location code with ``demand`` and ``supply`` columns."""
    origins, destinations, minutes = pair_positions(pairs, locations.index)
    scores = e2sfca(origins, destinations, minutes, locations[demand].to_numpy(dtype="float64"),
                    locations[supply].to_numpy(dtype="float64"), bands)
    return pd.Series(scores, index=locations.index, name="accessibility")
