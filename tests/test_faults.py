"""Faults: a refresh killed half-way leaves the published observatory whole."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from pipelines.cli import main

TABLES_QUERY = "select count(*) from duckdb_tables()"


def _published(curated) -> tuple:
    """What a reader of the published outputs sees: tables, GPs, and the site's headline."""
    with duckdb.connect(str(curated / "observatory.duckdb"), read_only=True) as connection:
        tables = connection.execute(TABLES_QUERY).fetchone()[0]
        gps = connection.execute("select sum(gps) from gp_supply_by_departement").fetchone()[0]
    index = (curated / "site" / "index.html").read_text(encoding="utf-8")
    assert (curated / "site" / "assets" / "plotly-geo.min.js").stat().st_size > 1_000_000
    return tables, gps, "330\u202f124" in index


@pytest.mark.pipeline
@pytest.mark.parametrize("step", ["observatory_database", "dashboard_site"])
def test_a_refresh_killed_while_publishing_leaves_the_previous_version_whole(step, tmp_path, demo_raw, capsys,
                                                                             monkeypatch):
    monkeypatch.setenv("OBSERVATORY_MAP_EXPORTS", "0")  # many builds here: the exports are tested elsewhere
    shutil.copytree(demo_raw["rpps_extract"].parent, tmp_path / "raw" / "demo")
    assert main(["--data-dir", str(tmp_path), "build"]) == 0
    capsys.readouterr()
    curated = tmp_path / "curated"
    before = _published(curated)

    for delay in (0.0, 0.15):  # killed as the step starts, and a little later
        process = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "--data-dir", str(tmp_path), "build"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in process.stdout:
            if line.strip() == f"→ {step}":
                time.sleep(delay)
                os.kill(process.pid, signal.SIGKILL)
                break
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL
        assert _published(curated) == before

    assert main(["--data-dir", str(tmp_path), "build"]) == 0
    assert _published(curated) == before
    versions = sorted(path.name.split("-")[0] for path in (curated / ".versions").iterdir())
    assert versions == ["parquet", "site"]  # one version each, the killed runs' leftovers cleared
    assert not [path for path in curated.iterdir() if path.name.startswith(".") and path.name != ".versions"]


@pytest.mark.pipeline
def test_a_build_whose_dashboard_fails_publishes_nothing(tmp_path, demo_raw, capsys, monkeypatch):
    """The tables are written before the dashboard is built from them, and released with
    it: when the dashboard fails, the database and Parquet files published stay the former
    ones (the same files, not rewritten), as the CLI says."""
    import pipelines.assets.published as published

    monkeypatch.setenv("OBSERVATORY_MAP_EXPORTS", "0")
    shutil.copytree(demo_raw["rpps_extract"].parent, tmp_path / "raw" / "demo")
    assert main(["--data-dir", str(tmp_path), "build"]) == 0
    curated = tmp_path / "curated"
    before = _published(curated), (curated / "observatory.duckdb").stat().st_ino, os.readlink(curated / "parquet")

    def broken(site_dir, data):
        raise RuntimeError("the dashboard could not be written")

    working = published.prepare_site
    monkeypatch.setattr(published, "prepare_site", broken)
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path), "build"]) == 1
    assert "the previously published observatory is unchanged" in capsys.readouterr().err
    assert (_published(curated), (curated / "observatory.duckdb").stat().st_ino, os.readlink(curated / "parquet")) == before
    monkeypatch.setattr(published, "prepare_site", working)
    assert main(["--data-dir", str(tmp_path), "build"]) == 0
    assert (curated / "observatory.duckdb").stat().st_ino != before[1]  # released this time
    assert sorted(path.name.split("-")[0] for path in (curated / ".versions").iterdir()) == ["parquet", "site"]
