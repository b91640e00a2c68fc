"""Asset checks: blocking ones stop publication when a curated table is wrong."""

import numpy as np
import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, asset_check


def _result(passed: bool, description: str, severity=AssetCheckSeverity.ERROR, **metadata) -> AssetCheckResult:
    return AssetCheckResult(passed=bool(passed), description=description, metadata=metadata, severity=severity)


@asset_check(asset="commune_reference", blocking=True)
def commune_codes_unique_and_populated(commune_reference: pd.DataFrame) -> AssetCheckResult:
    """Commune codes are unique and every commune has a positive population."""
    duplicates = int(commune_reference["commune_code"].duplicated().sum())
    not_positive = int((~(commune_reference["population"] > 0)).sum())
    return _result(duplicates == 0 and not_positive == 0 and len(commune_reference) > 0,
                   "unique codes, positive populations", duplicates=duplicates, without_positive_population=not_positive,
                   communes=len(commune_reference))


@asset_check(asset="gp_supply_by_commune", blocking=True)
def gp_density_plausible(gp_supply_by_commune: pd.DataFrame) -> AssetCheckResult:
    """One row per commune; densities between 0 and 200 GPs per 10 000 inhabitants; shares in [0, 1]."""
    density = gp_supply_by_commune["gp_density"].dropna()
    share = gp_supply_by_commune["share_senior"].dropna()
    duplicates = int(gp_supply_by_commune["commune_code"].duplicated().sum())
    return _result(duplicates == 0 and density.between(0, 200).all() and share.between(0, 1).all(),
                   "densities and shares within plausible ranges", duplicates=duplicates,
                   max_density=float(density.max()) if len(density) else 0.0)


@asset_check(asset="gp_register_coverage")
def register_covers_benchmark(gp_register_coverage: pd.DataFrame) -> AssetCheckResult:
    """Warns when the register holds fewer than 80 % (or more than 125 %) of the liberal GPs
    the CNAM counts, or no GP at all: a partial or outdated extract. The figures are still
    published, with the coverage shown on the dashboard."""
    coverage = gp_register_coverage["coverage"]
    plausible = coverage.isna() | coverage.between(0.8, 1.25)
    off = gp_register_coverage[(gp_register_coverage["register_gps"] == 0) | ~plausible]
    return _result(off.empty, "register coverage of the CNAM's liberal GP count", AssetCheckSeverity.WARN,
                   departements=", ".join(f"{row.departement_code}: {row.register_liberal_gps} / "
                                          f"{row.benchmark_liberal_gps}" for row in off.itertuples()))


@asset_check(asset="agency_funnel", blocking=True)
def funnel_is_monotonic(agency_funnel: pd.DataFrame) -> AssetCheckResult:
    """contacted ≥ accompanied ≥ installed = durable + replacement."""
    stages = dict(zip(agency_funnel["stage"], agency_funnel["cases"]))
    passed = (stages["contacted"] >= stages["accompanied"] >= stages["installed"]
              and stages["installed"] == stages["installed_durable"] + stages["installed_replacement"])
    return _result(passed, "the funnel narrows and installations add up", **{k: int(v) for k, v in stages.items()})


@asset_check(asset="accessibility_by_commune", blocking=True)
def apl_conserves_supply(accessibility_by_commune: pd.DataFrame) -> AssetCheckResult:
    """E2SFCA shares out all supply: Σ P*_i · APL_i equals the GP consultations offered
    (every commune with GPs has inhabitants within reach). APLs are finite and ≥ 0."""
    table = accessibility_by_commune
    offered = float(table["gp_consultations"].sum())
    shared = float((table["standardised_population"] * table["apl"]).sum())
    finite = bool(np.isfinite(table["apl"]).all() and (table["apl"] >= 0).all())
    conserved = abs(shared - offered) <= 1e-6 * max(offered, 1.0)
    return _result(finite and conserved, "supply conserved and APL finite", offered=offered, shared=shared)


CHECKS = [apl_conserves_supply, commune_codes_unique_and_populated, gp_density_plausible, register_covers_benchmark, funnel_is_monotonic]
