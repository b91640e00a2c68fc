"""Curated layer: indicators computed in DuckDB, aggregates only."""


import geopandas as gpd
import pandas as pd
from dagster import MetadataValue, Output, asset

from observatory.accessibility.apl import apl_by_commune
from observatory.accessibility.agreement import agreement_by_commune, agreement_by_departement
from observatory.accessibility.parameters import parameters_from_record
from observatory.accessibility.border_ring import apl_area
from observatory.sources.catalog import Origin
from observatory.accessibility.calibration import calibrate_speed
from observatory.accessibility.providers import apl_settings, calibration_status, road_model, travel_times
from observatory.confidential import ROSTER_COLUMNS
from observatory.indicators.benchmark import density_references, register_complete, register_coverage, ring_coverage
from observatory.indicators.deserts import accessibility_by_level, commune_accessibility, gps_with_departures
from observatory.indicators import agency_outcomes as outcomes
from observatory.indicators.agency_funnel import funnel_totals, installations_by_quarter
from observatory.indicators.geography import build_commune_reference
from observatory.indicators.gp_supply import gp_supply
from observatory.indicators.professions import profession_coverage, supply_by_profession, supply_over_time
from observatory.indicators.time_series import indicators_by_snapshot
from observatory.indicators.zones import MEMBERSHIP_COLUMNS, per_zoning, structures_by_level
from observatory.sources.zonings import coverage as zoning_coverage_of
from observatory.scenarios.placement import horizon_summary, placement_plan, placement_scores
from observatory.scenarios.whatif import HORIZONS, horizon_apl, scenario_outcomes as scenario_outcomes_of
from observatory.sources.departements import DEPARTEMENT_NAMES
from observatory.sources.gp_benchmark import SCHEMA as BENCHMARK_SCHEMA, read_gp_benchmark
from observatory.sources.staged import StagedTable

from ..resources import ObservatoryConfig
from . import OWNERS, column_schema, preview

# Every asset of the curated group is published (protected by ``protect_tables``); the
# intermediate ones feed them and stay in staging.
CURATED = dict(group_name="curated", io_manager_key="staging_io", compute_kind="duckdb", owners=OWNERS)
INTERMEDIATE = {**CURATED, "group_name": "intermediate"}


def _table_output(table: pd.DataFrame, *, from_agency_cases: bool = False, **metadata) -> Output:
    """A curated table with its row count and a preview of its public figures. Curated
    tables hold exact figures from non-public data, which only publication protects:
    roster columns and agency tables never reach Dagster's event log."""
    described = {"rows": len(table), "dagster/column_schema": column_schema(table), **metadata}
    if from_agency_cases:
        return Output(table, metadata=described)
    return Output(table, metadata={**described, "preview": preview(table, leave_out=ROSTER_COLUMNS)})


@asset(**CURATED)
def commune_reference(commune_contours: StagedTable, populations: StagedTable, epci_membership: StagedTable,
                      ars_zones: StagedTable, official_apl: StagedTable, population_by_age: StagedTable) -> Output:
    """One row per commune: département, EPCI, ARS zone, population by age band, the DREES's standardised population, area, interior point."""
    table = build_commune_reference(commune_contours.table, populations.table, epci_membership.table, DEPARTEMENT_NAMES,
                            ars_zones.table[["commune_code", "ars_zone"]],
                            official_apl.table[["commune_code", "official_standardised_population"]])
    table = table.merge(population_by_age.table.drop(columns="line"), on="commune_code", how="left")
    return _table_output(table, population=float(table["population"].sum()),
                         communes_without_population=int(table["population"].isna().sum()))


@asset(**CURATED)
def commune_boundaries(commune_contours: StagedTable) -> Output:
    """Commune contours (WGS84) for maps and spatial SQL."""
    table = gpd.GeoDataFrame(commune_contours.table[["commune_code", "commune_name", "geometry"]], crs=4326)
    return _table_output(table)


