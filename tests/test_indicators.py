"""Indicators on a small hand-made territory whose figures are computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from observatory.indicators.agency_funnel import funnel_totals, installations_by_quarter
from observatory.indicators.geography import build_commune_reference
from observatory.indicators.gp_supply import identify_gps, gp_supply

GP_SKILLS = ("SM26", "SM53", "SM54")


@pytest.fixture
def reference() -> pd.DataFrame:
    communes = pd.DataFrame({"commune_code": ["00001", "00002", "00003"], "commune_name": ["A", "B", "C"],
                             "area_km2": [10.0, 20.0, 30.0], "lon": [1.0, 1.1, 1.2], "lat": [47.0, 47.1, 47.2]})
    populations = pd.DataFrame({"commune_code": ["00001", "00002", "00003"], "population": [1000.0, 3000.0, 500.0],
                                **{band: [0.0, 0.0, 0.0] for band in ["pop_0_14", "pop_15_29", "pop_30_44",
                                                                        "pop_45_59", "pop_60_74", "pop_75_plus"]},
                                "vintage": 2021})
    epcis = pd.DataFrame({"commune_code": ["00001", "00002", "00003"], "epci_code": ["200000001", "200000001", "200000002"],
                          "epci_name": ["E1", "E1", "E2"]})
    return build_commune_reference(communes, populations, epcis, {"00": "Démo"})


@pytest.fixture
def gps() -> pd.DataFrame:
    rows = [  # rpps_id, profession, savoir-faire, mode, commune, line
        ("GP1", "10", "SM53", "L", "00001", 2), ("GP1", "10", "SM53", "S", "00002", 3),
        ("GP2", "10", "SM53", "S", "00001", 4), ("GP2", "10", "SM53", "L", "00002", 5),
        ("GP3", "10", "SM53", "L", "00002", 6),
        ("GP4", "10", "SM54", "S", "00002", 7),
        ("N1", "60", "", "L", "00003", 8),
        ("D1", "10", "SM20", "L", "00003", 9),
        ("GP5", "10", "SM26", "L", "00001", 10),
    ]
    activities = pd.DataFrame(rows, columns=["rpps_id", "profession_code", "savoir_faire_code", "mode_code",
                                             "commune_code", "line"])
    roster = pd.DataFrame({"rpps_id": ["GP1", "GP2", "GP3", "GP5"], "birth_year": [1960, 1980, 1969, 1990],
                           "fte": [1.0, 0.8, 0.5, 1.0], "planned_departure": pd.NaT})
    return identify_gps(activities, roster, GP_SKILLS, 2024)


def test_each_gp_is_counted_once_in_the_commune_of_their_first_liberal_activity(gps):
    located = dict(zip(gps["rpps_id"], gps["commune_code"]))
    assert located == {"GP1": "00001", "GP2": "00002", "GP3": "00002", "GP4": "00002", "GP5": "00001"}
    modes = dict(zip(gps["rpps_id"], gps["practice_mode"]))
    assert modes == {"GP1": "mixte", "GP2": "mixte", "GP3": "libéral", "GP4": "salarié", "GP5": "libéral"}
    assert dict(zip(gps["rpps_id"], gps["age"].astype("Float64"))) == {"GP1": 64, "GP2": 44, "GP3": 55, "GP4": pd.NA,
                                                                        "GP5": 34}


def test_each_gp_carries_the_rosters_figures():
    activities = pd.DataFrame({"rpps_id": ["A", "B"], "profession_code": "10", "savoir_faire_code": "SM54",
                               "mode_code": "L", "commune_code": "00001", "line": [2, 3]})
    roster = pd.DataFrame({"rpps_id": ["A"], "birth_year": [1970], "fte": [0.6],
                           "planned_departure": pd.to_datetime(["2027-01-31"]), "yearly_acts": [4200.0],
                           "installed_on": pd.to_datetime(["2010-09-01"]), "comment": ["not carried"]})
    gps = identify_gps(activities, roster, GP_SKILLS, 2024).set_index("rpps_id")
    a = gps.loc["A"]
    assert (a["age"], a["fte"], a["yearly_acts"]) == (54, 0.6, 4200.0)
    assert (a["planned_departure"], a["installed_on"]) == (pd.Timestamp("2027-01-31"), pd.Timestamp("2010-09-01"))
    assert gps.loc["B", ["birth_year", "fte", "planned_departure", "yearly_acts", "installed_on"]].isna().all()
    assert "comment" not in gps.columns


def test_the_apl_counts_liberal_gps_and_those_of_centres_de_sante_not_hospital_ones():
    activities = pd.DataFrame({
        "rpps_id": ["H", "C", "L", "M", "M"], "profession_code": "10", "savoir_faire_code": "SM54",
        "mode_code": ["S", "S", "L", "S", "L"], "commune_code": "00001", "line": [2, 3, 4, 5, 6],
        "sector_label": ["Etablissement Public de santé", "Centre de Santé", None, "Etab. Privé PSPH", None]})
    roster = pd.DataFrame(columns=["rpps_id", "birth_year", "fte", "planned_departure"])
    gps = identify_gps(activities, roster, GP_SKILLS, 2024)
    assert dict(zip(gps["rpps_id"], gps["apl_field"])) == {"C": True, "H": False, "L": True, "M": True}


COMPLETE = pd.Series({"00": True})  # the register of the département « 00 » is complete


def test_density_and_senior_share_per_commune(gps, reference):
    table = gp_supply(gps, reference, "commune", 55, COMPLETE).set_index("commune_code")
    assert table["gps"].tolist() == [2, 3, 0]
    assert table["gp_density"].tolist() == pytest.approx([20.0, 10.0, 0.0])  # 2/1000, 3/3000, 0/500 × 10 000
    assert table.loc["00002", "gps_age_known"] == 2  # GP4 is not in the roster: unknown age
    assert table["share_senior"].tolist()[:2] == pytest.approx([0.5, 0.5])  # GP1 (64) of 2; GP3 (55) of 2
    assert pd.isna(table.loc["00003", "share_senior"])  # no GP: unknown, not zero


def test_levels_aggregate_the_same_gps(gps, reference):
    epci = gp_supply(gps, reference, "epci", 55, COMPLETE).set_index("epci_code")
    assert epci.loc["200000001", "gps"] == 5 and epci.loc["200000001", "population"] == 4000
    assert epci.loc["200000002", "gps"] == 0
    departement = gp_supply(gps, reference, "departement", 55, COMPLETE).iloc[0]
    assert departement["departement_name"] == "Démo"
    assert departement["gp_density"] == pytest.approx(5 / 4500 * 10_000)
    assert departement["share_senior"] == pytest.approx(2 / 4)
    assert epci["register_complete"].all() and departement["register_complete"]


@pytest.mark.parametrize("complete", [pd.Series({"00": False}), pd.Series(dtype=bool)], ids=["partial", "unjudged"])
def test_a_partial_register_publishes_no_supply_figure_not_zero(gps, reference, complete):
    """A département whose register is partial (or not judged at all) has no headcount,
    density, age or FTE figure at any level: blank, never 0; its population still shows."""
    for level, key in (("commune", "commune_code"), ("epci", "epci_code"), ("departement", "departement_code")):
        table = gp_supply(gps, reference, level, 55, complete)
        figures = table[["gps", "gp_density", "gps_age_known", "gps_senior", "share_senior", "gp_fte"]]
        assert figures.isna().all().all(), level
        assert not table["register_complete"].any() and table["population"].sum() == 4500


def test_a_unit_straddling_a_partial_register_has_no_figure(gps, reference):
    """An EPCI with communes in a complete and in a partial département: its count would miss
    the partial one's GPs, so it has none; the communes of the complete one keep theirs."""
    straddling = reference.assign(departement_code=["00", "00", "99"])
    complete = pd.Series({"00": True, "99": False})
    communes = gp_supply(gps, straddling, "commune", 55, complete).set_index("commune_code")
    assert communes["gps"].tolist()[:2] == [2, 3] and pd.isna(communes.loc["00003", "gps"])
    epcis = gp_supply(gps, straddling.assign(epci_code="200000001"), "epci", 55, complete)
    assert pd.isna(epcis["gps"].iloc[0]) and not epcis["register_complete"].iloc[0]


