"""Desert classes, minutes to the nearest GP, departures and their aggregation, on territories
small enough for every expected figure to be worked out by hand.

The communes lie on one meridian, so the great-circle distance between two of them is the
Earth's mean radius (6 371.0088 km) times their difference of latitude in radians, and the
road estimate is 1.3 times that distance at 60 km/h: 1.3 minutes per kilometre."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from observatory.accessibility.travel_times import RoadModel
from observatory.indicators.benchmark import catchment_complete
from observatory.indicators.deserts import (accessibility_by_level, classify, commune_accessibility,
                                            gps_with_departures, nearest_gp_minutes)

THRESHOLDS = (2.5, 4.0)


def _km(degrees_of_latitude: float) -> float:
    return 6371.0088 * math.radians(degrees_of_latitude)


REFERENCE = pd.DataFrame({
    "commune_code": ["41001", "41002", "41003", "41004", "45001"],
    "commune_name": ["Alpha", "Bêta", "Gamma", "Delta", "Epsilon"],
    "epci_code": ["E1", "E1", "E2", "E2", "E3"],
    "epci_name": ["CC Un", "CC Un", "CC Deux", "CC Deux", "CC Trois"],
    "departement_code": ["41", "41", "41", "41", "45"],
    "departement_name": ["Loir-et-Cher"] * 4 + ["Loiret"],
    "population": [1000, 3000, 500, 500, 800],
    "lon": [1.0, 1.0, 1.0, 1.0, 1.0],
    "lat": [47.0, 47.1, 47.3, 47.35, 48.0],
    "area_km2": [9 * math.pi, 4 * math.pi, 1.0, 1.0, 1.0],  # internal distances 2 km and 4/3 km
})


def test_classes_follow_the_thresholds_their_lower_bound_included():
    apl = pd.Series([0.0, 2.4999, 2.5, 3.9999, 4.0, 9.0, np.nan])
    assert classify(apl, THRESHOLDS).tolist() == ["desert", "desert", "fragile", "fragile", "adequate", "adequate",
                                                 pd.NA]
    assert classify(pd.Series([3.0]), (2.0, 3.5)).tolist() == ["fragile"]
    by_code = classify(pd.Series([3.0, np.nan], index=["41002", "41001"]), THRESHOLDS)  # kept on its communes
    assert by_code.index.tolist() == ["41002", "41001"] and by_code["41002"] == "fragile" and pd.isna(by_code["41001"])


def test_minutes_to_the_nearest_gp_from_the_pairs_else_estimated_by_hand():
    gps = pd.DataFrame({"commune_code": ["41001", "41004", "41004"]})
    pairs = pd.DataFrame({"origin": ["41002", "41002", "41003", "41003"],
                          "destination": ["41001", "41004", "41002", "41004"],
                          "minutes": [15.0, 40.0, 5.0, 9.0]})
    minutes = nearest_gp_minutes(REFERENCE, gps, pairs, RoadModel())
    assert minutes.index.tolist() == REFERENCE["commune_code"].tolist()
    assert minutes["41001"] == pytest.approx(2 * 1.3)  # its own GP: 2 km inside a disc of 9π km², by road
    assert minutes["41002"] == 15.0  # the quickest pair to a GP commune (not 40, not 5: no GP there)
    assert minutes["41003"] == 9.0
    assert minutes["41004"] == pytest.approx(2 / 3 * math.sqrt(1 / math.pi) * 1.3)  # its own GP, 1 km²
    assert minutes["45001"] == pytest.approx(_km(48.0 - 47.35) * 1.3, rel=1e-9)  # no pair: the nearest GP commune


def test_the_estimate_takes_the_road_model_given():
    gps = pd.DataFrame({"commune_code": ["41001"]})
    slow = nearest_gp_minutes(REFERENCE, gps, pd.DataFrame(columns=["origin", "destination", "minutes"]),
                              RoadModel(detour=1.5, speed_kmh=45.0))
    assert slow["41003"] == pytest.approx(_km(0.3) * 1.5 / 45.0 * 60.0, rel=1e-9)


def test_without_any_gp_no_commune_has_a_nearest_one():
    none = nearest_gp_minutes(REFERENCE, pd.DataFrame({"commune_code": []}), pd.DataFrame(
        columns=["origin", "destination", "minutes"]))
    assert none.index.tolist() == REFERENCE["commune_code"].tolist() and none.isna().all()
    assert none.dtype == "float64"  # minutes, published as numbers


def test_departures_by_age_at_the_horizon_or_planned_before_it_unknown_without_either():
    gps = pd.DataFrame({
        "age": pd.array([62, 61, None, None, 40, 40, 56, None], dtype="Int64"),
        "planned_departure": pd.to_datetime([None, None, None, "2029-06-30", "2031-01-01", None, None,
                                             "2034-07-01"]),
    })
    leaving = gps_with_departures(gps, date(2024, 6, 30), retirement_age=67)
    # 62 + 5 = 67: reaches the age exactly at five years; the planned date counts on its day;
    # 56 + 10 = 66 and a departure planned a day after the ten years: not within ten years.
    assert leaving["leaving_5y"].tolist() == [True, False, pd.NA, True, False, False, False, False]
    assert leaving["leaving_10y"].tolist() == [True, True, pd.NA, True, True, False, False, False]
    later = gps_with_departures(gps, date(2024, 6, 30), retirement_age=70)
    assert later["leaving_5y"].tolist()[:2] == [False, False] and later["leaving_10y"].tolist()[:2] == [True, True]


def _communes() -> pd.DataFrame:
    """E1: Alpha, Bêta and Gamma (no APL: a partial register within its reach); E2: Delta,
    whose own département's register is partial; E3: Zêta, whose GP's departure is unknown."""
    return pd.DataFrame({
        "commune_code": ["41001", "41002", "41003", "45001", "41004"],
        "commune_name": ["Alpha", "Bêta", "Gamma", "Delta", "Zêta"],
        "epci_code": ["E1", "E1", "E1", "E2", "E3"],
        "epci_name": ["CC Un", "CC Un", "CC Un", "CC Deux", "CC Trois"],
        "population": [1000, 3000, 500, 500, 200],
        "apl": [2.0, 6.0, np.nan, np.nan, 3.0],
        "apl_65": [1.5, 5.0, np.nan, np.nan, 3.0],
        "apl_62": [1.0, 4.0, np.nan, np.nan, 3.0],
        "apl_60": [0.5, 3.0, np.nan, np.nan, 3.0],
        "desert_class": pd.array(["desert", "adequate", None, None, "fragile"], dtype="string"),
        "nearest_gp_minutes": [10.0, 2.0, np.nan, 7.0, 4.0],
        "register_complete": [True, True, True, False, True],
    })


def test_a_level_weighs_its_communes_by_population_and_counts_its_departures():
    gps = pd.DataFrame({"commune_code": ["41001", "41001", "41002", "45001", "41004"],
                        "leaving_5y": pd.array([True, False, None, True, None], dtype="boolean"),
                        "leaving_10y": pd.array([True, True, None, True, None], dtype="boolean")})
    table = accessibility_by_level(_communes(), gps, "epci_code", "epci_name", THRESHOLDS).set_index("epci_code")
    one, two = table.loc["E1"], table.loc["E2"]
    assert one["epci_name"] == "CC Un" and one["population"] == 4500
    # Gamma has no APL: it weighs nothing in the means, and is counted as unclassified.
    assert one["apl"] == pytest.approx((2.0 * 1000 + 6.0 * 3000) / 4000)  # 5.0
    assert (one["apl_65"], one["apl_62"], one["apl_60"]) == pytest.approx((4.125, 3.25, 2.375))
    assert one["mean_minutes_to_gp"] == pytest.approx((10 * 1000 + 2 * 3000) / 4000)
    assert (one["population_desert"], one["population_fragile"], one["population_adequate"],
            one["population_unclassified"]) == (1000, 0, 3000, 500)
    assert (one["share_desert"], one["share_adequate"], one["share_unclassified"]) == pytest.approx((2 / 9, 6 / 9, 1 / 9))
    assert one["desert_class"] == "adequate" and bool(one["register_complete"])
    assert (one["departures_5y"], one["departures_10y"], one["gps_known_departure"]) == (1, 2, 2)
    # Delta's register is partial: no APL, class, class population, minutes nor departures; all of it unclassified.
    assert not bool(two["register_complete"]) and pd.isna(two["desert_class"])
    figures = ["apl", "apl_65", "apl_62", "apl_60", "mean_minutes_to_gp", "population_desert", "population_fragile",
               "population_adequate", "share_desert", "share_fragile", "share_adequate", "departures_5y",
               "departures_10y", "gps_known_departure"]
    assert two[figures].isna().all(), two[figures]
    assert (two["population"], two["population_unclassified"], two["share_unclassified"]) == (500, 500, 1.0)
    # Zêta's one GP has no known departure: departures unknown, not none.
    three = table.loc["E3"]
    assert three["gps_known_departure"] == 0 and three[["departures_5y", "departures_10y"]].isna().all()
    assert three["apl"] == 3.0 and three["mean_minutes_to_gp"] == 4.0
    assert table.columns.tolist().count("departures_5y") == 1 and "gps_known_departure" in table.columns


def test_a_commune_has_no_apl_where_a_register_within_its_reach_is_partial():
    """Loiret's register is partial: Epsilon (45001) has no APL, nor has Gamma (41003), whose
    own register is complete but which lies within reach of Epsilon: its APL would miss
    Epsilon's GPs. Beyond reach (no pair), a partial register changes nothing."""
    apl = pd.DataFrame({"commune_code": ["41001", "41002", "41003", "41004", "45001"],
                        "apl": [2.0, 6.0, 3.0, 1.0, 1.0], "apl_65": [1.0, 5.0, 2.0, 0.5, 0.5],
                        "apl_62": [1.0, 5.0, 2.0, 0.5, 0.5], "apl_60": [1.0, 5.0, 2.0, 0.5, 0.5]})
    complete = pd.Series([True, False], index=["41", "45"])
    gps = pd.DataFrame({"commune_code": ["41001"]})
    pairs = pd.DataFrame({"origin": ["41002", "41003", "45001"], "destination": ["41001", "45001", "41003"],
                          "minutes": [15.0, 12.0, 12.0]})
    table = commune_accessibility(REFERENCE, gps, pairs, apl, THRESHOLDS, RoadModel(detour=1.5, speed_kmh=45.0),
                                  complete)
    assert table.columns.tolist() == ["commune_code", "commune_name", "epci_code", "epci_name", "departement_code",
                                      "departement_name", "population", "apl", "apl_65", "apl_62", "apl_60", "register_complete",
                                      "catchment_complete", "nearest_gp_minutes", "desert_class"]
    assert table["register_complete"].tolist() == [True, True, True, True, False]
    assert table["catchment_complete"].tolist() == [True, True, False, True, False]
    assert table["apl"].tolist()[:2] == [2.0, 6.0] and table["apl"].tolist()[3] == 1.0
    assert table.loc[[2, 4], ["apl", "apl_65", "apl_62", "apl_60", "nearest_gp_minutes"]].isna().all().all()
    assert table["desert_class"].tolist() == ["desert", "adequate", pd.NA, "desert", pd.NA]
    assert table["nearest_gp_minutes"].tolist()[1] == 15.0
    assert table["nearest_gp_minutes"].tolist()[3] == pytest.approx(_km(0.35) * 1.5 / 45.0 * 60.0, rel=1e-9)


def test_a_communes_catchment_is_complete_when_every_register_within_its_reach_is():
    """Per commune, in the order given: 41003 reaches 45001 (Loiret: partial); 41001 reaches
    only its own département; 46001's département is not named: not complete either."""
    pairs = pd.DataFrame({"origin": ["41003", "41001"], "destination": ["45001", "41002"], "minutes": [12.0, 9.0]})
    complete = pd.Series([True, False], index=["41", "45"])
    found = catchment_complete(pd.Series(["41003", "41001", "46001"], dtype="string"), pairs, complete)
    assert found.index.tolist() == ["41003", "41001", "46001"] and found.tolist() == [False, True, False]
