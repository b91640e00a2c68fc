"""Raw layer: the publishers' files, untouched, each with its origin record."""

from dagster import AssetOut, MetadataValue, Output, multi_asset

from observatory.raw_files import ensure_raw_files
from observatory.sources.catalog import RAW_FILES

from ..resources import ObservatoryConfig

DESCRIPTIONS = {
    "rpps_extract": "RPPS open extract (Annuaire Santé): one line per activity of every health professional.",
    "gp_roster": "The département's GP roster, keyed by RPPS id: birth year, FTE, planned departure.",
    "population": "INSEE population per commune with age bands.",
    "commune_contours": "Commune contours (GeoJSON).",
    "epci_membership": "INSEE composition of EPCIs (intercommunalities).",
    "care_structures": "FINESS establishment extract (etalab format).",
    "agency_cases": "The attractiveness agency's case records (CRM export, personal data).",
}


@multi_asset(
    outs={f"{name}_file": AssetOut(description=DESCRIPTIONS[name], group_name="raw", io_manager_key="staging_io")
          for name in RAW_FILES},
    compute_kind="python",
)
def raw_files(observatory: ObservatoryConfig):
    """Use the files in data/raw/<territory>/ (generating the demo territory when absent)."""
    for name, origin in ensure_raw_files(observatory.settings()).items():
        yield Output(
            origin,
            output_name=f"{name}_file",
            metadata={
                "path": MetadataValue.path(origin["path"]),
                "sha256": origin.get("sha256", ""),
                "producer": origin.get("producer", ""),
                "vintage": origin.get("vintage", "unknown"),
                "synthetic": bool(origin.get("synthetic", False)),
            },
        )
