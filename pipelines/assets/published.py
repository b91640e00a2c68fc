"""Published layer: the observatory database, Parquet files and the dashboard."""

import pandas as pd
from dagster import AssetIn, MetadataValue, Output, asset, load_assets_from_modules

from observatory.accessibility.parameters import parameters_from_record
from observatory.confidential import WITHHELD_TABLES, protect_tables
from observatory.dashboard.site import SiteData, prepare_site
from observatory.accessibility.providers import travel_time_method
from observatory.publish import DATABASE, pending_tables, prepare_tables, read_published_tables, read_tables, release
from observatory.sources.catalog import Origin
from observatory.sources.departements import DEPARTEMENT_NAMES
from observatory.territories import beyond_a_region, name_of

from ..resources import ObservatoryConfig
from . import OWNERS, curated, staged


def _curated_tables() -> tuple[str, ...]:
    """The assets of the curated group, by name: each is published, once protected
    (``protect_tables``: secret cells blanked, some withheld), with no list to keep."""
    return tuple(key.to_user_string() for assets in load_assets_from_modules([staged, curated])
                 for key in assets.keys if assets.group_names_by_key[key] == "curated")


PUBLISHED_TABLES = _curated_tables()


@asset(group_name="published", owners=OWNERS, ins={name: AssetIn() for name in (*PUBLISHED_TABLES, *WITHHELD_TABLES)},
       compute_kind="duckdb")
def observatory_database(observatory: ObservatoryConfig, **tables: pd.DataFrame) -> Output:
    """data/curated/observatory.duckdb and data/curated/parquet/: every curated table as it may be published, written whole and released with the dashboard built from it (the withheld tables serve the protection only)."""
    settings = observatory.settings()
    tables = protect_tables(tables, settings.small_count_threshold)
    prepared = prepare_tables(settings.curated_dir, tables)
    return Output(str(settings.database_path), metadata={
        "path": MetadataValue.path(str(settings.database_path)), "prepared": prepared[DATABASE].name,
        "tables": MetadataValue.json({n: len(t) for n, t in tables.items()})})


@asset(group_name="published", owners=OWNERS, deps=["observatory_database"], compute_kind="plotly")
def dashboard_site(observatory: ObservatoryConfig, apl_parameters: dict, osm_extract_file: Origin) -> Output:
    """data/curated/site/: the static French dashboard (maps, evolution, agency, communes, method), readable offline, from the tables as published; then the site, the database and the Parquet files are released together (a build failing before publishes nothing)."""
    settings = observatory.settings()
    prepared = pending_tables(settings.curated_dir) or {}
    tables = read_tables(prepared["parquet"]) if prepared else read_published_tables(settings.curated_dir)
    data = SiteData(
        territory_name=name_of(settings.territory, DEPARTEMENT_NAMES),
        reference_date=settings.reference_date,
        synthetic=bool(tables["source_report"]["producer"].str.contains("SYNTHETIC", na=False).any()),
        small_count_threshold=settings.small_count_threshold,
        desert_thresholds=settings.desert_thresholds,
        boundaries=tables["commune_boundaries"],
        tables=tables,
        method={"parameters": parameters_from_record(apl_parameters),
                "consultations_per_fte": settings.consultations_per_fte,
                "travel_times": travel_time_method(settings, tables["travel_time_calibration"],
                                                   osm_extract_file.paths),
                "retirement_age": settings.retirement_age},
        map_exports=settings.exports_maps,
        maps_by_departement=beyond_a_region(settings.departements),
    )
    release(settings.curated_dir, {**prepared, settings.site_dir.name: prepare_site(settings.site_dir, data)})
    site = settings.site_dir
    pages = sorted(path.name for path in site.glob("*.html"))
    return Output(str(site / "index.html"), metadata={"index": MetadataValue.path(str(site / "index.html")),
                                                      "pages": ", ".join(pages),
                                                      "exports": len(list((site / "exports").glob("*")))
                                                      if (site / "exports").exists() else 0})
