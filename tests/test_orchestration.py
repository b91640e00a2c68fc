"""Checks, schedule and sensor of the Dagster code location, exercised in-process."""

from __future__ import annotations

from typing import Optional

import subprocess
from dataclasses import replace
import sys
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from observatory.settings import PROJECT_ROOT, Settings
from pipelines.checks import table_check
from pipelines.definitions import build_definitions
from pipelines.resources import ObservatoryConfig
from pipelines.sensors import monthly_refresh, new_raw_file


def test_a_table_check_names_what_is_wrong():
    check = table_check("commune_travel_times", ["origin", "destination"], {"minutes": (1e-9, 600)})
    bad = pd.DataFrame({"origin": ["a", "a", None], "destination": ["a", "a", "b"], "minutes": [1.0, 2.0, -3.0]})
    result = check(bad)
    assert not result.passed
    assert result.description == "keys: 1 duplicated, 1 empty; minutes: 1 values outside [1e-09, 600]"
    good = pd.DataFrame({"origin": ["a", "b"], "destination": ["b", "a"], "minutes": [4.0, 4.0]})
    assert check(good).passed


def test_every_curated_and_published_table_is_checked():
    definitions = build_definitions(Settings())
    graph = definitions.resolve_asset_graph()
    checked = {key.asset_key.to_user_string() for check in definitions.asset_checks for key in check.check_keys}
    curated = {key.to_user_string() for key in graph.get_all_asset_keys() if graph.get(key).group_name == "curated"}
    assert curated <= checked, curated - checked


def test_every_asset_has_an_owner_and_a_description():
    graph = build_definitions(Settings()).resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.owners == ["team:observatory"], key
        assert node.description, key


def test_monthly_schedule_ticks_a_refresh_run():
    context = dg.build_schedule_context(scheduled_execution_time=pd.Timestamp("2026-12-02 05:00", tz="Europe/Paris"))
    run_requests = monthly_refresh.evaluate_tick(context).run_requests
    assert len(run_requests) == 1 and monthly_refresh.job_name == "refresh_observatory"
    # The README's rule, written by hand: the 2nd of each month at 05:00, Paris time.
    assert (monthly_refresh.cron_schedule, monthly_refresh.execution_timezone) == ("0 5 2 * *", "Europe/Paris")


def test_sensor_requests_a_refresh_when_a_raw_file_lands(tmp_path):
    settings = Settings(data_dir=tmp_path, territory="41")
    settings.raw_dir.mkdir(parents=True)
    (settings.raw_dir / "communes.geojson").write_text("{}")
    resources = {"observatory": ObservatoryConfig.of(settings)}
    with dg.instance_for_test() as instance:
        first = new_raw_file.evaluate_tick(dg.build_sensor_context(instance=instance, resources=resources))
        assert len(first.run_requests) == 1
        cursor = first.cursor
        quiet = new_raw_file.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))
        assert quiet.run_requests == [] and "no change among the 1 raw files" in quiet.skip_message
        (settings.raw_dir / "PS_LibreAcces_Personne_activite_202407010800.txt").write_text("header|\n")
        (settings.raw_dir / "x.txt.origin.json").write_text("{}")  # an origin record alone is not data
        landed = new_raw_file.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))
        assert len(landed.run_requests) == 1 and landed.run_requests[0].tags["observatory/raw_files"] == "2"
        assert landed.cursor != cursor


@pytest.mark.pipeline
def test_the_workspace_loads_with_the_dagster_command():
    result = subprocess.run([str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
                             "-w", "workspace.yaml"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_setting_reaches_the_steps():
    """The resource carries the whole settings, not a few fields rebuilt from the environment."""
    from datetime import date

    settings = Settings(data_dir=Path("/tmp/x"), territory="41,47", reference_date=date(2023, 1, 1),
                        allow_download=False, map_exports=False, pseudonymisation_key="k", retirement_age=65,
                        desert_thresholds=(2.0, 3.5), consultations_per_fte=4_500.0,
                        travel_matrix=Path("/tmp/m.parquet"))
    carried = replace(settings, pseudonymisation_key="")
    assert ObservatoryConfig.of(settings).settings() == carried
    assert build_definitions(settings).resources["observatory"].settings() == carried
    assert "k" not in ObservatoryConfig.of(settings).model_dump().values()  # a secret stays out of run configuration


def test_the_resource_has_one_typed_field_per_setting_but_the_secret():
    from dataclasses import fields

    assert set(ObservatoryConfig.model_fields) == {field.name for field in fields(Settings)} - {"pseudonymisation_key"}
    assert ObservatoryConfig.model_fields["small_count_threshold"].annotation == Optional[int]


@pytest.mark.pipeline
def test_the_launchpad_changes_one_setting_for_one_run(tmp_path, monkeypatch):
    """Deployed, the settings come from the environment when a run starts; run configuration
    (what the launchpad sends) changes the ones it names for that run only, the staging
    folder included, and leaves the others as deployed."""
    from observatory.sources.catalog import SOURCES

    deployed, launched = tmp_path / "deployed", tmp_path / "launched"
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(deployed))
    monkeypatch.setenv("OBSERVATORY_TERRITORY", "demo")
    monkeypatch.setenv("OBSERVATORY_DOWNLOAD", "0")
    job = build_definitions().resolve_implicit_global_asset_job_def()
    selection = [dg.AssetKey(f"{source.name}_file") for source in SOURCES]
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, asset_selection=selection, run_config={
            "resources": {"observatory": {"config": {"data_dir": str(launched)}}}})
        assert result.success
        assert (launched / "raw" / "demo" / "PS_LibreAcces_Personne_activite.txt").exists()
        assert (launched / "staging" / "demo" / "assets" / "rpps_extract_file.json").exists()
        assert not deployed.exists()
        assert job.execute_in_process(instance=instance, asset_selection=selection).success
        assert (deployed / "staging" / "demo" / "assets" / "rpps_extract_file.json").exists()
