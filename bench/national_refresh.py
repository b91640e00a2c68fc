"""Time each stage of a refresh on national-size synthetic input, at three sizes.

    .venv/bin/python -m bench.national_refresh [--scales 0.25 0.5 1] [--work /tmp/bench]

Stages: parse the register (and the commune files), build the travel-time pairs,
E2SFCA (the APL and its three age variants), aggregation (three levels), the publication
rules (statistical secrecy over the three levels), dashboard.
Prints wall time and peak resident memory per stage, and the time per million pairs.
"""

from __future__ import annotations

import argparse
import gc
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from observatory.accessibility.apl import AplSettings, apl_by_commune
from observatory.accessibility.e2sfca import DREES_BANDS
from observatory.accessibility.travel_times import estimated_times
from observatory.dashboard.site import SiteData, build_site
from observatory.territories import beyond_a_region
from observatory.indicators.agency_funnel import funnel_totals, installations_by_quarter
from observatory.indicators.deserts import accessibility_by_level, commune_accessibility, gps_with_departures
from observatory.indicators.geography import build_commune_reference
from observatory.indicators.gp_supply import identify_gps, gp_supply
from observatory.indicators.professions import practitioners, profession_coverage, supply_by_profession
from observatory.scenarios.placement import placement_plan, placement_scores
from observatory.accessibility.travel_times import RoadModel
from observatory.confidential import WITHHELD_COLUMNS, protect_age_figures
from observatory.sources.agency import SCHEMA as AGENCY_SCHEMA
from observatory.sources.communes import read_commune_contours
from observatory.sources.departements import DEPARTEMENT_NAMES
from observatory.sources.gp_benchmark import SCHEMA as BENCHMARK_SCHEMA
from observatory.sources.population import read_population
from observatory.sources.roster import SCHEMA as ROSTER_SCHEMA
from observatory.sources.rpps import read_rpps_extract
from observatory.sources.staged import StagedTable

from .measure import measured, report
from .national_input import DEPARTEMENT_CODES, NationalSize, national_input

SKILLS = ("SM26", "SM53", "SM54")


def dashboard_tables(reference, contours, supply, communes, gps, pairs, register, cases) -> dict:
    """The published tables the site reads, from the stages above (no agency records)."""
    from observatory.indicators import agency_outcomes as outcomes
    from observatory.indicators.time_series import indicators_by_snapshot

    leaving = gps_with_departures(gps, date(2024, 6, 30), 67)
    levels = {key: accessibility_by_level(communes.assign(register_complete=True), leaving, key, label, (2.5, 4.0))
              for key, label in (("commune_code", "commune_name"), ("epci_code", "epci_name"),
                                 ("departement_code", "departement_name"))}
    accessibility = communes.merge(levels["commune_code"][["commune_code", "departures_5y", "departures_10y",
                                                           "gps_known_departure"]], on="commune_code")
    series = indicators_by_snapshot(gps.assign(snapshot_date=pd.Timestamp("2024-06-30")), ["2024-06-30"], reference,
                                    pairs, AplSettings(), 55, StagedTable.absent(BENCHMARK_SCHEMA).table)
    empty = pd.DataFrame
    complete = accessibility.assign(register_complete=True)
    people = practitioners(register.table, SKILLS)
    no_benchmark = StagedTable.absent(BENCHMARK_SCHEMA).table
    coverage = profession_coverage(people, reference, no_benchmark)
    professions = {level: supply_by_profession(people, reference, level, date(2024, 6, 30), coverage)
                   for level in ("commune", "epci", "departement")}
    accessibility = accessibility.drop(columns=list(WITHHELD_COLUMNS["accessibility_by_commune"]), errors="ignore")
    return {
        # as published: protect_tables flags the hidden age cells (none here: the input has no ages)
        **{f"gp_supply_by_{level}": supply[level].assign(age_suppressed=False) for level in supply},
        "commune_reference": reference, "accessibility_by_commune": accessibility,
        "accessibility_by_epci": levels["epci_code"], "accessibility_by_departement": levels["departement_code"],
        "indicators_over_time": series, "agency_funnel": funnel_totals(cases),
        "agency_installations_by_quarter": installations_by_quarter(cases),
        "agency_funnel_by_quarter": outcomes.funnel_by_quarter(cases),
        "agency_installations_by_epci": empty(columns=["epci_code", "epci_name", "installations"]),
        "care_structure_locations": empty(columns=["finess_id", "name", "kind", "commune_code", "lon", "lat"]),
        "commune_travel_times": pairs,
        **{f"profession_supply_by_{level}": table for level, table in professions.items()},
        "profession_register_coverage": coverage,
        "profession_supply_over_time": professions["departement"].assign(snapshot_date=pd.Timestamp("2024-06-30")),
        "agency_installations_by_profession": outcomes.installations_by_profession(
            cases, professions["commune"], professions["departement"], reference),
        "gp_density_references": empty(columns=["level", "code", "name", "year", "liberal_gps", "density_per_100k"]),
        "gp_register_coverage": empty(columns=["departement_code", "departement_name", "register_gps",
                                               "register_liberal_gps", "benchmark_liberal_gps", "coverage",
                                               "register_complete"]),
        "agency_impact_summary": empty(), "agency_installations_by_desert_class": empty(),
        "agency_time_to_installation": empty(), "plan_budget_outcomes": empty(), "action_sheet_indicators": empty(),
        "agency_funnel_by_profession": empty(), "agency_funnel_by_offer": empty(), "source_report": pd.DataFrame(
            [{"dataset": "rpps_extract", "present": True, "file": "", "producer": "", "vintage": "",
              "rows_read": register.rows_read, "rows_accepted": len(register.table), "rows_quarantined": 0}]),
        "quarantine": register.rejects,
        "apl_agreement_by_commune": empty(columns=["commune_code", "official_apl", "year"]),
        "apl_agreement_by_departement": empty(), "travel_time_calibration": empty(),
        # scenarios: the placement on today's APL (the input has no roster, so no horizons)
        "gp_placement_scores": placement_scores(complete, pairs, complete, (2.5, 4.0), 4_900.0, DREES_BANDS),
        "gp_placement_plan": placement_plan(complete, pairs, complete, (2.5, 4.0), 4_900.0, DREES_BANDS, 10),
        "apl_horizons": empty(columns=["years", "population_desert", "population_fragile", "communes_desert",
                                       "communes_changing_class", "installations_to_hold_today"]),
        "scenario_outcomes": empty(columns=["scenario", "years", "gps_added", "population_desert",
                                            "population_fragile", "communes_desert", "apl"]),
    }


