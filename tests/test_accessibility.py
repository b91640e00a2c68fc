"""E2SFCA and APL: analytic cases, hand-computed values, and PySAL ``access`` as a reference."""

from __future__ import annotations

import http.server
import json
import math
import socket
import threading
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.accessibility.apl import AplSettings, apl_by_commune, standardised_population
from observatory.accessibility.e2sfca import DREES_BANDS, e2sfca, e2sfca_frame, step_weights
from observatory.accessibility.travel_times import (RoadModel, estimated_times, great_circle_km, internal_km,
                                                    osrm_table, read_matrix, with_internal_times)
from observatory.indicators.deserts import classify, departures
from observatory.sources.errors import SourceFormatError


def pysal_e2sfca(pairs: pd.DataFrame, locations: pd.DataFrame, bands=DREES_BANDS) -> pd.Series:
    """The reference implementation: PySAL access's enhanced_two_stage_fca, same step weights."""
    from access import Access, weights

    model = Access(demand_df=locations[["demand"]], demand_value="demand", supply_df=locations[["supply"]],
                   supply_value="supply", cost_df=pairs, cost_origin="origin", cost_dest="destination",
                   cost_name="minutes")
    scores = model.enhanced_two_stage_fca(name="e2sfca", weight_fn=weights.step_fn(dict(bands)))
    return scores.iloc[:, 0].reindex(locations.index).fillna(0.0)


def test_step_weights_follow_the_drees_bands_upper_bound_included():
    minutes = np.array([0, 3, 10, 10.01, 15, 15.5, 20, 20.01, 90])
    assert step_weights(minutes).tolist() == [1, 1, 1, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 0, 0]


def test_two_communes_by_hand():
    # A (1 000 inh., 1 GP) and B (3 000 inh., none), 12 minutes apart, 5 minutes inside each.
    origins = np.array([0, 0, 1, 1])
    destinations = np.array([0, 1, 0, 1])
    minutes = np.array([5.0, 12.0, 12.0, 5.0])
    scores = e2sfca(origins, destinations, minutes, np.array([1000.0, 3000.0]), np.array([4900.0, 0.0]))
    ratio = 4900 / (1000 * 1 + 3000 * 2 / 3)  # R_A
    assert scores == pytest.approx([ratio * 1, ratio * 2 / 3])


def test_supply_where_no_one_lives_is_shared_by_no_one_and_a_tiny_demand_counts():
    """A GP in an empty commune (no demand within reach) offers nothing, never an infinite
    ratio; a commune of one inhabitant alone with a GP has his whole supply; a commune that
    no pair names (not even itself) has no accessibility, and no error."""
    origins, destinations, minutes = np.array([0, 1, 2]), np.array([0, 1, 2]), np.array([5.0, 5.0, 12.0])
    demand, supply = np.array([0.0, 1.0, 1.0, 50.0]), np.array([4900.0, 4900.0, 0.0, 0.0])
    accessibility = e2sfca(origins, destinations, minutes, demand, supply)
    assert accessibility.tolist() == [0.0, 4900.0, 0.0, 0.0]
    # one inhabitant at 12 minutes of a GP weighs 2/3: his weighted demand is below 1
    scores = e2sfca(np.array([1]), np.array([0]), np.array([12.0]), np.array([0.0, 1.0]), np.array([4900.0, 0.0]))
    assert scores.tolist() == pytest.approx([0.0, 4900.0])  # 2/3 × 4 900 / (2/3 × 1)


def test_supply_variants_share_the_catchments_and_give_each_its_own_scores():
    """Supply given as one column per variant (the APL's age limits): each column's scores,
    by hand as in ``test_two_communes_by_hand``; a commune with a GP and no demand within
    reach offers nothing in every variant."""
    origins, destinations = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 0, 1, 2])
    minutes = np.array([5.0, 12.0, 12.0, 5.0, 5.0])
    demand = np.array([1000.0, 3000.0, 0.0])
    supply = np.array([[4900.0, 2000.0], [0.0, 1000.0], [4900.0, 4900.0]])
    scores = e2sfca(origins, destinations, minutes, demand, supply)
    ratio_a = np.array([4900.0, 2000.0]) / (1000 + 3000 * 2 / 3)
    ratio_b = np.array([0.0, 1000.0]) / (1000 * 2 / 3 + 3000)
    assert scores.shape == (3, 2)
    assert scores[0] == pytest.approx(ratio_a + ratio_b * 2 / 3)
    assert scores[1] == pytest.approx(ratio_a * 2 / 3 + ratio_b)
    assert scores[2].tolist() == [0.0, 0.0]


