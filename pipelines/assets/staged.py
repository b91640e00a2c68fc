"""Staged layer: typed, validated tables; rejected rows kept with their reason.

Personal data (names, contact details, notes) is dropped here; what remains stays in
the staging folder, which is never published. An optional source the territory lacks
gives an empty table, so that indicators say "unknown" rather than fail or invent.
"""

from datetime import date

import geopandas as gpd
import pandas as pd
from dagster import AssetOut, MetadataValue, Output, asset, multi_asset

from observatory.indicators.gp_supply import identify_gps
from observatory.privacy import pseudonymisation_key
from observatory.sources.catalog import Origin
from observatory.accessibility.border_ring import FASTEST_ROAD, ring_of
from observatory.accessibility.parameters import DREES_2023, parameters_from_record, parameters_record
from observatory.accessibility.providers import apl_settings
from observatory.sources.departements import DEPARTEMENT_NAMES
from observatory.sources.geography import departement_of
from observatory.sources.national_communes import read_national_populations
# Reader modules named like the assets that stage them take a short name here, so that the
# asset functions do not shadow them.
from observatory.sources import agency, ars_zoning, budget, drees_apl, epci, roster
from observatory.sources import care_structures as finess, gp_benchmark as benchmark, population_by_age as by_age
from observatory.indicators.professions import practitioners as profession_practitioners
from observatory.professions import PROFESSIONS
from observatory.sources.commune_history import build_history
from observatory.sources.communes import read_contour_files
from observatory.sources.population import read_population
from observatory.sources.rpps import COLUMNS as RPPS_COLUMNS, read_rpps_extract
from observatory.sources import scenarios as scenario_files, zonings as zoning_files
from observatory.sources.scenarios import read_scenarios
from observatory.sources.snapshot_cache import read_snapshots
from observatory.indicators.time_series import snapshot_date
from observatory.sources.staged import StagedTable, empty_rejections

from ..resources import ObservatoryConfig
from . import OWNERS, column_schema, preview

RING_SCHEMA = {"commune_code": "string", "commune_name": "string", "departement_code": "string",
               "population": "float64", "lon": "float64", "lat": "float64", "area_km2": "float64"}
STAGED = dict(group_name="staged", io_manager_key="staging_io", compute_kind="pandas", owners=OWNERS)


def _output(staged: StagedTable, origin: Origin, *, personal: bool = False) -> Output:
    """The staged table with its counts and its source's identity as metadata, and a
    preview of its first rows unless it holds ``personal`` data (the register's, the
    roster's, the agency's rows): Dagster keeps metadata in its run storage, outside the
    ingestion layer."""
    staged.stats |= {"file": origin.names, "sha256": origin.checksums,
                     "vintage": origin.vintage, "producer": origin.producer}
    if personal:
        return Output(staged, metadata=staged.metadata())
    return Output(staged, metadata={**staged.metadata(), "preview": preview(staged.table)})


def _optional(origin: Origin, schema: dict, read, *, personal: bool = False) -> Output:
    """Stage an optional source, or an empty typed table when the territory lacks it."""
    return _output(read(origin.path) if origin.present else StagedTable.absent(schema), origin, personal=personal)


def _history(commune_code_history: StagedTable) -> dict[str, str]:
    return dict(zip(commune_code_history.table["old_code"], commune_code_history.table["new_code"]))


@asset(**STAGED)
def commune_contours(observatory: ObservatoryConfig, commune_contours_file: Origin) -> Output:
    """Commune contours of the territory in WGS84, with area and an interior point."""
    settings = observatory.settings()
    return _output(read_contour_files(commune_contours_file.paths, settings.departements), commune_contours_file)


@asset(**STAGED)
def commune_code_history(observatory: ObservatoryConfig, commune_contours: StagedTable,
                         commune_contours_previous_file: Origin, commune_history_file: Origin) -> Output:
    """Former commune code → current code (INSEE movements, else earlier contours); unmapped ones quarantined."""
    settings = observatory.settings()
    previous = (read_contour_files(commune_contours_previous_file.paths, settings.departements).table
                if commune_contours_previous_file.present else None)
    movements = commune_history_file.path if commune_history_file.present else None
    staged = build_history(gpd.GeoDataFrame(commune_contours.table), previous, movements,
                           commune_contours_previous_file.names)
    origin = commune_history_file if commune_history_file.present else commune_contours_previous_file
    return _output(staged, origin)


