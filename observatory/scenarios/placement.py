"""The observatory's answers to « where would one more GP help most? » and « what if the GPs
reaching retirement age leave unreplaced? », from the tables the pipeline already computes.

Only the territory's communes whose register is complete count: a partial register's APL is
no figure to act on, so its communes are neither candidates nor counted among the people
lifted. Border-ring communes feel an added GP too, but the département counts its own people.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..accessibility.e2sfca import pair_positions
from ..indicators.deserts import classify
from .marginal import MERIT, Catchments, greedy_plan, score_candidates

MAX_INSTALLATIONS = 200  # the greedy search for « how many to hold today's deserts » stops there


def _territory(area_apl: pd.DataFrame, pairs: pd.DataFrame, communes: pd.DataFrame, bands
               ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, Catchments]:
    """The APL's locations, the population counted (0 outside the territory or where the
    register is partial within reach), the candidates (territory communes with a usable APL) and
    the weighted pairs, which added or removed GPs leave unchanged (they depend on demand)."""
    locations = area_apl.set_index("commune_code")
    usable = communes.set_index("commune_code")["catchment_complete"].astype(bool)
    counted = locations.index.isin(usable.index[usable.to_numpy()])
    population = communes.set_index("commune_code")["population"].reindex(locations.index).fillna(0.0)
    origins, destinations, minutes = pair_positions(pairs, locations.index)
    catchments = Catchments.of(origins, destinations, minutes,
                               locations["standardised_population"].to_numpy(dtype="float64"), bands)
    return locations, np.where(counted, population.to_numpy(dtype="float64"), 0.0), counted, catchments


def is_class(classes: pd.Series, kind: str) -> np.ndarray:
    """Where ``classes`` is ``kind``, as a plain mask (an unclassified commune is no class)."""
    return (classes == kind).fillna(False).to_numpy(dtype=bool)


def placement_scores(area_apl: pd.DataFrame, pairs: pd.DataFrame, communes: pd.DataFrame,
                     thresholds: tuple[float, float], added: float, bands) -> pd.DataFrame:
    """Per candidate commune: what one more full-time GP there would change (people out of
    « désert » and out of « zone fragile », APL gained there, population-weighted gain),
    ranked as the greedy plan's first step ranks them."""
    locations, population, counted, catchments = _territory(area_apl, pairs, communes, bands)
    scores = score_candidates(catchments, locations["apl"].to_numpy(dtype="float64"), population, thresholds, added)
    scores.insert(0, "commune_code", locations.index)
    scores = scores[counted].merge(communes[["commune_code", "commune_name", "epci_name", "population", "apl",
                                             "desert_class"]], on="commune_code")
    ranked = scores.sort_values(MERIT, ascending=False, kind="stable").reset_index(drop=True)
    return ranked.assign(rank=np.arange(1, len(ranked) + 1))


def placement_plan(area_apl: pd.DataFrame, pairs: pd.DataFrame, communes: pd.DataFrame,
                   thresholds: tuple[float, float], added: float, bands, count: int,
                   allowed: set[str] | None = None, on_placement: Callable[[dict], None] | None = None
                   ) -> pd.DataFrame:
    """``count`` GPs placed one at a time where each helps most, re-scored after each: the
    communes in order, the people each lifts and the people still in deserts after it.
    ``allowed`` restricts the candidate communes (codes); ``on_placement`` hears of each
    placement (with its code)."""
    territory = _territory(area_apl, pairs, communes, bands)
    return _plan(territory, communes, thresholds, added, count, territory[0]["apl"], allowed, on_placement)


def _plan(territory: tuple, communes: pd.DataFrame, thresholds: tuple[float, float], added: float, count: int,
          apl: pd.Series, allowed: set[str] | None = None, on_placement: Callable[[dict], None] | None = None,
          until: float | None = None) -> pd.DataFrame:
    """The greedy plan from ``apl`` (by commune code: today's or a horizon's), stopping early
    once no more than ``until`` people remain in deserts."""
    locations, population, counted, catchments = territory
    candidates = counted & (locations.index.isin(list(allowed)) if allowed is not None else True)
    current = apl.reindex(locations.index).to_numpy(dtype="float64")
    heard = (lambda row: on_placement({**row, "commune_code": locations.index[row["position"]]})) \
        if on_placement else None
    plan = greedy_plan(catchments, current, population, thresholds, added, count, candidates=candidates,
                       on_placement=heard, until=until)
    plan.insert(1, "commune_code", locations.index[plan.pop("position").to_numpy(dtype="int64")])
    names = communes.set_index("commune_code")["commune_name"]
    plan.insert(2, "commune_name", plan["commune_code"].map(names))
    return plan.assign(population_in_desert_before=float(population[current < thresholds[0]].sum()))


def horizon_summary(area_apl: pd.DataFrame, pairs: pd.DataFrame, communes: pd.DataFrame,
                    horizons: dict[int, pd.Series], thresholds: tuple[float, float], added: float, bands
                    ) -> pd.DataFrame:
    """Per horizon (0 = today): people and communes in « désert » and in « zone fragile »,
    communes changing class since today, and the installations (one full-time GP each, placed
    by the greedy plan) needed to bring the people in deserts back to today's number."""
    territory = _territory(area_apl, pairs, communes, bands)  # one set of weighted pairs for every horizon
    locations, population, counted, _ = territory
    today = classify(locations["apl"], thresholds).where(counted)
    target = float(population[is_class(today, "desert")].sum())
    rows = []
    for years, apl in {0: locations["apl"], **horizons}.items():
        apl = apl.reindex(locations.index)
        classes = classify(apl, thresholds).where(counted)
        in_desert = float(population[is_class(classes, "desert")].sum())
        needed = 0
        if in_desert > target:  # never today: the target is today's number
            plan = _plan(territory, communes, thresholds, added, MAX_INSTALLATIONS, apl, until=target)
            reached = plan.index[plan["population_in_desert_after"] <= target]
            needed = int(plan.at[reached[0], "rank"]) if len(reached) else None
        rows.append({"years": years, "population_desert": in_desert,
                     "population_fragile": float(population[is_class(classes, "fragile")].sum()),
                     "communes_desert": int(is_class(classes, "desert").sum()),
                     "communes_changing_class": int((classes != today).fillna(False).sum()),
                     "installations_to_hold_today": needed})
    return pd.DataFrame(rows).astype({"installations_to_hold_today": "Int64"})