def test_the_apl_area_marks_the_territory_and_its_ring():
    from observatory.accessibility.border_ring import apl_area, within_reach

    territory = pd.DataFrame({"commune_code": ["41001", "41002"], "lon": [1.3, 1.4], "lat": [47.5, 47.6]})
    ring = pd.DataFrame({"commune_code": ["37001"], "lon": [1.0], "lat": [47.4]})
    area = apl_area(territory, ring)
    assert area[["commune_code", "in_territory"]].values.tolist() == [["41001", True], ["41002", True],
                                                                       ["37001", False]]
    assert area.index.tolist() == [0, 1, 2]
    assert apl_area(territory, ring.iloc[:0])["in_territory"].tolist() == [True, True]
    # nothing is within reach of an empty territory
    assert within_reach(territory.iloc[:0], ring, 45, RoadModel()).tolist() == [False]
    assert within_reach(territory, ring, 45, RoadModel()).index.tolist() == ring.index.tolist()


def test_with_a_catchment_covering_everything_accessibility_is_total_supply_over_total_demand():
    rng = np.random.default_rng(1)
    n = 40
    origins, destinations = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    minutes = rng.uniform(1, 50, size=n * n)
    demand, supply = rng.uniform(100, 5000, n), rng.uniform(0, 10_000, n)
    scores = e2sfca(origins.ravel(), destinations.ravel(), minutes, demand, supply, bands=((1e9, 1.0),))
    assert scores == pytest.approx(np.full(n, supply.sum() / demand.sum()), rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 60))
def test_identical_to_pysal_access_on_random_territories(seed, n):
    rng = np.random.default_rng(seed)
    communes = pd.DataFrame({"commune_code": [f"{i:05d}" for i in range(n)], "lon": rng.uniform(1, 1.6, n),
                             "lat": rng.uniform(47.3, 47.8, n), "area_km2": rng.uniform(5, 60, n)})
    pairs = estimated_times(communes, 20.0)
    locations = pd.DataFrame({"demand": rng.uniform(50, 20_000, n),
                              "supply": rng.choice([0.0, 4900.0, 9800.0, 2450.0], n)}, index=communes["commune_code"])
    ours = e2sfca_frame(pairs, locations, "demand", "supply")
    reference = pysal_e2sfca(pairs, locations)
    assert np.abs(ours.to_numpy() - reference.to_numpy()).max() <= 1e-9
    assert ours.index.equals(locations.index) and ours.name == "accessibility"
    narrow = ((5.0, 1.0), (10.0, 0.5))  # other bands, given to both
    assert np.abs(e2sfca_frame(pairs, locations, "demand", "supply", narrow).to_numpy()
                  - pysal_e2sfca(pairs, locations, narrow).to_numpy()).max() <= 1e-9


