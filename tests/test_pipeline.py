"""The whole pipeline materialised in-process on the demo territory."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest

from observatory.headline import HEADLINE_TABLES, headline_figures
from pipelines.assets.published import PUBLISHED_TABLES
from pipelines.checks import CHECKS
from pipelines.definitions import build_definitions


def test_every_asset_and_check_succeeds(demo_build):
    result = demo_build.result
    assert result.success
    materialised = {event.event_specific_data.materialization.asset_key.to_user_string()
                    for event in result.get_asset_materialization_events()}
    expected = {key.to_user_string() for key in build_definitions(demo_build.settings).resolve_asset_graph().get_all_asset_keys()}
    assert materialised == expected
    checks = result.get_asset_check_evaluations()
    assert len(checks) == len(CHECKS) and all(check.passed for check in checks)


def test_headline_figures_equal_what_the_generator_put_in(demo_build, spec):
    with duckdb.connect(str(demo_build.settings.database_path), read_only=True) as connection:
        figures = headline_figures({name: connection.table(name).df() for name in HEADLINE_TABLES})
        communes = connection.execute("select count(*), sum(population) from commune_reference").fetchone()
    assert communes == (spec.communes, spec.population)
    assert figures["population"] == spec.population
    assert figures["gps"] == spec.gps
    assert figures["gp_density"] == pytest.approx(spec.gps / spec.population * 10_000)
    assert figures["share_senior"] == pytest.approx(spec.gps_55_plus / spec.gps) == pytest.approx(0.56)
    assert figures["agency_accompanied"] == 194
    assert (figures["agency_installed"], figures["agency_installed_durable"], figures["agency_installed_replacement"]) == (46, 35, 11)
    assert figures["installations_by_quarter"]["2024-T1"] == 15
    assert figures["unavailable"] == "" and figures["agency_present"] and 0 < figures["apl"] < 10


def test_curated_outputs_are_published_as_duckdb_and_parquet(demo_build):
    curated = demo_build.settings.curated_dir
    with duckdb.connect(str(curated / "observatory.duckdb"), read_only=True) as connection:
        tables = {row[0] for row in connection.execute("show tables").fetchall()}
        quarantined = connection.execute("select dataset, file, count(*) from quarantine group by all order by 2").fetchall()
        # The spatial extension is loadable offline and contours are real geometries.
        from observatory.publish import load_spatial
        load_spatial(connection)
        area = connection.execute("select sum(ST_Area_Spheroid(ST_FlipCoordinates(geometry))) / 1e6 from commune_boundaries").fetchone()[0]
    assert tables == set(PUBLISHED_TABLES)
    # The three faulty lines of the register, in the current extract and in both earlier snapshots.
    assert quarantined == [("rpps_activities", "PS_LibreAcces_Personne_activite.txt", 3),
                           ("rpps_activities", "PS_LibreAcces_Personne_activite_202206300800.txt", 3),
                           ("rpps_activities", "PS_LibreAcces_Personne_activite_202306300800.txt", 3)]
    assert 6_000 < area < 7_500
    for name in PUBLISHED_TABLES:
        assert (curated / "parquet" / f"{name}.parquet").exists()
    source_report = pd.read_parquet(curated / "parquet" / "source_report.parquet")
    accounted = source_report["rows_accepted"] + source_report["rows_quarantined"] + source_report["rows_out_of_scope"]
    assert (accounted == source_report["rows_read"]).all()


def _personal_values(raw_dir) -> set[str]:
    """Names, e-mails, phone numbers and notes written into the demo's raw files."""
    roster = pd.read_csv(raw_dir / "repertoire_medecins_departement.csv", sep=";", dtype=str, keep_default_na=False)
    cases = pd.read_csv(raw_dir / "agence_dossiers.csv", sep=";", dtype=str, keep_default_na=False)
    values = set(cases["email"]) | set(cases["telephone"]) | set(cases["notes"]) | set(cases["id_dossier"])
    values |= {f"{first} {last}" for first, last in zip(cases["prenom"], cases["nom"])}
    values |= {f"{first} {last}" for first, last in zip(roster["prenom"], roster["nom"])}
    return values - {""}