@asset(**STAGED)
def populations(observatory: ObservatoryConfig, population_file: Origin, commune_code_history: StagedTable,
                commune_contours: StagedTable) -> Output:
    """Population per current commune, with age bands when the source has them (census year in metadata)."""
    settings = observatory.settings()
    staged = read_population(population_file.path, settings.departements, _history(commune_code_history),
                             set(commune_contours.table["commune_code"]))
    return _output(staged, population_file)


@asset(**STAGED)
def population_by_age(observatory: ObservatoryConfig, population_by_age_file: Origin,
                      commune_code_history: StagedTable) -> Output:
    """Inhabitants per 5-year age band per commune (INSEE TD_POP1B), when the territory has the file."""
    departements, history = observatory.settings().departements, _history(commune_code_history)
    return _optional(population_by_age_file, by_age.SCHEMA,
                     lambda path: by_age.read_population_by_age(path, departements, history))


@asset(**STAGED)
def epci_membership(observatory: ObservatoryConfig, epci_membership_file: Origin) -> Output:
    """EPCI of each commune (empty when the territory has no EPCI file)."""
    departements = observatory.settings().departements
    return _optional(epci_membership_file, epci.SCHEMA, lambda path: epci.read_epci_membership(path, departements))


@asset(**STAGED)
def rpps_activities(observatory: ObservatoryConfig, rpps_extract_file: Origin, commune_contours: StagedTable,
                    commune_code_history: StagedTable) -> Output:
    """Activities of health professionals located in the territory, without names, on current commune codes."""
    settings = observatory.settings()
    known = set(commune_contours.table["commune_code"])
    staged = read_rpps_extract(rpps_extract_file.path, settings.departements, known, _history(commune_code_history))
    return _output(staged, rpps_extract_file, personal=True)


@asset(**STAGED)
def gp_roster(observatory: ObservatoryConfig, gp_roster_file: Origin) -> Output:
    """The département's roster: birth year, FTE and planned departure per RPPS id, without names."""
    reference_date = observatory.settings().reference_date
    return _optional(gp_roster_file, roster.SCHEMA, lambda path: roster.read_roster(path, reference_date), personal=True)


@asset(**STAGED)
def care_structures(observatory: ObservatoryConfig, care_structures_file: Origin) -> Output:
    """Health centres, hospitals and clinics of the territory with WGS84 coordinates."""
    departements = observatory.settings().departements
    return _optional(care_structures_file, finess.SCHEMA, lambda path: finess.read_care_structures(path, departements))


@asset(**STAGED)
def agency_cases(observatory: ObservatoryConfig, agency_cases_file: Origin) -> Output:
    """The agency's cases, pseudonymised: no names, contact details or notes."""
    settings = observatory.settings()

    def read(path):
        key = pseudonymisation_key(settings.pseudonymisation_key, settings.pseudonymisation_key_file)
        return agency.read_agency_cases(path, key, settings.reference_date)  # not today: a rebuild gives the same

    return _optional(agency_cases_file, agency.SCHEMA, read, personal=True)


@asset(**STAGED)
def gp_benchmark(observatory: ObservatoryConfig, gp_benchmark_file: Origin) -> Output:
    """Liberal GPs per département and age class according to the CNAM (ameli)."""
    departements = observatory.settings().departements
    return _optional(gp_benchmark_file, benchmark.SCHEMA, lambda path: benchmark.read_gp_benchmark(path, departements))


@asset(**STAGED)
def profession_benchmark(observatory: ObservatoryConfig, gp_benchmark_file: Origin) -> Output:
    """Liberal professionals per département and age class according to the CNAM (ameli), for every profession counted that it counts."""
    departements = observatory.settings().departements
    labels = tuple(profession.cnam_label for profession in PROFESSIONS if profession.cnam_label)
    return _optional(gp_benchmark_file, benchmark.SCHEMA, lambda path: benchmark.read_benchmark(path, departements, labels))