def _supply(level: str, general_practitioners: pd.DataFrame, commune_reference: pd.DataFrame,
            gp_register_coverage: pd.DataFrame, observatory) -> Output:
    settings = observatory.settings()
    table = gp_supply(general_practitioners, commune_reference, level, settings.senior_age,
                      register_complete(gp_register_coverage))
    return _table_output(table, gps=int(table["gps"].sum()))


@asset(**CURATED)
def gp_supply_by_commune(observatory: ObservatoryConfig, general_practitioners: pd.DataFrame,
                         commune_reference: pd.DataFrame, gp_register_coverage: pd.DataFrame) -> Output:
    """GP headcount, density per 10 000 inhabitants and 55+ share per commune (none where the register is partial)."""
    return _supply("commune", general_practitioners, commune_reference, gp_register_coverage, observatory)


@asset(**CURATED)
def gp_supply_by_epci(observatory: ObservatoryConfig, general_practitioners: pd.DataFrame,
                      commune_reference: pd.DataFrame, gp_register_coverage: pd.DataFrame) -> Output:
    """GP headcount, density per 10 000 inhabitants and 55+ share per EPCI (none where the register is partial)."""
    return _supply("epci", general_practitioners, commune_reference, gp_register_coverage, observatory)


@asset(**CURATED)
def gp_supply_by_departement(observatory: ObservatoryConfig, general_practitioners: pd.DataFrame,
                             commune_reference: pd.DataFrame, gp_register_coverage: pd.DataFrame) -> Output:
    """GP headcount, density per 10 000 inhabitants and 55+ share per département (none where the register is partial)."""
    return _supply("departement", general_practitioners, commune_reference, gp_register_coverage, observatory)


def _professions(level: str, practitioners: pd.DataFrame, commune_reference: pd.DataFrame,
                 profession_register_coverage: pd.DataFrame, observatory) -> Output:
    table = supply_by_profession(practitioners, commune_reference, level, observatory.settings().reference_date,
                                 profession_register_coverage)
    totals = table.groupby("profession")["headcount"].sum(min_count=1)
    return _table_output(table, headcount=MetadataValue.json(
        {key: None if pd.isna(total) else float(total) for key, total in totals.items()}))


@asset(**CURATED)
def profession_supply_by_commune(observatory: ObservatoryConfig, practitioners: pd.DataFrame,
                                 commune_reference: pd.DataFrame, profession_register_coverage: pd.DataFrame) -> Output:
    """Per commune and profession: headcount, density per 10 000 inhabitants, headcount per practice mode."""
    return _professions("commune", practitioners, commune_reference, profession_register_coverage, observatory)


@asset(**CURATED)
def profession_supply_by_epci(observatory: ObservatoryConfig, practitioners: pd.DataFrame,
                              commune_reference: pd.DataFrame, profession_register_coverage: pd.DataFrame) -> Output:
    """Per EPCI and profession: headcount, density per 10 000 inhabitants, headcount per practice mode."""
    return _professions("epci", practitioners, commune_reference, profession_register_coverage, observatory)


@asset(**CURATED)
def profession_supply_by_departement(observatory: ObservatoryConfig, practitioners: pd.DataFrame,
                                     commune_reference: pd.DataFrame, profession_register_coverage: pd.DataFrame) -> Output:
    """Per département and profession: headcount, density per 10 000 inhabitants, headcount per practice mode."""
    return _professions("departement", practitioners, commune_reference, profession_register_coverage, observatory)


@asset(**CURATED)
def profession_supply_over_time(observatory: ObservatoryConfig, profession_supply_by_departement: pd.DataFrame,
                                profession_snapshots: pd.DataFrame, gp_snapshots: StagedTable,
                                commune_reference: pd.DataFrame, profession_benchmark: StagedTable) -> Output:
    """Per register snapshot, département and profession: headcount and density, none where the RPPS did not hold the profession yet or its register is partial."""
    table = supply_over_time(profession_supply_by_departement, observatory.settings().reference_date,
                             profession_snapshots, gp_snapshots.stats["snapshot_dates"], commune_reference,
                             profession_benchmark.table)
    return _table_output(table, snapshots=int(table["snapshot_date"].nunique()))


