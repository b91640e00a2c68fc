"""The travel-time provider chosen by the settings: a matrix file, an OSRM server, or the estimate."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..settings import Settings
from .apl import AplSettings
from .osm_routing import cached_osm_travel_times
from .parameters import DREES_2023, DreesParameters
from .travel_times import RoadModel, estimated_times, osrm_table, read_matrix, with_internal_times


def road_model(settings: Settings, calibration: pd.DataFrame | None = None) -> RoadModel:
    """The estimate's road model: the settings', with the speed fitted to the official APL
    when a calibration was made."""
    fitted = calibration["speed_fitted_kmh"].dropna() if calibration is not None and len(calibration) else []
    return RoadModel(detour=settings.road_detour, speed_kmh=float(fitted.iloc[0]) if len(fitted) else settings.road_speed_kmh)


def calibration_status(settings: Settings, official_communes: int, osm_extracts: Sequence[Path] = ()) -> str:
    """Why the estimate is or is not calibrated; empty when it is to be."""
    if settings.travel_matrix is not None or settings.osrm_url or osm_extracts:
        return "non calibré : temps de trajet routiers"
    if not settings.calibrate_travel_times:
        return "non calibré : désactivé (OBSERVATORY_CALIBRATE=0)"
    if official_communes < 10:
        return "non calibré : APL officielle absente ou trop peu de communes comparables"
    return ""


def apl_settings(settings: Settings, parameters: DreesParameters = DREES_2023) -> AplSettings:
    return AplSettings(parameters=parameters, consultations_per_fte=settings.consultations_per_fte,
                       reference_date=pd.Timestamp(settings.reference_date))


def travel_time_method(settings: Settings, calibration: pd.DataFrame | None = None,
                       osm_extracts: Sequence[Path] = ()) -> str:
    """How travel times are obtained under these settings, in the dashboard's French."""
    if settings.travel_matrix is not None:
        return f"matrice d'un calculateur d'itinéraires ({settings.travel_matrix.name})"
    if osm_extracts:
        names = ", ".join(Path(path).name for path in osm_extracts)
        return (f"temps de trajet routiers calculés sur OpenStreetMap ({names}) : vitesse affichée "
                "(maxspeed) ou, à défaut, celle du profil voiture d'OSRM pour le type de route")
    if settings.osrm_url:
        return "service OSRM (itinéraires routiers)"
    road = road_model(settings, calibration)
    fitted = road.speed_kmh != settings.road_speed_kmh
    return (f"temps de trajet estimés, sans réseau routier : distance à vol d'oiseau × {road.detour:g}, à "
            f"{road.speed_kmh:g} km/h" + (" (vitesse ajustée sur l'APL officielle)" if fitted else "")
            + " ; dans la commune, 2/3 du rayon du disque de même surface")


def travel_times(communes: pd.DataFrame, settings: Settings, parameters: DreesParameters = DREES_2023,
                 calibration: pd.DataFrame | None = None, osm_extracts: Sequence[Path] = ()
                 ) -> tuple[pd.DataFrame, str]:
    """Long-form commune-to-commune minutes within the APL's largest band, and the method
    used: a matrix file, else an OpenStreetMap extract, else an OSRM server, else the estimate."""
    reach = apl_settings(settings, parameters).max_minutes
    road = road_model(settings, calibration)
    if settings.travel_matrix is not None:
        matrix = read_matrix(settings.travel_matrix)
        pairs = with_internal_times(matrix[matrix["minutes"] <= reach], communes, road)
    elif osm_extracts:
        routed = cached_osm_travel_times(communes, list(osm_extracts), reach, settings.staging_dir / "travel_times")
        pairs = with_internal_times(routed, communes, road)
    elif settings.osrm_url:
        pairs = with_internal_times(osrm_table(communes, settings.osrm_url, reach), communes, road)
    else:
        pairs = estimated_times(communes, reach, road)
    return pairs, travel_time_method(settings, calibration, osm_extracts)