@asset(**STAGED)
def practitioners(observatory: ObservatoryConfig, rpps_activities: StagedTable) -> Output:
    """One row per professional and profession of the territory (GPs, other doctors, dentists, midwives, pharmacists, nurses, physiotherapists): main commune and practice mode."""
    table = profession_practitioners(rpps_activities.table, observatory.settings().gp_savoir_faire)
    return Output(table, metadata={"by_profession": MetadataValue.json(
        {key: int(count) for key, count in table["profession"].value_counts().sort_index().items()})})


@asset(**STAGED)
def official_apl(observatory: ObservatoryConfig, official_apl_file: Origin, border_ring: StagedTable) -> Output:
    """The DREES's official APL per commune of the territory and its border ring (latest year of its workbook), with its standardised population."""
    ring = tuple(sorted(set(border_ring.table["departement_code"].dropna()) - set(observatory.settings().departements)))
    departements = (*observatory.settings().departements, *ring)  # the workbook is read once for the whole area
    return _optional(official_apl_file, drees_apl.SCHEMA, lambda path: drees_apl.read_official_apl(path, departements))


@asset(**STAGED)
def apl_parameters(official_apl_file: Origin) -> Output:
    """The APL's parameters: the DREES workbook's Paramètres sheet when present, else its 2023 copy."""
    parameters = (drees_apl.read_drees_parameters(official_apl_file.path) if official_apl_file.present
                  else DREES_2023)
    return Output(parameters_record(parameters), metadata={"source": parameters.source, "year": parameters.year})


@asset(**STAGED)
def plan_budget(plan_budget_file: Origin) -> Output:
    """The health plan's budget lines per axis and year, with the agency offers each axis pays for."""
    return _optional(plan_budget_file, budget.SCHEMA, budget.read_plan_budget)


@asset(**STAGED)
def ars_zones(observatory: ObservatoryConfig, ars_zoning_file: Origin) -> Output:
    """The ARS zoning of GPs per commune: ZIP, ZAC or outside (empty when the territory has none)."""
    departements = observatory.settings().departements
    return _optional(ars_zoning_file, ars_zoning.SCHEMA, lambda path: ars_zoning.read_ars_zoning(path, departements))


@asset(**STAGED)
def scenarios(scenarios_file: Origin, commune_contours: StagedTable) -> Output:
    """The analysts' what-if scenarios (GPs or maisons de santé added, departures kept, another retirement age); a scenario with a faulty line is dropped whole."""
    communes = set(commune_contours.table["commune_code"])
    return _optional(scenarios_file, scenario_files.SCHEMA,
                     lambda _: read_scenarios([file.path for file in scenarios_file.files], communes),
                     personal=True)  # RPPS numbers of the GPs kept


@asset(**STAGED)
def zonings(observatory: ObservatoryConfig, zonings_file: Origin, commune_contours: StagedTable,
            commune_code_history: StagedTable) -> Output:
    """The zonings commune → zone of the territory (CPTS, bassins de vie, cantons…), one row per commune and zoning."""
    communes, history = set(commune_contours.table["commune_code"]), _history(commune_code_history)
    departements = observatory.settings().departements
    return _optional(zonings_file, zoning_files.SCHEMA,
                     lambda _: zoning_files.read_zonings(zonings_file.paths, communes, history,
                                                         departements))


@asset(**STAGED)
def general_practitioners(observatory: ObservatoryConfig, rpps_activities: StagedTable, gp_roster: StagedTable) -> Output:
    """One row per GP of the territory: main commune, practice mode, roster age and FTE."""
    settings = observatory.settings()
    table = identify_gps(rpps_activities.table, gp_roster.table, settings.gp_savoir_faire, settings.reference_date.year)
    return Output(table, metadata={"gps": len(table), "age_unknown": int(table["age"].isna().sum())})


