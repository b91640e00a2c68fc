"""The travel-time provider chosen by the settings: a matrix file, an OSRM server, or the estimate."""

from __future__ import annotations

import pandas as pd

from ..settings import Settings
from .apl import AplSettings
from .travel_times import RoadModel, estimated_times, osrm_table, read_matrix, with_internal_times


def road_model(settings: Settings) -> RoadModel:
    return RoadModel(detour=settings.road_detour, speed_kmh=settings.road_speed_kmh)


def apl_settings(settings: Settings) -> AplSettings:
    return AplSettings(bands=settings.apl_bands, consultations_per_fte=settings.consultations_per_fte)


def travel_time_method(settings: Settings) -> str:
    """How travel times are obtained under these settings, in the dashboard's French."""
    if settings.travel_matrix is not None:
        return f"matrice d'un calculateur d'itinéraires ({settings.travel_matrix.name})"
    if settings.osrm_url:
        return "service OSRM (itinéraires routiers)"
    road = road_model(settings)
    return (f"estimés sans réseau : distance à vol d'oiseau × {road.detour:g}, à {road.speed_kmh:g} km/h ; "
            "dans la commune, 2/3 du rayon du disque de même surface")


def travel_times(communes: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, str]:
    """Long-form commune-to-commune minutes within the APL's largest band, and the method used."""
    reach = apl_settings(settings).max_minutes
    road = road_model(settings)
    if settings.travel_matrix is not None:
        matrix = read_matrix(settings.travel_matrix)
        pairs = with_internal_times(matrix[matrix["minutes"] <= reach], communes, road)
    elif settings.osrm_url:
        pairs = with_internal_times(osrm_table(communes, settings.osrm_url, reach), communes, road)
    else:
        pairs = estimated_times(communes, reach, road)
    return pairs, travel_time_method(settings)