def test_identical_to_pysal_access_on_the_demo_territory(demo_build):
    """PySAL on supply rebuilt here from the raw register and roster (not read from the
    table under test): each GP counted once, at the commune of their first liberal activity,
    FTE from the roster (1 when absent) × 4 900 consultations; GPs with neither a liberal
    activity nor a post in a centre de santé (hospital GPs) are not in the APL's field."""
    import duckdb

    raw = demo_build.settings.raw_dir
    register = pd.read_csv(raw / "PS_LibreAcces_Personne_activite.txt", sep="|", dtype=str, keep_default_na=False,
                           on_bad_lines="skip", encoding="utf-8")
    with duckdb.connect(str(demo_build.settings.database_path), read_only=True) as connection:
        pairs = connection.table("commune_travel_times").df()
        apl = connection.table("accessibility_by_commune").df().set_index("commune_code")
    gps = register[(register["Code profession"] == "10") & register["Code savoir-faire"].isin(["SM26", "SM53", "SM54"])
                   & register["Code commune (coord. structure)"].isin(apl.index)].copy()
    gps["commune"] = gps["Code commune (coord. structure)"]
    gps["order"] = (gps["Code mode exercice"] != "L").astype(int)
    first = gps.reset_index().sort_values(["order", "index"]).drop_duplicates("Identifiant PP")
    assert len(first) == 250  # DemoSpec.gps
    centre = gps["Libellé secteur d'activité"].str.lower().str.contains("centre de santé")
    field = set(gps.loc[(gps["Code mode exercice"] == "L") | centre, "Identifiant PP"])
    first = first[first["Identifiant PP"].isin(field)]
    assert 200 < len(first) < 250  # hospital GPs left out
    roster = pd.read_csv(raw / "repertoire_medecins_departement.csv", sep=";", dtype=str, keep_default_na=False)
    fte = roster.set_index("identifiant_rpps")["etp"].str.replace(",", ".").astype(float)
    first["consultations"] = first["Identifiant PP"].map(fte).fillna(1.0) * 4_900
    supply = first.groupby("commune")["consultations"].sum().reindex(apl.index, fill_value=0.0)
    locations = pd.DataFrame({"demand": apl["standardised_population"], "supply": supply})
    reference = pysal_e2sfca(pairs, locations)
    assert np.abs(apl["apl"].to_numpy() - reference.to_numpy()).max() <= 1e-9
    assert apl["apl"].median() > 0


def test_estimated_times_keep_every_pair_within_reach_and_each_commune_with_itself():
    rng = np.random.default_rng(3)
    communes = pd.DataFrame({"commune_code": [f"c{i}" for i in range(80)], "lon": rng.uniform(0.5, 2.0, 80),
                             "lat": rng.uniform(47.0, 48.0, 80), "area_km2": rng.uniform(4, 90, 80)})
    road = RoadModel(detour=1.3, speed_kmh=60)
    pairs = estimated_times(communes, 20.0, road)
    lon, lat = communes["lon"].to_numpy(), communes["lat"].to_numpy()
    brute = road.minutes(great_circle_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :]))
    np.fill_diagonal(brute, road.minutes(internal_km(communes["area_km2"].to_numpy())))
    expected = int((brute <= 20.0).sum())
    assert len(pairs) == expected
    own = pairs[pairs["origin"] == pairs["destination"]]
    assert len(own) == 80 and (own["minutes"] > 0).all()
    # 10 km² commune: mean internal distance 2/3·√(10/π) = 1.19 km → 1.55 min at 1.3 × 60 km/h
    assert road.minutes(internal_km(np.array([10.0])))[0] == pytest.approx(2 / 3 * np.sqrt(10 / np.pi) * 1.3)


def test_a_routing_matrix_gets_internal_times_where_it_lacks_them(tmp_path):
    communes = pd.DataFrame({"commune_code": ["41018", "41269"], "lon": [1.33, 1.07], "lat": [47.59, 47.79],
                             "area_km2": [37.5, 23.9]})
    path = tmp_path / "matrix.csv"
    path.write_text("origin;destination;minutes\n41018;41269;34.5\n41269;41018;33.0\n41018;41018;0\n")
    pairs = with_internal_times(read_matrix(path), communes)
    own = pairs[pairs["origin"] == pairs["destination"]].set_index("origin")["minutes"]
    assert sorted(own.index) == ["41018", "41269"] and (own > 0).all()  # the zero is replaced, never kept


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_a_matrix_keeps_codes_as_text_whatever_its_separator_and_extra_columns(tmp_path, separator):
    path = tmp_path / "matrix.csv"
    rows = [["origin", "distance_km", "destination", "minutes"], ["01001", "7.5", "01002", "12"],
            ["01003", "0", "01001", "4.5"]]  # codes that all look like numbers, in both columns
    path.write_text("".join(separator.join(row) + "\n" for row in rows), encoding="utf-8")
    matrix = read_matrix(path)
    assert matrix.columns.tolist() == ["origin", "destination", "minutes"]
    assert matrix.values.tolist() == [["01001", "01002", 12.0], ["01003", "01001", 4.5]]  # leading zeros kept
    assert matrix.dtypes.tolist() == ["string", "string", "float64"]


