"""Time the scoring of every candidate commune for one more GP, and the greedy plan of 10, on
the national synthetic input and on one of its départements.

    .venv/bin/python -m bench.scenario_scoring [--work /tmp/observatory-bench] [--count 10]

Reads (or writes) the same input as ``bench.national_refresh`` at full scale, builds its
travel-time pairs and APL as the pipeline does, then times ``score_candidates`` and
``greedy_plan`` (closed form, ``observatory.scenarios.marginal``). Prints the pairs count,
the seconds of each and the plan's effect.
"""

from __future__ import annotations

import argparse
from pathlib import Path


from observatory.accessibility.apl import AplSettings, apl_by_commune
from observatory.accessibility.e2sfca import pair_positions
from observatory.accessibility.travel_times import estimated_times
from observatory.indicators.geography import build_commune_reference
from observatory.indicators.gp_supply import identify_gps
from observatory.scenarios.marginal import Catchments, greedy_plan, score_candidates
from observatory.sources.communes import read_commune_contours
from observatory.sources.departements import DEPARTEMENT_NAMES
from observatory.sources.population import read_population
from observatory.sources.roster import SCHEMA as ROSTER_SCHEMA
from observatory.sources.rpps import read_rpps_extract
from observatory.sources.staged import StagedTable

from .measure import measured, report
from .national_input import DEPARTEMENT_CODES, national_input
from .national_refresh import SKILLS

THRESHOLDS = (2.5, 4.0)


def territory(raw: dict[str, Path], departements: tuple[str, ...]):
    """Communes, pairs and APL of ``departements``, as the pipeline computes them."""
    contours = read_commune_contours(raw["commune_contours"], departements)
    population = read_population(raw["population"], departements)
    register = read_rpps_extract(raw["rpps_extract"], departements, set(contours.table["commune_code"]))
    gps = identify_gps(register.table, StagedTable.absent(ROSTER_SCHEMA).table, SKILLS, 2024)
    codes = contours.table["commune_code"]
    epcis = codes.to_frame().assign(epci_code=codes.str.slice(0, 4).str.pad(9, fillchar="0"),
                                    epci_name="EPCI " + codes.str.slice(0, 4))
    reference = build_commune_reference(contours.table, population.table, epcis, DEPARTEMENT_NAMES)
    pairs = estimated_times(reference, 20.0)
    apl = apl_by_commune(reference, gps, pairs, AplSettings()).set_index("commune_code")
    return reference.set_index("commune_code"), pairs, apl


def run(raw: dict[str, Path], departements: tuple[str, ...], label: str, count: int) -> None:
    reference, pairs, apl = territory(raw, departements)
    origins, destinations, minutes = pair_positions(pairs, apl.index)
    demand = apl["standardised_population"].to_numpy(dtype="float64")
    population = reference.loc[apl.index, "population"].to_numpy(dtype="float64")
    added = AplSettings().consultations_per_fte
    results = []
    with measured("score every candidate", results) as stage:
        catchments = Catchments.of(origins, destinations, minutes, demand)
        scores = score_candidates(catchments, apl["apl"].to_numpy(), population, THRESHOLDS, added)
        stage.extra = {"candidates": len(scores), "best_lifts": int(scores["population_out_of_desert"].max())}
    with measured(f"greedy plan of {count}", results) as stage:
        plan = greedy_plan(catchments, apl["apl"].to_numpy(), population, THRESHOLDS, added, count)
        stage.extra = {"lifted": int(plan["population_out_of_desert"].sum()),
                       "in_desert_after": int(plan["population_in_desert_after"].iloc[-1])}
    in_desert = int(population[apl["apl"].to_numpy() < THRESHOLDS[0]].sum())
    print(report(results, f"\n== {label}: {len(apl)} communes, {len(catchments.weights)} weighted pairs "
                          f"({len(origins)} pairs), {in_desert} people in deserts"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default="/tmp/observatory-bench")
    parser.add_argument("--count", type=int, default=10)
    arguments = parser.parse_args()
    raw = national_input(Path(arguments.work))
    run(raw, tuple(DEPARTEMENT_CODES), "France", arguments.count)
    run(raw, (DEPARTEMENT_CODES[40],), f"département {DEPARTEMENT_CODES[40]}", arguments.count)


if __name__ == "__main__":
    main()
