"""Asset checks: blocking ones stop publication when a curated table is wrong."""

import numpy as np
import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, asset_check


from .resources import ObservatoryConfig


def _result(passed: bool, description: str, severity=AssetCheckSeverity.ERROR, **metadata) -> AssetCheckResult:
    return AssetCheckResult(passed=bool(passed), description=description, metadata=metadata, severity=severity)


def _partial_registers(coverage: pd.DataFrame, description: str) -> AssetCheckResult:
    off = coverage[~coverage["register_complete"].astype(bool)]
    return _result(off.empty, description, AssetCheckSeverity.WARN,
                   departements=", ".join(f"{row.departement_code}: {row.register_liberal_gps} / "
                                          f"{'inconnu' if pd.isna(row.benchmark_liberal_gps) else int(row.benchmark_liberal_gps)}"
                                          for row in off.itertuples()))


@asset_check(asset="gp_register_coverage")
def register_covers_benchmark(gp_register_coverage: pd.DataFrame) -> AssetCheckResult:
    """Warns when the register holds fewer than 80 % (or more than 125 %) of the liberal GPs
    the CNAM counts, or no GP at all: a partial or outdated extract. That département's
    supply and APL figures are then published blank, and the dashboard says why."""
    return _partial_registers(gp_register_coverage, "register coverage of the CNAM's liberal GP count")


@asset_check(asset="ring_register_coverage")
def ring_register_covers_benchmark(ring_register_coverage: pd.DataFrame) -> AssetCheckResult:
    """The same for the border ring's départements: a commune within the APL's reach of a
    partial one has no APL."""
    return _partial_registers(ring_register_coverage, "border ring's register coverage of the CNAM's liberal GP count")


@asset_check(asset="agency_funnel", blocking=True)
def funnel_is_monotonic(agency_funnel: pd.DataFrame) -> AssetCheckResult:
    """contacted ≥ accompanied ≥ installed = durable + replacement."""
    stages = dict(zip(agency_funnel["stage"], agency_funnel["cases"]))
    passed = (stages["contacted"] >= stages["accompanied"] >= stages["installed"]
              and stages["installed"] == stages["installed_durable"] + stages["installed_replacement"])
    return _result(passed, "the funnel narrows and installations add up", **{k: int(v) for k, v in stages.items()})


@asset_check(asset="apl_over_area", blocking=True)
def apl_conserves_supply(apl_over_area: pd.DataFrame) -> AssetCheckResult:
    """E2SFCA shares out all supply: over the territory and its border ring, Σ P*_i · APL_i
    equals the GP consultations offered (every commune with GPs has inhabitants within
    reach). APLs are finite and ≥ 0."""
    table = apl_over_area
    offered = float(table["gp_consultations"].sum())
    shared = float((table["standardised_population"] * table["apl"]).sum())
    finite = bool(np.isfinite(table["apl"]).all() and (table["apl"] >= 0).all())
    conserved = abs(shared - offered) <= 1e-6 * max(offered, 1.0)
    return _result(finite and conserved, "supply conserved and APL finite", offered=offered, shared=shared)


def table_check(asset: str, keys: list[str], ranges: dict[str, tuple[float, float]] | None = None,
                min_rows: int = 1, required: tuple[str, ...] = (), empty_key_allowed: bool = False,
                description: str = ""):
    """A blocking check of one curated table: at least ``min_rows`` rows, ``keys`` unique
    and never empty (unless ``empty_key_allowed``: e.g. communes in no known EPCI form one
    group), ``required`` columns never empty, each column of ``ranges`` within its bounds
    (empty values allowed there)."""

    @asset_check(asset=asset, name=f"{asset}_is_valid", blocking=True,
                 description=description or f"{asset}: {min_rows}+ rows, unique {', '.join(keys) or 'rows'}, values in range")
    def _check(table: pd.DataFrame) -> AssetCheckResult:
        problems = {}
        if len(table) < min_rows:
            problems["rows"] = f"{len(table)} < {min_rows}"
        if keys:
            duplicates = int(table.duplicated(subset=keys).sum())
            empty = 0 if empty_key_allowed else int(table[keys].isna().any(axis=1).sum())
            if duplicates or empty:
                problems["keys"] = f"{duplicates} duplicated, {empty} empty"
        for column in required:
            empty = int(table[column].isna().sum() + (table[column].astype("string") == "").sum())
            if empty:
                problems[column] = f"{empty} empty values"
        for column, (low, high) in (ranges or {}).items():
            values = pd.to_numeric(table[column], errors="coerce").astype("float64").dropna()
            outside = int((~values.between(low, high)).sum())
            if outside:
                problems[column] = f"{outside} values outside [{low}, {high}]"
        return _result(not problems, "; ".join(f"{k}: {v}" for k, v in problems.items()) or "valid",
                       rows=len(table), **{f"problem_{k}": v for k, v in problems.items()})

    _check.__name__ = f"{asset}_is_valid"
    return _check


