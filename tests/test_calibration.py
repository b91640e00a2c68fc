"""Calibrating the estimate's speed to the official APL, and choosing the travel-time
provider: a territory whose "official" APL was made at 40 km/h must be fitted at 40 km/h,
the held-out half must agree as well, and the settings must pick the provider they name."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from observatory.accessibility.apl import AplSettings, apl_by_commune
from observatory.accessibility.calibration import SPEEDS_KMH, calibrate_speed
from observatory.accessibility.parameters import DREES_2023, parameters_from_record, parameters_record
from observatory.accessibility.providers import (apl_settings, calibration_status, road_model, travel_time_method,
                                                 travel_times)
from observatory.accessibility.travel_times import RoadModel, estimated_times
from observatory.settings import Settings


def _territory(seed: int = 7, communes: int = 40) -> tuple[pd.DataFrame, pd.DataFrame]:
    random = np.random.default_rng(seed)
    reference = pd.DataFrame({"commune_code": [f"41{i:03d}" for i in range(communes)],
                              "lon": 1.0 + random.uniform(0, 0.5, communes), "lat": 47.0 + random.uniform(0, 0.35, communes),
                              "area_km2": random.uniform(5, 30, communes),
                              "population": random.integers(100, 5000, communes)})
    gps = pd.DataFrame({"commune_code": random.choice(reference["commune_code"], 25), "fte": 1.0, "age": None})
    return reference, gps


def _official_at(speed: float, reference: pd.DataFrame, gps: pd.DataFrame, detour: float = 1.3,
                 settings: AplSettings = AplSettings()) -> pd.DataFrame:
    pairs = estimated_times(reference, settings.max_minutes, RoadModel(detour=detour, speed_kmh=speed))
    return apl_by_commune(reference, gps, pairs, settings)[["commune_code", "apl"]].rename(
        columns={"apl": "official_apl"})


def test_the_speed_that_made_the_official_apl_is_the_one_fitted_and_the_held_out_half_agrees():
    reference, gps = _territory()
    official = _official_at(40.0, reference, gps)
    row = calibrate_speed(reference, gps, official, AplSettings(), RoadModel(), threshold=2.5).iloc[0]
    assert (row["detour"], row["speed_default_kmh"], row["speed_fitted_kmh"]) == (1.3, 60.0, 40.0)
    assert (row["communes_fit"], row["communes_holdout"]) == (20, 20)
    for half in ("fit", "holdout"):
        assert row[f"spearman_{half}_fitted"] == pytest.approx(1.0)
        assert row[f"mean_absolute_error_{half}_fitted"] == pytest.approx(0.0, abs=1e-12)
        assert row[f"class_agreement_{half}_fitted"] == 1.0
        assert row[f"spearman_{half}_default"] < 0.99 and row[f"mean_absolute_error_{half}_default"] > 0.01


def test_the_halves_alternate_by_code_and_leave_out_communes_of_elsewhere():
    reference, gps = _territory(communes=21)
    official = pd.concat([_official_at(45.0, reference, gps),
                          pd.DataFrame({"commune_code": ["45001"], "official_apl": [9.0]})])  # not in the territory
    row = calibrate_speed(reference, gps, official.iloc[::-1], AplSettings(), RoadModel(), 2.5).iloc[0]
    assert (row["communes_fit"], row["communes_holdout"]) == (11, 10)
    assert row["speed_fitted_kmh"] == 45.0


def test_without_a_ranking_to_fit_the_default_speed_is_kept():
    reference, gps = _territory(communes=12)
    flat = pd.DataFrame({"commune_code": reference["commune_code"], "official_apl": 3.0})  # no variation to rank
    row = calibrate_speed(reference, gps, flat, AplSettings(), RoadModel(speed_kmh=55.0), 2.5).iloc[0]
    assert row["speed_fitted_kmh"] == 55.0 and pd.isna(row["spearman_fit_default"])
    assert SPEEDS_KMH[0] == 20.0 and SPEEDS_KMH[-1] == 90.0 and len(SPEEDS_KMH) == 29  # every 2.5 km/h


def test_the_road_model_takes_the_fitted_speed_when_there_is_one():
    settings = Settings(road_speed_kmh=60.0, road_detour=1.4)
    assert road_model(settings) == RoadModel(detour=1.4, speed_kmh=60.0)
    assert road_model(settings, pd.DataFrame({"speed_fitted_kmh": [42.5]})) == RoadModel(1.4, 42.5)
    assert road_model(settings, pd.DataFrame({"speed_fitted_kmh": [None]})) == RoadModel(1.4, 60.0)
    assert road_model(settings, pd.DataFrame(columns=["speed_fitted_kmh"])) == RoadModel(1.4, 60.0)


def test_why_the_estimate_is_or_is_not_calibrated():
    settings = Settings()
    assert calibration_status(settings, 10) == ""
    assert calibration_status(settings, 9) == "non calibré : APL officielle absente ou trop peu de communes comparables"
    assert calibration_status(replace(settings, calibrate_travel_times=False), 500) == (
        "non calibré : désactivé (OBSERVATORY_CALIBRATE=0)")
    road = "non calibré : temps de trajet routiers"
    assert calibration_status(replace(settings, travel_matrix=Path("m.csv")), 500) == road
    assert calibration_status(replace(settings, osrm_url="http://127.0.0.1:5000"), 500) == road
    assert calibration_status(settings, 500, [Path("centre.osm.pbf")]) == road


def test_the_method_is_said_in_french_for_each_provider():
    settings = Settings()
    assert travel_time_method(replace(settings, travel_matrix=Path("/data/osrm.parquet"))) == (
        "matrice d'un calculateur d'itinéraires (osrm.parquet)")
    assert travel_time_method(settings, osm_extracts=[Path("/x/centre.osm.pbf"), Path("/x/idf.osm.pbf")]).startswith(
        "temps de trajet routiers calculés sur OpenStreetMap (centre.osm.pbf, idf.osm.pbf) : vitesse affichée")
    assert travel_time_method(replace(settings, osrm_url="http://127.0.0.1:5000")) == "service OSRM (itinéraires routiers)"
    assert travel_time_method(settings) == ("temps de trajet estimés, sans réseau routier : distance à vol d'oiseau "
                                            "× 1.3, à 60 km/h ; dans la commune, 2/3 du rayon du disque de même surface")
    assert travel_time_method(settings, pd.DataFrame({"speed_fitted_kmh": [42.5]})) == (
        "temps de trajet estimés, sans réseau routier : distance à vol d'oiseau × 1.3, à 42.5 km/h (vitesse ajustée "
        "sur l'APL officielle) ; dans la commune, 2/3 du rayon du disque de même surface")
    # The README's order: a matrix file, else an OpenStreetMap extract, else an OSRM server, else the estimate.
    everything = replace(settings, travel_matrix=Path("m.csv"), osrm_url="http://127.0.0.1:5000")
    assert travel_time_method(everything, osm_extracts=[Path("centre.osm.pbf")]).startswith("matrice")
    assert travel_time_method(replace(everything, travel_matrix=None), osm_extracts=[Path("centre.osm.pbf")]
                              ).startswith("temps de trajet routiers calculés sur OpenStreetMap")


def test_a_matrix_is_kept_within_the_largest_band_and_completed_with_each_communes_own_time(tmp_path):
    communes = pd.DataFrame({"commune_code": ["41001", "41002"], "lon": [1.0, 1.1], "lat": [47.0, 47.0],
                             "area_km2": [9 * np.pi, 9 * np.pi]})
    matrix = tmp_path / "matrix.csv"
    matrix.write_text("origin;destination;minutes\n41001;41002;12.5\n41002;41001;20.0\n41002;41002;3.0\n"
                      "41001;41003;20.5\n", encoding="utf-8")
    pairs, method = travel_times(communes, replace(Settings(), travel_matrix=matrix))
    found = sorted(zip(pairs["origin"], pairs["destination"], pairs["minutes"]))
    assert found == [("41001", "41001", pytest.approx(2 * 1.3)), ("41001", "41002", 12.5), ("41002", "41001", 20.0),
                     ("41002", "41002", 3.0)]  # 20.5 min is beyond the 20 of the last band; 41001 gets its own time
    assert method == "matrice d'un calculateur d'itinéraires (matrix.csv)"
    # 0.1° of longitude at 47° N: 7.58 km, 19.7 min by road at 30 km/h, 23.7 at 25 km/h: beyond the 20 minutes.
    estimated, said = travel_times(communes, Settings(road_speed_kmh=25.0))
    assert said.startswith("temps de trajet estimés") and len(estimated) == 2
    assert len(travel_times(communes, Settings(road_speed_kmh=30.0))[0]) == 4


def test_the_apl_settings_carry_the_observatorys_figures_and_the_parameters_survive_storage():
    settings = Settings(consultations_per_fte=5_000.0)
    made = apl_settings(settings)
    assert made.consultations_per_fte == 5_000.0 and made.reference_date == pd.Timestamp("2024-06-30")
    assert made.parameters == DREES_2023 and made.max_minutes == 20.0
    stored = json.loads(json.dumps(parameters_record(DREES_2023)))  # lists, as JSON gives them back
    assert parameters_from_record(stored) == DREES_2023


def test_the_fit_keeps_the_roads_detour_and_the_apls_settings():
    """An official APL made at detour 1.6 and 40 km/h, 3 000 consultations per full-time GP:
    fitted at 40 km/h with the same detour and settings, it agrees exactly (at the default
    detour, the best speed would be 32.5 km/h; with the default settings, the values differ)."""
    reference, gps = _territory()
    settings = AplSettings(consultations_per_fte=3000)
    official = _official_at(40.0, reference, gps, detour=1.6, settings=settings)
    row = calibrate_speed(reference, gps, official, settings, RoadModel(detour=1.6), threshold=2.5).iloc[0]
    assert (row["detour"], row["speed_fitted_kmh"]) == (1.6, 40.0)
    assert row["mean_absolute_error_fit_fitted"] == pytest.approx(0.0, abs=1e-12)
    assert row.index.tolist() == ["detour", "speed_default_kmh", "speed_fitted_kmh", "communes_fit", "communes_holdout"] + [
        f"{measure}_{half}_{speed}" for speed in ("default", "fitted") for half in ("fit", "holdout")
        for measure in ("spearman", "pearson", "mean_absolute_error", "class_agreement", "kappa")]


def test_among_speeds_that_agree_alike_the_one_nearest_the_default_is_kept():
    """Communes 38 km apart and 0.05 km² each: each reaches only itself, within the first
    band, at any speed tried; so every speed gives the same APL and agrees alike, and 55 km/h
    is kept, not an extreme."""
    reference, gps = _territory(communes=12)
    reference = reference.assign(lon=1.0 + np.arange(12) * 0.5, lat=47.0, area_km2=0.05)
    official = _official_at(40.0, reference, gps)
    row = calibrate_speed(reference, gps, official, AplSettings(), RoadModel(speed_kmh=55.0), 2.5).iloc[0]
    assert row["spearman_fit_default"] == pytest.approx(1.0) and row["speed_fitted_kmh"] == 55.0
