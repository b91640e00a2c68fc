"""Readers on real public files from ../shared/data (skipped, saying why, when absent)."""

from __future__ import annotations

from observatory.sources.communes import read_commune_contours
from observatory.sources.rpps import read_rpps_extract


def test_rpps_reader_on_the_real_extract(shared_data):
    path = shared_data / "rpps" / "PS_LibreAcces_Personne_activite_small.txt"
    staged = read_rpps_extract(path, ("01",))
    # 22 activity lines; 7 are located in Ain (01), the others elsewhere or nowhere.
    assert staged.rows_read == 22
    assert len(staged.table) == 7 and staged.rejects.empty and staged.out_of_scope == 15
    assert sorted(staged.table["commune_code"]) == ["01004", "01004", "01034", "01053", "01053", "01241", "01451"]
    assert set(staged.table["profession_code"]) == {"86", "94", "96", "98"}
    assert staged.stats["encoding"] == "utf8"


def test_rpps_reader_reads_the_real_extract_reencoded_in_latin1(shared_data, tmp_path):
    text = (shared_data / "rpps" / "PS_LibreAcces_Personne_activite_small.txt").read_text(encoding="utf-8")
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    staged = read_rpps_extract(path, ("01",))
    assert staged.stats["encoding"] == "latin1"
    assert "Ergothérapeute" in set(staged.table["profession_label"])


def test_contours_reader_on_real_loir_et_cher_contours(shared_data):
    staged = read_commune_contours(shared_data / "boundaries" / "gregoiredavid_communes-41-loir-et-cher.geojson", ("41",))
    assert len(staged.table) == 272 and staged.rejects.empty
    # Loir-et-Cher covers 6 343 km².
    assert 6_250 < staged.table["area_km2"].sum() < 6_450
    blois = staged.table.set_index("commune_code").loc["41018"]
    assert blois["commune_name"] == "Blois"
    assert 1.25 < blois["lon"] < 1.40 and 47.55 < blois["lat"] < 47.65


def test_population_reader_on_the_real_commune_table(shared_data):
    from observatory.sources.population import read_population

    staged = read_population(shared_data / "other" / "communes_cog2024_centroides_pop_dep41_47.csv", ("41",))
    assert len(staged.table) == 267 and staged.out_of_scope == 319  # Lot-et-Garonne's communes
    # Two communes nouvelles are listed once per postcode: counted once, the repeats quarantined.
    assert staged.rejects["reason"].str.startswith("duplicate commune").sum() == 3
    assert staged.table["population"].sum() == 328_504
    assert staged.stats["census_year"] == 2021 and not staged.stats["age_bands"]
    assert staged.table["pop_75_plus"].isna().all()  # unknown, not zero
    lot_et_garonne = read_population(shared_data / "other" / "communes_cog2024_centroides_pop_dep41_47.csv", ("47",))
    assert len(lot_et_garonne.table) == 319


def test_benchmark_reader_on_the_real_ameli_file(shared_data):
    from observatory.sources.gp_benchmark import read_gp_benchmark

    staged = read_gp_benchmark(shared_data / "other" / "ameli_demographie_ps_liberaux_2024_departement.csv", ("41", "47"))
    rows = staged.table.set_index("departement_code")
    assert rows.loc["41", "headcount"] == 211 and rows.loc["41", "density_per_100k"] == 64.4
    assert rows.loc["47", "departement_name"] == "Lot-et-Garonne"
    assert staged.rows_read == 4560


def test_former_communes_of_loir_et_cher_are_mapped_from_the_earlier_contours(shared_data):
    from observatory.sources.commune_history import build_history

    boundaries = shared_data / "boundaries"
    current = read_commune_contours(boundaries / "derived_communes-41_cog2023_from_gregoiredavid2018.geojson", ("41",))
    previous = read_commune_contours(boundaries / "gregoiredavid_communes-41-loir-et-cher.geojson", ("41",))
    history = build_history(current.table, previous.table, None, "previous.geojson")
    mapping = dict(zip(history.table["old_code"], history.table["new_code"]))
    # Feings, Fougères-sur-Bièvre, Ouchamps and Thenay merged into Le Controis-en-Sologne;
    # Tréhet into Vallée-de-Ronsard.
    assert mapping == {"41082": "41059", "41092": "41059", "41170": "41059", "41257": "41059", "41263": "41070"}
    assert history.rejects.empty
    assert (history.table["overlap_share"] > 0.99).all()