@asset(**STAGED)
def border_ring(observatory: ObservatoryConfig, commune_contours: StagedTable, neighbour_contours_file: Origin,
                national_communes_file: Origin, population_file: Origin, commune_code_history: StagedTable,
                apl_parameters: dict) -> Output:
    """Communes of the neighbouring départements within twice the APL's reach of the territory, with their population."""
    settings = observatory.settings()
    if not neighbour_contours_file.present:
        return _output(StagedTable.absent(RING_SCHEMA), neighbour_contours_file)
    neighbours = read_contour_files(neighbour_contours_file.paths, tuple(DEPARTEMENT_NAMES)).table
    reach = apl_settings(settings, parameters_from_record(apl_parameters)).max_minutes
    ring = ring_of(pd.DataFrame(commune_contours.table), pd.DataFrame(neighbours), reach, FASTEST_ROAD)
    ring = ring.assign(departement_code=departement_of(ring["commune_code"]))
    departements = tuple(sorted(ring["departement_code"].unique()))
    own = read_population(population_file.path, departements, _history(commune_code_history)).table
    population = ring["commune_code"].map(own.set_index("commune_code")["population"])
    from_file = int(population.notna().sum())
    if national_communes_file.present:
        national = read_national_populations(national_communes_file.path).set_index("commune_code")["population"]
        population = population.fillna(ring["commune_code"].map(national))
    table = ring.assign(population=population)[[*RING_SCHEMA]]
    staged = StagedTable(table=table, rows_read=len(neighbours), out_of_scope=len(neighbours) - len(table),
                         stats={"ring_communes": len(table), "ring_departements": ", ".join(departements),
                                "ring": f"{2 * reach:g} minutes at {FASTEST_ROAD.speed_kmh:g} km/h as the crow flies",
                                "populations_from_population_file": from_file,
                                "populations_from_national_reference": int(population.notna().sum()) - from_file,
                                "without_population": int(population.isna().sum())})
    return _output(staged, neighbour_contours_file)


@asset(**STAGED)
def ring_practitioners(observatory: ObservatoryConfig, rpps_extract_file: Origin, border_ring: StagedTable,
                       commune_code_history: StagedTable) -> Output:
    """The GPs of the border ring's départements, from the same register (no roster: FTE 1): all of them, so
    that their count can be checked against the CNAM's (``ring_register_coverage``); the APL counts the ring's."""
    settings = observatory.settings()
    ring = border_ring.table
    departements = tuple(sorted(ring["departement_code"].dropna().unique()))
    if ring.empty:
        activities = pd.DataFrame({name: pd.Series(dtype="string") for name in RPPS_COLUMNS}).assign(
            line=pd.Series(dtype="int64"))
    else:
        activities = read_rpps_extract(rpps_extract_file.path, departements, None, _history(commune_code_history)).table
    table = identify_gps(activities, pd.DataFrame(columns=list(roster.SCHEMA)), settings.gp_savoir_faire,
                      settings.reference_date.year)
    return Output(table, metadata={"gps": len(table)})


def _earlier_snapshots(settings, rpps_snapshots_file: Origin, commune_contours: StagedTable,
                       commune_code_history: StagedTable) -> list[tuple[date, StagedTable]]:
    """The staged activities of each register snapshot dated before the reference date, each
    file parsed once (cached by its SHA-256 and the reading's inputs)."""
    known, history = set(commune_contours.table["commune_code"]), _history(commune_code_history)
    earlier = [(snapshot_date(file.vintage, file.name), file) for file in rpps_snapshots_file.files]
    earlier = [(when, file) for when, file in earlier if when < settings.reference_date]
    read = read_snapshots([(file.path, file.sha256) for _, file in earlier], settings.departements, known, history,
                          settings.staging_dir / "cache" / "snapshots")
    return list(zip([when for when, _ in earlier], read))


@asset(**STAGED)
def gp_snapshots(observatory: ObservatoryConfig, rpps_snapshots_file: Origin, general_practitioners: pd.DataFrame,
                 gp_roster: StagedTable, commune_contours: StagedTable, commune_code_history: StagedTable) -> Output:
    """The GPs of every dated register snapshot (the current extract's at the reference date), aged as of each date; each snapshot parsed once (cached by its file's SHA-256)."""
    settings = observatory.settings()
    snapshots = _earlier_snapshots(settings, rpps_snapshots_file, commune_contours, commune_code_history)
    frames = [general_practitioners.assign(snapshot_date=settings.reference_date),
              *(identify_gps(staged.table, gp_roster.table, settings.gp_savoir_faire, when.year).assign(snapshot_date=when)
                for when, staged in snapshots)]
    rejects = pd.concat([empty_rejections(), *(staged.rejects for _, staged in snapshots)], ignore_index=True)
    table = pd.concat(frames, ignore_index=True)
    table["snapshot_date"] = pd.to_datetime(table["snapshot_date"])
    dates = [settings.reference_date, *(when for when, _ in snapshots)]
    staged = StagedTable(table=table, rejects=rejects, rows_read=sum(s.rows_read for _, s in snapshots),
                         out_of_scope=sum(s.out_of_scope for _, s in snapshots),
                         stats={"rows_accepted": sum(len(s.table) for _, s in snapshots),
                                "snapshots": len(dates), "snapshot_dates": [str(when) for when in dates],
                                "producer": rpps_snapshots_file.producer,
                                "file": rpps_snapshots_file.names,
                                "vintage": ", ".join(str(when) for when, _ in sorted(snapshots))})
    return Output(staged, metadata={"snapshots": len(dates), "gps": MetadataValue.json(
        {str(when): int((table["snapshot_date"] == pd.Timestamp(when)).sum()) for when in dates})})


