"""APL: « accessibilité potentielle localisée » to GPs (DREES), per commune.

APL_i = Σ_j W(t_ij) · S_j / Σ_k W(t_kj) · P*_k  (E2SFCA, see ``e2sfca``), where

- S_j, the GP supply of commune j, in consultations and visits per year: each GP's FTE
  (roster; ``default_fte`` when unknown) × ``consultations_per_fte``;
- P*_k, the population of commune k standardised by age-specific consumption of GP care:
  Σ_bands population_band × c_band / c̄, where c̄ is the national mean consumption, so
  that a commune of the national age structure keeps its population;
- W, the step weight of the travel time (``DREES_BANDS`` by default).

Unit: consultations per standardised inhabitant per year (France ≈ 3 to 4). The DREES
variants count only GPs aged at most 65, 62 or 60; GPs of unknown age are kept in them.
Without age bands the population is used unstandardised, and the table says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .e2sfca import DREES_BANDS, Bands, e2sfca, pair_positions

# GP consultations and visits per inhabitant per year by age band (order of magnitude of
# the CNAM's consumption data), and the national age structure they are averaged over.
CONSUMPTION_BY_BAND = {"pop_0_14": 2.6, "pop_15_29": 2.5, "pop_30_44": 3.0, "pop_45_59": 3.7,
                       "pop_60_74": 4.8, "pop_75_plus": 7.0}
NATIONAL_STRUCTURE = {"pop_0_14": 0.173, "pop_15_29": 0.172, "pop_30_44": 0.185, "pop_45_59": 0.197,
                      "pop_60_74": 0.175, "pop_75_plus": 0.098}
AGE_LIMITS = {"apl": None, "apl_65": 65, "apl_62": 62, "apl_60": 60}


@dataclass(frozen=True)
class AplSettings:
    """Parameters of the APL, all documented on the methodology page."""

    bands: Bands = DREES_BANDS
    consultations_per_fte: float = 4_900.0  # yearly consultations and visits of a full-time GP
    default_fte: float = 1.0  # for GPs missing from the roster

    @property
    def max_minutes(self) -> float:
        return max(bound for bound, weight in self.bands if weight > 0)


def standardised_population(reference: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """P* per commune, and whether it could be standardised (all age bands known)."""
    bands = reference[list(CONSUMPTION_BY_BAND)].astype("float64")
    mean = sum(NATIONAL_STRUCTURE[band] * value for band, value in CONSUMPTION_BY_BAND.items())
    weighted = sum(bands[band] * value for band, value in CONSUMPTION_BY_BAND.items()) / mean
    known = bands.notna().all(axis=1)
    population = reference["population"].astype("float64")
    return weighted.where(known, population).fillna(0.0), known


def gp_supply(gps: pd.DataFrame, settings: AplSettings, max_age: int | None) -> pd.Series:
    """Consultations per year offered in each commune by GPs aged at most ``max_age``."""
    eligible = gps if max_age is None else gps[~(gps["age"] > max_age).fillna(False).astype(bool)]
    fte = eligible["fte"].astype("float64").fillna(settings.default_fte)
    return (fte * settings.consultations_per_fte).groupby(eligible["commune_code"]).sum()


def apl_by_commune(reference: pd.DataFrame, gps: pd.DataFrame, pairs: pd.DataFrame,
                   settings: AplSettings = AplSettings()) -> pd.DataFrame:
    """APL per commune for all GPs and the age-limited variants."""
    locations = reference.set_index("commune_code")[[]].copy()
    locations["standardised_population"], locations["age_standardised"] = standardised_population(
        reference.set_index("commune_code"))
    origins, destinations, minutes = pair_positions(pairs, locations.index)  # once for the four variants
    demand = locations["standardised_population"].to_numpy(dtype="float64")
    for column, limit in AGE_LIMITS.items():
        supply = gp_supply(gps, settings, limit).reindex(locations.index, fill_value=0.0).to_numpy(dtype="float64")
        locations[column] = e2sfca(origins, destinations, minutes, demand, supply, settings.bands)
        if column == "apl":
            locations["gp_consultations"] = supply
    return locations.reset_index()