def test_agency_funnel_and_quarters():
    cases = pd.DataFrame({
        "status": ["contacted", "accompanied", "abandoned"] + ["installed"] * 7,
        "installation_type": [None, None, None] + ["durable"] * 6 + ["replacement"],
        "installed_on": pd.to_datetime([None, None, None] + ["2024-01-10"] * 6 + ["2024-05-02"]),
    })
    funnel = funnel_totals(cases)
    assert funnel.columns.tolist() == ["stage", "cases"]  # the published table's columns
    totals = dict(zip(funnel["stage"], funnel["cases"]))
    assert totals == {"contacted": 10, "accompanied": 9, "installed": 7, "installed_durable": 6,
                      "installed_replacement": 1, "abandoned": 1}
    quarters = installations_by_quarter(cases).set_index("period")
    assert quarters.loc["2024-T1", "installations"] == 6 and quarters.loc["2024-T1", "durable"] == 6
    assert quarters.loc["2024-T2", "installations"] == 1  # exact here; secrecy applies on publication


def test_the_reference_keeps_every_commune_of_the_contours_with_what_each_source_knows():
    import geopandas as gpd
    from shapely.geometry import Point

    communes = gpd.GeoDataFrame({"commune_code": ["41002", "41001", "45001"], "commune_name": ["B", "A", "C"],
                                 "area_km2": [20.0, 10.0, 30.0], "lon": [1.1, 1.0, 1.9], "lat": [47.1, 47.0, 47.9]},
                                geometry=[Point(1.1, 47.1), Point(1.0, 47.0), Point(1.9, 47.9)], crs="EPSG:4326")
    populations = pd.DataFrame({"commune_code": ["41001"], "population": [1000.0], "pop_0_14": [100.0],
                                "pop_15_29": [200.0], "pop_30_44": [200.0], "pop_45_59": [200.0], "pop_60_74": [200.0],
                                "pop_75_plus": [100.0], "vintage": [2021]})
    epcis = pd.DataFrame({"commune_code": ["41001", "41002"], "epci_code": ["E1", "E1"], "epci_name": ["CC Un", "CC Un"]})
    zones = pd.DataFrame({"commune_code": ["41002"], "ars_zone": ["ZIP"]})
    official = pd.DataFrame({"commune_code": ["41001"], "official_standardised_population": [1050.0]})
    table = build_commune_reference(communes, populations, epcis, {"41": "Loir-et-Cher"}, zones, official)
    assert table.columns.tolist() == [
        "commune_code", "commune_name", "departement_code", "departement_name", "epci_code", "epci_name", "population",
        "pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59", "pop_60_74", "pop_75_plus", "census_year", "ars_zone",
        "official_standardised_population", "area_km2", "lon", "lat"]
    assert table["commune_code"].tolist() == ["41001", "41002", "45001"]  # every contour, in code order
    assert table["departement_code"].tolist() == ["41", "41", "45"]
    assert table["departement_name"].tolist()[:2] == ["Loir-et-Cher"] * 2 and pd.isna(table["departement_name"][2])
    assert table["population"].tolist()[0] == 1000.0 and table["population"][1:].isna().all()  # kept, empty
    assert table["census_year"].tolist()[0] == 2021 and table["epci_code"].tolist()[:2] == ["E1", "E1"]
    assert pd.isna(table["ars_zone"][0]) and table["ars_zone"][1] == "ZIP"
    assert table["official_standardised_population"].tolist()[0] == 1050.0
    assert (table["area_km2"].tolist(), table["lon"].tolist()) == ([10.0, 20.0, 30.0], [1.0, 1.1, 1.9])
    bare = build_commune_reference(communes, populations, epcis, {"41": "Loir-et-Cher"})
    assert bare["ars_zone"].isna().all() and bare["official_standardised_population"].isna().all()


