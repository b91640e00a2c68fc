"""Zonings (CPTS, bassins de vie, cantons…): reading, faulty lines, and indicators per zone
from the same functions as the EPCIs', against values computed here by hand or with pandas."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from observatory.indicators.deserts import accessibility_by_level
from observatory.indicators.gp_supply import gp_supply
from observatory.indicators.zones import per_zoning, structures_by_level
from observatory.sources.errors import SourceFormatError
from observatory.sources.zonings import coverage, read_zoning, read_zonings

COMMUNES = {"41001", "41002", "41003", "41004", "41005"}
TERRITORY = ("41",)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def accounted(staged) -> bool:
    return staged.rows_read == staged.rows_accepted + len(staged.rejects) + staged.out_of_scope


def test_a_cpts_file_is_read_with_its_names(tmp_path):
    path = write(tmp_path / "cpts.csv", "code_commune;code_zone;nom_zone;nom_zonage\n"
                                        "41001;C1;CPTS du Blaisois;CPTS de Loir-et-Cher\n41002;C1;CPTS du Blaisois;\n"
                                        "41003;C2;CPTS Sologne;\n")
    staged = read_zoning(path, COMMUNES, {}, TERRITORY)
    assert staged.table[["zoning", "zoning_label", "commune_code", "zone_code", "zone_name", "line"]].values.tolist() == [
        ["cpts", "CPTS de Loir-et-Cher", "41001", "C1", "CPTS du Blaisois", 2],
        ["cpts", "CPTS de Loir-et-Cher", "41002", "C1", "CPTS du Blaisois", 3],
        ["cpts", "CPTS de Loir-et-Cher", "41003", "C2", "CPTS Sologne", 4]]
    assert staged.rejects.empty and accounted(staged)


def test_faulty_lines_are_quarantined_with_their_line_and_field(tmp_path):
    path = write(tmp_path / "territoires_de_sante.csv",
                 "CODGEO,zone\n"
                 "41001,T1\n"      # 2 accepted
                 "4100X,T1\n"      # 3 malformed code
                 "41999,T1\n"      # 4 not a commune of the contours
                 "41002,\n"        # 5 no zone
                 "41003,T1\n"      # 6 in two zones: both lines out
                 "41003,T2\n"      # 7
                 "41004,T2\n"      # 8 accepted
                 "41004,T2\n"      # 9 the same line again
                 "37001,T9\n"      # 10 another département: out of scope
                 "41OLD,T2\n")     # 11 a former code, mapped
    staged = read_zoning(path, COMMUNES, {"41OLD": "41005"}, TERRITORY)
    assert staged.table[["commune_code", "zone_code", "line"]].values.tolist() == [
        ["41001", "T1", 2], ["41004", "T2", 8], ["41005", "T2", 11]]
    assert staged.table["zoning_label"].unique().tolist() == ["Territoires de santé"]
    assert staged.table["zone_name"].tolist() == ["T1", "T2", "T2"]  # no name column: the code names the zone
    rejects = staged.rejects.sort_values("line")
    assert rejects[["line", "field"]].values.tolist() == [[3, "CODGEO"], [4, "CODGEO"], [5, "zone"], [6, "zone"],
                                                          [7, "zone"], [9, "CODGEO"]]
    assert rejects["reason"].tolist()[3] == "commune given two different zones of this zoning"
    assert rejects["file"].unique().tolist() == ["territoires_de_sante.csv"]
    assert staged.out_of_scope == 1 and accounted(staged)


def test_a_file_without_a_zone_column_is_refused_naming_it(tmp_path):
    path = write(tmp_path / "cpts.csv", "code_commune;libelle\n41001;x\n")
    with pytest.raises(SourceFormatError, match=r"cpts\.csv, line 1, field 'code_zone'"):
        read_zoning(path, COMMUNES, {}, TERRITORY)


def test_one_zoning_in_two_files_is_refused(tmp_path):
    first = write(tmp_path / "cpts.csv", "code_commune;code_zone\n41001;A\n")
    second = write(tmp_path / "CPTS.CSV", "code_commune;code_zone\n41002;B\n")
    with pytest.raises(SourceFormatError, match="zoning 'cpts' is given by"):
        read_zonings([first, second], COMMUNES, {}, TERRITORY)


def insee_workbook(path: Path) -> Path:
    """INSEE's table d'appartenance in its published layout: title rows, then the header."""
    book = Workbook()
    sheet = book.active
    sheet.title = "COM"
    for row in (["Table d'appartenance géographique des communes au 1er janvier 2025"], [], ["Source : Insee, COG"], [],
                [], ["CODGEO", "LIBGEO", "DEP", "REG", "EPCI", "NATURE_EPCI", "ARR", "CV", "BV2022"],
                ["41001", "Ambloy", "41", "24", "200030385", "CC", "413", "4101", "41269"],
                ["41002", "Angé", "41", "24", "200030385", "CC", "412", "4103", "41269"],
                ["37001", "Abilly", "37", "24", "200043123", "CC", "372", "3701", "37050"],
                ["41003", "Areines", "41", "24", "200030385", "CC", "413", "", "41269"]):
        sheet.append(row)
    names = book.create_sheet("Zones_supra_communales")
    for row in (["Libellés des zones"], [], [], [], [], ["NIVGEO", "CODGEO", "LIBGEO", "NB_COM"],
                ["BV2022", "41269", "Vendôme", "40"], ["CV", "4101", "Montoire-sur-le-Loir", "20"],
                ["ARR", "413", "Vendôme", "100"]):
        names.append(row)
    book.save(path)
    return path


def test_insee_membership_table_gives_each_zoning_with_its_names(tmp_path):
    (tmp_path / "zonages").mkdir()
    staged = read_zoning(insee_workbook(tmp_path / "zonages" / "table-appartenance-geo-communes-2025.xlsx"), COMMUNES,
                         {}, TERRITORY)
    table = staged.table.sort_values(["zoning", "commune_code"])
    assert sorted(set(table["zoning"])) == ["arr", "bv2022", "cv"]
    bv = table[table["zoning"] == "bv2022"]
    assert bv[["commune_code", "zone_code", "zone_name", "line"]].values.tolist() == [
        ["41001", "41269", "Vendôme", 7], ["41002", "41269", "Vendôme", 8], ["41003", "41269", "Vendôme", 10]]
    assert bv["zoning_label"].unique().tolist() == ["Bassins de vie (2022)"]
    cantons = table[table["zoning"] == "cv"]
    assert cantons[["commune_code", "zone_code", "zone_name"]].values.tolist() == [
        ["41001", "4101", "Montoire-sur-le-Loir"], ["41002", "4103", "4103"]]  # 4103 unnamed: its code
    assert staged.rejects[["line", "field", "reason"]].values.tolist() == [[10, "zone", "no zone"]]
    assert staged.out_of_scope == 3 and accounted(staged)  # Abilly (37), in each of the three zonings


def test_coverage_counts_the_communes_a_zoning_leaves_out():
    zonings = pd.DataFrame({"zoning": "cpts", "zoning_label": "CPTS", "commune_code": ["41001", "41002"],
                            "zone_code": ["A", "B"], "zone_name": ["A", "B"]})
    reference = pd.DataFrame({"commune_code": ["41001", "41002", "41003"], "population": [100.0, 200.0, 50.0]})
    assert coverage(zonings, reference).values.tolist() == [["cpts", "CPTS", 2, 2, 1, 50.0]]


# Three communes of one département, two EPCIs; the CPTS "Z" straddles them: communes 1 and 3.
REFERENCE = pd.DataFrame({"commune_code": ["41001", "41002", "41003"], "commune_name": ["Un", "Deux", "Trois"],
                          "epci_code": ["E", "E", "F"], "epci_name": ["CC E", "CC E", "CC F"],
                          "departement_code": "41", "departement_name": "Loir-et-Cher",
                          "population": [1000.0, 3000.0, 4000.0]})
ZONES = pd.DataFrame({"zoning": "cpts", "zoning_label": "CPTS", "commune_code": ["41001", "41003"],
                      "zone_code": "Z", "zone_name": "CPTS Z"})


def test_gp_supply_per_zone_by_hand():
    gps = pd.DataFrame({"rpps_id": ["a", "b", "c", "d"], "commune_code": ["41001", "41002", "41003", "41003"],
                        "age": [60, 40, 58, None], "fte": [1.0, 1.0, 0.5, None]})
    complete = pd.Series([True], index=["41"])
    table = per_zoning(REFERENCE, ZONES, lambda communes: gp_supply(gps, communes, "zone", 55, complete))
    row = table.iloc[0]
    assert (row["zoning"], row["zone_code"], row["zone_name"], row["communes"]) == ("cpts", "Z", "CPTS Z", 2)
    assert (row["population"], row["gps"], row["gps_age_known"], row["gps_senior"]) == (5000.0, 3, 2, 2)
    assert row["gp_density"] == pytest.approx(3 / 5000 * 10_000)  # 6.0
    assert row["share_senior"] == 1.0 and row["gp_fte"] == 1.5
    partial = per_zoning(REFERENCE, ZONES, lambda communes: gp_supply(gps, communes, "zone", 55,
                                                                      pd.Series([False], index=["41"])))
    assert partial["gps"].isna().all() and not partial["register_complete"].any()


def test_accessibility_per_zone_by_hand():
    communes = REFERENCE.assign(apl=[2.0, 5.0, 3.0], apl_65=1.0, apl_62=1.0, apl_60=1.0,
                                desert_class=["desert", "adequate", "fragile"], nearest_gp_minutes=[10.0, 0.0, 5.0],
                                register_complete=True)
    gps = pd.DataFrame({"commune_code": ["41001", "41003", "41002"], "leaving_5y": [True, False, True],
                        "leaving_10y": [True, True, True]})
    table = per_zoning(communes, ZONES, lambda members: accessibility_by_level(members, gps, "zone_code", "zone_name",
                                                                                (2.5, 4.0)))
    row = table.iloc[0]
    assert row["apl"] == pytest.approx((2.0 * 1000 + 3.0 * 4000) / 5000)  # 2.8
    assert row["desert_class"] == "fragile"
    assert (row["population_desert"], row["population_fragile"], row["population_adequate"]) == (1000.0, 4000.0, 0.0)
    assert row["mean_minutes_to_gp"] == pytest.approx((10.0 * 1000 + 5.0 * 4000) / 5000)  # 6.0
    assert (row["departures_5y"], row["departures_10y"], row["gps_known_departure"]) == (1, 2, 2)


def test_no_zoning_gives_the_tables_columns_and_no_row():
    gps = pd.DataFrame({"rpps_id": ["a"], "commune_code": ["41001"], "age": [60], "fte": [1.0]})
    table = per_zoning(REFERENCE, ZONES.iloc[:0], lambda communes: gp_supply(gps, communes, "zone", 55,
                                                                              pd.Series([True], index=["41"])))
    assert table.empty and {"zoning", "zone_code", "gp_density", "share_senior"} <= set(table.columns)


def test_structures_per_zone_count_each_kind():
    structures = pd.DataFrame({"commune_code": ["41001", "41001", "41003", "41002"],
                               "kind": ["maison_de_sante", "hopital", "maison_de_sante", "centre_de_sante"]})
    table = per_zoning(REFERENCE, ZONES, lambda communes: structures_by_level(structures, communes, "zone_code",
                                                                               "zone_name"))
    assert table[["zone_code", "maison_de_sante", "centre_de_sante", "hopital", "clinique"]].values.tolist() == [
        ["Z", 2, 0, 1, 0]]


def test_the_demo_zones_figures_agree_with_pandas(demo_build):
    """The demo's CPTS, recomputed with pandas from the curated commune tables."""
    folder = Path(demo_build.settings.staging_dir) / "assets"
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in (
        "commune_zones", "gp_supply_by_zone", "gp_supply_by_commune", "accessibility_by_commune",
        "accessibility_by_zone", "zoning_coverage", "commune_reference")}
    zones = tables["commune_zones"]
    assert sorted(zones["zone_code"].unique()) == ["CPTS-1", "CPTS-2", "CPTS-3", "CPTS-4"]
    communes = tables["gp_supply_by_commune"].merge(zones, on="commune_code")
    expected = communes.groupby("zone_code").agg(gps=("gps", "sum"), population=("population", "sum"),
                                                 senior=("gps_senior", "sum"), known=("gps_age_known", "sum"))
    shown = tables["gp_supply_by_zone"].set_index("zone_code").loc[expected.index]
    assert shown["gps"].tolist() == expected["gps"].tolist()
    assert shown["gp_density"].tolist() == pytest.approx((expected["gps"] / expected["population"] * 10_000).tolist())
    assert shown["share_senior"].tolist() == pytest.approx((expected["senior"] / expected["known"]).tolist())
    apl = tables["accessibility_by_commune"].merge(zones, on="commune_code")
    weighted = (apl["apl"] * apl["population"]).groupby(apl["zone_code"]).sum() / apl.groupby("zone_code")["population"].sum()
    assert tables["accessibility_by_zone"].set_index("zone_code").loc[weighted.index, "apl"].tolist() == pytest.approx(
        weighted.tolist())
    left_out = set(tables["commune_reference"]["commune_code"]) - set(zones["commune_code"])
    assert tables["zoning_coverage"]["communes_without_zone"].tolist() == [len(left_out)] and len(left_out) > 0


