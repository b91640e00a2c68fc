"""Calibrating the network-free travel-time estimate to the official APL, honestly.

Without a road matrix or a routing engine, minutes are estimated as straight-line
distance × detour ÷ speed. In that model only the ratio detour/speed matters, so the
detour is kept and one effective speed is fitted: the speed whose APL ranks half of the
communes (every other one by code) most like the DREES's official APL. The other half,
never seen by the fit, says how well it generalises; both halves' figures are published,
with and without the fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .agreement import agreement_measures
from .apl import AplSettings, apl_by_commune
from .travel_times import RoadModel, estimated_times

SPEEDS_KMH = tuple(float(speed) for speed in np.arange(20.0, 90.1, 2.5))  # the grid searched


def _halves(official: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    ordered = official.sort_values("commune_code").reset_index(drop=True)
    return ordered.iloc[::2], ordered.iloc[1::2]


def calibrate_speed(reference: pd.DataFrame, gps: pd.DataFrame, official: pd.DataFrame, settings: AplSettings,
                    road: RoadModel, threshold: float) -> pd.DataFrame:
    """One row: the default and fitted speeds, and the agreement on the fitting half and on
    the held-out half with each. ``official`` holds the communes to compare (those with an
    official APL and a complete register)."""
    fit, holdout = _halves(official[official["commune_code"].isin(reference["commune_code"])])

    def apl_at(speed: float) -> pd.Series:
        pairs = estimated_times(reference, settings.max_minutes, RoadModel(detour=road.detour, speed_kmh=speed))
        return apl_by_commune(reference, gps, pairs, settings).set_index("commune_code")["apl"]

    def measures(apl: pd.Series, half: pd.DataFrame) -> dict:
        return agreement_measures(half["commune_code"].map(apl), half["official_apl"], threshold)

    scores = {speed: measures(apl_at(speed), fit)["spearman"] for speed in SPEEDS_KMH}
    valid = {speed: score for speed, score in scores.items() if score is not None}
    best = max(valid, key=lambda speed: (round(valid[speed], 6), -abs(speed - road.speed_kmh))) if valid else road.speed_kmh
    default_apl, fitted_apl = apl_at(road.speed_kmh), apl_at(best)
    row = {"detour": road.detour, "speed_default_kmh": road.speed_kmh, "speed_fitted_kmh": best,
           "communes_fit": len(fit), "communes_holdout": len(holdout)}
    for name, apl in (("default", default_apl), ("fitted", fitted_apl)):
        for half_name, half in (("fit", fit), ("holdout", holdout)):
            for measure, value in measures(apl, half).items():
                if measure != "communes":
                    row[f"{measure}_{half_name}_{name}"] = value
    return pd.DataFrame([row])