@asset(**CURATED)
def profession_register_coverage(practitioners: pd.DataFrame, commune_reference: pd.DataFrame,
                                 profession_benchmark: StagedTable) -> Output:
    """Per département and profession: professionals in the register, liberal ones against the CNAM's count, and whether the register is complete for the profession."""
    return _table_output(profession_coverage(practitioners, commune_reference, profession_benchmark.table))


@asset(**CURATED)
def agency_funnel(agency_cases: StagedTable) -> Output:
    """Cases reaching each stage: contacted, accompanied, installed (durable, replacement), abandoned."""
    table = funnel_totals(agency_cases.table)
    return _table_output(table, from_agency_cases=True)


@asset(**CURATED)
def agency_installations_by_quarter(agency_cases: StagedTable) -> Output:
    """The agency's installations per quarter, durable and replacements, small counts suppressed."""
    return _table_output(installations_by_quarter(agency_cases.table), from_agency_cases=True)


@asset(**CURATED)
def care_structure_locations(care_structures: StagedTable) -> Output:
    """Health centres, hospitals and clinics (public FINESS data) with coordinates."""
    return _table_output(care_structures.table.drop(columns="line"))


@asset(**CURATED)
def gp_register_coverage(general_practitioners: pd.DataFrame, commune_reference: pd.DataFrame,
                         gp_benchmark: StagedTable) -> Output:
    """Liberal GPs found in the register against the CNAM's count, per département."""
    table = register_coverage(general_practitioners, commune_reference, gp_benchmark.table)
    return _table_output(table)


@asset(**CURATED)
def ring_register_coverage(ring_practitioners: pd.DataFrame, border_ring: StagedTable,
                           gp_benchmark_file: Origin) -> Output:
    """Liberal GPs found in the register against the CNAM's count, per département of the border ring: where it is partial, a commune within the APL's reach of it has no APL."""
    departements = tuple(sorted(border_ring.table["departement_code"].dropna().unique()))
    benchmark = (read_gp_benchmark(gp_benchmark_file.path, departements).table
                 if gp_benchmark_file.present and departements else StagedTable.absent(BENCHMARK_SCHEMA).table)
    return _table_output(ring_coverage(ring_practitioners, border_ring.table, benchmark))


def _complete(gp_register_coverage: pd.DataFrame, ring_register_coverage: pd.DataFrame) -> pd.Series:
    """Per département of the territory and of its border ring: is the register complete?"""
    return pd.concat([register_complete(gp_register_coverage), register_complete(ring_register_coverage)])


@asset(**CURATED)
def gp_density_references(gp_benchmark: StagedTable) -> Output:
    """The CNAM's liberal GP density of the territory's départements, their régions and France: the references beside its figures."""
    return _table_output(density_references(gp_benchmark.table))


def _area(commune_reference: pd.DataFrame, border_ring: StagedTable, official_apl: StagedTable | None = None
          ) -> pd.DataFrame:
    """The APL's whole input: the territory and its border ring, the ring with the DREES's
    standardised population where its workbook gives it (the territory has it already)."""
    ring = pd.DataFrame(border_ring.table)
    if official_apl is not None:
        ring = ring.merge(official_apl.table[["commune_code", "official_standardised_population"]], on="commune_code",
                          how="left")
    return apl_area(commune_reference, ring)


def _everyone(general_practitioners: pd.DataFrame, ring_practitioners: pd.DataFrame) -> pd.DataFrame:
    """The GPs of the territory and of its border ring."""
    return pd.concat([general_practitioners, ring_practitioners], ignore_index=True)


