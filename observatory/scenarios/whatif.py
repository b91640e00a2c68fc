"""What-if scenarios read from files (``sources.scenarios``): GPs or maisons de santé added,
departures kept, another retirement age; each computed today and at the horizons, beside the
baseline without action, as territory totals (a commune's APL at a horizon would give its
roster departures away).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..accessibility.apl import AplSettings, apl_by_commune
from ..accessibility.e2sfca import pair_positions
from ..indicators.deserts import classify, departures
from .marginal import Catchments
from .placement import is_class

BASELINE = "Sans action"
HORIZONS = (5, 10)  # years ahead, as the departures are counted


def horizon_apl(area: pd.DataFrame, gps: pd.DataFrame, pairs: pd.DataFrame, settings: AplSettings,
                reference_date: date, retirement_age: int, years: int, kept: frozenset[str] = frozenset()
                ) -> pd.DataFrame:
    """APL and supply per commune once the GPs expected to leave within ``years`` (retirement
    age reached, or a departure declared) have left unreplaced, but those ``kept`` (RPPS
    numbers); GPs whose departure is unknown stay. Nobody new settles."""
    leaving = departures(gps, reference_date, retirement_age, years).fillna(False).astype(bool) if years \
        else pd.Series(False, index=gps.index)
    staying = gps[~(leaving & ~gps["rpps_id"].isin(kept)).to_numpy()]
    return apl_by_commune(area, staying, pairs, settings).set_index("commune_code")


def scenario_outcomes(area: pd.DataFrame, gps: pd.DataFrame, pairs: pd.DataFrame, communes: pd.DataFrame,
                      scenarios: pd.DataFrame, settings: AplSettings, reference_date: date, retirement_age: int,
                      thresholds: tuple[float, float]) -> pd.DataFrame:
    """Per scenario (the baseline first) and horizon (0, 5, 10 years): people and communes in
    « désert », people in « zone fragile », the population-weighted APL and the GPs the
    scenario adds. Added GPs change the APL by the closed form (``marginal``); departures
    by a recomputation. Only the territory's communes whose APL is usable (``catchment_complete``) count."""
    staying: dict[tuple, pd.DataFrame] = {}  # the APL once departures are taken, shared by the scenarios alike

    def without_departures(age: int, kept: frozenset[str], years: int) -> pd.DataFrame:
        key = (age if years else None, kept if years else frozenset(), years)  # today, nobody has left
        if key not in staying:
            staying[key] = horizon_apl(area, gps, pairs, settings, reference_date, age, years, kept)
        return staying[key]

    today = without_departures(retirement_age, frozenset(), 0)
    usable = communes.set_index("commune_code")["catchment_complete"].astype(bool)
    counted = today.index.isin(usable.index[usable.to_numpy()])
    population = communes.set_index("commune_code")["population"].reindex(today.index).fillna(0.0).where(counted, 0)
    origins, destinations, minutes = pair_positions(pairs, today.index)
    catchments = Catchments.of(origins, destinations, minutes,  # demand alone: the same at every horizon
                               today["standardised_population"].to_numpy(dtype="float64"), settings.bands)
    rows = []
    for name in [BASELINE, *sorted(set(scenarios["scenario"]))]:
        lines = scenarios[scenarios["scenario"] == name]
        ages = lines.loc[lines["action"] == "retirement_age", "value"]
        age = int(ages.iloc[-1]) if len(ages) else retirement_age
        kept = frozenset(lines.loc[lines["action"] == "keep_gp", "rpps_id"])
        adds = lines[lines["action"].isin(["add_gps", "add_msp"])].groupby("commune_code")["count"].sum()
        added = adds.reindex(today.index, fill_value=0).to_numpy(dtype="float64") * settings.consultations_per_fte
        change = catchments.apl_change(added)
        for years in (0, *HORIZONS):
            apl = without_departures(age, kept, years)["apl"]
            values = pd.Series(apl.to_numpy() + change, index=apl.index)
            classes = classify(values, thresholds).where(counted)
            rows.append({"scenario": name, "years": years, "gps_added": int(adds.sum()),
                         "population_desert": float(population[is_class(classes, "desert")].sum()),
                         "population_fragile": float(population[is_class(classes, "fragile")].sum()),
                         "communes_desert": int(is_class(classes, "desert").sum()),
                         "apl": float((values * population).sum() / population.sum()) if population.sum() else np.nan})
    return pd.DataFrame(rows)