def run(raw: dict[str, Path], site_dir: Path) -> list:
    results = []
    departements = tuple(DEPARTEMENT_CODES)
    with measured("parse register and communes", results) as stage:
        contours = read_commune_contours(raw["commune_contours"], departements)
        population = read_population(raw["population"], departements)
        register = read_rpps_extract(raw["rpps_extract"], departements, set(contours.table["commune_code"]))
        roster = StagedTable.absent(ROSTER_SCHEMA).table
        gps = identify_gps(register.table, roster, SKILLS, 2024)
        stage.extra = {"register_rows": register.rows_read, "gps": len(gps), "communes": len(contours.table)}
    with measured("travel-time pairs", results) as stage:
        epcis = pd.DataFrame({"commune_code": contours.table["commune_code"],
                              "epci_code": contours.table["commune_code"].str.slice(0, 4).str.pad(9, fillchar="0"),
                              "epci_name": "EPCI " + contours.table["commune_code"].str.slice(0, 4)})
        reference = build_commune_reference(contours.table, population.table, epcis, DEPARTEMENT_NAMES)
        pairs = estimated_times(reference, 20.0)
        stage.extra = {"pairs": len(pairs)}
    with measured("E2SFCA (APL + 3 variants)", results) as stage:
        apl = apl_by_commune(reference, gps, pairs, AplSettings())
        stage.extra = {"median_apl": round(float(apl["apl"].median()), 3)}
    with measured("aggregation (3 levels)", results) as stage:
        complete = pd.Series(True, index=list(departements))
        supply = {level: gp_supply(gps, reference, level, 55, complete) for level in ("commune", "epci", "departement")}
        communes = commune_accessibility(reference, gps, pairs, apl, (2.5, 4.0), RoadModel(), complete)
        leaving = gps_with_departures(gps, date(2024, 6, 30), 67)
        for key, label in (("epci_code", "epci_name"), ("departement_code", "departement_name")):
            accessibility_by_level(communes, leaving, key, label, (2.5, 4.0))
        stage.extra = {"epcis": len(supply["epci"])}
    with measured("publication rules (secrecy, 3 levels)", results) as stage:
        # The national input has no roster: ages drawn here so that secrecy has counts to protect.
        aged = gps.assign(age=np.random.default_rng(8).integers(28, 70, len(gps)))
        levels = {level: gp_supply(aged, reference, level, 55, complete) for level in ("commune", "epci", "departement")}
        protected = protect_age_figures(levels, reference, 5)
        stage.extra = {"age_cells_hidden": int(sum(table["gps_senior"].isna().sum() for table in protected.values()))}
    with measured("dashboard", results) as stage:
        cases = StagedTable.absent(AGENCY_SCHEMA).table
        site_tables = dashboard_tables(reference, contours.table, supply, communes, gps, pairs, register, cases)
        build_site(site_dir, SiteData(
            territory_name="France (synthétique)", reference_date=date(2024, 6, 30), synthetic=True,
            small_count_threshold=5, desert_thresholds=(2.5, 4.0),
            boundaries=gpd.GeoDataFrame(contours.table[["commune_code", "commune_name", "geometry"]], crs=4326),
            tables=site_tables, method={"parameters": AplSettings().parameters, "consultations_per_fte": 4900,
                                        "travel_times": "estimés", "retirement_age": 67},
            map_exports=False, maps_by_departement=beyond_a_region(tuple(reference["departement_code"].unique()))))
        maps = sorted(site_dir.glob("cartes*.html"), key=lambda path: path.stat().st_size)
        stage.extra = {"maps_pages": len(maps), "largest_maps_page_mb": round(maps[-1].stat().st_size / 2**20, 1),
                       "site_mb": round(sum(p.stat().st_size for p in site_dir.resolve().rglob("*") if p.is_file()) / 2**20)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--work", default="/tmp/observatory-bench")
    arguments = parser.parse_args()
    summary = []
    for scale in arguments.scales:
        size = NationalSize().scaled(scale)
        folder = Path(arguments.work) / f"scale-{scale:g}"
        raw = national_input(Path(arguments.work), scale)
        gc.collect()
        results = run(raw, folder / "site")
        print(report(results, f"\n== scale {scale:g}: {size.communes} communes, {size.gps} GPs, "
                              f"{size.register_rows} register rows"), flush=True)
        pairs = results[1].extra["pairs"]
        summary.append((scale, size.communes, pairs, results[1].seconds + results[2].seconds,
                        sum(s.seconds for s in results), max(s.peak_mb for s in results)))
    print("\nscale  communes      pairs  pairs+E2SFCA s  s per M pairs  total s  peak MB")
    for scale, communes, pairs, accessibility, total, peak in summary:
        print(f"{scale:5g} {communes:9d} {pairs:10d} {accessibility:15.2f} {accessibility / pairs * 1e6:14.2f} "
              f"{total:8.2f} {peak:8.0f}")


if __name__ == "__main__":
    main()
