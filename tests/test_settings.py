"""The settings the README documents: their defaults, and every OBSERVATORY_* variable read."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from observatory.settings import PROJECT_ROOT, Settings

ENVIRONMENT = {  # variable: (value set, the setting it must give)
    "OBSERVATORY_DATA_DIR": ("/tmp/obs", ("data_dir", Path("/tmp/obs"))),
    "OBSERVATORY_TERRITORY": ("41,45", ("territory", "41,45")),
    "OBSERVATORY_REFERENCE_DATE": ("2025-12-31", ("reference_date", date(2025, 12, 31))),
    "OBSERVATORY_SMALL_COUNT_THRESHOLD": ("11", ("small_count_threshold", 11)),
    "OBSERVATORY_DOWNLOAD": ("0", ("allow_download", False)),
    "OBSERVATORY_RETIREMENT_AGE": ("65", ("retirement_age", 65)),
    "OBSERVATORY_PLACEMENT_COUNT": ("25", ("placement_count", 25)),
    "OBSERVATORY_DESERT_THRESHOLDS": ("2,3.5", ("desert_thresholds", (2.0, 3.5))),
    "OBSERVATORY_TRAVEL_MATRIX": ("/tmp/m.parquet", ("travel_matrix", Path("/tmp/m.parquet"))),
    "OBSERVATORY_OSRM_URL": ("http://127.0.0.1:5000", ("osrm_url", "http://127.0.0.1:5000")),
    "OBSERVATORY_MAP_EXPORTS": ("no", ("map_exports", False)),
    "OBSERVATORY_CALIBRATE": ("false", ("calibrate_travel_times", False)),
    "OBSERVATORY_MAX_QUARANTINE_SHARE": ("0.05", ("max_quarantine_share", 0.05)),
    "OBSERVATORY_PSEUDONYMISATION_KEY": ("secret", ("pseudonymisation_key", "secret")),
}


def test_the_documented_defaults():
    settings = Settings()
    assert (settings.territory, settings.reference_date) == ("demo", date(2024, 6, 30))
    assert settings.small_count_threshold == 5
    assert settings.desert_thresholds == (2.5, 4.0)
    assert settings.retirement_age == 67 and settings.senior_age == 55
    assert settings.max_quarantine_share == 0.2
    assert (settings.road_detour, settings.road_speed_kmh, settings.consultations_per_fte) == (1.3, 60.0, 4_900.0)
    assert settings.allow_download and settings.exports_maps and settings.calibrate_travel_times
    assert settings.map_exports is None  # automatic: on up to one région's size, opt-in above
    assert settings.travel_matrix is None and settings.osrm_url == ""


def test_every_variable_sets_its_setting(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    assert Settings.from_env() == Settings()  # nothing set: the defaults
    for name, (value, (field, expected)) in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
        assert getattr(Settings.from_env(), field) == expected, name
        monkeypatch.delenv(name)


def test_the_readme_documents_every_variable_read_and_reads_every_one_documented():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"OBSERVATORY_[A-Z_]*[A-Z]", readme)) - {"OBSERVATORY_URL", "OBSERVATORY_COMMUNE"}
    read = set(re.findall(r'"(OBSERVATORY_[A-Z_]+)"', (PROJECT_ROOT / "observatory" / "settings.py").read_text()))
    assert read == set(ENVIRONMENT)
    assert documented == read  # OBSERVATORY_URL_<SOURCE> and the notebooks' OBSERVATORY_COMMUNE are read elsewhere


def test_a_switch_is_off_for_each_documented_spelling_in_any_case_and_on_otherwise(monkeypatch):
    switches = {"OBSERVATORY_DOWNLOAD": "allow_download", "OBSERVATORY_MAP_EXPORTS": "map_exports",
                "OBSERVATORY_CALIBRATE": "calibrate_travel_times"}
    for name, field in switches.items():
        for value in ("0", "no", "No", "false", "FALSE", "off", " false "):
            monkeypatch.setenv(name, value)
            assert getattr(Settings.from_env(), field) is False, (name, value)
        for value in ("1", "yes", "true", "on", ""):
            monkeypatch.setenv(name, value)
            assert getattr(Settings.from_env(), field) is True, (name, value)
        monkeypatch.delenv(name)


def test_the_pseudonymisation_key_never_reaches_run_configuration():
    settings = Settings(pseudonymisation_key="cle-secrete-du-departement", territory="41")
    config = settings.to_config()
    assert "pseudonymisation_key" not in config and "cle-secrete-du-departement" not in repr(config)
    assert "cle-secrete" not in repr(settings)
    assert Settings(**Settings.config_values(config)) == replace(settings, pseudonymisation_key="")