def test_a_parquet_matrix_is_read_and_a_matrix_without_minutes_refused_naming_it(tmp_path):
    pd.DataFrame({"origin": ["41018"], "destination": ["41269"], "minutes": [34]}).to_parquet(tmp_path / "m.parquet")
    assert read_matrix(tmp_path / "m.parquet").values.tolist() == [["41018", "41269", 34.0]]
    (tmp_path / "m.csv").write_text("origin;destination;duree\n41018;41269;34\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"m\.csv.*line 1.*'minutes'.*travel-time matrix column missing"):
        read_matrix(tmp_path / "m.csv")


def _ten_minutes_a_step(sources: list[int]) -> dict:
    return {"code": "Ok", "durations": [[abs(i - j) * 600.0 for j in range(3)] for i in sources]}


def _osrm_stand_in(asked: list, answer=_ten_minutes_a_step):
    """An OSRM server on 127.0.0.1 answering /table (by default 10 minutes per step between
    the communes of three, in their order, and 0 from each to itself, as OSRM does). It
    records each request's path as sent (``self.path`` would have a doubled slash collapsed)."""
    class Osrm(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.requestline.split()[1])
            sources = [int(s) for s in self.path.split("sources=")[1].split("&")[0].split(";")]
            body = json.dumps(answer(sources)).encode()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Osrm)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_osrm_table_is_read_in_blocks(tmp_path):
    asked = []
    server = _osrm_stand_in(asked)
    try:
        communes = pd.DataFrame({"commune_code": ["a", "b", "c"], "lon": [1.0, 1.1, 1.2], "lat": [47.0, 47.0, 47.0]})
        pairs = osrm_table(communes, f"http://127.0.0.1:{server.server_port}/", max_minutes=15, chunk=2)
    finally:
        server.shutdown()
    points = "1.000000,47.000000;1.100000,47.000000;1.200000,47.000000"  # lon,lat as OSRM wants them
    assert asked == [f"/table/v1/driving/{points}?sources=0;1&annotations=duration",
                     f"/table/v1/driving/{points}?sources=2&annotations=duration"]
    assert sorted(zip(pairs["origin"], pairs["destination"], pairs["minutes"])) == [
        ("a", "a", 0.0), ("a", "b", 10.0), ("b", "a", 10.0), ("b", "b", 0.0), ("b", "c", 10.0),
        ("c", "b", 10.0), ("c", "c", 0.0)]


def test_standardised_population_prefers_the_official_then_age_bands_then_the_population():
    bands = {"pop_0_14": 100.0, "pop_15_29": 100.0, "pop_30_44": 100.0, "pop_45_59": 100.0, "pop_60_74": 100.0,
             "pop_75_plus": 100.0}
    reference = pd.DataFrame([{"population": 600.0, **bands, "official_standardised_population": 650.0},
                              {"population": 600.0, **bands, "official_standardised_population": None},
                              {"population": 500.0, **{band: None for band in bands},
                               "official_standardised_population": None}])
    standardised, method = standardised_population(reference)
    # DREES 2023 weights, mean of the 5-year weights in each broad band, by hand:
    # 0-14 (1.12+0.58+0.51)/3, 15-29 (0.60+0.75+0.79)/3, 30-44 (0.82+0.85+0.89)/3,
    # 45-59 (0.93+1.03+1.15)/3, 60-74 (1.18+1.23+1.46)/3, 75+ (1.57+1.63+1.89+2.26)/4
    by_hand = 100 * ((1.12 + 0.58 + 0.51) / 3 + (0.60 + 0.75 + 0.79) / 3 + (0.82 + 0.85 + 0.89) / 3
                     + (0.93 + 1.03 + 1.15) / 3 + (1.18 + 1.23 + 1.46) / 3 + (1.57 + 1.63 + 1.89 + 2.26) / 4)
    assert standardised.tolist() == pytest.approx([650.0, by_hand, 500.0])
    assert method.tolist() == ["official", "age_bands", "population"]
    unknown = pd.DataFrame({"population": [None, 0.0]})  # no population, no bands: no demand, never a made-up one
    assert standardised_population(unknown)[0].tolist() == [0.0, 0.0]
    assert standardised_population(unknown)[1].dtype == "string"


