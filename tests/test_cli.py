"""The operator's command line: a build that prints the headline, a refresh that fails safely."""

from __future__ import annotations

import shutil

from pipelines.cli import main
from observatory.sources.catalog import DEMO_SOURCES, sha256_of


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