@asset(**CURATED)
def travel_time_calibration(observatory: ObservatoryConfig, commune_reference: pd.DataFrame,
                            general_practitioners: pd.DataFrame, official_apl: StagedTable,
                            gp_register_coverage: pd.DataFrame, apl_parameters: dict, border_ring: StagedTable,
                            ring_practitioners: pd.DataFrame, osm_extract_file: Origin) -> Output:
    """The estimate's speed fitted to the official APL on half the communes, with the agreement on the other half."""
    settings = observatory.settings()
    complete = register_complete(gp_register_coverage)
    compared = official_apl.table[official_apl.table["commune_code"].isin(
        commune_reference.loc[commune_reference["departement_code"].isin(complete.index[complete.to_numpy()]),
                              "commune_code"])]
    status = calibration_status(settings, len(compared), osm_extract_file.paths)
    if status:
        return _table_output(pd.DataFrame([{"status": status, "speed_default_kmh": settings.road_speed_kmh,
                                            "speed_fitted_kmh": None}]))
    table = calibrate_speed(_area(commune_reference, border_ring, official_apl),
                            _everyone(general_practitioners, ring_practitioners), compared,
                            apl_settings(settings, parameters_from_record(apl_parameters)), road_model(settings),
                            settings.desert_thresholds[0])
    return _table_output(table.assign(status="calibré"), speed_fitted_kmh=float(table["speed_fitted_kmh"].iloc[0]))


@asset(**CURATED)
def commune_travel_times(observatory: ObservatoryConfig, commune_reference: pd.DataFrame, apl_parameters: dict,
                         travel_time_calibration: pd.DataFrame, border_ring: StagedTable,
                         osm_extract_file: Origin) -> Output:
    """Minutes between communes (the territory's and its border ring's) within the APL's largest band, each commune with itself."""
    pairs, method = travel_times(_area(commune_reference, border_ring), observatory.settings(),
                                 parameters_from_record(apl_parameters), travel_time_calibration,
                                 osm_extract_file.paths)
    return _table_output(pairs, method=method, mean_minutes=float(pairs["minutes"].mean()))


@asset(**INTERMEDIATE)
def apl_over_area(observatory: ObservatoryConfig, commune_reference: pd.DataFrame, border_ring: StagedTable,
                  general_practitioners: pd.DataFrame, ring_practitioners: pd.DataFrame,
                  commune_travel_times: pd.DataFrame, apl_parameters: dict, official_apl: StagedTable) -> Output:
    """APL (all GPs, ≤65, ≤62, ≤60), supply and standardised population over the territory and its border ring (not published: the ring is not the territory's)."""
    area = _area(commune_reference, border_ring, official_apl)
    table = apl_by_commune(area, _everyone(general_practitioners, ring_practitioners), commune_travel_times,
                           apl_settings(observatory.settings(), parameters_from_record(apl_parameters)))
    table = table.merge(area[["commune_code", "in_territory"]], on="commune_code")
    return _table_output(table, ring_communes=int((~table["in_territory"]).sum()))


@asset(**CURATED)
def accessibility_by_commune(observatory: ObservatoryConfig, commune_reference: pd.DataFrame,
                             general_practitioners: pd.DataFrame, commune_travel_times: pd.DataFrame,
                             gp_register_coverage: pd.DataFrame, ring_register_coverage: pd.DataFrame,
                             travel_time_calibration: pd.DataFrame, apl_over_area: pd.DataFrame) -> Output:
    """APL (all GPs, ≤65, ≤62, ≤60), desert class, minutes to the nearest GP, GPs leaving within 5 and 10 years."""
    settings = observatory.settings()
    apl = apl_over_area[apl_over_area["in_territory"]].drop(columns="in_territory")
    communes = commune_accessibility(commune_reference, general_practitioners, commune_travel_times, apl,
                                     settings.desert_thresholds, road_model(settings, travel_time_calibration),
                                     _complete(gp_register_coverage, ring_register_coverage))
    leaving = gps_with_departures(general_practitioners, settings.reference_date, settings.retirement_age)
    departures = accessibility_by_level(communes, leaving, "commune_code", "commune_name", settings.desert_thresholds)
    table = communes.merge(departures[["commune_code", "departures_5y", "departures_10y", "gps_known_departure"]], on="commune_code")
    return _table_output(table, apl_median=float(table["apl"].median()), without_apl=int(table["apl"].isna().sum()),
                         communes_in_desert=int((table["desert_class"] == "desert").sum()))