@asset(**STAGED, deps=["gp_snapshots"])  # after it: the snapshots it parsed are read from the cache
def profession_snapshots(observatory: ObservatoryConfig, rpps_snapshots_file: Origin,
                         commune_contours: StagedTable, commune_code_history: StagedTable) -> Output:
    """Every profession's professionals in each register snapshot dated before the reference date (today's: ``practitioners``)."""
    settings = observatory.settings()
    frames = [profession_practitioners(staged.table, settings.gp_savoir_faire).assign(snapshot_date=when)
              for when, staged in _earlier_snapshots(settings, rpps_snapshots_file, commune_contours,
                                                     commune_code_history)]
    table = pd.concat(frames, ignore_index=True) if frames else \
        pd.DataFrame(columns=["rpps_id", "profession", "commune_code", "practice_mode", "snapshot_date"])
    table["snapshot_date"] = pd.to_datetime(table["snapshot_date"])
    return Output(table, metadata={"snapshots": len(frames)})


@multi_asset(
    outs={
        "source_report": AssetOut(group_name="curated", io_manager_key="staging_io", owners=OWNERS,
                                  description="Per source file: rows read, accepted, quarantined, out of scope; vintage and checksum."),
        "quarantine": AssetOut(group_name="curated", io_manager_key="staging_io", owners=OWNERS,
                               description="Every rejected row: dataset, file, line, field and reason (no row content)."),
    },
    compute_kind="pandas",
)
def data_quality(
    commune_contours: StagedTable, commune_code_history: StagedTable, populations: StagedTable,
    epci_membership: StagedTable, rpps_activities: StagedTable, gp_roster: StagedTable,
    care_structures: StagedTable, agency_cases: StagedTable, gp_benchmark: StagedTable, ars_zones: StagedTable,
    gp_snapshots: StagedTable, plan_budget: StagedTable, official_apl: StagedTable, border_ring: StagedTable,
    population_by_age: StagedTable, scenarios: StagedTable, zonings: StagedTable,
):
    """Account for every row of every source: accepted, quarantined (with why) or out of scope."""
    staged = {"commune_contours": commune_contours, "commune_code_history": commune_code_history,
              "populations": populations, "epci_membership": epci_membership, "rpps_activities": rpps_activities,
              "gp_roster": gp_roster, "care_structures": care_structures, "agency_cases": agency_cases,
              "gp_benchmark": gp_benchmark, "ars_zones": ars_zones, "rpps_snapshots": gp_snapshots, "plan_budget": plan_budget,
              "official_apl": official_apl, "border_ring": border_ring, "population_by_age": population_by_age,
              "scenarios": scenarios, "zonings": zonings}
    report = pd.DataFrame([
        {"dataset": name, "present": not table.stats.get("absent", False),
         **{key: table.stats.get(key) for key in ("file", "producer", "vintage", "sha256")},
         "rows_read": table.rows_read, "rows_accepted": table.rows_accepted, "rows_quarantined": len(table.rejects),
         "rows_out_of_scope": table.out_of_scope}
        for name, table in staged.items()
    ])
    rejects = pd.concat([table.rejects for table in staged.values()], ignore_index=True)
    yield Output(report, output_name="source_report", metadata={
        "preview": preview(report), "dagster/column_schema": column_schema(report, "source_report")})
    yield Output(rejects, output_name="quarantine", metadata={
        "rows": len(rejects), "dagster/column_schema": column_schema(rejects, "quarantine")})
