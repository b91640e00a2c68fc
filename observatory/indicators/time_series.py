"""Indicators over time, one set per dated register snapshot.

Each RPPS extract is a snapshot of the register on its date. For each snapshot the GPs
are located and aged as of that date, then counted and given an APL with the current
population and travel times, so that the series shows what changed in the supply.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..accessibility.apl import AplSettings, apl_by_commune
from .benchmark import catchment_complete, register_complete, register_coverage
from .deserts import population_weighted
from .gp_supply import LEVEL_LABELS, LEVELS, gp_supply


def indicators_by_snapshot(gps_by_date: pd.DataFrame, dates: list, reference: pd.DataFrame, pairs: pd.DataFrame,
                           apl_settings: AplSettings, senior_age: int, benchmark: pd.DataFrame,
                           area: pd.DataFrame | None = None, ring_gps: pd.DataFrame | None = None,
                           ring_complete: pd.Series | None = None) -> pd.DataFrame:
    """Per snapshot date and territory (commune, EPCI, département): GPs, density, 55+ share, APL.

    ``gps_by_date`` holds the GPs of every snapshot, with a ``snapshot_date`` column;
    ``dates`` lists every snapshot, so that one without any GP still has its rows.
    The APL of an EPCI or département is the population-weighted mean of its communes' (of
    those with an APL).
    It is computed over ``area`` (the territory and its border ring) with the ring's GPs
    of today, ``ring_gps``, at every date: earlier registers are read for the territory only.
    Each snapshot's register is checked against the CNAM's count (``benchmark``) as today's
    is, the ring's as today (``ring_complete``): where it is partial, no figure
    (``gp_supply``, ``commune_accessibility``).
    """
    rows = []
    for snapshot in sorted(pd.Timestamp(d) for d in dates):
        gps = gps_by_date[gps_by_date["snapshot_date"] == snapshot]
        everyone = gps if ring_gps is None else pd.concat([gps, ring_gps], ignore_index=True)
        complete = register_complete(register_coverage(gps, reference, benchmark))
        if ring_complete is not None:
            complete = pd.concat([complete, ring_complete])
        apl = apl_by_commune(reference if area is None else area, everyone, pairs, apl_settings)[["commune_code", "apl"]]
        communes = reference.merge(apl, on="commune_code", how="left")
        communes["apl"] = communes["apl"].where(catchment_complete(communes["commune_code"], pairs, complete).to_numpy())
        for level, key in LEVELS.items():
            supply = gp_supply(gps, reference, level, senior_age, complete)
            weighted = population_weighted(communes["apl"], communes["population"], communes[key])
            supply["apl"] = weighted.reindex(supply[key]).where(supply["register_complete"].to_numpy()).to_numpy()
            supply = supply.rename(columns={key: "code", LEVEL_LABELS[level]: "name"})
            rows.append(supply.assign(snapshot_date=snapshot, level=level))
    columns = ["snapshot_date", "level", "code", "name", "population", "register_complete", "gps", "gp_density",
               "gps_age_known", "gps_senior", "share_senior", "apl"]
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def snapshot_date(vintage: str, path_name: str) -> date:
    """The date of a snapshot file, from its vintage (``2023-06-30``)."""
    from ..sources.errors import SourceFormatError

    try:
        return date.fromisoformat(vintage)
    except (TypeError, ValueError):
        raise SourceFormatError(path_name, None, None, "a register snapshot's file name must carry its date, "
                                                       "e.g. PS_LibreAcces_Personne_activite_202306300800.txt") from None