def test_the_border_rings_register_is_judged_on_every_gp_of_its_departements():
    """Ring communes of Loiret (45) and Cher (18); the register's GPs of Loiret, three of them
    outside the ring's communes (all count: the CNAM counts the whole département), none of
    Cher. The CNAM: 4 liberal GPs in Loiret, 5 in Cher."""
    from observatory.indicators.benchmark import ring_coverage

    ring = pd.DataFrame({"commune_code": ["45001", "18001"], "departement_code": ["45", "18"]})
    gps = pd.DataFrame({"rpps_id": ["A", "B", "C", "D"], "commune_code": ["45001", "45200", "45300", "45300"],
                        "practice_mode": ["libéral", "mixte", "libéral", "salarié"]})
    benchmark = pd.DataFrame({"year": [2024, 2024], "level": "departement", "departement_code": ["45", "18"],
                              "age_class": "tout_age", "headcount": [4.0, 5.0], "density_per_100k": [60.0, 70.0]})
    table = ring_coverage(gps, ring, benchmark).set_index("departement_code")
    assert table.loc["45", ["departement_name", "register_gps", "register_liberal_gps"]].tolist() == ["Loiret", 4, 3]
    assert table.loc["45", "coverage"] == pytest.approx(3 / 4) and not table.loc["45", "register_complete"]  # 75 %
    assert table.loc["18", ["register_gps", "coverage"]].tolist() == [0, 0.0] and not table.loc["18", "register_complete"]
    benchmark.loc[0, "headcount"] = 3.0
    assert ring_coverage(gps, ring, benchmark).set_index("departement_code").loc["45", "register_complete"]
