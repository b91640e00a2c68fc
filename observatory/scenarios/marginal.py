"""Where one more GP helps most: the exact effect of added supply on every commune's APL.

In the E2SFCA (``accessibility.e2sfca``) supply S_j enters only R_j = S_j / D_j, with
D_j = Σ_k W(t_kj) · P*_k the weighted demand around j, which added supply leaves unchanged.
Adding ΔS at j therefore changes each commune's APL by exactly

    ΔA_i = W(t_ij) · ΔS / D_j

so one pass over the travel-time pairs scores every candidate commune at once, and a greedy
plan re-scores after each placement by adding one column's gains: no recomputation of the
APL per candidate. A candidate with no demand within reach (D_j = 0) adds nothing, as the
E2SFCA's R_j = 0 there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..accessibility.e2sfca import DREES_BANDS, Bands, step_weights


@dataclass(frozen=True)
class Catchments:
    """The weighted pairs of a territory (positions into its communes), what the closed form
    needs: W(t_ij) for each pair within reach, and each commune's weighted demand D_j."""

    origins: np.ndarray
    destinations: np.ndarray
    weights: np.ndarray
    weighted_demand: np.ndarray

    @classmethod
    def of(cls, origins: np.ndarray, destinations: np.ndarray, minutes: np.ndarray, demand: np.ndarray,
           bands: Bands = DREES_BANDS) -> "Catchments":
        weights = step_weights(minutes, bands)
        keep = weights > 0
        origins, destinations, weights = origins[keep], destinations[keep], weights[keep]
        weighted_demand = np.bincount(destinations, weights=weights * demand[origins], minlength=len(demand))
        return cls(origins, destinations, weights, weighted_demand)

    def gains(self, added: float) -> np.ndarray:
        """ΔA of the origin of each pair when ``added`` consultations a year settle at its destination."""
        share = np.divide(added, self.weighted_demand, out=np.zeros_like(self.weighted_demand),
                          where=self.weighted_demand > 0)
        return self.weights * share[self.destinations]

    def apl_change(self, added: np.ndarray) -> np.ndarray:
        """Every commune's APL change for ``added`` consultations a year at each commune (one
        value per commune, most of them 0): the closed form summed over the candidates."""
        share = np.divide(added, self.weighted_demand, out=np.zeros_like(self.weighted_demand),
                          where=self.weighted_demand > 0)
        return np.bincount(self.origins, weights=self.weights * share[self.destinations],
                           minlength=len(self.weighted_demand))


def score_candidates(catchments: Catchments, apl: np.ndarray, population: np.ndarray,
                     thresholds: tuple[float, float], added: float) -> pd.DataFrame:
    """For one more GP (``added`` consultations a year) at each commune j, by position: the
    population lifted out of « désert » (APL crossing the first threshold) and out of « zone
    fragile » (crossing the second), the gap to the desert threshold closed (Σ people ×
    APL gained below it), the APL gained where it settles and the population-weighted APL
    gain over the territory. That last one is nearly the same everywhere: the E2SFCA conserves
    supply, so Σ_i P*_i·ΔA_i = ΔS wherever it settles (exactly so when P* is the population)."""
    low, high = thresholds
    gain = catchments.gains(added)
    before = apl[catchments.origins]
    after = before + gain
    people = population[catchments.origins]
    n = len(apl)
    by_candidate = lambda values: np.bincount(catchments.destinations, weights=values, minlength=n)  # noqa: E731
    return pd.DataFrame({
        "population_out_of_desert": by_candidate(people * ((before < low) & (after >= low))),
        "population_out_of_fragile": by_candidate(people * ((before < high) & (after >= high))),
        # what differs between candidates that lift as many: how much of the gap to the desert
        # threshold they close for the people below it (the weighted gain below barely differs)
        "desert_gap_closed": by_candidate(people * np.clip(np.minimum(after, low) - before, 0, None)),
        "weighted_apl_gain": by_candidate(people * gain) / max(float(population.sum()), 1.0),
        "apl_gain_in_commune": by_candidate(gain * (catchments.origins == catchments.destinations)),
    })


# The order of merit: people out of deserts, then out of fragile zones, then the gap closed.
MERIT = ["population_out_of_desert", "population_out_of_fragile", "desert_gap_closed"]


def greedy_plan(catchments: Catchments, apl: np.ndarray, population: np.ndarray, thresholds: tuple[float, float],
                added: float, count: int, candidates: np.ndarray | None = None,
                on_placement: Callable[[dict], None] | None = None, until: float | None = None) -> pd.DataFrame:
    """``count`` GPs placed one at a time where each lifts the most people out of deserts (then
    out of fragile zones, then closes the most of the gap to the desert threshold), re-scoring after each
    placement; ``candidates`` (a boolean mask by position) restricts where they may go. One
    row per placement with its effect and the cumulative population still in deserts;
    ``on_placement`` hears of each row as it is decided (a command's progress); the plan stops
    early once no more than ``until`` people remain in deserts."""
    current = apl.astype("float64").copy()
    allowed = np.ones(len(apl), dtype=bool) if candidates is None else np.asarray(candidates, dtype=bool)
    gain = catchments.gains(added)
    rows = []
    columns = ["rank", "position", *score_candidates(catchments, current, population, thresholds, added).columns,
               "population_in_desert_after"]
    for rank in range(1, count + 1):
        scores = score_candidates(catchments, current, population, thresholds, added)
        keys = scores[MERIT].to_numpy(copy=True)
        keys[~allowed] = -np.inf
        # last key first: deserts, then fragile, then the gap closed; among equals the first commune
        order = np.lexsort((-np.arange(len(keys)), keys[:, 2], keys[:, 1], keys[:, 0]))
        best = int(order[-1])
        if not np.isfinite(keys[best, 0]):
            break  # no candidate left
        column = catchments.destinations == best
        np.add.at(current, catchments.origins[column], gain[column])
        rows.append({"rank": rank, "position": best, **scores.iloc[best].to_dict(),
                     "population_in_desert_after": float(population[current < thresholds[0]].sum())})
        if on_placement:
            on_placement(rows[-1])
        if until is not None and rows[-1]["population_in_desert_after"] <= until:
            break
    return pd.DataFrame(rows, columns=columns)  # no candidate (a partial register): no row, the same columns
