"""Every profession the register holds, counted like the GPs: one row per professional and
profession (the GPs' rule of the main commune), headcount, density (the GPs' definition) and
practice modes at every level, and the coverage of the CNAM's liberal count
(``register_coverage``, the GPs' own)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..professions import PROFESSIONS, in_register, profession_sql, with_rule_columns
from ..sql import query
from .benchmark import register_coverage
from .gp_supply import level_columns

MODES = {"libéral": "headcount_liberal", "salarié": "headcount_salaried", "mixte": "headcount_mixed"}


def practitioners(activities: pd.DataFrame, gp_skills: tuple[str, ...]) -> pd.DataFrame:
    """One row per professional and profession counted: the commune of their first liberal
    activity (else their first), and their practice mode (libéral, salarié, mixte, autre),
    as for the GPs."""
    return query(
        f"""
        with counted as (
            select rpps_id, {profession_sql()} as profession, commune_code, mode_code, line from activities
        )
        select rpps_id, profession,
               arg_min(commune_code, (mode_code <> 'L')::int * 1e12 + line) as commune_code,
               case when bool_or(mode_code = 'L') and bool_or(mode_code = 'S') then 'mixte'
                    when bool_or(mode_code = 'L') then 'libéral'
                    when bool_or(mode_code = 'S') then 'salarié'
                    else 'autre' end as practice_mode
        from counted where profession is not null
        group by rpps_id, profession order by profession, rpps_id
        """,
        {"skills": list(gp_skills)},
        activities=with_rule_columns(activities, "rpps_id", "commune_code", "mode_code", "line"),
    )


def supply_by_profession(people: pd.DataFrame, reference: pd.DataFrame, level: str, when: date,
                         coverage: pd.DataFrame) -> pd.DataFrame:
    """Per territory of ``level`` and profession: headcount, density per 10 000 inhabitants
    (as ``gp_supply``) and headcount per practice mode. No figure, never 0, where the
    register of ``when`` does not hold the profession yet (``in_register`` false), nor where
    the register is not complete for it in one of the unit's départements (``coverage``,
    from ``profession_coverage``: the GPs' rule, e.g. a register holding none)."""
    key, label = level_columns(level)
    professions = pd.DataFrame({"profession": [p.key for p in PROFESSIONS], "profession_label": [p.label for p in PROFESSIONS],
                                "in_register": [in_register(p.key, when) for p in PROFESSIONS],
                                "rank": range(len(PROFESSIONS))})
    modes = ", ".join(f"count_if(p.practice_mode = '{mode}') as {column}" for mode, column in MODES.items())
    usable = "f.in_register and u.register_complete"
    shown = ", ".join(f"case when {usable} then coalesce(c.{column}, 0) end as {column}" for column in MODES.values())
    return query(
        f"""
        with territories as (
            select {key} as code, any_value({label}) as name, sum(population) as population
            from reference group by {key}
        ),
        complete as (
            select r.{key} as code, v.profession, bool_and(coalesce(v.register_complete, false)) as register_complete
            from reference r join coverage v using (departement_code) group by all
        ),
        counts as (
            select r.{key} as code, p.profession, count(*) as headcount, {modes}
            from people p join reference r using (commune_code)
            group by all
        )
        select t.code as {key}, t.name as {label}, t.population, f.profession, f.profession_label, f.in_register,
               coalesce(u.register_complete, false) as register_complete,
               case when {usable} then coalesce(c.headcount, 0) end::double as headcount,
               case when {usable} then coalesce(c.headcount, 0) / t.population * 10000 end as density,
               {shown}
        from territories t cross join professions f
        left join complete u on u.code is not distinct from t.code and u.profession = f.profession
        left join counts c on c.code is not distinct from t.code and c.profession = f.profession
        order by f.rank, t.code
        """,
        people=people, reference=reference, professions=professions,
        coverage=coverage[["departement_code", "profession", "register_complete"]],
    )


def profession_coverage(people: pd.DataFrame, reference: pd.DataFrame, benchmark: pd.DataFrame) -> pd.DataFrame:
    """Per département and profession: professionals in the register, liberal ones against
    the CNAM's liberal count where it gives one, and whether the register is complete for
    the profession there (``register_complete``, the GPs' rule: it holds some, and where the
    CNAM counts them, 80 % to 125 % of its count)."""
    parts = []
    for profession in PROFESSIONS:
        counted = register_coverage(people[people["profession"] == profession.key], reference,
                                    benchmark[benchmark["profession"] == profession.cnam_label])
        parts.append(counted.assign(profession=profession.key, profession_label=profession.label))
    table = pd.concat(parts, ignore_index=True).rename(columns={
        "register_gps": "register_headcount", "register_liberal_gps": "register_liberal",
        "benchmark_liberal_gps": "benchmark_liberal"})
    return table[["departement_code", "departement_name", "profession", "profession_label", "register_headcount",
                  "register_liberal", "benchmark_year", "benchmark_liberal", "benchmark_density_per_100k", "coverage",
                  "register_complete"]]


def supply_over_time(today: pd.DataFrame, today_date: date, people_by_date: pd.DataFrame, dates: list,
                     reference: pd.DataFrame, benchmark: pd.DataFrame) -> pd.DataFrame:
    """Per register snapshot, département and profession: ``supply_by_profession`` as of that
    date: ``today``'s at ``today_date``; at each earlier date of ``dates`` (one without anyone
    still has its rows) from ``people_by_date`` (``practitioners`` with a ``snapshot_date``),
    its register checked against the CNAM's count as today's is. A profession the RPPS did not
    hold yet at a date has no figure there, never 0."""
    frames = [today.assign(snapshot_date=pd.Timestamp(today_date))]
    for when in sorted(pd.Timestamp(day) for day in dates if pd.Timestamp(day) != pd.Timestamp(today_date)):
        people = people_by_date[people_by_date["snapshot_date"] == when]
        coverage = profession_coverage(people, reference, benchmark)
        frames.append(supply_by_profession(people, reference, "departement", when.date(), coverage)
                      .assign(snapshot_date=when))
    columns = ["snapshot_date", "departement_code", "departement_name", "population", "profession", "profession_label",
               "in_register", "register_complete", "headcount", "density"]
    frames.sort(key=lambda frame: frame["snapshot_date"].iloc[0])
    return pd.concat(frames, ignore_index=True)[columns]
