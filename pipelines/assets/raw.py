"""Raw layer: the publishers' files, untouched, each with its origin record."""

from dagster import AssetOut, MetadataValue, Output, multi_asset

from observatory.raw_files import ensure_raw_files
from observatory.sources.catalog import SOURCES

from ..resources import ObservatoryConfig
from . import OWNERS

DESCRIPTIONS = {
    "rpps_extract": "RPPS open extract (Annuaire Santé): one line per activity of every health professional.",
    "rpps_snapshots": "Earlier RPPS extracts, one per date in its file name, for the time series (optional).",
    "population": "Population per commune (INSEE base-cc with age bands, legal populations, or a commune table).",
    "population_by_age": "INSEE population by single year of age per commune (TD_POP1B), for the APL's 5-year age weights (optional).",
    "commune_contours": "Commune contours (GeoJSON) of the current geography.",
    "commune_contours_previous": "Commune contours of an earlier vintage, to map former commune codes (optional).",
    "neighbour_contours": "Commune contours of the neighbouring départements, one file each, for the APL's border ring (optional).",
    "national_communes": "Every commune's legal population (communes.json of the geo API's package), for the border ring (optional).",
    "osm_extract": "An OpenStreetMap extract (.osm.pbf) covering the territory and its ring: travel times are routed on it (optional).",
    "commune_history": "INSEE table of commune movements (v_mvt_commune), to map former codes (optional).",
    "epci_membership": "INSEE composition of EPCIs (optional).",
    "gp_roster": "The département's GP roster, keyed by RPPS id: birth year, FTE, planned departure (optional).",
    "care_structures": "FINESS establishment extract, etalab format (optional).",
    "agency_cases": "The attractiveness agency's case records, CRM export with personal data (optional).",
    "plan_budget": "The health plan's budget per axis and year, an editable CSV (optional).",
    "ars_zoning": "The ARS zoning of GPs per commune (ZIP, ZAC) (optional).",
    "official_apl": "The DREES workbook of the APL to GPs: its parameters and the official APL per commune (optional).",
    "gp_benchmark": "CNAM (ameli) liberal GPs per département: the benchmark of the register's count (optional).",
}


@multi_asset(
    outs={f"{source.name}_file": AssetOut(description=DESCRIPTIONS[source.name], group_name="raw", owners=OWNERS,
                                          io_manager_key="staging_io")
          for source in SOURCES},
    compute_kind="python",
)
def raw_files(observatory: ObservatoryConfig):
    """Use the files in data/raw/<territory>/; download or generate (demo) those absent."""
    for name, origin in ensure_raw_files(observatory.settings()).items():
        yield Output(
            origin,
            output_name=f"{name}_file",
            metadata={
                "present": origin["present"],
                "path": MetadataValue.path(origin.get("path", "")),
                "sha256": origin.get("sha256", ""),
                "producer": origin.get("producer", ""),
                "vintage": origin.get("vintage", "unknown"),
                "synthetic": bool(origin.get("synthetic", False)),
            },
        )
