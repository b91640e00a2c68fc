"""APL: « accessibilité potentielle localisée » to GPs (DREES), per commune.

APL_i = Σ_j W(t_ij) · S_j / Σ_k W(t_kj) · P*_k  (E2SFCA, see ``e2sfca``), where, with the
DREES's parameters (``parameters``: its workbook when present, else the 2023 copy):

- S_j, the GP supply of commune j, in consultations and visits per year: each GP's yearly
  activity capped as the DREES does (under 250 → 0, up to 3 600 → 3 600, over 6 000 →
  6 000) when the roster gives it; 5 400 for a GP installed within the year; otherwise
  FTE (roster; 1 when unknown) × ``consultations_per_fte``;
- P*_k, the population standardised by age-specific consumption of GP care: the DREES's
  own standardised population where its workbook gives it for the commune; otherwise
  Σ_bands population_band × weight_band with the DREES's age weights: on INSEE's 5-year
  bands (``TD_POP1B``) when present, else on the broad bands of the population source (the
  mean of the 5-year weights within each); otherwise the population;
- W, the step weight of the travel time: 1 up to 10 min, 2/3 up to 15, 1/3 up to 20.

Unit: consultations per standardised inhabitant per year (France ≈ 3 to 4). The DREES
variants count only GPs aged at most 65, 62 or 60; GPs of unknown age are kept in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .e2sfca import Bands, e2sfca, pair_positions
from .parameters import DREES_2023, DreesParameters

AGE_LIMITS = {"apl": None, "apl_65": 65, "apl_62": 62, "apl_60": 60}
DEMAND_METHODS = ("official", "five_year_bands", "age_bands", "population")  # how each commune's P* was obtained


@dataclass(frozen=True)
class AplSettings:
    """Parameters of the APL, all documented on the methodology page."""

    parameters: DreesParameters = DREES_2023
    consultations_per_fte: float = 4_900.0  # yearly consultations and visits of a full-time GP (no activity known)
    default_fte: float = 1.0  # for GPs missing from the roster
    reference_date: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("2024-06-30"))

    @property
    def bands(self) -> Bands:
        return self.parameters.distance_weights

    @property
    def max_minutes(self) -> float:
        return max(bound for bound, weight in self.bands if weight > 0)


def standardised_population(reference: pd.DataFrame, parameters: DreesParameters = DREES_2023
                            ) -> tuple[pd.Series, pd.Series]:
    """P* per commune and how it was obtained (``DEMAND_METHODS``): the finest source wins."""
    def weighted(weights: dict[str, float]) -> tuple[pd.Series, pd.Series]:
        bands = reference.reindex(columns=list(weights)).astype("float64")
        return sum(bands[band] * weight for band, weight in weights.items()), bands.notna().all(axis=1)

    fine, fine_known = weighted(parameters.five_year_weights())
    broad, broad_known = weighted(parameters.broad_band_weights())
    official = reference.get("official_standardised_population", pd.Series(np.nan, index=reference.index))
    official = official.astype("float64")
    choices = [official.notna(), fine_known, broad_known]
    method = pd.Series(np.select(choices, list(DEMAND_METHODS[:3]), "population"), index=reference.index,
                       dtype="string")
    demand = np.select(choices, [official, fine, broad], reference["population"].astype("float64"))
    return pd.Series(demand, index=reference.index).fillna(0.0), method


def yearly_supply(gps: pd.DataFrame, settings: AplSettings) -> pd.Series:
    """Each GP's consultations and visits per year as the APL counts them (the caps are for
    liberal activity: a GP salaried in a centre de santé counts as observed)."""
    p = settings.parameters
    acts = gps["yearly_acts"].astype("float64") if "yearly_acts" in gps else pd.Series(np.nan, index=gps.index)
    liberal = gps["practice_mode"].isin(["libéral", "mixte"]).to_numpy() if "practice_mode" in gps else True
    capped = np.where(liberal, np.select([acts < p.activity_floor, acts <= p.activity_low, acts > p.activity_high],
                                         [0.0, p.activity_low, p.activity_high], acts), acts)
    installed = pd.to_datetime(gps["installed_on"]) if "installed_on" in gps else pd.Series(pd.NaT, index=gps.index)
    new = (installed > settings.reference_date - pd.DateOffset(years=1)).to_numpy(dtype=bool)  # NaT: False
    by_fte = gps["fte"].astype("float64").fillna(settings.default_fte) * settings.consultations_per_fte
    return pd.Series(np.where(acts.notna(), capped, np.where(new, p.newly_installed, by_fte)), index=gps.index)


def supply_by_age_limit(gps: pd.DataFrame, settings: AplSettings, limits: dict[str, int | None]) -> pd.DataFrame:
    """Consultations per year offered in each commune by the GPs of the APL's field
    (``apl_field``: liberal, or salaried in a centre de santé), one column per named age
    limit: GPs aged at most the limit, or all for ``None``; GPs of unknown age count under
    every limit. Each GP's yearly activity is reckoned once for all the limits."""
    field = gps["apl_field"].fillna(True).astype(bool) if "apl_field" in gps else pd.Series(True, index=gps.index)
    eligible = gps[field]
    yearly = yearly_supply(eligible, settings)
    return pd.DataFrame({name: yearly if limit is None else yearly.where(~(eligible["age"] > limit).fillna(False).astype(bool), 0.0)
                         for name, limit in limits.items()}).groupby(eligible["commune_code"]).sum()


def apl_by_commune(reference: pd.DataFrame, gps: pd.DataFrame, pairs: pd.DataFrame,
                   settings: AplSettings = AplSettings()) -> pd.DataFrame:
    """APL per commune for all GPs and the age-limited variants (one E2SFCA for the four)."""
    locations = reference.set_index("commune_code")[[]].copy()
    locations["standardised_population"], locations["demand_method"] = standardised_population(
        reference.set_index("commune_code"), settings.parameters)
    origins, destinations, minutes = pair_positions(pairs, locations.index)
    demand = locations["standardised_population"].to_numpy(dtype="float64")
    supply = supply_by_age_limit(gps, settings, AGE_LIMITS).reindex(locations.index, fill_value=0.0)
    scores = e2sfca(origins, destinations, minutes, demand, supply[list(AGE_LIMITS)].to_numpy(), settings.bands)
    locations[list(AGE_LIMITS)] = scores
    locations.insert(locations.columns.get_loc("apl") + 1, "gp_consultations", supply["apl"].to_numpy())
    return locations.reset_index()
