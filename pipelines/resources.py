"""Dagster resources: the observatory's settings, and where intermediate tables are kept."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
from dagster import ConfigurableIOManager, ConfigurableResource, InputContext, OutputContext

from observatory.settings import Settings
from observatory.sources.staged import StagedTable

class ObservatoryConfig(ConfigurableResource):
    """The settings of a run, carried whole (as JSON); by default those of the
    ``OBSERVATORY_*`` environment."""

    settings_json: str = Settings.from_env().to_json()

    @classmethod
    def of(cls, settings: Settings) -> "ObservatoryConfig":
        return cls(settings_json=settings.to_json())

    def settings(self) -> Settings:
        return Settings.from_json(self.settings_json)


class StagingIOManager(ConfigurableIOManager):
    """Keeps asset values as Parquet (and JSON for records) in the staging folder.

    The staging folder belongs to the ingestion layer: it may hold personal data and is
    never published. A ``StagedTable`` is kept as its table, its rejects and its counts.
    """

    base_dir: str

    def _path(self, context) -> Path:
        return Path(self.base_dir).joinpath(*context.asset_key.path)

    def handle_output(self, context: OutputContext, obj) -> None:
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(obj, StagedTable):
            obj.table.to_parquet(path.with_suffix(".parquet"), index=False)
            obj.rejects.to_parquet(path.with_suffix(".rejects.parquet"), index=False)
            record = {"kind": "staged", "rows_read": obj.rows_read, "out_of_scope": obj.out_of_scope, "stats": obj.stats}
        elif isinstance(obj, pd.DataFrame):
            obj.to_parquet(path.with_suffix(".parquet"), index=False)
            record = {"kind": "frame"}
        else:
            record = {"kind": "json", "value": obj}
        path.with_suffix(".json").write_text(json.dumps(record, default=str, ensure_ascii=False), encoding="utf-8")

    def load_input(self, context: InputContext):
        path = self._path(context.upstream_output)
        record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        kind = record["kind"]
        if kind == "json":
            return record["value"]
        table = _read_frame(path.with_suffix(".parquet"))
        if kind == "staged":
            return StagedTable(table=table, rejects=pd.read_parquet(path.with_suffix(".rejects.parquet")),
                               rows_read=record["rows_read"], out_of_scope=record["out_of_scope"], stats=record["stats"])
        return table


def _read_frame(path: Path) -> pd.DataFrame:
    """A Parquet file as a GeoDataFrame when it is GeoParquet, else as a DataFrame."""
    metadata = pq.read_schema(path).metadata or {}
    return gpd.read_parquet(path) if b"geo" in metadata else pd.read_parquet(path)
