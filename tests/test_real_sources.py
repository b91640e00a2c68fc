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
