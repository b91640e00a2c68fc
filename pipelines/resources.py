"""Dagster resources: the observatory's settings, and where intermediate tables are kept.

No ``from __future__ import annotations`` here: Dagster reads the nested resource of the
IO manager from its real annotation."""

import copy
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Optional

import geopandas as gpd
import pandas as pd
import pyarrow as pa
from dagster import (ConfigurableIOManager, ConfigurableResource, DagsterInvariantViolationError, InputContext,
                     OutputContext, ResourceDependency)
from pydantic import Field, PrivateAttr

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

    Within a run, a value also stays in memory until every step of the run that reads it has
    read it: reading the Parquet back took a quarter of a national build (262 reads), and a
    value read from memory equals the one read from the file (a test compares every asset).
    """

    observatory: ResourceDependency[ObservatoryConfig]
    _kept: dict = PrivateAttr(default_factory=dict)  # (run, path): [value, readers still to read it, its write]
    _writer: Optional[ThreadPoolExecutor] = PrivateAttr(default=None)  # the thread writing the files
    _writes: list = PrivateAttr(default_factory=list)  # the writes not waited for yet

    def _path(self, context) -> Path:
        """Under the staging folder of the run's settings (the launchpad's, when it changes them)."""
        return (self.observatory.settings().staging_dir / "assets").joinpath(*context.asset_key.path)

    def handle_output(self, context: OutputContext, obj) -> None:
        """The files are written by a thread of their own while the next steps compute (Parquet
        writing lets go of the GIL: a second of a national build, on the other core). A value
        read in the run is confirmed written when its last reader takes it, one read by no step
        at once: a write that fails fails a step of the run."""
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(obj, StagedTable):
            frames = {".parquet": obj.table, ".rejects.parquet": obj.rejects}
            record = {"kind": "staged", "rows_read": obj.rows_read, "out_of_scope": obj.out_of_scope, "stats": obj.stats}
        elif isinstance(obj, Origin):
            frames, record = {}, {"kind": "origin", "value": obj.to_record()}
        elif isinstance(obj, pd.DataFrame):
            frames, record = {".parquet": obj}, {"kind": "frame"}
        else:
            frames, record = {}, {"kind": "json", "value": obj}
        text = json.dumps(record, default=str, ensure_ascii=False)
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="staging")
        write = self._writer.submit(_write_staged, path, frames, text)
        self._writes.append(write)
        readers = _readers(context)
        if readers:
            self._kept[context.run_id, path] = [_as_stored(obj, json.loads(text)), readers, write]
        else:
            write.result()

    def load_input(self, context: InputContext):
        upstream = context.upstream_output
        key = (upstream.run_id, self._path(upstream))
        kept = self._kept.get(key)
        if kept is None:  # an earlier run's output
            return read_staged(key[1])
        kept[1] -= 1
        if kept[1] == 0:
            del self._kept[key]
            kept[2].result()
        return _unshared(kept[0])

    def teardown_after_execution(self, context) -> None:
        """A run that stops early still leaves no file half written behind it."""
        wait(self._writes)
        self._writes.clear()


def _write_staged(path: Path, frames: dict, text: str) -> None:
    """An asset's files: its frames, then the JSON record that says how to read them back."""
    for suffix, frame in frames.items():
        frame.to_parquet(path.with_suffix(suffix), index=False)
    path.with_suffix(".json").write_text(text, encoding="utf-8")


def _readers(context: OutputContext) -> int:
    """How many inputs of the steps this run executes take the output (none outside a run); an
    order-only dependency (``deps``, of Dagster's type Nothing) loads nothing, and is not one."""
    try:
        plan = context.step_context.execution_plan
    except DagsterInvariantViolationError:
        return 0
    return sum((handle.step_key, handle.output_name) == (context.step_key, context.name)
               for step in plan.get_steps_to_execute_in_topo_order() for step_input in step.step_inputs
               if step_input.dagster_type_key != "Nothing"
               for handle in step_input.get_step_output_handle_dependencies())


def _as_stored(value, record: dict):
    """``value`` as its files give it back (``record`` its JSON, as read): a frame through
    Arrow as Parquet takes it (Python strings become Arrow strings, seconds milliseconds), so
    that a step reads the same value whether its input comes from this run or an earlier one."""
    if record["kind"] == "json":
        return record["value"]
    if record["kind"] == "origin":
        return Origin.from_record(record["value"])
    if isinstance(value, StagedTable):
        return dataclasses.replace(value, table=_as_stored(value.table, {"kind": "frame"}),
                                   rejects=_as_stored(value.rejects, {"kind": "frame"}), stats=record["stats"])
    if not isinstance(value, gpd.GeoDataFrame):
        table = pa.Table.from_pandas(value, preserve_index=False)
        as_parquet = pa.schema([field.with_type(pa.timestamp("ms", field.type.tz))
                                if pa.types.is_timestamp(field.type) and field.type.unit == "s" else field
                                for field in table.schema], metadata=table.schema.metadata)
        return table.cast(as_parquet).to_pandas()
    return value


def _unshared(value):
    """``value`` for one reader: frames as copies that share their data until written
    (pandas' copy on write), anything else as a deep copy, so no reader sees another's changes."""
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)
    if isinstance(value, StagedTable):
        return dataclasses.replace(value, table=value.table.copy(deep=False), rejects=value.rejects.copy(deep=False),
                                   stats=copy.deepcopy(value.stats))
    return copy.deepcopy(value)


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
