"""The headline figures of a territory, as shown on the dashboard and printed by the CLI."""

from __future__ import annotations

import pandas as pd


def headline_figures(gp_by_departement: pd.DataFrame, funnel: pd.DataFrame, quarters: pd.DataFrame) -> dict:
    """Population, GPs, density, 55+ share and the agency's funnel over the whole territory.

    The 55+ share is recomputed from the départements' counts so that a territory of
    several départements gets a weighted share, not a mean of shares.
    """
    totals = gp_by_departement[["population", "gps", "gps_age_known"]].sum()
    senior = gp_by_departement["gps_senior"]
    stages = {stage: None if pd.isna(cases) else int(cases) for stage, cases in zip(funnel["stage"], funnel["cases"])}
    return {
        "population": float(totals["population"]),
        "gps": int(totals["gps"]),
        "gp_density": float(totals["gps"] / totals["population"] * 10_000) if totals["population"] else None,
        "share_senior": float(senior.sum() / totals["gps_age_known"])
        if totals["gps_age_known"] and senior.notna().all() else None,
        **{f"agency_{stage}": count for stage, count in stages.items()},
        "installations_by_quarter": {
            period: (None if pd.isna(count) else int(count))
            for period, count in zip(quarters["period"], quarters["installations"])
        },
    }
