"""Reader of commune contours (GeoJSON from IGN ADMIN EXPRESS, geo.api.gouv.fr or
gregoiredavid/france-geojson), in any CRS: the staged table is always WGS84 (EPSG:4326)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .errors import SourceFormatError
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable, rejections

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


def _check_wgs84(path: Path, frame: gpd.GeoDataFrame, declared: bool) -> None:
    """Coordinates said (or, without a ``crs`` member, assumed) to be WGS84 must be
    longitudes and latitudes: a projected file would otherwise fail much later."""
    if frame.empty:
        return
    west, south, east, north = frame.total_bounds
    if -180 <= west <= east <= 180 and -90 <= south <= north <= 90:
        return
    looks = " (they look like Lambert-93, EPSG:2154)" if 0 < west < 1.3e6 and 6.0e6 < south < 7.2e6 else ""
    said = "declares WGS84" if declared else "has no 'crs' member, so WGS84 (the GeoJSON standard) is assumed"
    raise SourceFormatError(path, None, "crs", f"the file {said}, but its coordinates reach x {west:.0f}…{east:.0f}, "
                                               f"y {south:.0f}…{north:.0f}{looks}: state its CRS or reproject it")


def read_contour_files(paths: list[Path], departements: tuple[str, ...]) -> StagedTable:
    """Contours from one file or several (publishers give one per département): each read
    as below, then a commune found in two files is quarantined in the later one."""
    parts = [read_commune_contours(path, departements) for path in paths]
    if len(parts) == 1:
        return parts[0]
    tables = [part.table.assign(file=Path(path).name) for part, path in zip(parts, paths)]
    table = gpd.GeoDataFrame(pd.concat(tables, ignore_index=True), geometry="geometry", crs=WGS84)
    repeated = table["commune_code"].duplicated()
    first_file = table.groupby("commune_code")["file"].transform("first")
    rejects = [part.rejects for part in parts] + [
        rejections(DATASET, file, group["line"], "code", "commune already read from " + group["first_file"])
        for file, group in table[repeated].assign(first_file=first_file[repeated]).groupby("file")]
    return StagedTable(table=table[~repeated].drop(columns="file").reset_index(drop=True),
                       rejects=pd.concat(rejects, ignore_index=True), rows_read=sum(p.rows_read for p in parts),
                       out_of_scope=sum(p.out_of_scope for p in parts),
                       stats={"files": len(paths),
                              "geometries_repaired": sum(p.stats["geometries_repaired"] for p in parts)})


def read_commune_contours(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """Contours of the communes of ``departements`` with area and an interior point.

    A file without CRS is taken as WGS84 (the GeoJSON standard), and its coordinates must
    then be longitudes and latitudes. Invalid geometries are repaired when ``make_valid``
    yields a polygon, otherwise quarantined, as are empty geometries, malformed codes and
    repeated communes. ``line`` is the feature's position.
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
    if frame.crs is None or frame.crs.equals(WGS84):
        _check_wgs84(path, frame, declared=frame.crs is not None)
        frame = frame.set_crs(WGS84, allow_override=True)
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


def read_departement_contours(path: Path) -> gpd.GeoDataFrame:
    """Contours of the départements (``code``, ``geometry`` in WGS84), from Etalab's
    generalised file or any GeoJSON with a département code per feature: only used to
    find which départements lie around a territory."""
    path = Path(path)
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several types for unreadable files
        raise SourceFormatError(path, None, None, f"unreadable geometry file: {error}") from error
    code_field = _first_present(path, frame.columns, ("code", "code_insee", "INSEE_DEP", "insee_dep"),
                                "département code")
    if frame.crs is None or frame.crs.equals(WGS84):
        _check_wgs84(path, frame, declared=frame.crs is not None)
        frame = frame.set_crs(WGS84, allow_override=True)
    codes = frame[code_field].astype("string").str.strip()
    known = codes.str.fullmatch(r"\d{2}|2[AB]|97\d").fillna(False).astype(bool) & frame.geometry.notna()
    if not known.any():
        raise SourceFormatError(path, None, code_field, "no feature with a département code (such as 41, 2A, 974)")
    return gpd.GeoDataFrame({"code": codes[known]}, geometry=frame.geometry[known].to_crs(WGS84)).reset_index(drop=True)