def test_supply_follows_the_drees_activity_rules():
    from observatory.accessibility.apl import yearly_supply

    gps = pd.DataFrame({"yearly_acts": [200, 250, 1000, 3600, 5000, 6000, 7000, None, None, None, None, None],
                        "installed_on": pd.to_datetime([None] * 7 + ["2024-03-01", "2022-01-01", None, "2023-06-30",
                                                                     "2023-01-01"]),
                        "fte": [1.0] * 9 + [0.5, 1.0, 1.0]})
    supply = yearly_supply(gps, AplSettings(reference_date=pd.Timestamp("2024-06-30")))
    # < 250 → 0; up to 3 600 → 3 600; as observed to 6 000; over → 6 000; installed within
    # the year (after 30/06/2023, not on it; not 18 months before) → 5 400; otherwise FTE × 4 900.
    assert supply.tolist() == [0.0, 3600.0, 3600.0, 3600.0, 5000.0, 6000.0, 6000.0, 5400.0, 4900.0, 2450.0, 4900.0,
                               4900.0]
    # No caps for a GP salaried in a centre de santé: the activity as observed.
    salaried = pd.DataFrame({"yearly_acts": [200.0, 7000.0, 7000.0, 100.0], "fte": 1.0,
                             "practice_mode": ["salarié", "libéral", "mixte", "mixte"]})
    assert yearly_supply(salaried, AplSettings()).tolist() == [200.0, 6000.0, 6000.0, 0.0]  # mixte: capped as libéral


def test_apl_variants_drop_older_gps_but_keep_unknown_ages():
    reference = pd.DataFrame({"commune_code": ["a"], "population": [1000.0],
                              **{band: [None] for band in ["pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59",
                                                           "pop_60_74", "pop_75_plus"]}})
    gps = pd.DataFrame({"commune_code": ["a", "a", "a"], "age": [64, 66, None], "fte": [1.0, 0.5, None]})
    pairs = pd.DataFrame({"origin": ["a"], "destination": ["a"], "minutes": [3.0]})
    apl = apl_by_commune(reference, gps, pairs, AplSettings(consultations_per_fte=1000)).iloc[0]
    assert apl["apl"] == pytest.approx((1 + 0.5 + 1) * 1000 / 1000)  # unknown FTE counts as 1
    assert apl["apl_65"] == pytest.approx(2.0) and apl["apl_60"] == pytest.approx(1.0)
    assert apl["gp_consultations"] == 2500.0  # every GP's, not the last variant's
    assert (apl["standardised_population"], apl["demand_method"]) == (1000.0, "population")  # no age band known
    assert apl.index.tolist() == ["commune_code", "standardised_population", "demand_method", "apl",
                                  "gp_consultations", "apl_65", "apl_62", "apl_60"]  # the published columns' order


def test_classes_and_departures():
    assert classify(pd.Series([1.0, 2.5, 3.99, 4.0, None]), (2.5, 4.0)).tolist() == [
        "desert", "fragile", "fragile", "adequate", pd.NA]
    gps = pd.DataFrame({"age": [66, 60, 50, None], "planned_departure": pd.to_datetime([None, "2026-01-01", None, None])})
    from datetime import date

    five = departures(gps, date(2024, 6, 30), 67, 5).tolist()
    ten = departures(gps, date(2024, 6, 30), 67, 10).tolist()
    assert five == [True, True, False, pd.NA] and ten == [True, True, False, pd.NA]
    assert departures(gps, date(2024, 6, 30), 67, 20).tolist()[2] is True


