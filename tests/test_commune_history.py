"""Former commune codes: mapped by INSEE's movements first, else by where 90 % of a former
commune's area lies now; what cannot be mapped is quarantined with its line, never dropped.

The geometries are squares in Lambert-93 metres, so that every share is a fraction written
by hand (a former commune of 100 m × 100 m, 90 m of it in one current commune: 90 %)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from observatory.sources.commune_history import build_history, derive_from_contours, modernise, read_insee_movements, resolve

HEADER = "MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,TYPECOM_AP,COM_AP,TNCC_AP,NCC_AP,NCCENR_AP,LIBELLE_AP\n"


def _communes(rows: list[tuple[str, tuple[float, float, float, float]]], lines: bool = False) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame({"commune_code": [code for code, _ in rows]},
                             geometry=[box(*bounds) for _, bounds in rows], crs="EPSG:2154")
    if lines:
        frame["line"] = range(2, len(rows) + 2)  # the data lines of the earlier contours' file
    return frame


# Today's communes: 41018 unchanged; 41059 absorbed 41082; 41100 holds 90 % of 41092 (41101
# the rest); 41200 and 41201 split 41170 half and half; 41257 lay where no commune is today.
CURRENT = _communes([("41018", (-200, 0, -100, 100)), ("41059", (0, 0, 200, 100)), ("41100", (300, 0, 390, 100)),
                     ("41101", (390, 0, 500, 100)), ("41200", (500, 0, 550, 100)), ("41201", (550, 0, 700, 100))])
PREVIOUS = _communes([("41018", (-200, 0, -100, 100)), ("41082", (0, 0, 100, 100)), ("41092", (300, 0, 400, 100)),
                      ("41170", (500, 0, 600, 100)), ("41257", (2000, 0, 2100, 100))], lines=True)


def test_a_former_commune_goes_where_at_least_90_percent_of_its_area_lies():
    mapping, unmapped = derive_from_contours(PREVIOUS, CURRENT)
    assert mapping.columns.tolist() == ["old_code", "new_code", "method", "overlap_share"]
    assert mapping.sort_values("old_code").values.tolist() == [["41082", "41059", "contours_overlap", 1.0],
                                                              ["41092", "41100", "contours_overlap", 0.9]]
    assert unmapped.columns.tolist() == ["old_code", "reason"]
    assert unmapped.sort_values("old_code").values.tolist() == [
        ["41170", "largest share in one current commune is 50%"],
        ["41257", "largest share in one current commune is 0%"]]


def test_below_90_percent_a_former_commune_is_not_mapped():
    current = _communes([("41100", (300, 0, 389, 100)), ("41101", (389, 0, 500, 100))])  # 89 %
    mapping, unmapped = derive_from_contours(_communes([("41092", (300, 0, 400, 100))]), current)
    assert mapping.empty and unmapped.values.tolist() == [["41092", "largest share in one current commune is 89%"]]


def test_contours_of_the_same_vintage_map_nothing():
    mapping, unmapped = derive_from_contours(CURRENT, CURRENT)
    assert mapping.columns.tolist() == ["old_code", "new_code", "method", "overlap_share"] and mapping.empty
    assert unmapped.columns.tolist() == ["old_code", "reason"] and unmapped.empty


def _movements(tmp_path, *lines: str):
    path = tmp_path / "v_mvt_commune_2024.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_movements_keep_mergers_between_communes_and_each_codes_latest_move(tmp_path):
    path = _movements(
        tmp_path,
        '41,2019-01-01,COM,41092,0,X,X,"Fougères-sur-Bièvre, ancienne",COM,41059,0,X,X,X',  # a quoted comma
        "32,2016-01-01,COM,41092,0,X,X,X,COM,41100,0,X,X,X",  # earlier, listed after: not its last move
        "32,2016-01-01,COM,41082,0,X,X,X,COMD,41082,0,X,X,X",  # now a commune déléguée: not a move
        "32,2016-01-01,COM,41263,0,X,X,X,COMD,41264,0,X,X,X",  # a commune déléguée elsewhere: not a move
        "21,2016-01-01,ARM,41300,0,X,X,X,COM,41301,0,X,X,X",
        "10,2016-01-01,COM,41018,0,X,X,X,COM,41018,0,X,X,X")  # renamed, same code
    moves, malformed = read_insee_movements(path)
    assert moves.values.tolist() == [["41092", "41059", "insee_movements", 1.0]]
    assert moves.index.tolist() == [0] and malformed.empty


def test_a_malformed_movement_line_is_quarantined_with_its_line(tmp_path):
    path = _movements(tmp_path, "32,2016-01-01,COM,41082,0,X,X,X,COM,41059,0,X,X,X", "32,2016-01-01,COM,41092")
    history = build_history(CURRENT, None, path, "")
    assert history.table["old_code"].tolist() == ["41082"]
    assert history.rejects[["dataset", "file", "line"]].values.tolist() == [["commune_history", path.name, 3]]
    assert history.rows_read == 2


def test_malformed_movements_and_unplaceable_communes_are_quarantined_together(tmp_path):
    path = _movements(tmp_path, "32,2016-01-01,COM,41092", "32,2016-01-01,COM,41082,0,X,X,X,COM,41059,0,X,X,X")
    history = build_history(CURRENT, PREVIOUS, path, "communes-2018.geojson")
    assert history.rejects[["file", "line"]].values.tolist() == [
        [path.name, 2], ["communes-2018.geojson", 5], ["communes-2018.geojson", 6]]
    assert history.rejects.index.tolist() == [0, 1, 2]


def test_movements_come_first_then_contours_and_the_unmappable_are_quarantined(tmp_path):
    # INSEE says 41092 went to 41101 (the contours would say 41100) and 41170 to 41201.
    path = _movements(tmp_path, "32,2016-01-01,COM,41092,0,X,X,X,COM,41101,0,X,X,X",
                      "32,2016-01-01,COM,41170,0,X,X,X,COM,41201,0,X,X,X")
    history = build_history(CURRENT, PREVIOUS, path, "communes-2018.geojson")
    assert history.table.values.tolist() == [["41092", "41101", "insee_movements", 1.0],
                                             ["41170", "41201", "insee_movements", 1.0],
                                             ["41082", "41059", "contours_overlap", 1.0]]
    assert history.table.index.tolist() == [0, 1, 2] and history.table["overlap_share"].dtype == "float64"
    assert history.rejects[["dataset", "file", "line", "field", "reason"]].values.tolist() == [
        ["commune_history", "communes-2018.geojson", 6, "commune_code",
         "former commune 41257 not mapped to the current geography: largest share in one current commune is 0%"]]
    assert history.rows_read == 4 and history.stats == {"mapped": 3, "unmapped": 1}


def test_contours_alone_quarantine_each_former_commune_they_cannot_place():
    history = build_history(CURRENT, PREVIOUS, None, "communes-2018.geojson")
    assert sorted(history.table["old_code"]) == ["41082", "41092"]
    assert history.rejects["line"].tolist() == [5, 6]  # 41170 and 41257, by their line in the earlier file
    assert history.rejects["reason"].str.startswith("former commune 4117").tolist() == [True, False]
    assert history.rows_read == 4 and history.stats == {"mapped": 2, "unmapped": 2}


def test_without_movements_or_earlier_contours_nothing_is_mapped():
    history = build_history(CURRENT, None, None, "")
    assert history.table.columns.tolist() == ["old_code", "new_code", "method", "overlap_share"]
    assert history.table.empty and history.rejects.empty and history.rows_read == 0
    assert history.stats == {"mapped": 0, "unmapped": 0}


def test_chains_of_movements_end_at_todays_code_even_around_a_loop():
    mapping = pd.DataFrame({"old_code": ["a", "b", "c", "x"], "new_code": ["b", "c", "b", "y"]})
    assert resolve(mapping) == {"a": "c", "b": "c", "c": "b", "x": "y"}


@pytest.mark.parametrize("dtype", ["string", "category"])
def test_modernised_codes_keep_their_type_and_their_missing_values(dtype):
    codes = pd.Series(["41082", None, "41018"], dtype=dtype)
    modern = modernise(codes, {"41082": "41059"})
    assert modern.dtype == codes.dtype if dtype == "string" else modern.dtype.name == "category"
    assert modern.iloc[0] == "41059" and pd.isna(modern.iloc[1]) and modern.iloc[2] == "41018"