SHARE = (0.0, 1.0)
MIN_SPEARMAN = 0.7  # below, our APL ranks a département's communes unlike the official one
APL = (0.0, 50.0)  # consultations per standardised inhabitant per year; France ≈ 3 to 4
TABLE_CHECKS = [
    table_check("commune_reference", ["commune_code"], {"population": (1e-9, 1e8)}, required=("population",),
                description="Commune codes are unique and every commune has a positive population."),
    table_check("gp_supply_by_commune", ["commune_code"], {"gp_density": (0, 200), "share_senior": SHARE},
                description="One row per commune; densities between 0 and 200 GPs per 10 000 inhabitants; "
                            "shares in [0, 1]."),
    table_check("commune_boundaries", ["commune_code"]),
    table_check("gp_supply_by_epci", ["epci_code"], {"gp_density": (0, 200), "share_senior": SHARE},
                empty_key_allowed=True),
    table_check("gp_supply_by_departement", ["departement_code"], {"gp_density": (0, 200), "share_senior": SHARE,
                                                                  "population": (1, 1e8)}),
    table_check("agency_installations_by_quarter", ["period"], {"installations": (0, 1e5)}, min_rows=0),
    table_check("care_structure_locations", ["finess_id"], {"lon": (-180, 180), "lat": (-90, 90)}, min_rows=0),
    table_check("gp_register_coverage", ["departement_code"], {"coverage": (0, 10)}),
    table_check("ring_register_coverage", ["departement_code"], {"coverage": (0, 10)}, min_rows=0),
    # Every profession: one row per unit and profession; a density at most one professional
    # per inhabitant (a nurse in a hamlet of 40 is 250 per 10 000), counts never negative.
    *(table_check(f"profession_supply_by_{level}", [key, "profession"],
                  {"density": (0, 10_000), "headcount": (0, 1e7), "headcount_mixed": (0, 1e7)},
                  required=("profession", "in_register"), empty_key_allowed=level == "epci")
      for level, key in (("commune", "commune_code"), ("epci", "epci_code"), ("departement", "departement_code"))),
    table_check("profession_register_coverage", ["departement_code", "profession"], {"coverage": (0, 10)}),
    table_check("profession_supply_over_time", ["snapshot_date", "departement_code", "profession"],
                {"density": (0, 10_000), "headcount": (0, 1e7)}, required=("profession", "in_register")),
    table_check("gp_density_references", ["level", "code"], {"density_per_100k": (0, 1000)}, min_rows=0),
    table_check("commune_travel_times", ["origin", "destination"], {"minutes": (1e-9, 600)}),
    table_check("accessibility_by_epci", ["epci_code"], {"apl": APL, "share_desert": SHARE, "share_fragile": SHARE},
                empty_key_allowed=True),
    table_check("accessibility_by_departement", ["departement_code"], {"apl": APL, "share_desert": SHARE}),
    table_check("indicators_over_time", ["snapshot_date", "level", "code"], {"apl": APL, "share_senior": SHARE},
                empty_key_allowed=True),
    # Zonings (optional): one row per zone of each zoning, the EPCIs' ranges.
    table_check("commune_zones", ["zoning", "commune_code"], min_rows=0, required=("zone_code", "zone_name")),
    table_check("gp_supply_by_zone", ["zoning", "zone_code"], {"gp_density": (0, 200), "share_senior": SHARE},
                min_rows=0),
    table_check("accessibility_by_zone", ["zoning", "zone_code"], {"apl": APL, "share_desert": SHARE,
                                                                   "share_fragile": SHARE}, min_rows=0),
    table_check("profession_supply_by_zone", ["zoning", "zone_code", "profession"],
                {"density": (0, 10_000), "headcount": (0, 1e7)}, min_rows=0),
    table_check("care_structures_by_zone", ["zoning", "zone_code"], {"maison_de_sante": (0, 1e5)}, min_rows=0),
    table_check("zoning_coverage", ["zoning"], {"communes_without_zone": (0, 1e6)}, min_rows=0),
    table_check("agency_installations_by_zone", ["zoning", "zone_code"], {"installations": (0, 1e6)}, min_rows=0),
    table_check("agency_installations_by_commune", ["commune_code"], {"installations": (0, 1e6)}, min_rows=0),
    table_check("source_report", ["dataset"], {"rows_quarantined": (0, 1e9)}),
    table_check("agency_funnel_by_profession", ["profession"], {"conversion_accompanied_to_installed": SHARE}, min_rows=0),
    table_check("agency_funnel_by_offer", ["offer"], {"conversion_accompanied_to_installed": SHARE}, min_rows=0),
    table_check("agency_funnel_by_quarter", ["period"], {"new_contacts": (0, 1e6)}, min_rows=0),
    table_check("agency_time_to_installation", [], {"median_days_from_contact": (0, 36_500)}),
    table_check("agency_installations_by_desert_class", ["desert_class"], {"share": SHARE}, min_rows=0),
    table_check("agency_installations_by_profession", ["profession"],
                {"installations": (0, 1e6), "installations_unplaced": (0, 1e6)}),
    # Removing GPs never raises an APL: the agency's gain is never negative.
    table_check("agency_apl_impact", ["commune_code"], {"apl_gain": (-1e-9, 50), "apl_without_agency": APL}),
    table_check("agency_impact_summary", [], {"apl_gain": (-1e-9, 50)}),
    table_check("plan_budget_outcomes", ["axis_number"], {"spend_eur": (0, 1e12)}, min_rows=0),
    table_check("action_sheet_indicators", ["year"], {"grants_amount_eur": (0, 1e12)}, min_rows=0),
    table_check("agency_installations_by_epci", ["epci_code"], min_rows=0),
    table_check("quarantine", [], {"line": (0, 1e12)}, min_rows=0, required=("dataset", "file", "reason")),
    table_check("apl_agreement_by_commune", ["commune_code"], {"apl": APL, "official_apl": APL}, min_rows=0),
    table_check("apl_agreement_by_departement", ["departement_code"], {"spearman": (-1, 1), "kappa": (-1, 1)},
                min_rows=0),
    table_check("travel_time_calibration", [], {"speed_fitted_kmh": (1, 200)}),
    table_check("apl_over_area", ["commune_code"], {"apl": APL}),
    table_check("accessibility_by_commune", ["commune_code"], {"apl": APL, "apl_60": APL, "nearest_gp_minutes": (0, 600)}),
    # Scenarios: an added GP never lowers an APL; the people lifted are people of the territory.
    table_check("gp_placement_scores", ["commune_code"], {"population_out_of_desert": (0, 1e8),
                                                          "apl_gain_in_commune": (0, 50)}, min_rows=0),
    table_check("gp_placement_plan", ["rank"], {"population_out_of_desert": (0, 1e8),
                                                "population_in_desert_after": (0, 1e8)}, min_rows=0),
    table_check("apl_horizons", ["years"], {"population_desert": (0, 1e8), "installations_to_hold_today": (0, 1e6)}),
    table_check("scenario_outcomes", ["scenario", "years"], {"population_desert": (0, 1e8), "apl": APL}),
]