def test_two_zonings_stack_in_their_keys_order_each_with_its_name():
    """Zonings side by side: a commune in a zone of each; the table holds each zoning's zones
    once, in the zonings' order, on a fresh index (the protection splits it by zoning and
    puts it back together by index)."""
    zonings = pd.concat([ZONES.assign(zoning="tds", zoning_label="Territoires de santé"),
                         pd.DataFrame({"zoning": "bv2022", "zoning_label": "Bassins de vie", "commune_code":
                                       ["41001", "41002", "41003"], "zone_code": ["B1", "B1", "B2"],
                                       "zone_name": ["Un", "Un", "Trois"]})], ignore_index=True)
    gps = pd.DataFrame({"rpps_id": ["a", "b"], "commune_code": ["41002", "41003"], "age": [60, 40], "fte": [1.0, 1.0]})
    table = per_zoning(REFERENCE, zonings, lambda communes: gp_supply(gps, communes, "zone", 55,
                                                                      pd.Series([True], index=["41"])))
    assert table[["zoning", "zoning_label", "zone_code", "population", "gps"]].values.tolist() == [
        ["bv2022", "Bassins de vie", "B1", 4000.0, 1], ["bv2022", "Bassins de vie", "B2", 4000.0, 1],
        ["tds", "Territoires de santé", "Z", 5000.0, 1]]
    assert table.index.tolist() == [0, 1, 2]


