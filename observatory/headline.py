"""The headline figures of a territory, as shown on the dashboard and printed by the CLI.

A figure computed from a register that misses part of the territory's GPs is not a
figure: where a département's register is incomplete (``register_complete``), the
territory's GP count, density, APL and population in deserts are « non disponible »,
with the reason, never a number.
"""

from __future__ import annotations

import pandas as pd

from .dashboard import french

HEADLINE_TABLES = ("gp_supply_by_departement", "accessibility_by_departement", "gp_register_coverage",
                   "agency_funnel", "agency_installations_by_quarter", "source_report")


def incomplete_registers(coverage: pd.DataFrame) -> list[str]:
    """« Haute-Corse : 0 sur 164 » for each département whose register cannot be trusted."""
    reasons = []
    for row in coverage.itertuples():
        if not row.register_complete:
            benchmark = "effectif de l'Assurance maladie inconnu" if pd.isna(row.benchmark_liberal_gps) else \
                f"{french.number(row.register_liberal_gps)} sur {french.number(row.benchmark_liberal_gps)}"
            reasons.append(f"{row.departement_name} : {benchmark}")
    return reasons


def incomplete_register_warning(coverage: pd.DataFrame) -> str:
    """« registre incomplet — Haute-Corse : 0 sur 164 », or empty when every register is usable."""
    incomplete = incomplete_registers(coverage)
    return ("registre incomplet — " + " ; ".join(incomplete)) if incomplete else ""


def headline_figures(tables: dict[str, pd.DataFrame]) -> dict:
    """Population, GPs, density, 55+ share, APL, population in deserts and the agency's
    funnel over the whole territory (``HEADLINE_TABLES``).

    Shares and means are recomputed from the départements' counts (weighted, not means of
    means). ``unavailable`` says why the register-based figures are None, if they are;
    ``agency_present`` whether the agency's records were there at all.
    """
    supply = tables["gp_supply_by_departement"]
    access = tables["accessibility_by_departement"]
    totals = supply[["population", "gps", "gps_age_known"]].sum()
    senior = supply["gps_senior"]
    population = float(totals["population"])
    unavailable = incomplete_register_warning(tables["gp_register_coverage"])
    usable = not unavailable and population > 0
    funnel = tables["agency_funnel"]
    stages = {stage: None if pd.isna(cases) else int(cases) for stage, cases in zip(funnel["stage"], funnel["cases"])}
    report = tables["source_report"].set_index("dataset")
    quarters = tables["agency_installations_by_quarter"]
    return {
        "population": population,
        "unavailable": unavailable,
        "gps": int(totals["gps"]) if usable else None,
        "gp_density": float(totals["gps"] / population * 10_000) if usable else None,
        "share_senior": float(senior.sum() / totals["gps_age_known"])
        if usable and totals["gps_age_known"] and senior.notna().all() else None,
        "apl": float((access["apl"] * access["population"]).sum() / population) if usable else None,
        "population_desert": float(access["population_desert"].sum()) if usable else None,
        "share_desert": float(access["population_desert"].sum() / population) if usable else None,
        "agency_present": bool(report.at["agency_cases", "present"]) if "agency_cases" in report.index else False,
        **{f"agency_{stage}": count for stage, count in stages.items()},
        "installations_by_quarter": {
            period: (None if pd.isna(count) else int(count))
            for period, count in zip(quarters["period"], quarters["installations"])
        },
    }