@asset(**CURATED)
def apl_agreement_by_commune(observatory: ObservatoryConfig, accessibility_by_commune: pd.DataFrame,
                             official_apl: StagedTable) -> Output:
    """Per commune: our APL beside the DREES's official APL (latest year), and both « désert » classes."""
    threshold = observatory.settings().desert_thresholds[0]
    return _table_output(agreement_by_commune(accessibility_by_commune, official_apl.table, threshold))


@asset(**CURATED)
def apl_agreement_by_departement(observatory: ObservatoryConfig, apl_agreement_by_commune: pd.DataFrame) -> Output:
    """Per département: Spearman, Pearson, mean absolute error and kappa of the « désert » class against the official APL."""
    table = agreement_by_departement(apl_agreement_by_commune, observatory.settings().desert_thresholds[0])
    return _table_output(table, **{f"spearman_{row.departement_code}": row.spearman for row in table.itertuples()
                                   if row.spearman is not None})


def _accessibility(level: str, label: str, observatory, accessibility_by_commune, general_practitioners) -> Output:
    settings = observatory.settings()
    leaving = gps_with_departures(general_practitioners, settings.reference_date, settings.retirement_age)
    table = accessibility_by_level(accessibility_by_commune, leaving, level, label, settings.desert_thresholds)
    return _table_output(table)


@asset(**CURATED)
def accessibility_by_epci(observatory: ObservatoryConfig, accessibility_by_commune: pd.DataFrame,
                          general_practitioners: pd.DataFrame) -> Output:
    """Population-weighted APL, population per desert class and GP departures per EPCI."""
    return _accessibility("epci_code", "epci_name", observatory, accessibility_by_commune, general_practitioners)


@asset(**CURATED)
def accessibility_by_departement(observatory: ObservatoryConfig, accessibility_by_commune: pd.DataFrame,
                                 general_practitioners: pd.DataFrame) -> Output:
    """Population-weighted APL, population per desert class and GP departures per département."""
    return _accessibility("departement_code", "departement_name", observatory, accessibility_by_commune,
                          general_practitioners)


@asset(**CURATED)
def commune_zones(zonings: StagedTable) -> Output:
    """Each commune's zone in each zoning of the territory (CPTS, bassins de vie, cantons…): the zones' membership, as the EPCIs' is in commune_reference."""
    return _table_output(zonings.table[MEMBERSHIP_COLUMNS].reset_index(drop=True))


@asset(**CURATED)
def gp_supply_by_zone(observatory: ObservatoryConfig, general_practitioners: pd.DataFrame,
                      commune_reference: pd.DataFrame, gp_register_coverage: pd.DataFrame,
                      zonings: StagedTable) -> Output:
    """GP headcount, density per 10 000 inhabitants and 55+ share per zone of each zoning (CPTS, bassins de vie…), as per EPCI."""
    senior, complete = observatory.settings().senior_age, register_complete(gp_register_coverage)
    table = per_zoning(commune_reference, zonings.table,
                       lambda communes: gp_supply(general_practitioners, communes, "zone", senior, complete))
    return _table_output(table, zonings=len(set(table["zoning"])))


@asset(**CURATED)
def accessibility_by_zone(observatory: ObservatoryConfig, accessibility_by_commune: pd.DataFrame,
                          general_practitioners: pd.DataFrame, zonings: StagedTable) -> Output:
    """Population-weighted APL, population per desert class and GP departures per zone of each zoning, as per EPCI."""
    settings = observatory.settings()
    leaving = gps_with_departures(general_practitioners, settings.reference_date, settings.retirement_age)
    table = per_zoning(accessibility_by_commune, zonings.table, lambda communes: accessibility_by_level(
        communes, leaving, "zone_code", "zone_name", settings.desert_thresholds))
    return _table_output(table)


@asset(**CURATED)
def profession_supply_by_zone(observatory: ObservatoryConfig, practitioners: pd.DataFrame,
                              commune_reference: pd.DataFrame, profession_register_coverage: pd.DataFrame,
                              zonings: StagedTable) -> Output:
    """Per zone of each zoning and profession: headcount, density per 10 000 inhabitants, headcount per practice mode."""
    when = observatory.settings().reference_date
    return _table_output(per_zoning(commune_reference, zonings.table, lambda communes: supply_by_profession(
        practitioners, communes, "zone", when, profession_register_coverage)))


