"""What each page of the dashboard reads: one small typed input per page, built from the
published tables here and nowhere else, so a page says what it shows and a table it needs
that the build lacks fails by name."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..headline import HEADLINE_TABLES, headline_figures, incomplete_register_warning


def _published(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    if name not in tables:
        raise KeyError(f"the dashboard needs the published table {name}, which this build does not have")
    return tables[name]


def territory_series(series: pd.DataFrame) -> pd.DataFrame:
    """The territory's series: counts summed over its départements, the APL weighted by
    population and the 55+ share by GPs of known age (not means of means)."""
    series = series[series["level"] == "departement"].assign(
        apl_weight=lambda t: t["apl"] * t["population"], senior_weight=lambda t: t["share_senior"] * t["gps_age_known"])
    totals = series.groupby("snapshot_date", as_index=False)[
        ["gps", "population", "apl_weight", "senior_weight", "gps_age_known"]].sum(min_count=1)
    return totals.assign(apl=totals["apl_weight"] / totals["population"],
                         share_senior=totals["senior_weight"] / totals["gps_age_known"].where(totals["gps_age_known"] > 0))


@dataclass(frozen=True)
class HomeInput:
    figures: dict  # headline figures of the whole territory, or why they are unavailable
    series: pd.DataFrame  # the territory's series over the register snapshots
    coverage: pd.DataFrame  # the register against the CNAM's count
    references: pd.DataFrame  # the CNAM's density of the départements, their régions and France

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> "HomeInput":
        headline = {name: _published(tables, name) for name in HEADLINE_TABLES}
        return cls(figures=headline_figures(headline), series=territory_series(_published(tables, "indicators_over_time")),
                   coverage=_published(tables, "gp_register_coverage"),
                   references=_published(tables, "gp_density_references"))


@dataclass(frozen=True)
class EvolutionInput:
    series: pd.DataFrame  # the territory's series
    epci_series: pd.DataFrame  # the EPCIs' rows of the series
    agency_by_quarter: pd.DataFrame  # the agency's activity per quarter
    unavailable: str  # why the register's trend is not a figure, if it is not
    professions: pd.DataFrame  # every profession per snapshot and département

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> "EvolutionInput":
        series = _published(tables, "indicators_over_time")
        return cls(series=territory_series(series), epci_series=series[series["level"] == "epci"],
                   agency_by_quarter=_published(tables, "agency_funnel_by_quarter"),
                   unavailable=incomplete_register_warning(_published(tables, "gp_register_coverage")),
                   professions=_published(tables, "profession_supply_over_time"))


@dataclass(frozen=True)
class AgencyInput:
    funnel: pd.DataFrame
    installations_by_quarter: pd.DataFrame
    impact: pd.DataFrame
    by_desert_class: pd.DataFrame
    time_to_installation: pd.DataFrame
    budget: pd.DataFrame
    action_sheet: pd.DataFrame
    by_profession: pd.DataFrame
    by_offer: pd.DataFrame
    placed_by_profession: pd.DataFrame  # installations against each profession's own density

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> "AgencyInput":
        return cls(**{field: _published(tables, name) for field, name in (
            ("funnel", "agency_funnel"), ("installations_by_quarter", "agency_installations_by_quarter"),
            ("impact", "agency_impact_summary"), ("by_desert_class", "agency_installations_by_desert_class"),
            ("time_to_installation", "agency_time_to_installation"), ("budget", "plan_budget_outcomes"),
            ("action_sheet", "action_sheet_indicators"), ("by_profession", "agency_funnel_by_profession"),
            ("by_offer", "agency_funnel_by_offer"), ("placed_by_profession", "agency_installations_by_profession"))})


@dataclass(frozen=True)
class TerritoriesInput:
    epcis: pd.DataFrame  # accessibility and GP supply per EPCI
    communes: pd.DataFrame  # accessibility per commune
    professions: pd.DataFrame  # every profession's supply per département
    profession_coverage: pd.DataFrame  # every profession's register against the CNAM's count

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> "TerritoriesInput":
        supply = _published(tables, "gp_supply_by_epci")[["epci_code", "gps", "gp_density"]]
        return cls(epcis=_published(tables, "accessibility_by_epci").merge(supply, on="epci_code", how="left"),
                   communes=_published(tables, "accessibility_by_commune"),
                   professions=_published(tables, "profession_supply_by_departement"),
                   profession_coverage=_published(tables, "profession_register_coverage"))


@dataclass(frozen=True)
class _WithSources:
    sources: pd.DataFrame  # every source and whether the territory has it (FINESS, the agency's records)

    def has(self, dataset: str) -> bool:
        """Whether the territory has the source: without it a count of 0 would be no figure."""
        present = self.sources.loc[self.sources["dataset"] == dataset, "present"]
        return bool(present.iloc[0]) if len(present) else False


@dataclass(frozen=True)
class PrioritiesInput(_WithSources):
    communes: pd.DataFrame  # accessibility per commune
    epcis: pd.DataFrame  # accessibility per EPCI
    travel_times: pd.DataFrame  # minutes from commune to commune
    structures: pd.DataFrame  # care structures and their commune

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> "PrioritiesInput":
        return cls(communes=_published(tables, "accessibility_by_commune"),
                   epcis=_published(tables, "accessibility_by_epci"),
                   travel_times=_published(tables, "commune_travel_times"),
                   structures=_published(tables, "care_structure_locations"),
                   sources=_published(tables, "source_report"))


@dataclass(frozen=True)
class ScenariosInput:
    horizons: pd.DataFrame  # today, 5 and 10 years without replacing departures (territory totals)
    plan: pd.DataFrame  # the greedy placement of the next GPs
    scores: pd.DataFrame  # one more GP at each candidate commune
    outcomes: pd.DataFrame  # the analysts' scenarios beside the baseline, per horizon
    rejected_lines: pd.DataFrame  # quarantined lines of the scenario files (file, line, field, reason)
    communes: pd.DataFrame  # accessibility per commune (which communes a partial register leaves out)

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> "ScenariosInput":
        quarantine = _published(tables, "quarantine")
        return cls(horizons=_published(tables, "apl_horizons"), plan=_published(tables, "gp_placement_plan"),
                   scores=_published(tables, "gp_placement_scores"), outcomes=_published(tables, "scenario_outcomes"),
                   rejected_lines=quarantine[quarantine["dataset"] == "scenarios"],
                   communes=_published(tables, "accessibility_by_commune"))


@dataclass(frozen=True)
class MethodInput:
    communes: pd.DataFrame  # accessibility per commune (how its demand was computed)
    sources: pd.DataFrame  # every source with its file, vintage and row counts
    quarantine: pd.DataFrame  # every row set aside, with why
    agreement: pd.DataFrame  # our APL against the official one, per département
    calibration: pd.DataFrame  # the travel-time estimate's speed fitted to the official APL

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> "MethodInput":
        return cls(communes=_published(tables, "accessibility_by_commune"), sources=_published(tables, "source_report"),
                   quarantine=_published(tables, "quarantine"),
                   agreement=_published(tables, "apl_agreement_by_departement"),
                   calibration=_published(tables, "travel_time_calibration"))


@dataclass(frozen=True)
class ZonesInput(_WithSources):
    """Every zoning's zones with their figures, and what they are compared with."""
    membership: pd.DataFrame  # each commune's zone in each zoning
    coverage: pd.DataFrame  # per zoning: its zones, the communes it leaves out
    supply: pd.DataFrame  # GP supply per zone
    access: pd.DataFrame  # APL, classes, departures per zone
    professions: pd.DataFrame  # every profession per zone
    structures: pd.DataFrame  # care structures per zone
    agency: pd.DataFrame  # the agency's installations per zone (protected)
    communes: pd.DataFrame  # commune_reference: names, populations by age band
    departement_supply: pd.DataFrame
    departement_access: pd.DataFrame
    departement_professions: pd.DataFrame
    structure_locations: pd.DataFrame  # every care structure, for the départements' counts
    funnel: pd.DataFrame  # the agency's funnel: its installations in the whole territory
    references: pd.DataFrame  # the CNAM's liberal GP density of the département, région, France

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> "ZonesInput":
        return cls(**{field: _published(tables, name) for field, name in (
            ("membership", "commune_zones"), ("coverage", "zoning_coverage"), ("supply", "gp_supply_by_zone"),
            ("access", "accessibility_by_zone"), ("professions", "profession_supply_by_zone"),
            ("structures", "care_structures_by_zone"), ("agency", "agency_installations_by_zone"),
            ("communes", "commune_reference"), ("departement_supply", "gp_supply_by_departement"),
            ("departement_access", "accessibility_by_departement"),
            ("departement_professions", "profession_supply_by_departement"),
            ("structure_locations", "care_structure_locations"), ("funnel", "agency_funnel"),
            ("references", "gp_density_references"), ("sources", "source_report"))})