def test_positions_of_codes_in_the_index_categorical_or_not():
    """Travel-time tables carry codes as categories: their positions are read through the
    categories, -1 for a code the index lacks (a commune outside the area), whatever the
    categories' order; plain strings the same."""
    from observatory.accessibility.e2sfca import pair_positions, positions

    index = pd.Index(["a", "b", "c"])
    shuffled = pd.Series(pd.Categorical(["c", "x", "a", "b", None], categories=["c", "x", "b", "a"]))
    assert positions(shuffled, index).tolist() == [2, -1, 0, 1, -1]
    assert positions(shuffled.astype("string"), index).tolist() == [2, -1, 0, 1, -1]
    ordered = pd.Series(pd.Categorical(["b", "a"], categories=["a", "b", "c"]))
    assert positions(ordered, index).tolist() == [1, 0]
    pairs = pd.DataFrame({"origin": ["a", "x", "b"], "destination": ["b", "a", "y"], "minutes": [3.0, 4.0, 5.0]})
    origins, destinations, minutes = pair_positions(pairs, index)  # a pair with one end outside is left out
    assert (origins.tolist(), destinations.tolist(), minutes.tolist()) == ([0], [1], [3.0])


def test_osrm_says_what_went_wrong_and_what_it_cannot_reach_is_left_out():
    """An OSRM error is raised with its code and message; a duration OSRM cannot route (null)
    is no pair, never a trip of 0 minutes."""
    communes = pd.DataFrame({"commune_code": ["a", "b", "c"], "lon": [1.0, 1.1, 1.2], "lat": [47.0, 47.0, 47.0]})
    server = _osrm_stand_in([], lambda sources: {"code": "InvalidQuery", "message": "Too many table coordinates"})
    try:
        with pytest.raises(RuntimeError, match="^OSRM answered InvalidQuery: Too many table coordinates$"):
            osrm_table(communes, f"http://127.0.0.1:{server.server_port}", max_minutes=15)
    finally:
        server.shutdown()
    server = _osrm_stand_in([], lambda sources: {"code": "Ok", "durations": [[0.0, None, 900.0] for _ in sources]})
    try:
        pairs = osrm_table(communes, f"http://127.0.0.1:{server.server_port}", max_minutes=15)
    finally:
        server.shutdown()
    assert sorted(zip(pairs["origin"], pairs["destination"], pairs["minutes"])) == [
        ("a", "a", 0.0), ("a", "c", 15.0), ("b", "a", 0.0), ("b", "c", 15.0), ("c", "a", 0.0), ("c", "c", 15.0)]
    assert pairs.index.tolist() == list(range(6))


def test_the_provider_the_settings_choose_with_each_commune_s_own_time(tmp_path):
    """A matrix file first (its pairs beyond the APL's reach left out, a zero own time replaced
    by the estimate's with the calibrated speed, a positive one kept), else an OSRM server
    (its zeros replaced alike), else the estimate at the calibrated speed; each says which."""
    from observatory.accessibility.providers import travel_times
    from observatory.settings import Settings

    communes = pd.DataFrame({"commune_code": ["a", "b", "c"], "lon": [1.0, 1.1, 1.2], "lat": [47.0, 47.0, 47.0],
                             "area_km2": [9 * np.pi, 9 * np.pi, 9 * np.pi]})  # internal distance 2/3 × 3 km = 2 km
    calibration = pd.DataFrame({"speed_fitted_kmh": [30.0]})
    own_minutes = 2.0 * 1.3 / 30.0 * 60  # 5.2: the detour and the fitted speed
    matrix = tmp_path / "matrix.csv"
    matrix.write_text("origin;destination;minutes\na;b;12\nb;c;25\na;a;0\nb;b;0.5\n", encoding="utf-8")
    pairs, method = travel_times(communes, Settings(data_dir=tmp_path, travel_matrix=matrix), calibration=calibration)
    assert sorted(zip(pairs["origin"], pairs["destination"], pairs["minutes"].round(6))) == [
        ("a", "a", round(own_minutes, 6)), ("a", "b", 12.0), ("b", "b", 0.5), ("c", "c", round(own_minutes, 6))]
    assert pairs.index.tolist() == list(range(len(pairs)))
    assert method == "matrice d'un calculateur d'itinéraires (matrix.csv)"

    server = _osrm_stand_in([])
    try:
        settings = Settings(data_dir=tmp_path, osrm_url=f"http://127.0.0.1:{server.server_port}")
        pairs, method = travel_times(communes, settings, calibration=calibration)
    finally:
        server.shutdown()
    assert sorted(zip(pairs["origin"], pairs["destination"], pairs["minutes"].round(6))) == [
        ("a", "a", round(own_minutes, 6)), ("a", "b", 10.0), ("a", "c", 20.0), ("b", "a", 10.0),
        ("b", "b", round(own_minutes, 6)), ("b", "c", 10.0), ("c", "a", 20.0), ("c", "b", 10.0),
        ("c", "c", round(own_minutes, 6))]
    assert method == "service OSRM (itinéraires routiers)"

    pairs, method = travel_times(communes, Settings(data_dir=tmp_path), calibration=calibration)
    own = pairs[pairs["origin"] == pairs["destination"]]["minutes"]
    assert own.tolist() == pytest.approx([own_minutes] * 3)
    assert "à 30 km/h (vitesse ajustée sur l'APL officielle)" in method