def test_rpps_line_with_a_former_commune_code_is_moved_to_the_current_commune(shared_data, tmp_path):
    real = (shared_data / "rpps" / "PS_LibreAcces_Personne_activite_small.txt").read_text(encoding="utf-8").splitlines()
    header = real[0].split("|")
    fields = real[-1].split("|")  # the real extract's physician line, relocated to Feings (41082)
    fields[header.index("Code commune (coord. structure)")] = "41082"
    unknown = list(fields)
    unknown[header.index("Code commune (coord. structure)")] = "41999"
    unknown[header.index("Identifiant PP")] = "10000000999"
    path = tmp_path / "rpps.txt"
    path.write_text("\n".join([real[0], "|".join(fields), "|".join(unknown)]) + "\n", encoding="utf-8")
    staged = read_rpps_extract(path, ("41",), known_communes={"41059", "41018"}, history={"41082": "41059"})
    assert staged.table["commune_code"].tolist() == ["41059"]
    assert staged.table["commune_code_source"].tolist() == ["41082"]
    assert staged.stats["former_codes_mapped"] == 1
    assert "'41999' unknown to the commune reference and its history" in staged.rejects["reason"][0]


def test_the_departements_around_loir_et_cher_hold_its_whole_border_ring(shared_data):
    """The départements fetched for the ring are the six that touch Loir-et-Cher and those
    whose contour comes within the ring's distance; none far away, and every commune the
    ring draws from the neighbours' real contours lies in one of them."""
    import pandas as pd

    from observatory.accessibility.border_ring import FASTEST_ROAD, departements_around, ring_of
    from observatory.sources.communes import read_commune_contours, read_contour_files, read_departement_contours

    boundaries = shared_data / "boundaries"
    territory = read_commune_contours(boundaries / "derived_communes-41_cog2023_from_gregoiredavid2018.geojson",
                                      ("41",)).table
    departements = read_departement_contours(boundaries / "gregoiredavid_departements-version-simplifiee.geojson")
    around = departements_around(territory, departements, 20.0)
    assert {"18", "28", "36", "37", "45", "72"} <= set(around) and "41" not in around
    assert not {"2A", "2B", "13", "67", "29", "64"} & set(around)
    assert len(around) < 25
    touching = departements_around(territory, departements, 0.0)
    assert touching == ["18", "28", "36", "37", "45", "72"]  # reach 0: the départements sharing a border
    neighbours = read_contour_files(sorted((boundaries / "neighbours").glob("*.geojson")),
                                    ("18", "28", "36", "37", "45", "72")).table
    ring = ring_of(pd.DataFrame(territory), pd.DataFrame(neighbours), 20.0, FASTEST_ROAD)
    assert len(ring) > 500 and set(ring["commune_code"].str.slice(0, 2)) <= set(around)


def test_the_cnam_file_gives_the_departement_its_region_and_france(shared_data):
    from observatory.indicators.benchmark import density_references
    from observatory.sources.gp_benchmark import read_gp_benchmark

    staged = read_gp_benchmark(shared_data / "other" / "ameli_demographie_ps_liberaux_2024_departement.csv", ("41",))
    references = density_references(staged.table)
    assert references[["level", "code", "name", "year", "liberal_gps", "density_per_100k"]].values.tolist() == [
        ["departement", "41", "Loir-et-Cher", 2024, 211.0, 64.4],
        ["region", "24", "Centre-Val de Loire", 2024, 1697.0, 65.7],
        ["france", "FR", "France", 2024, 55546.0, 81.0]]


def test_web_contours_keep_every_commune_and_their_shared_borders(shared_data):
    """Simplified for the web as one coverage: no gap or overlap appears between neighbours,
    no commune is lost, and the file shrinks."""
    import json

    import shapely

    from observatory.dashboard.figures import plotly_geojson
    from observatory.sources.communes import read_commune_contours

    communes = read_commune_contours(shared_data / "boundaries" / "gregoiredavid_communes-41-loir-et-cher.geojson",
                                     ("41",)).table
    web = plotly_geojson(communes)
    shapes = shapely.from_geojson([json.dumps(feature["geometry"]) for feature in web["features"]])
    assert [feature["id"] for feature in web["features"]] == communes["commune_code"].tolist()
    assert shapely.coverage_is_valid(shapes) and shapely.is_valid(shapes).all() and (shapely.area(shapes) > 0).all()
    assert shapely.get_num_coordinates(shapes).sum() < 0.95 * shapely.get_num_coordinates(communes.geometry.values).sum()
    total = shapely.area(shapely.union_all(shapes))
    assert abs(total - shapely.area(shapely.union_all(communes.geometry.values))) / total < 0.01
