"""Reader of commune contours (GeoJSON from IGN ADMIN EXPRESS, geo.api.gouv.fr or
gregoiredavid/france-geojson), in any CRS: the staged table is always WGS84 (EPSG:4326)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .errors import SourceFormatError
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable

DATASET = "commune_contours"
CODE_FIELDS = ("code", "INSEE_COM", "insee_com", "codgeo", "CODGEO", "code_insee")
NAME_FIELDS = ("nom", "NOM", "NOM_COM", "nom_com", "libgeo", "LIBGEO")
LAMBERT_93 = "EPSG:2154"
WGS84 = "EPSG:4326"


def _first_present(path: Path, columns, candidates: tuple[str, ...], what: str) -> str:
    for name in candidates:
        if name in columns:
            return name
    raise SourceFormatError(path, None, candidates[0], f"no {what} property (tried {', '.join(candidates)})")


def read_commune_contours(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """Contours of the communes of ``departements`` with area and an interior point.

    A file without CRS is taken as WGS84 (the GeoJSON standard). Invalid geometries are
    repaired when ``make_valid`` yields a polygon, otherwise quarantined, as are empty
    geometries, malformed codes and repeated communes. ``line`` is the feature's position.
    """
    path = Path(path)
    if not path.exists():
        raise SourceFormatError(path, None, None, "file not found")
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several types for unreadable files
        raise SourceFormatError(path, None, None, f"unreadable geometry file: {error}") from error
    code_field = _first_present(path, frame.columns, CODE_FIELDS, "commune code")
    name_field = _first_present(path, frame.columns, NAME_FIELDS, "commune name")
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    frame = gpd.GeoDataFrame(
        {
            "commune_code": frame[code_field].astype("string").str.strip(),
            "commune_name": frame[name_field].astype("string").str.strip(),
            "line": pd.RangeIndex(1, len(frame) + 1),
        },
        geometry=frame.geometry.to_crs(WGS84),
    )
    rows_read = len(frame)
    frame = frame[departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)]

    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~is_commune_code(frame["commune_code"]), code_field, "malformed commune code")
    geometry = frame.geometry
    checks.reject(geometry.isna() | geometry.is_empty, "geometry", "missing or empty geometry")
    invalid = ~geometry.is_valid.astype(bool)
    repaired = geometry.where(~invalid, shapely.make_valid(geometry.values))
    repaired_polygonal = repaired.geom_type.isin(["Polygon", "MultiPolygon"])
    checks.reject(
        invalid & ~repaired_polygonal,
        "geometry",
        "invalid geometry (self-intersection?) that cannot be repaired into a polygon",
    )
    frame = frame.set_geometry(repaired)
    checks.frame = frame
    checks.reject_duplicates(["commune_code"], code_field, "commune")
    table = gpd.GeoDataFrame(checks.accepted(), geometry="geometry", crs=WGS84)
    projected = table.geometry.to_crs(LAMBERT_93)
    table["area_km2"] = projected.area / 1e6
    point = projected.representative_point().to_crs(WGS84)
    table["lon"] = point.x
    table["lat"] = point.y
    return StagedTable(
        table=table,
        rejects=checks.rejects(),
        rows_read=rows_read,
        out_of_scope=rows_read - len(frame),
        stats={"geometries_repaired": int((invalid & repaired_polygonal).sum())},
    )
