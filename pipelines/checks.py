"""Asset checks: blocking ones stop publication when a curated table is wrong."""

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, asset_check


def _result(passed: bool, description: str, **metadata) -> AssetCheckResult:
    return AssetCheckResult(passed=bool(passed), description=description, metadata=metadata,
                            severity=AssetCheckSeverity.ERROR)


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


@asset_check(asset="gp_supply_by_departement", blocking=True)
def territory_has_gps(gp_supply_by_departement: pd.DataFrame) -> AssetCheckResult:
    """Every observed département has GPs and inhabitants: an empty register means a broken input."""
    empty = gp_supply_by_departement[(gp_supply_by_departement["gps"] == 0) | ~(gp_supply_by_departement["population"] > 0)]
    return _result(empty.empty, "GPs and population found in every département",
                   departements_without_data=", ".join(empty["departement_code"]))


@asset_check(asset="agency_funnel", blocking=True)
def funnel_is_monotonic(agency_funnel: pd.DataFrame) -> AssetCheckResult:
    """contacted ≥ accompanied ≥ installed = durable + replacement."""
    stages = dict(zip(agency_funnel["stage"], agency_funnel["cases"]))
    passed = (stages["contacted"] >= stages["accompanied"] >= stages["installed"]
              and stages["installed"] == stages["installed_durable"] + stages["installed_replacement"])
    return _result(passed, "the funnel narrows and installations add up", **{k: int(v) for k, v in stages.items()})


CHECKS = [commune_codes_unique_and_populated, gp_density_plausible, territory_has_gps, funnel_is_monotonic]