def test_no_personal_data_in_curated_tables_or_site(demo_build):
    settings = demo_build.settings
    personal = _personal_values(settings.raw_dir)
    assert len(personal) > 500
    forbidden_columns = {"nom", "prenom", "email", "telephone", "notes", "birth_year", "rpps_id", "case_key", "case_id"}
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        for (table,) in connection.execute("show tables").fetchall():
            relation = connection.table(table)
            assert not forbidden_columns & set(relation.columns), table
            text_columns = [name for name, kind in zip(relation.columns, relation.dtypes) if str(kind) == "VARCHAR"]
            frame = relation.df()
            for column in text_columns:
                values = set(frame[column].dropna().astype(str))
                assert not values & personal, (table, column)
                assert not any(re.search(r"@|\b0[67](?: \d\d){4}\b", value) for value in values), (table, column)
    site_texts = [path.read_text(encoding="utf-8") for path in settings.site_dir.rglob("*")
                  if path.is_file() and path.suffix in {".html", ".csv"}]
    assert site_texts
    for text in site_texts:
        assert not [value for value in personal if value in text]




def test_definitions_describe_and_group_every_asset(demo_build):
    graph = build_definitions(demo_build.settings).resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key
        assert node.group_name in {"raw", "staged", "intermediate", "curated", "published"}, key


def test_indicators_over_time_follow_the_register_snapshots(demo_build, spec):
    settings = demo_build.settings
    cases = pd.read_csv(settings.raw_dir / "agence_dossiers.csv", sep=";", dtype=str, keep_default_na=False)
    gp_installs = pd.to_datetime(cases.loc[cases["identifiant_rpps"] != "", "date_installation"], format="%d/%m/%Y")
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        series = connection.execute("select snapshot_date, gps, apl from indicators_over_time "
                                    "where level = 'departement' order by snapshot_date").df()
        current_apl = connection.execute("select apl from accessibility_by_departement").fetchone()[0]
        levels = connection.execute("select level, count(*) from indicators_over_time group by all order by 1").fetchall()
    assert series["snapshot_date"].dt.date.tolist() == [*spec.snapshot_dates, spec.reference_date]
    # 2022-06-30: the current GPs, less those the agency installed since, plus those who left since.
    first = pd.Timestamp(spec.snapshot_dates[0])
    assert series["gps"].iloc[0] == spec.gps - int((gp_installs > first).sum()) + spec.departed_gps
    assert series["gps"].iloc[-1] == spec.gps
    assert series["apl"].iloc[-1] == pytest.approx(current_apl, rel=1e-12)
    assert levels == [("commune", 3 * spec.communes), ("departement", 3), ("epci", 3 * spec.epcis)]


def test_a_build_depends_on_its_inputs_and_settings_not_on_the_clock(demo_build, tmp_path):
    """The same raw files and settings, built three years later by the clock, publish the
    same tables: no step reads today's date (the reference date is a setting)."""
    import shutil
    from dataclasses import replace
    from datetime import datetime, timezone

    import dagster as dg
    import time_machine

    later = replace(demo_build.settings, data_dir=tmp_path / "data", map_exports=False)
    shutil.copytree(demo_build.settings.raw_dir, later.raw_dir)
    definitions = build_definitions(later)
    with time_machine.travel(datetime(2027, 11, 23, 9, 30, tzinfo=timezone.utc), tick=True):
        assert dg.materialize(definitions.assets, resources=definitions.resources).success
    first, again = demo_build.settings.curated_dir / "parquet", later.curated_dir / "parquet"
    names = sorted(path.name for path in first.glob("*.parquet"))
    assert names == sorted(path.name for path in again.glob("*.parquet")) and len(names) == len(PUBLISHED_TABLES)
    for name in names:
        pd.testing.assert_frame_equal(pd.read_parquet(again / name), pd.read_parquet(first / name), obj=name)
