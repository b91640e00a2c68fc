"""The whole pipeline on the real public files of Loir-et-Cher (41) from ../shared/data."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from observatory.settings import Settings


@pytest.fixture(scope="module")
def loir_et_cher(shared_data, tmp_path_factory):
    """data/raw/41/ laid out as an operator would, with links to the real files (no copy)."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    settings = Settings(data_dir=tmp_path_factory.mktemp("real-41"), territory="41", allow_download=False)
    raw = settings.raw_dir
    (raw / "previous").mkdir(parents=True)
    links = {
        raw / "PS_LibreAcces_Personne_activite_small.txt": shared_data / "rpps" / "PS_LibreAcces_Personne_activite_small.txt",
        raw / "communes_cog2024_centroides_pop_dep41_47.csv": shared_data / "other" / "communes_cog2024_centroides_pop_dep41_47.csv",
        raw / "derived_communes-41_cog2023.geojson": shared_data / "boundaries" / "derived_communes-41_cog2023_from_gregoiredavid2018.geojson",
        raw / "previous" / "communes-41-2018.geojson": shared_data / "boundaries" / "gregoiredavid_communes-41-loir-et-cher.geojson",
        raw / "ameli_demographie_ps_liberaux_2024_departement.csv": shared_data / "other" / "ameli_demographie_ps_liberaux_2024_departement.csv",
    }
    for link, target in links.items():
        link.symlink_to(target)
    definitions = build_definitions(settings)
    result = dg.materialize([*definitions.assets, *definitions.asset_checks], resources=definitions.resources)
    return settings, result


def test_the_real_territory_materialises_and_publishes(loir_et_cher):
    settings, result = loir_et_cher
    assert result.success
    failed = {c.check_name: c.severity.value for c in result.get_asset_check_evaluations() if not c.passed}
    # The RPPS file at hand is a 22-line sample with no Loir-et-Cher practitioner: the
    # coverage warning says so, and nothing else fails.
    assert failed == {"register_covers_benchmark": "WARN"}
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        communes, population = connection.execute("select count(*), sum(population) from commune_reference").fetchone()
        departement = connection.execute("select departement_name, gps, gp_density, share_senior from gp_supply_by_departement").fetchone()
        coverage = connection.execute("select benchmark_liberal_gps, register_liberal_gps from gp_register_coverage").fetchone()
        sources = dict(connection.execute("select dataset, present from source_report").fetchall())
        quarantine = connection.execute("select dataset, count(*) from quarantine group by all order by 1").fetchall()
    assert (communes, population) == (267, 328_504)
    assert departement == ("Loir-et-Cher", 0, 0.0, None)  # no roster: the 55+ share is unknown, not 0
    assert coverage == (211, 0)
    assert sources["gp_roster"] is False and sources["agency_cases"] is False and sources["commune_code_history"] is True
    assert quarantine == [("population", 3)]  # the per-postcode repeats; every former commune was mapped


def test_the_real_territory_dashboard_says_what_is_missing(loir_et_cher):
    settings, _ = loir_et_cher
    index = (settings.site_dir / "index.html").read_text(encoding="utf-8")
    assert "Loir-et-Cher" in index and "SYNTHÉTIQUES" not in index
    assert "Attention : registre incomplet" in index and "211" in index
    agency = (settings.site_dir / "agence.html").read_text(encoding="utf-8")
    assert "Aucune donnée de l'agence pour ce territoire." in agency


def test_the_real_territory_accessibility_is_computed_but_not_classed_on_a_partial_register(loir_et_cher):
    settings, _ = loir_et_cher
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        communes = connection.execute("select count(*), count(desert_class), bool_or(register_complete), "
                                      "count(*) filter (where apl = 0) from accessibility_by_commune").fetchone()
        departement = connection.execute("select share_unclassified, desert_class from accessibility_by_departement").fetchone()
        pairs = connection.execute("select count(*), count(*) filter (where origin = destination) from commune_travel_times").fetchone()
    assert communes == (267, 0, False, 267)  # APL 0 for want of GPs in the sample: no class is claimed
    assert departement == (1.0, None)
    assert pairs[1] == 267 and pairs[0] > 267 * 20


def test_e2sfca_matches_pysal_on_the_real_loir_et_cher_geography(loir_et_cher):
    """Real communes, populations and travel times; as supply, one full-time GP in each
    commune of 2 000 inhabitants or more (a test input, never published)."""
    from test_accessibility import pysal_e2sfca

    from observatory.accessibility.e2sfca import e2sfca_frame

    settings, _ = loir_et_cher
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        pairs = connection.table("commune_travel_times").df()
        reference = connection.table("commune_reference").df().set_index("commune_code")
    locations = pd.DataFrame({"demand": reference["population"],
                              "supply": (reference["population"] >= 2000) * 4900.0}, index=reference.index)
    ours = e2sfca_frame(pairs, locations, "demand", "supply")
    assert abs(ours - pysal_e2sfca(pairs, locations)).max() <= 1e-9
    assert (ours > 0).sum() > 200