# Sources that describe no part of the territory: the analysts' what-if files, whose faulty
# lines drop their scenario (said in the quarantine and on the page), never the observatory.
ADVISORY_SOURCES = ("scenarios",)


@asset_check(asset="source_report", blocking=True)
def sources_mostly_readable(source_report: pd.DataFrame, observatory: ObservatoryConfig) -> AssetCheckResult:
    """No source has more than the allowed share of its rows quarantined (a file whose
    every line has one field too many would otherwise publish an empty observatory)."""
    limit = observatory.settings().max_quarantine_share
    source_report = source_report[~source_report["dataset"].isin(ADVISORY_SOURCES)]
    considered = source_report["rows_accepted"] + source_report["rows_quarantined"]
    share = (source_report["rows_quarantined"] / considered.where(considered > 0)).fillna(0.0)
    over = source_report[share > limit]
    return _result(over.empty, f"at most {limit:.0%} of each source's rows quarantined",
                   sources=", ".join(f"{row.dataset} ({row.file}): {int(row.rows_quarantined)} of "
                                     f"{int(row.rows_accepted + row.rows_quarantined)} rows quarantined"
                                     for row in over.itertuples()) or "none")


@asset_check(asset="gp_supply_by_departement", blocking=True)
def every_departement_observed(gp_supply_by_departement: pd.DataFrame, observatory: ObservatoryConfig) -> AssetCheckResult:
    """Every département of the territory has communes and population, and the territory
    has GPs in its register: an empty input never replaces a good observatory. (A
    département with no GP is not an error here: its coverage warning stands and its
    classes are withheld.)"""
    table = gp_supply_by_departement.set_index("departement_code")
    missing = [code for code in observatory.settings().departements
               if code not in table.index or not table.at[code, "communes"] > 0 or not table.at[code, "population"] > 0]
    gps = int(table["gps"].sum())
    problems = ([f"no commune or no population for {', '.join(missing)}"] if missing else []) + (
        ["no GP in the register for the whole territory"] if gps == 0 else [])
    return _result(not problems, "every département has communes and population; the territory has GPs",
                   problems="; ".join(problems) or "none", gps=gps)


@asset_check(asset="apl_agreement_by_departement")
def apl_agrees_with_the_official_one(apl_agreement_by_departement: pd.DataFrame) -> AssetCheckResult:
    """Warns when our APL ranks a département's communes unlike the DREES's official APL
    (Spearman below ``MIN_SPEARMAN``): the method's inputs (register, travel times) deserve a look."""
    low = apl_agreement_by_departement[apl_agreement_by_departement["spearman"].astype("float64") < MIN_SPEARMAN]
    return _result(low.empty, f"Spearman correlation with the official APL of at least {MIN_SPEARMAN}", AssetCheckSeverity.WARN,
                   departements=", ".join(f"{row.departement_code}: {row.spearman:.2f}" for row in low.itertuples())
                   or "none")


CHECKS = [*TABLE_CHECKS, apl_agrees_with_the_official_one, apl_conserves_supply, sources_mostly_readable,
          every_departement_observed, register_covers_benchmark, ring_register_covers_benchmark, funnel_is_monotonic]
