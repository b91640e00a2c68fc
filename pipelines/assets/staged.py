"""Staged layer: typed, validated tables; rejected rows kept with their reason.
Personal data (names, contact details, notes) is dropped here; what remains stays in
the staging folder, which is never published.
"""


from datetime import date

import pandas as pd
from dagster import AssetOut, MetadataValue, Output, asset, multi_asset

from observatory.indicators.gp_supply import general_practitioners as gp_people
from observatory.privacy import pseudonymisation_key
from observatory.raw_files import raw_path
from observatory.sources.agency import read_agency_cases
from observatory.sources.care_structures import read_care_structures
from observatory.sources.communes import read_commune_contours
from observatory.sources.epci import read_epci_membership
from observatory.sources.population import read_population
from observatory.sources.roster import read_roster
from observatory.sources.rpps import read_rpps_extract
from observatory.sources.staged import StagedTable

from ..resources import ObservatoryConfig

STAGED = dict(group_name="staged", io_manager_key="staging_io", compute_kind="pandas")


def _output(staged: StagedTable, origin: dict) -> Output:
    """The staged table with its counts and its source's identity as metadata."""
    staged.stats |= {"file": origin["file"], "sha256": origin.get("sha256", ""),
                     "vintage": origin.get("vintage"), "producer": origin.get("producer", "")}
    preview = staged.table.drop(columns="geometry", errors="ignore").head(5)
    return Output(staged, metadata={**staged.metadata(), "preview": MetadataValue.md(preview.to_markdown(index=False))})


@asset(**STAGED)
def commune_contours(observatory: ObservatoryConfig, commune_contours_file: dict) -> Output:
    """Commune contours of the territory in WGS84, with area and an interior point."""
    settings = observatory.settings()
    return _output(read_commune_contours(raw_path(commune_contours_file), settings.departements), commune_contours_file)


@asset(**STAGED)
def populations(observatory: ObservatoryConfig, population_file: dict) -> Output:
    """Population per commune with age bands (census vintage in metadata)."""
    settings = observatory.settings()
    return _output(read_population(raw_path(population_file), settings.departements), population_file)


@asset(**STAGED)
def epci_membership(observatory: ObservatoryConfig, epci_membership_file: dict) -> Output:
    """EPCI of each commune."""
    settings = observatory.settings()
    return _output(read_epci_membership(raw_path(epci_membership_file), settings.departements), epci_membership_file)


@asset(**STAGED)
def rpps_activities(observatory: ObservatoryConfig, rpps_extract_file: dict, commune_contours: StagedTable) -> Output:
    """Activities of health professionals located in the territory, without names."""
    settings = observatory.settings()
    known = set(commune_contours.table["commune_code"])
    return _output(read_rpps_extract(raw_path(rpps_extract_file), settings.departements, known), rpps_extract_file)


@asset(**STAGED)
def gp_roster(observatory: ObservatoryConfig, gp_roster_file: dict) -> Output:
    """The département's roster: birth year, FTE and planned departure per RPPS id, without names."""
    settings = observatory.settings()
    return _output(read_roster(raw_path(gp_roster_file), settings.reference_date), gp_roster_file)


@asset(**STAGED)
def care_structures(observatory: ObservatoryConfig, care_structures_file: dict) -> Output:
    """Health centres, hospitals and clinics of the territory with WGS84 coordinates."""
    settings = observatory.settings()
    return _output(read_care_structures(raw_path(care_structures_file), settings.departements), care_structures_file)


@asset(**STAGED)
def agency_cases(observatory: ObservatoryConfig, agency_cases_file: dict) -> Output:
    """The agency's cases, pseudonymised: no names, contact details or notes."""
    settings = observatory.settings()
    key = pseudonymisation_key(settings.pseudonymisation_key, settings.data_dir / "staging" / ".pseudonymisation_key")
    return _output(read_agency_cases(raw_path(agency_cases_file), key, date.today()), agency_cases_file)


@asset(**STAGED)
def general_practitioners(observatory: ObservatoryConfig, rpps_activities: StagedTable, gp_roster: StagedTable) -> Output:
    """One row per GP of the territory: main commune, practice mode, roster age and FTE."""
    settings = observatory.settings()
    table = gp_people(rpps_activities.table, gp_roster.table, settings.gp_savoir_faire, settings.reference_date.year)
    return Output(table, metadata={"gps": len(table), "age_unknown": int(table["age"].isna().sum())})


@multi_asset(
    outs={
        "source_report": AssetOut(group_name="curated", io_manager_key="staging_io",
                                  description="Per source file: rows read, accepted, quarantined, out of scope; vintage and checksum."),
        "quarantine": AssetOut(group_name="curated", io_manager_key="staging_io",
                               description="Every rejected row: dataset, file, line, field and reason (no row content)."),
    },
    compute_kind="pandas",
)
def data_quality(
    commune_contours: StagedTable, populations: StagedTable, epci_membership: StagedTable,
    rpps_activities: StagedTable, gp_roster: StagedTable, care_structures: StagedTable, agency_cases: StagedTable,
):
    """Account for every row of every source: accepted, quarantined (with why) or out of scope."""
    staged = {"commune_contours": commune_contours, "populations": populations, "epci_membership": epci_membership,
              "rpps_activities": rpps_activities, "gp_roster": gp_roster, "care_structures": care_structures,
              "agency_cases": agency_cases}
    report = pd.DataFrame([
        {"dataset": name, **{key: table.stats.get(key) for key in ("file", "producer", "vintage", "sha256")},
         "rows_read": table.rows_read, "rows_accepted": len(table.table), "rows_quarantined": len(table.rejects),
         "rows_out_of_scope": table.out_of_scope}
        for name, table in staged.items()
    ])
    rejects = pd.concat([table.rejects for table in staged.values()], ignore_index=True)
    yield Output(report, output_name="source_report", metadata={"preview": MetadataValue.md(report.to_markdown(index=False))})
    yield Output(rejects, output_name="quarantine", metadata={"rows": len(rejects)})