@asset(**CURATED)
def care_structures_by_zone(care_structure_locations: pd.DataFrame, commune_reference: pd.DataFrame,
                            zonings: StagedTable) -> Output:
    """Maisons de santé, centres de santé, hospitals and clinics (FINESS) per zone of each zoning."""
    return _table_output(per_zoning(commune_reference, zonings.table, lambda communes: structures_by_level(
        care_structure_locations, communes, "zone_code", "zone_name")))


@asset(**CURATED)
def zoning_coverage(zonings: StagedTable, commune_reference: pd.DataFrame) -> Output:
    """Per zoning: its zones, the communes it covers and those (with their population) in none of its zones."""
    return _table_output(zoning_coverage_of(zonings.table, commune_reference))


@asset(**CURATED)
def indicators_over_time(observatory: ObservatoryConfig, gp_snapshots: StagedTable, commune_reference: pd.DataFrame,
                         commune_travel_times: pd.DataFrame, apl_parameters: dict, border_ring: StagedTable,
                         ring_practitioners: pd.DataFrame, official_apl: StagedTable, gp_benchmark: StagedTable,
                         ring_register_coverage: pd.DataFrame) -> Output:
    """GPs, density, 55+ share and APL per register snapshot date, at commune, EPCI and département level (none where that snapshot's register is partial)."""
    settings = observatory.settings()
    table = indicators_by_snapshot(gp_snapshots.table, gp_snapshots.stats["snapshot_dates"], commune_reference,
                                   commune_travel_times, apl_settings(settings, parameters_from_record(apl_parameters)),
                                   settings.senior_age, gp_benchmark.table, _area(commune_reference, border_ring, official_apl),
                                   ring_practitioners, register_complete(ring_register_coverage))
    return _table_output(table, snapshots=int(table["snapshot_date"].nunique()))


@asset(**CURATED)
def agency_funnel_by_profession(agency_cases: StagedTable) -> Output:
    """The agency's funnel per profession: stages reached, conversion, median days to installation."""
    return _table_output(outcomes.funnel_by(agency_cases.table, "profession"), from_agency_cases=True)


@asset(**CURATED)
def agency_funnel_by_offer(agency_cases: StagedTable) -> Output:
    """The agency's funnel per offer (Ma Box Stage, Rempla, Instal, Jobpack, Job Conjoint)."""
    return _table_output(outcomes.funnel_by(agency_cases.table, "offer"), from_agency_cases=True)


@asset(**CURATED)
def agency_funnel_by_quarter(agency_cases: StagedTable) -> Output:
    """New contacts, new accompaniments and installations per quarter."""
    return _table_output(outcomes.funnel_by_quarter(agency_cases.table), from_agency_cases=True)


@asset(**CURATED)
def agency_time_to_installation(agency_cases: StagedTable) -> Output:
    """Days from first contact and from accompaniment to installation (median, mean, quartiles)."""
    return _table_output(outcomes.time_to_installation(agency_cases.table), from_agency_cases=True)


@asset(**CURATED)
def agency_installations_by_desert_class(agency_cases: StagedTable,
                                         accessibility_by_commune: pd.DataFrame) -> Output:
    """Where the agency's installations landed: per desert class of their commune."""
    table = outcomes.installations_by_desert_class(agency_cases.table, accessibility_by_commune)
    return _table_output(table, from_agency_cases=True)


@asset(**CURATED)
def agency_installations_by_profession(agency_cases: StagedTable, profession_supply_by_commune: pd.DataFrame,
                                       profession_supply_by_departement: pd.DataFrame,
                                       commune_reference: pd.DataFrame) -> Output:
    """Per profession the register counts, the agency's installations in a commune below its département's density of that profession, at or above it, or unplaced."""
    table = outcomes.installations_by_profession(agency_cases.table, profession_supply_by_commune,
                                                 profession_supply_by_departement, commune_reference)
    return _table_output(table, from_agency_cases=True)


