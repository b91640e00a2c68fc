"""The indicator catalogue: every published column described once, and used wherever a
figure is shown or exported."""

from __future__ import annotations

import pandas as pd
import pytest

from observatory import catalogue
from observatory.confidential import PUBLISHED_MARGINS
from observatory.publish import read_published_tables

COUNT_UNITS = {"médecins", "installations", "dossiers", "professionnels", "bourses", "internes"}


def test_every_entry_is_complete_and_names_known_sources():
    raw = catalogue._catalogue()
    for key, entry in raw["columns"].items():
        assert {"label", "unit", "definition", "meaning", "sources"} <= set(entry), key
        assert all(str(entry[field]).strip() for field in ("label", "unit", "definition", "meaning")), key
        assert entry["sources"] and set(entry["sources"]) <= set(raw["sources"]), key


def test_a_key_given_twice_is_refused_not_silently_overridden():
    """YAML keeps a repeated key's last value: the agency's « profession » once described the
    register's in every profession table (and named the agency, a non-public source, as theirs)."""
    import yaml

    with pytest.raises(yaml.YAMLError, match=r"(?s)keys given twice: profession.*line 2"):
        catalogue.load("columns:\n  profession: {label: A}\n  gps: {label: B}\n  profession: {label: C}\n")
    assert catalogue.load("a: &x {b: 1}\nc: *x\n") == {"a": {"b": 1}, "c": {"b": 1}}  # aliases still read
    assert catalogue.describe("profession_supply_by_commune", "profession").sources == ("rpps",)
    assert catalogue.describe("agency_funnel_by_profession", "profession").non_public


def test_a_column_is_non_public_exactly_when_a_source_is():
    assert catalogue.describe("gp_supply_by_commune", "share_senior").non_public  # the roster
    assert catalogue.describe("agency_funnel", "cases").non_public  # the agency
    assert not catalogue.describe("gp_supply_by_commune", "gp_density").non_public  # RPPS and INSEE
    assert catalogue.describe("plan_budget_outcomes", "installations_attributable").non_public  # agency + budget
    assert not catalogue.describe("plan_budget_outcomes", "spend_eur").non_public


def test_lookup_prefers_the_table_entry_then_the_column_then_a_pattern():
    assert catalogue.describe("care_structure_locations", "name").label == "Établissement"
    assert catalogue.describe("indicators_over_time", "name").label == "Nom"
    assert catalogue.describe("commune_reference", "age_35_39").unit == "habitants"
    assert catalogue.describe("anything", "no_such_column") is None
    with pytest.raises(KeyError, match="t.no_such_column has no entry"):
        catalogue.data_dictionary({"t": pd.DataFrame(columns=["no_such_column"])})


def test_every_published_column_is_in_the_site_dictionary(demo_build):
    published = read_published_tables(demo_build.settings.curated_dir)
    dictionary = pd.read_csv(demo_build.settings.site_dir / "data" / "dictionnaire_des_donnees.csv", sep=";",
                             encoding="utf-8-sig")
    expected = {(table, column) for table, frame in published.items() for column in frame.columns}
    assert set(zip(dictionary["table"], dictionary["colonne"])) == expected
    assert dictionary["libelle"].notna().all() and dictionary["definition"].notna().all()
    method = (demo_build.settings.site_dir / "methode.html").read_text(encoding="utf-8")
    assert "Dictionnaire des données" in method and method.count("<details>") == len(published)
    assert "Ce que cela signifie" in method


def test_no_small_count_from_non_public_data_is_published(demo_build):
    """Counts the catalogue says come from the roster or the agency are never 1 to 4 once
    published, but the totals of a protected breakdown."""
    threshold = demo_build.settings.small_count_threshold
    published = read_published_tables(demo_build.settings.curated_dir)
    checked = 0
    for table, frame in published.items():
        for column in frame.columns:
            entry = catalogue.describe(table, column)
            if not entry.non_public or entry.unit not in COUNT_UNITS or column in PUBLISHED_MARGINS:
                continue
            values = pd.to_numeric(frame[column], errors="coerce")
            assert not values.between(1, threshold - 1).any(), f"{table}.{column}"
            checked += 1
    assert checked >= 20


def test_dagster_describes_each_curated_column_from_the_catalogue(demo_build):
    materialised = {event.asset_key.to_user_string(): event.materialization.metadata
                    for event in demo_build.result.get_asset_materialization_events()}
    schema = materialised["gp_supply_by_commune"]["dagster/column_schema"].schema
    columns = {column.name: column.description for column in schema.columns}
    assert columns["gp_density"].startswith("Densité de médecins généralistes (médecins pour 10 000 habitants)")
    assert columns["share_senior"].endswith("Non public.")
    assert "not described" not in " ".join(columns.values())


def test_the_browser_gets_labels_and_class_names_from_the_catalogue(demo_build):
    script = (demo_build.settings.site_dir / "data" / "territoires.js").read_text(encoding="utf-8")
    assert '"densite": "Densité de médecins généralistes (médecins pour 10 000 habitants)"' in script
    assert '"desert": "Désert médical"' in script
    code = (demo_build.settings.site_dir / "assets" / "observatoire.js").read_text(encoding="utf-8")
    assert "Désert médical" not in code and "Densité" not in code  # no label written twice
