"""The operator's command line: a build that prints the headline, a refresh that fails safely."""

from __future__ import annotations

import re
import shutil

import pytest

from pipelines.cli import main
from observatory.sources.catalog import DEMO_SOURCES, sha256_of

PLACEMENT = re.compile(r"\s+(\d+)\. .+ \((\d{5})\): lifts ")


@pytest.mark.pipeline
def test_build_prints_headline_then_a_failed_refresh_keeps_the_published_observatory(tmp_path, demo_raw, capsys,
                                                                                     monkeypatch):
    monkeypatch.setenv("OBSERVATORY_MAP_EXPORTS", "0")  # two builds here: the exports are tested elsewhere
    raw = tmp_path / "raw" / "demo"
    shutil.copytree(demo_raw["rpps_extract"].parent, raw)
    assert main(["--data-dir", str(tmp_path), "refresh", "demo"]) == 0
    output = capsys.readouterr().out
    assert "  → rpps_activities" in output and "  ✓ dashboard_site (" in output  # progress, step by step
    assert "GPs                        250" in output
    assert "share of GPs aged 55+      56,0\u202f%" in output
    assert "installed 46 = 35 durable + 11 replacements" in output
    assert "2024-T1: 15" in output and "2022-T1: secret" in output and "<5" not in output
    database = tmp_path / "curated" / "observatory.duckdb"
    site = tmp_path / "curated" / "site" / "index.html"
    published = (sha256_of(database), sha256_of(site))

    # A new population file where every figure is negative: every row is quarantined,
    # communes lose their population, the blocking check fails, nothing is republished.
    population = raw / "base-cc-evol-struct-pop.csv"
    lines = population.read_text(encoding="utf-8").splitlines()
    population.write_text("\n".join([lines[0]] + [line.replace(";", ";-", 1) for line in lines[1:]]) + "\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "build"]) == 1
    errors = capsys.readouterr().err
    assert "check commune_reference_is_valid" in errors
    assert "previously published observatory is unchanged" in errors
    assert (sha256_of(database), sha256_of(site)) == published


def test_vintages_lists_each_raw_file(tmp_path, demo_raw, capsys, spec):
    shutil.copytree(demo_raw["rpps_extract"].parent, tmp_path / "raw" / "demo")
    assert main(["--data-dir", str(tmp_path), "vintages"]) == 0
    output = capsys.readouterr().out
    assert output.count("SYNTHETIC") == len(DEMO_SOURCES) + len(spec.snapshot_dates) and "rpps_extract" in output
    assert "PS_LibreAcces_Personne_activite_202206300800.txt  vintage 2022-06-30" in output
    assert "commune_history            absent (optional)" in output


def test_the_operator_ui_listens_on_this_machine_only_by_default():
    from pipelines.cli import build_parser, ui_command
    from observatory.settings import Settings

    arguments = build_parser().parse_args(["--territory", "41", "ui"])
    assert arguments.host == "127.0.0.1"
    command, environment = ui_command(Settings(territory="41"), arguments.host, arguments.port)
    assert command[1:3] == ["dev", "-w"] and command[command.index("-h") + 1] == "127.0.0.1"
    assert environment["OBSERVATORY_TERRITORY"] == "41" and environment["DAGSTER_HOME"]


def test_scenario_prints_the_plan_as_it_is_decided(demo_build, capsys):
    """The same placements as the published plan, each printed with what it lifts; the
    filters restrict the candidates; a commune of another territory is refused by name."""
    from observatory.publish import read_published_tables

    data_dir = str(demo_build.settings.data_dir)
    plan = read_published_tables(demo_build.settings.curated_dir)["gp_placement_plan"]
    assert main(["--data-dir", data_dir, "scenario", "--count", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    placed = [match.groups() for match in map(PLACEMENT.match, lines) if match]
    assert placed == [(str(rank), code) for rank, code in zip((1, 2, 3), plan["commune_code"])]
    assert "lifts" in lines[1] and lines[-1].startswith("In deserts: ")
    communes = read_published_tables(demo_build.settings.curated_dir)["accessibility_by_commune"]
    large = set(communes.loc[communes["population"] >= 2000, "commune_code"])
    assert main(["--data-dir", data_dir, "scenario", "--count", "2", "--min-population", "2000"]) == 0
    placed = [match.group(2) for match in map(PLACEMENT.match, capsys.readouterr().out.splitlines()) if match]
    assert len(placed) == 2 and set(placed) <= large
    structures = read_published_tables(demo_build.settings.curated_dir)["care_structure_locations"]
    with_msp = set(structures.loc[structures["kind"] == "maison_de_sante", "commune_code"])
    assert main(["--data-dir", data_dir, "scenario", "--count", "3", "--msp-only"]) == 0
    placed = [match.group(2) for match in map(PLACEMENT.match, capsys.readouterr().out.splitlines()) if match]
    assert len(placed) == 3 and set(placed) <= with_msp and with_msp != set(communes["commune_code"])
    assert main(["--data-dir", data_dir, "scenario", "--communes", "99999"]) == 2
    assert "99999" in capsys.readouterr().err
