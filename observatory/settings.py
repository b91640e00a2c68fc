"""One settings object for every path and threshold, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

from .territories import DEMO, beyond_a_region, departements_of, folder_of

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OFF = {"0", "no", "false", "off"}  # how an OBSERVATORY_* switch is turned off, in any case


def _switch(value: str) -> bool:
    return value.strip().lower() not in OFF


@dataclass(frozen=True)
class Settings:
    """Where data lives and which territory is observed.

    ``territory`` is ``"demo"`` (the bundled synthetic territory), ``"france"``, a région
    (``"region:24"``) or département codes separated by commas (``"41"``, ``"2A,2B"``). Raw
    files of a territory live in ``data/raw/<folder>/``, the staging layer (personal data
    allowed) in ``data/staging/<folder>/`` (``territory_folder``: short and stable);
    published outputs (aggregates only) in ``data/curated/``.
    """

    data_dir: Path = PROJECT_ROOT / "data"
    territory: str = DEMO
    reference_date: date = date(2024, 6, 30)
    senior_age: int = 55
    small_count_threshold: int = 5
    gp_savoir_faire: tuple[str, ...] = ("SM26", "SM53", "SM54")
    allow_download: bool = True
    desert_thresholds: tuple[float, float] = (2.5, 4.0)  # APL below: désert médical, zone fragile
    retirement_age: int = 67
    placement_count: int = 10  # GPs the « where to place them » plan places, one at a time
    consultations_per_fte: float = 4_900.0
    road_detour: float = 1.3
    road_speed_kmh: float = 60.0
    calibrate_travel_times: bool = True  # fit the estimate's speed to the official APL when it is at hand
    travel_matrix: Path | None = None  # a CSV/Parquet origin-destination matrix from a routing engine
    osrm_url: str = ""  # or an OSRM server, e.g. http://127.0.0.1:5000
    map_exports: bool | None = None  # PNG/PDF of the maps (needs a Chromium); None: see ``exports_maps``
    max_quarantine_share: float = 0.2  # a source with more of its rows quarantined fails the build
    pseudonymisation_key: str = field(default="", repr=False)

    @property
    def territory_folder(self) -> str:
        """The territory's short, stable folder name (``territories.folder_of``)."""
        return folder_of(self.territory)

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw" / self.territory_folder

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "staging" / self.territory_folder

    @property
    def curated_dir(self) -> Path:
        return self.data_dir / "curated"

    @property
    def database_path(self) -> Path:
        return self.curated_dir / "observatory.duckdb"

    @property
    def site_dir(self) -> Path:
        return self.curated_dir / "site"

    @property
    def exports_maps(self) -> bool:
        """Whether a build exports its maps as PNG and PDF: as set, else up to the size of the
        largest région; above, they are opt-in (for France, minutes of Chromium for images
        few would print)."""
        if self.map_exports is not None:
            return self.map_exports
        return not beyond_a_region(self.departements)

    @property
    def is_demo(self) -> bool:
        return self.territory == DEMO

    @property
    def departements(self) -> tuple[str, ...]:
        """Département codes observed (``territories.departements_of``)."""
        return departements_of(self.territory)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Settings from ``OBSERVATORY_*`` environment variables, then explicit overrides."""
        env = os.environ
        values: dict = {}
        if "OBSERVATORY_DATA_DIR" in env:
            values["data_dir"] = Path(env["OBSERVATORY_DATA_DIR"])
        if "OBSERVATORY_TERRITORY" in env:
            values["territory"] = env["OBSERVATORY_TERRITORY"]
        if "OBSERVATORY_REFERENCE_DATE" in env:
            values["reference_date"] = date.fromisoformat(env["OBSERVATORY_REFERENCE_DATE"])
        if "OBSERVATORY_SMALL_COUNT_THRESHOLD" in env:
            values["small_count_threshold"] = int(env["OBSERVATORY_SMALL_COUNT_THRESHOLD"])
        if "OBSERVATORY_DOWNLOAD" in env:
            values["allow_download"] = _switch(env["OBSERVATORY_DOWNLOAD"])
        if "OBSERVATORY_RETIREMENT_AGE" in env:
            values["retirement_age"] = int(env["OBSERVATORY_RETIREMENT_AGE"])
        if "OBSERVATORY_PLACEMENT_COUNT" in env:
            values["placement_count"] = int(env["OBSERVATORY_PLACEMENT_COUNT"])
        if "OBSERVATORY_DESERT_THRESHOLDS" in env:  # e.g. "2.5,4"
            low, high = (float(v) for v in env["OBSERVATORY_DESERT_THRESHOLDS"].split(","))
            values["desert_thresholds"] = (low, high)
        if "OBSERVATORY_TRAVEL_MATRIX" in env:
            values["travel_matrix"] = Path(env["OBSERVATORY_TRAVEL_MATRIX"])
        if "OBSERVATORY_OSRM_URL" in env:
            values["osrm_url"] = env["OBSERVATORY_OSRM_URL"]
        if "OBSERVATORY_MAP_EXPORTS" in env:
            values["map_exports"] = _switch(env["OBSERVATORY_MAP_EXPORTS"])
        if "OBSERVATORY_CALIBRATE" in env:
            values["calibrate_travel_times"] = _switch(env["OBSERVATORY_CALIBRATE"])
        if "OBSERVATORY_MAX_QUARANTINE_SHARE" in env:
            values["max_quarantine_share"] = float(env["OBSERVATORY_MAX_QUARANTINE_SHARE"])
        if "OBSERVATORY_PSEUDONYMISATION_KEY" in env:
            values["pseudonymisation_key"] = env["OBSERVATORY_PSEUDONYMISATION_KEY"]
        return replace(cls(**values), **overrides)

    @property
    def pseudonymisation_key_file(self) -> Path:
        """Where the generated key is kept when none is configured: staging, never published."""
        return self.data_dir / "staging" / ".pseudonymisation_key"

    def to_config(self) -> dict:
        """Every setting as plain values (paths and dates as text, tuples as lists), so that an
        orchestrator can carry them as run configuration; all but the pseudonymisation key,
        a secret never written into run configuration (``from_env`` reads it, or the key
        file is used)."""
        values = {name: value for name, value in asdict(self).items() if name != "pseudonymisation_key"}
        for name, value in values.items():
            if isinstance(value, (Path, date)):
                values[name] = str(value)
            elif isinstance(value, tuple):
                values[name] = list(value)
        return values

    @classmethod
    def config_values(cls, values: dict) -> dict:
        """Plain values of ``to_config``'s form as the settings' own types."""
        typed = dict(values)
        for name in ("data_dir", "travel_matrix"):
            if typed.get(name) is not None:
                typed[name] = Path(typed[name])
        if isinstance(typed.get("reference_date"), str):
            typed["reference_date"] = date.fromisoformat(typed["reference_date"])
        for name in ("gp_savoir_faire", "desert_thresholds"):
            if typed.get(name) is not None:
                typed[name] = tuple(typed[name])
        return typed
