"""Every profession the register holds, counted like the GPs: one row per professional and
profession, headcount and density at every level (``gp_supply``, the GPs' own aggregation),
practice modes, and the coverage of the CNAM's liberal count (``register_coverage``)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..professions import PROFESSIONS, in_register, profession_of
from ..sql import query
from .benchmark import register_coverage
from .gp_supply import gp_supply

MODES = {"libéral": "headcount_liberal", "salarié": "headcount_salaried", "mixte": "headcount_mixed"}


def practitioners(activities: pd.DataFrame, gp_skills: tuple[str, ...]) -> pd.DataFrame:
    """One row per professional and profession counted: the commune of their first liberal
    activity (else their first), and their practice mode (libéral, salarié, mixte, autre),
    as for the GPs."""
    located = activities.assign(profession=profession_of(activities, gp_skills)).dropna(subset=["profession"])
    return query(
        """
        select rpps_id, profession,
               arg_min(commune_code, (mode_code <> 'L')::int * 1e12 + line) as commune_code,
               case when bool_or(mode_code = 'L') and bool_or(mode_code = 'S') then 'mixte'
                    when bool_or(mode_code = 'L') then 'libéral'
                    when bool_or(mode_code = 'S') then 'salarié'
                    else 'autre' end as practice_mode
        from activities group by rpps_id, profession order by profession, rpps_id
        """,
        activities=located[["rpps_id", "profession", "commune_code", "mode_code", "line"]],
    )


def supply_by_profession(people: pd.DataFrame, reference: pd.DataFrame, level: str, when: date) -> pd.DataFrame:
    """Per territory of ``level`` and profession: headcount, density per 10 000 inhabitants
    and headcount per practice mode. A profession the register of ``when`` does not hold yet
    has no figure (``in_register`` false), never 0."""
    key = {"commune": "commune_code", "epci": "epci_code", "departement": "departement_code"}[level]
    parts = []
    for profession in PROFESSIONS:
        mine = people[people["profession"] == profession.key]
        table = gp_supply(mine.assign(age=np.nan, fte=np.nan), reference, level, 55)
        modes = pd.crosstab(mine["commune_code"].map(reference.set_index("commune_code", drop=False)[key]),
                            mine["practice_mode"])
        table = table.assign(**{column: table[key].map(modes[mode]).fillna(0) if mode in modes else 0.0
                                for mode, column in MODES.items()})
        known = in_register(profession.key, when)
        counts = ["gps", "gp_density", *MODES.values()]
        table[counts] = table[counts].astype("float64") if known else np.nan
        parts.append(table.assign(profession=profession.key, profession_label=profession.label, in_register=known))
    table = pd.concat(parts, ignore_index=True).rename(columns={"gps": "headcount", "gp_density": "density"})
    return table[[key, table.columns[1], "population", "profession", "profession_label", "in_register", "headcount",
                  "density", *MODES.values()]]


def profession_coverage(people: pd.DataFrame, reference: pd.DataFrame, benchmark: pd.DataFrame) -> pd.DataFrame:
    """Per département and profession the CNAM counts: liberal professionals in the register
    against the CNAM's liberal count (the GPs' rule, profession by profession)."""
    parts = []
    for profession in PROFESSIONS:
        if profession.cnam_label is None:
            continue
        counted = register_coverage(people[people["profession"] == profession.key], reference,
                                    benchmark[benchmark["profession"] == profession.cnam_label])
        parts.append(counted.assign(profession=profession.key, profession_label=profession.label))
    table = pd.concat(parts, ignore_index=True).rename(columns={
        "register_gps": "register_headcount", "register_liberal_gps": "register_liberal",
        "benchmark_liberal_gps": "benchmark_liberal"})
    return table[["departement_code", "departement_name", "profession", "profession_label", "register_headcount",
                  "register_liberal", "benchmark_year", "benchmark_liberal", "benchmark_density_per_100k", "coverage"]]
