"""Indicators per zone of each zoning (CPTS, bassins de vie, cantons…).

A zone is a set of communes like an EPCI: its figures come from the very functions that
give the EPCIs' and départements' (``gp_supply``, ``accessibility_by_level``,
``supply_by_profession``), applied to the communes of each zoning with their zone as the
level's key. A commune in no zone of a zoning counts in none of its zones.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..sql import query

ZONING_COLUMNS = ["zoning", "zoning_label"]
MEMBERSHIP_COLUMNS = [*ZONING_COLUMNS, "commune_code", "zone_code", "zone_name"]
STRUCTURE_KINDS = ("maison_de_sante", "centre_de_sante", "hopital", "clinique")


def with_zones(communes: pd.DataFrame, zonings: pd.DataFrame) -> pd.DataFrame:
    """``communes`` (a row per commune) once per zoning, each row with its zone."""
    return communes.merge(zonings[MEMBERSHIP_COLUMNS], on="commune_code")


def per_zoning(communes: pd.DataFrame, zonings: pd.DataFrame,
               compute: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """``compute`` (a level's function, with ``zone_code``/``zone_name`` as its key) for each
    zoning on its communes, the results stacked in the zonings' order with the zoning's key
    and name first; with no zoning, the function's empty table, so that the published table
    keeps its columns."""
    zoned = with_zones(communes, zonings)
    if zoned.empty:
        return _labelled(compute(zoned.drop(columns=ZONING_COLUMNS)), "", "")
    return pd.concat([_labelled(compute(members.drop(columns=ZONING_COLUMNS)), zoning, label)
                      for (zoning, label), members in zoned.groupby(ZONING_COLUMNS)], ignore_index=True)


def _labelled(table: pd.DataFrame, zoning: str, label: str) -> pd.DataFrame:
    return table.assign(zoning=zoning, zoning_label=label)[[*ZONING_COLUMNS, *table.columns]]


def structures_by_level(structures: pd.DataFrame, reference: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    """Care structures (FINESS) per unit of ``key`` and kind: maisons de santé, centres de
    santé, hospitals, clinics; 0 where a unit has none."""
    counts = ", ".join(f"count(s.kind) filter (where s.kind = '{kind}') as {kind}" for kind in STRUCTURE_KINDS)
    return query(
        f"""
        select r.{key}, any_value(r.{label}) as {label}, {counts}
        from reference r left join structures s using (commune_code)
        group by r.{key} order by r.{key}
        """,
        reference=reference[["commune_code", key, label]], structures=structures[["commune_code", "kind"]],
    )
