"""Published layer: the observatory database, Parquet files and the dashboard."""

import pandas as pd
from dagster import AssetIn, MetadataValue, Output, asset

from observatory.dashboard.site import SiteData, build_site
from observatory.publish import publish_tables
from observatory.sources.departements import DEPARTEMENT_NAMES

from ..resources import ObservatoryConfig
from . import OWNERS

# Curated assets published as tables, under their asset names.
PUBLISHED_TABLES = (
    "commune_reference", "commune_boundaries", "gp_supply_by_commune", "gp_supply_by_epci",
    "gp_supply_by_departement", "agency_funnel", "agency_installations_by_quarter",
    "care_structure_locations", "gp_register_coverage", "commune_travel_times", "accessibility_by_commune",
    "accessibility_by_epci", "accessibility_by_departement", "indicators_over_time", "agency_funnel_by_profession",
    "agency_funnel_by_offer", "agency_funnel_by_quarter", "agency_time_to_installation",
    "agency_installations_by_desert_class", "agency_apl_impact", "agency_impact_summary", "plan_budget_outcomes",
    "action_sheet_indicators", "source_report", "quarantine",
)


# Agency outcome tables shown on the dashboard.
OUTCOME_TABLES = ("agency_funnel_by_profession", "agency_funnel_by_offer", "agency_time_to_installation",
                  "agency_installations_by_desert_class", "agency_impact_summary", "plan_budget_outcomes",
                  "action_sheet_indicators")


@asset(group_name="published", owners=OWNERS, ins={name: AssetIn() for name in PUBLISHED_TABLES}, compute_kind="duckdb")
def observatory_database(observatory: ObservatoryConfig, **tables: pd.DataFrame) -> Output:
    """data/curated/observatory.duckdb and data/curated/parquet/: every curated table, replaced whole."""
    paths = publish_tables(observatory.settings().curated_dir, tables)
    return Output(str(paths["database"]), metadata={"path": MetadataValue.path(str(paths["database"])),
                                                    "tables": MetadataValue.json({n: len(t) for n, t in tables.items()})})


@asset(
    group_name="published",
    owners=OWNERS,
    ins={name: AssetIn() for name in ("commune_boundaries", "gp_supply_by_commune", "gp_supply_by_departement",
                                      "agency_funnel", "agency_installations_by_quarter", "gp_register_coverage",
                                      "source_report", "quarantine", *OUTCOME_TABLES)},
    compute_kind="plotly",
)
def dashboard_site(observatory: ObservatoryConfig, commune_boundaries, gp_supply_by_commune, gp_supply_by_departement,
                   agency_funnel, agency_installations_by_quarter, gp_register_coverage, source_report,
                   quarantine, **outcomes) -> Output:
    """data/curated/site/: the static French dashboard, readable offline."""
    settings = observatory.settings()
    names = [DEPARTEMENT_NAMES.get(code, code) for code in settings.departements]
    data = SiteData(
        territory_name=", ".join(names),
        reference_date=settings.reference_date,
        synthetic=bool(source_report["producer"].str.contains("SYNTHETIC", na=False).any()),
        boundaries=commune_boundaries,
        gp_by_commune=gp_supply_by_commune,
        gp_by_departement=gp_supply_by_departement,
        funnel=agency_funnel,
        installations_by_quarter=agency_installations_by_quarter,
        coverage=gp_register_coverage,
        outcomes=outcomes,
        vintages=source_report,
        quarantine=quarantine,
        small_count_threshold=settings.small_count_threshold,
    )
    site = build_site(settings.site_dir, data)
    return Output(str(site / "index.html"), metadata={"index": MetadataValue.path(str(site / "index.html"))})
