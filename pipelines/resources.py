"""Dagster resources: the observatory's settings, and where intermediate tables are kept.

No ``from __future__ import annotations`` here: Dagster reads the nested resource of the
IO manager from its real annotation."""

import json
from pathlib import Path
from typing import Optional

import pandas as pd
from dagster import ConfigurableIOManager, ConfigurableResource, InputContext, OutputContext, ResourceDependency
from pydantic import Field

from observatory.publish import read_table
from observatory.settings import Settings
from observatory.sources.catalog import Origin
from observatory.sources.staged import StagedTable

class ObservatoryConfig(ConfigurableResource):
    """The settings of a run, one typed field each. A field left empty (``None``) takes its
    value from the ``OBSERVATORY_*`` environment when the run starts, else its documented
    default: so the launchpad can change one setting for one run and leave the others as
    deployed. The pseudonymisation key is no field: a secret stays out of run configuration."""

    data_dir: Optional[str] = Field(None, description="Root of raw/, staging/ and curated/ (OBSERVATORY_DATA_DIR).")
    territory: Optional[str] = Field(None, description="'demo' or département codes separated by commas "
                                                       "(OBSERVATORY_TERRITORY).")
    reference_date: Optional[str] = Field(None, description="ISO date the indicators describe "
                                                            "(OBSERVATORY_REFERENCE_DATE; default 2024-06-30).")
    senior_age: Optional[int] = Field(None, description="Age from which a GP counts as 55 or more (default 55).")
    small_count_threshold: Optional[int] = Field(None, description="Counts from 1 to this minus one are secret "
                                                                   "(OBSERVATORY_SMALL_COUNT_THRESHOLD; default 5).")
    gp_savoir_faire: Optional[list[str]] = Field(None, description="RPPS savoir-faire codes of general practice.")
    allow_download: Optional[bool] = Field(None, description="Fetch missing public files (OBSERVATORY_DOWNLOAD).")
    desert_thresholds: Optional[list[float]] = Field(None, description="APL below: désert, zone fragile "
                                                                       "(OBSERVATORY_DESERT_THRESHOLDS; 2.5, 4).")
    retirement_age: Optional[int] = Field(None, description="Age of an expected departure "
                                                            "(OBSERVATORY_RETIREMENT_AGE; default 67).")
    placement_count: Optional[int] = Field(None, description="GPs the placement plan places, one at a time "
                                                              "(OBSERVATORY_PLACEMENT_COUNT; default 10).")
    consultations_per_fte: Optional[float] = Field(None, description="Consultations a year of one full-time GP.")
    road_detour: Optional[float] = Field(None, description="Road over straight-line distance, for the estimate.")
    road_speed_kmh: Optional[float] = Field(None, description="Speed of the travel-time estimate.")
    calibrate_travel_times: Optional[bool] = Field(None, description="Fit the estimate's speed to the official APL "
                                                                      "(OBSERVATORY_CALIBRATE).")
    travel_matrix: Optional[str] = Field(None, description="Origin-destination matrix file "
                                                           "(OBSERVATORY_TRAVEL_MATRIX).")
    osrm_url: Optional[str] = Field(None, description="An OSRM server (OBSERVATORY_OSRM_URL).")
    map_exports: Optional[bool] = Field(None, description="PNG/PDF of the maps (OBSERVATORY_MAP_EXPORTS; "
                                                           "default: up to one région's size).")
    max_quarantine_share: Optional[float] = Field(None, description="A source with more of its rows quarantined "
                                                                    "fails the build (OBSERVATORY_MAX_QUARANTINE_SHARE).")

    @classmethod
    def of(cls, settings: Settings) -> "ObservatoryConfig":
        """Every field set from ``settings`` (the command line and tests build with these)."""
        return cls(**settings.to_config())

    def settings(self) -> Settings:
        given = {name: value for name, value in self.model_dump().items() if value is not None}
        return Settings.from_env(**Settings.config_values(given))


class StagingIOManager(ConfigurableIOManager):
    """Keeps asset values as Parquet (and JSON for records) in the staging folder.

    The staging folder belongs to the ingestion layer: it may hold personal data and is
    never published. A ``StagedTable`` is kept as its table, its rejects and its counts.
    """

    observatory: ResourceDependency[ObservatoryConfig]

    def _path(self, context) -> Path:
        """Under the staging folder of the run's settings (the launchpad's, when it changes them)."""
        return (self.observatory.settings().staging_dir / "assets").joinpath(*context.asset_key.path)

    def handle_output(self, context: OutputContext, obj) -> None:
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(obj, StagedTable):
            obj.table.to_parquet(path.with_suffix(".parquet"), index=False)
            obj.rejects.to_parquet(path.with_suffix(".rejects.parquet"), index=False)
            record = {"kind": "staged", "rows_read": obj.rows_read, "out_of_scope": obj.out_of_scope, "stats": obj.stats}
        elif isinstance(obj, Origin):
            record = {"kind": "origin", "value": obj.to_record()}
        elif isinstance(obj, pd.DataFrame):
            obj.to_parquet(path.with_suffix(".parquet"), index=False)
            record = {"kind": "frame"}
        else:
            record = {"kind": "json", "value": obj}
        path.with_suffix(".json").write_text(json.dumps(record, default=str, ensure_ascii=False), encoding="utf-8")

    def load_input(self, context: InputContext):
        return read_staged(self._path(context.upstream_output))


def read_staged(path: Path):
    """An asset's value as ``StagingIOManager`` kept it at ``path`` (its name, no suffix):
    for the pipeline's inputs and for commands that work on a finished build."""
    record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    kind = record["kind"]
    if kind == "json":
        return record["value"]
    if kind == "origin":
        return Origin.from_record(record["value"])
    table = read_table(path.with_suffix(".parquet"))
    if kind == "staged":
        return StagedTable(table=table, rejects=pd.read_parquet(path.with_suffix(".rejects.parquet")),
                           rows_read=record["rows_read"], out_of_scope=record["out_of_scope"], stats=record["stats"])
    return table
