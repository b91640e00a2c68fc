"""The figures the demo territory is built to reproduce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..territories import DEMO_DEPARTEMENT
from ..sources.departements import DEMO_DEPARTEMENT_NAME


@dataclass(frozen=True)
class DemoSpec:
    """Targets of the synthetic territory, shaped like Loir-et-Cher.

    ``gps_55_plus / gps`` is the share of GPs aged 55 or more in the reference year
    (140 / 250 = 56 %). The agency's figures are those of Loir-et-Cher's agency:
    194 professionals accompanied, 46 installations (35 durable, 11 replacements),
    15 of them in the first quarter of 2024.
    """

    seed: int = 41
    departement: str = DEMO_DEPARTEMENT
    departement_name: str = DEMO_DEPARTEMENT_NAME
    communes: int = 270
    population: int = 330_124
    epcis: int = 11
    gps: int = 250
    gps_55_plus: int = 140
    reference_date: date = date(2024, 6, 30)
    census_year: int = 2021
    cases_contacted: int = 260
    cases_accompanied: int = 194
    cases_abandoned: int = 38
    installations_durable: int = 35
    installations_replacement: int = 11
    installations_q1_2024: int = 15
    gp_installations: int = 24
    snapshot_dates: tuple[date, ...] = (date(2022, 6, 30), date(2023, 6, 30))  # earlier register extracts
    departed_gps: int = 14  # GPs in earlier extracts who left before the reference date
    benchmark_extra_gps: int = 6  # the CNAM counts a few liberal GPs the register extract lacks

    @property
    def installations(self) -> int:
        return self.installations_durable + self.installations_replacement