def test_osrm_is_not_asked_for_no_commune_and_a_silent_server_fails_in_time():
    nobody = pd.DataFrame({"commune_code": pd.Series(dtype="string"), "lon": [], "lat": []})
    empty = osrm_table(nobody, "http://127.0.0.1:9", max_minutes=20)  # port 9: nothing would answer
    assert empty.empty and empty.columns.tolist() == ["origin", "destination", "minutes"]
    silent = socket.socket()  # accepts the connection, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    communes = pd.DataFrame({"commune_code": ["a"], "lon": [1.0], "lat": [47.0]})
    raised = []

    def ask():
        try:
            osrm_table(communes, f"http://127.0.0.1:{silent.getsockname()[1]}", 20, timeout=0.5)
        except OSError as error:
            raised.append(error)

    asking = threading.Thread(target=ask, daemon=True)  # so that a hang fails this test, not the suite
    asking.start()
    asking.join(timeout=10)
    silent.close()
    assert not asking.is_alive() and len(raised) == 1  # a timeout, not a refresh hanging for ever


def test_the_reach_of_the_pairs_is_the_parameters_last_band():
    """The DREES's bands say how far a GP is within reach: with a last band of 30 minutes,
    two communes 25 minutes apart are paired; at the 2023 parameters' 20, they are not."""
    from dataclasses import replace

    from observatory.accessibility.parameters import DREES_2023
    from observatory.accessibility.providers import travel_times
    from observatory.settings import Settings

    kilometres = 25 / 60 * 60 / 1.3  # 25 minutes at 60 km/h with the detour
    communes = pd.DataFrame({"commune_code": ["a", "b"], "lon": [1.0, 1.0],
                             "lat": [47.0, 47.0 + math.degrees(kilometres / 6371.0088)], "area_km2": [1.0, 1.0]})
    wider = replace(DREES_2023, distance_weights=((10.0, 1.0), (20.0, 0.5), (30.0, 0.25)))
    assert len(travel_times(communes, Settings(), wider)[0]) == 4  # a → b, b → a, and each with itself
    assert len(travel_times(communes, Settings(), DREES_2023)[0]) == 2


def test_gps_whose_reach_holds_no_demand_offer_nothing_to_anyone():
    """Commune 0 has GPs and no inhabitant: its supply is shared by no one (a ratio of 0, not
    a division by zero, nor a warning in the build's log) and its score is 0; commune 1's
    4 900 consultations serve its 100; commune 2 has neither (0 / 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = e2sfca(np.array([0, 1, 2]), np.array([0, 1, 2]), np.array([5.0, 5.0, 5.0]),
                        np.array([0.0, 100.0, 0.0]), np.array([4900.0, 4900.0, 0.0]))
    assert scores.tolist() == [0.0, 49.0, 0.0]