@asset(**INTERMEDIATE)
def agency_installations_by_commune(agency_cases: StagedTable, commune_reference: pd.DataFrame) -> Output:
    """The agency's installations per commune: never published (where each accompanied professional settled), read by the protection of the tables by EPCI, zone and desert class, which add it up."""
    return _table_output(outcomes.installations_by_commune(agency_cases.table, commune_reference),
                         from_agency_cases=True)


@asset(**CURATED)
def agency_installations_by_zone(agency_installations_by_commune: pd.DataFrame, commune_zones: pd.DataFrame) -> Output:
    """The agency's installations per zone of each zoning (CPTS, bassins de vie…), protected with the funnel."""
    return _table_output(outcomes.installations_by_zone(agency_installations_by_commune, commune_zones),
                         from_agency_cases=True)


@asset(**INTERMEDIATE)
def agency_apl_impact(observatory: ObservatoryConfig, commune_reference: pd.DataFrame,
                      general_practitioners: pd.DataFrame, commune_travel_times: pd.DataFrame,
                      agency_cases: StagedTable, apl_parameters: dict, border_ring: StagedTable,
                      ring_practitioners: pd.DataFrame, official_apl: StagedTable,
                      accessibility_by_commune: pd.DataFrame) -> Output:
    """APL per commune with and without the GPs the agency installed, and the gain (not published: it would show where accompanied GPs settled)."""
    table = outcomes.apl_with_and_without_agency(_area(commune_reference, border_ring, official_apl),
                                                 _everyone(general_practitioners, ring_practitioners),
                                                 commune_travel_times, agency_cases.table,
                                                 apl_settings(observatory.settings(), parameters_from_record(apl_parameters)),
                                                 accessibility_by_commune.set_index("commune_code")["catchment_complete"])
    return _table_output(table, from_agency_cases=True)


@asset(**CURATED)
def agency_impact_summary(agency_apl_impact: pd.DataFrame, agency_cases: StagedTable,
                          general_practitioners: pd.DataFrame) -> Output:
    """One line: installations, GP installations found in the register, APL with and without them, gain, density gained."""
    table = outcomes.impact_summary(agency_apl_impact, agency_cases.table, general_practitioners)
    return _table_output(table, from_agency_cases=True)


@asset(**CURATED)
def plan_budget_outcomes(plan_budget: StagedTable, agency_cases: StagedTable) -> Output:
    """Spend per axis of the plan, installations attributable to it, spend per installation."""
    if plan_budget.table.empty:
        return _table_output(pd.DataFrame(columns=["axis_number", "axis_title", "years", "spend_eur", "offers",
                                                   "installations_attributable", "spend_per_installation_eur"]))
    return _table_output(outcomes.budget_outcomes(plan_budget.table, agency_cases.table), from_agency_cases=True)


@asset(**CURATED)
def action_sheet_indicators(agency_cases: StagedTable,
                            indicators_over_time: pd.DataFrame) -> Output:
    """Per year: grants delivered and their amount, interns accompanied, GPs in the département."""
    table = outcomes.action_sheet_indicators(agency_cases.table, indicators_over_time)
    return _table_output(table, from_agency_cases=True)


@asset(**CURATED)
def agency_installations_by_epci(agency_cases: StagedTable,
                                 commune_reference: pd.DataFrame) -> Output:
    """Installations per EPCI for the maps (EPCIs whose count is secret are left out on publication)."""
    return _table_output(outcomes.installations_by_epci(agency_cases.table, commune_reference), from_agency_cases=True)


def _scenario_inputs(observatory, apl_parameters: dict) -> tuple:
    settings = observatory.settings()
    apl = apl_settings(settings, parameters_from_record(apl_parameters))
    return settings, apl