def test_agency_installations_per_commune_and_per_zone_by_hand():
    from observatory.indicators.agency_outcomes import installations_by_commune, installations_by_zone

    cases = pd.DataFrame({"status": ["installed", "installed", "installed", "accompanied", "installed"],
                          "installation_commune_code": ["41001", "41003", "41003", "41001", "37001"]})
    by_commune = installations_by_commune(cases, REFERENCE)
    assert by_commune.values.tolist() == [["41001", 1], ["41002", 0], ["41003", 2]]  # 37001: not the territory's
    zones = pd.concat([ZONES, pd.DataFrame({"zoning": "cpts", "zoning_label": "CPTS", "commune_code": ["41002"],
                                            "zone_code": "Y", "zone_name": "CPTS Y"})], ignore_index=True)
    assert installations_by_zone(by_commune, zones).values.tolist() == [
        ["cpts", "CPTS", "Y", "CPTS Y", 0], ["cpts", "CPTS", "Z", "CPTS Z", 3]]


@settings(max_examples=40, deadline=None)
@given(assignment=st.dictionaries(st.sampled_from(sorted(COMMUNES)), st.sampled_from(["Z1", "Z2", "Vallée du Cher"]),
                                  min_size=1),
       delimiter=st.sampled_from([";", ","]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
       names=st.sampled_from(["Ancienne CPTS", "CPTS « Sologne », Loir", "Zone d'Épiais"]))
def test_any_zoning_written_as_its_layout_allows_is_read_back_whole(tmp_path_factory, assignment, delimiter, encoding,
                                                                     names):
    """Communes and zones written in either delimiter and encoding, names quoted when they
    hold one, are read back exactly: every line accepted, none lost."""
    path = tmp_path_factory.mktemp("zoning") / "cpts.csv"
    quoted = f'"{names}"' if delimiter in names else names
    lines = [delimiter.join(["code_commune", "code_zone", "nom_zone"])]
    lines += [delimiter.join([commune, zone, quoted]) for commune, zone in assignment.items()]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    staged = read_zoning(path, COMMUNES, {}, TERRITORY)
    assert dict(zip(staged.table["commune_code"], staged.table["zone_code"])) == assignment
    assert set(staged.table["zone_name"]) == {names} and staged.rejects.empty and accounted(staged)
