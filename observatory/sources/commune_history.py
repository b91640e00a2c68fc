"""Commune-code history: registers and older files use codes of earlier vintages of the
COG (communes merged into « communes nouvelles » since). Old codes are mapped to the
current geography from INSEE's table of movements, or, when only an earlier vintage of
the contours is at hand, by where each former commune's territory lies now."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from .communes import LAMBERT_93
from .delimited import read_delimited
from .staged import StagedTable, empty_rejections, rejections

DATASET = "commune_history"
MAPPING_COLUMNS = ["old_code", "new_code", "method", "overlap_share"]
MIN_OVERLAP = 0.9  # a former commune is mapped when 90 % of its area lies in one current commune


def read_insee_movements(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Old → new commune codes from INSEE's ``v_mvt_commune_YYYY.csv`` (code changes and
    mergers between communes: ``TYPECOM_AV`` and ``TYPECOM_AP`` both ``COM``; a code moved
    twice goes where its latest movement took it), and the file's malformed lines."""
    read = read_delimited(path, dataset=DATASET, delimiter=",", quoted=True, columns={
        "effective": "DATE_EFF", "type_before": "TYPECOM_AV", "old_code": "COM_AV",
        "type_after": "TYPECOM_AP", "new_code": "COM_AP"})
    moves = read.frame
    moves = moves[(moves["type_before"] == "COM") & (moves["type_after"] == "COM") & (moves["old_code"] != moves["new_code"])]
    moves = moves.sort_values("effective")
    mapping = pd.DataFrame({"old_code": moves["old_code"], "new_code": moves["new_code"], "method": "insee_movements",
                            "overlap_share": 1.0}).drop_duplicates("old_code", keep="last").reset_index(drop=True)
    return mapping, read.rejects


def derive_from_contours(previous: gpd.GeoDataFrame, current: gpd.GeoDataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map each commune of ``previous`` missing from ``current`` to the current commune
    holding most of its area. Returns the mapping and the former communes left unmapped
    (split between communes, or outside the current contours) with why."""
    gone = previous[~previous["commune_code"].isin(set(current["commune_code"]))]
    if gone.empty:
        return pd.DataFrame(columns=MAPPING_COLUMNS), pd.DataFrame(columns=["old_code", "reason"])
    old = gone[["commune_code", "geometry"]].rename(columns={"commune_code": "old_code"}).to_crs(LAMBERT_93)
    new = current[["commune_code", "geometry"]].rename(columns={"commune_code": "new_code"}).to_crs(LAMBERT_93)
    old["old_area"] = old.area
    pieces = gpd.overlay(old, new, how="intersection", keep_geom_type=True)
    pieces["overlap_share"] = pieces.area / pieces["old_area"]
    best = pieces.sort_values("overlap_share").drop_duplicates("old_code", keep="last")
    mapped = best[best["overlap_share"] >= MIN_OVERLAP]
    mapping = pd.DataFrame({"old_code": mapped["old_code"], "new_code": mapped["new_code"], "method": "contours_overlap",
                            "overlap_share": mapped["overlap_share"]}).reset_index(drop=True)
    unmapped = old[~old["old_code"].isin(set(mapping["old_code"]))][["old_code"]].copy()
    shares = best.set_index("old_code")["overlap_share"]
    unmapped["reason"] = [f"largest share in one current commune is {shares.get(code, 0):.0%}" for code in unmapped["old_code"]]
    return mapping, unmapped.reset_index(drop=True)


def resolve(mapping: pd.DataFrame) -> dict[str, str]:
    """Old code → current code, following chains (a → b, then b → c gives a → c)."""
    step = dict(zip(mapping["old_code"], mapping["new_code"]))
    resolved = {}
    for old in step:
        code, seen = old, {old}
        while code in step and step[code] not in seen:
            code = step[code]
            seen.add(code)
        resolved[old] = code
    return resolved


def modernise(codes: pd.Series, history: dict[str, str]) -> pd.Series:
    """Replace former commune codes by current ones; other codes are left as they are, and
    the codes keep their type (categories are those of the current codes, so none is lost)."""
    modern = codes.map(lambda code: history.get(code, code), na_action="ignore")
    return modern.astype("category" if isinstance(codes.dtype, pd.CategoricalDtype) else codes.dtype)


def build_history(current: gpd.GeoDataFrame, previous: gpd.GeoDataFrame | None, movements: Path | None,
                  previous_file: str) -> StagedTable:
    """The code history of the territory from whatever is at hand: INSEE movements first,
    then earlier contours; former communes that cannot be mapped are quarantined."""
    parts, malformed = [], empty_rejections()
    unmapped = pd.DataFrame(columns=["old_code", "reason"])
    if movements is not None:
        moves, malformed = read_insee_movements(movements)
        parts.append(moves)
    if previous is not None:
        derived, unmapped = derive_from_contours(previous, current)
        known = set(parts[0]["old_code"]) if parts else set()
        parts.append(derived[~derived["old_code"].isin(known)])
        unmapped = unmapped[~unmapped["old_code"].isin(known)]
    mapping = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MAPPING_COLUMNS)
    if len(mapping):
        resolved = resolve(mapping)
        mapping["new_code"] = mapping["old_code"].map(resolved)
    lines = previous.set_index("commune_code")["line"] if previous is not None else {}  # unmapped: from previous
    unmappable = rejections(DATASET, previous_file, [int(lines[code]) for code in unmapped["old_code"]],
                            "commune_code", [f"former commune {code} not mapped to the current geography: {reason}"
                                             for code, reason in zip(unmapped["old_code"], unmapped["reason"])])
    rejects = pd.concat([malformed, unmappable], ignore_index=True)
    return StagedTable(table=mapping.astype({"overlap_share": "float64"}), rejects=rejects,
                       rows_read=len(mapping) + len(rejects), stats={"mapped": len(mapping), "unmapped": len(rejects)})