@asset(**CURATED)
def gp_placement_scores(observatory: ObservatoryConfig, apl_over_area: pd.DataFrame,
                        commune_travel_times: pd.DataFrame, accessibility_by_commune: pd.DataFrame,
                        apl_parameters: dict) -> Output:
    """Per commune: what one more full-time GP settling there would change (people out of « désert » and « zone fragile », APL gained), ranked; exact closed form of the E2SFCA."""
    settings, apl = _scenario_inputs(observatory, apl_parameters)
    table = placement_scores(apl_over_area, commune_travel_times, accessibility_by_commune,
                             settings.desert_thresholds, apl.consultations_per_fte, apl.bands)
    best = table.iloc[0] if len(table) else None
    return _table_output(table, best_commune="" if best is None else str(best["commune_name"]),
                         best_lifts=0 if best is None else float(best["population_out_of_desert"]))


@asset(**CURATED)
def gp_placement_plan(observatory: ObservatoryConfig, apl_over_area: pd.DataFrame,
                      commune_travel_times: pd.DataFrame, accessibility_by_commune: pd.DataFrame,
                      apl_parameters: dict) -> Output:
    """The greedy plan: GPs placed one at a time (OBSERVATORY_PLACEMENT_COUNT, 10 by default) where each lifts the most people out of deserts, re-scored after each; the people still in deserts after each."""
    settings, apl = _scenario_inputs(observatory, apl_parameters)
    table = placement_plan(apl_over_area, commune_travel_times, accessibility_by_commune, settings.desert_thresholds,
                           apl.consultations_per_fte, apl.bands, settings.placement_count)
    return _table_output(table, placements=len(table),
                         lifted=float(table["population_out_of_desert"].sum()) if len(table) else 0.0)


@asset(**CURATED)
def apl_horizons(observatory: ObservatoryConfig, commune_reference: pd.DataFrame, border_ring: StagedTable,
                 general_practitioners: pd.DataFrame, ring_practitioners: pd.DataFrame,
                 commune_travel_times: pd.DataFrame, apl_parameters: dict, official_apl: StagedTable,
                 apl_over_area: pd.DataFrame, accessibility_by_commune: pd.DataFrame) -> Output:
    """Today, in 5 and in 10 years if the GPs reaching retirement age leave unreplaced: people and communes in deserts, communes changing class, installations needed to hold today's level. Territory totals only: a commune's APL at a horizon would give away its roster departures (solving the E2SFCA's linear system)."""
    settings, apl = _scenario_inputs(observatory, apl_parameters)
    area = _area(commune_reference, border_ring, official_apl)
    everyone = _everyone(general_practitioners, ring_practitioners)
    horizons = {years: horizon_apl(area, everyone, commune_travel_times, apl, settings.reference_date,
                                   settings.retirement_age, years)["apl"] for years in HORIZONS}
    table = horizon_summary(apl_over_area, commune_travel_times, accessibility_by_commune, horizons,
                            settings.desert_thresholds, apl.consultations_per_fte, apl.bands)
    return _table_output(table)


@asset(**CURATED)
def scenario_outcomes(observatory: ObservatoryConfig, commune_reference: pd.DataFrame, border_ring: StagedTable,
                      general_practitioners: pd.DataFrame, ring_practitioners: pd.DataFrame,
                      commune_travel_times: pd.DataFrame, apl_parameters: dict, official_apl: StagedTable,
                      accessibility_by_commune: pd.DataFrame, scenarios: StagedTable) -> Output:
    """Each analyst's scenario beside the baseline without action, today and in 5 and 10 years: people and communes in deserts, people in fragile zones, population-weighted APL. A scenario keeping a named GP is not published (its difference from the baseline would tell whether that GP leaves)."""
    settings, apl = _scenario_inputs(observatory, apl_parameters)
    named = set(scenarios.table.loc[scenarios.table["action"] == "keep_gp", "scenario"])
    table = scenario_outcomes_of(_area(commune_reference, border_ring, official_apl),
                                 _everyone(general_practitioners, ring_practitioners), commune_travel_times,
                                 accessibility_by_commune, scenarios.table[~scenarios.table["scenario"].isin(named)],
                                 apl, settings.reference_date, settings.retirement_age, settings.desert_thresholds)
    return _table_output(table, scenarios=len(set(table["scenario"])) - 1, withheld_naming_a_gp=len(named),
                         dropped_for_faulty_lines=len(scenarios.stats.get("dropped", [])))
