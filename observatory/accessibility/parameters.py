"""The parameters of the APL: the DREES's, read from its workbook's ``Paramètres`` sheet when
the workbook is in the raw folder, otherwise ``DREES_2023``, a copy of the same sheet.

Source of the copy: DREES, « Indicateur d'accessibilité potentielle localisée (APL) aux
médecins généralistes », 2022–2023 edition, sheet ``Paramètres``, column « Poids de la
tranche d'âge en 2023 ». Age weights are each 5-year band's mean consumption of GP care
over the national mean (DCIR, Cnam).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# The DREES's 5-year bands (INSEE's single years of age summed into them).
FIVE_YEAR_BANDS = {f"age_{start}_{start + 4}": (start, start + 4) for start in range(0, 90, 5)} | {
    "age_90_plus": (90, None)}
# The population sources' broad age bands (INSEE base-cc) and the ages they cover.
BROAD_BANDS = {"pop_0_14": (0, 14), "pop_15_29": (15, 29), "pop_30_44": (30, 44), "pop_45_59": (45, 59),
               "pop_60_74": (60, 74), "pop_75_plus": (75, None)}


@dataclass(frozen=True)
class DreesParameters:
    """The method of the APL as the DREES publishes it, for one year."""

    year: int
    distance_weights: tuple[tuple[float, float], ...]  # (upper bound in minutes, weight); 0 beyond the last
    age_weights: tuple[tuple[int, int | None, float], ...]  # (first age, last age or None, weight)
    activity_floor: float = 250.0  # fewer consultations and visits a year than this count as none
    activity_low: float = 3_600.0  # from the floor up to this, counted as this
    activity_high: float = 6_000.0  # above this, counted as this
    newly_installed: float = 5_400.0  # imputed to a GP without liberal activity the year before
    source: str = ""

    def five_year_weights(self) -> dict[str, float]:
        """The weight of each of ``FIVE_YEAR_BANDS``."""
        by_start = {start: weight for start, _, weight in self.age_weights}
        return {band: by_start[start] for band, (start, _) in FIVE_YEAR_BANDS.items()}

    def broad_band_weights(self) -> dict[str, float]:
        """A weight per broad band of the population sources: the mean of the 5-year weights
        it covers. This takes the national population of each 5-year band within a broad
        band as equal, an approximation (INSEE's single-year populations would make it exact)."""
        weights = {}
        for band, (first, last) in BROAD_BANDS.items():
            inside = [w for start, end, w in self.age_weights
                      if start >= first and (last is None or (end is not None and end <= last))]
            weights[band] = sum(inside) / len(inside)
        return weights


def parameters_record(parameters: DreesParameters) -> dict:
    """The parameters as plain JSON values (for the orchestrator's storage)."""
    return asdict(parameters)


def parameters_from_record(record: dict) -> DreesParameters:
    return DreesParameters(**{**record, "distance_weights": tuple(map(tuple, record["distance_weights"])),
                              "age_weights": tuple(map(tuple, record["age_weights"]))})


DREES_2023 = DreesParameters(
    year=2023,
    distance_weights=((10.0, 1.0), (15.0, 2 / 3), (20.0, 1 / 3)),
    age_weights=((0, 4, 1.12), (5, 9, 0.58), (10, 14, 0.51), (15, 19, 0.60), (20, 24, 0.75), (25, 29, 0.79),
                 (30, 34, 0.82), (35, 39, 0.85), (40, 44, 0.89), (45, 49, 0.93), (50, 54, 1.03), (55, 59, 1.15),
                 (60, 64, 1.18), (65, 69, 1.23), (70, 74, 1.46), (75, 79, 1.57), (80, 84, 1.63), (85, 89, 1.89),
                 (90, None, 2.26)),
    source="DREES, APL aux médecins généralistes 2022–2023, feuille Paramètres (2023) : copie livrée avec l'observatoire",
)
