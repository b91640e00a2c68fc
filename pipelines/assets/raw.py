"""Raw layer: the publishers' files, untouched, each with its origin record."""

from dagster import AssetOut, Output, multi_asset

from observatory.raw_files import ensure_raw_files
from observatory.sources.catalog import SOURCES

from ..resources import ObservatoryConfig
from . import OWNERS

@multi_asset(
    outs={f"{source.name}_file": AssetOut(description=source.description, group_name="raw", owners=OWNERS,
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
                "present": origin.present,
                "files": origin.names,
                "sha256": origin.checksums,
                "producer": origin.producer,
                "vintage": origin.vintage or "unknown",
                "synthetic": origin.synthetic,
                **({"problem": origin.problem} if origin.problem else {}),
            },
        )
