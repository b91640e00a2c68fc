"""GP supply: headcount, density per 10 000 inhabitants, share aged 55 or more.

A general practitioner (GP) is a physician (RPPS ``Code profession`` 10) whose
savoir-faire is general medicine (SM53 specialist in general medicine, SM54 general
medicine, SM26 qualified in general medicine). A GP with several activities is counted
once, in the commune of their first liberal activity (file order), else their first
activity. Age is the age reached in the reference year, from the département's roster;
GPs absent from the roster have an unknown age and are left out of the age shares.
"""

from __future__ import annotations

import pandas as pd

from ..sql import query

LEVELS = {"commune": "commune_code", "epci": "epci_code", "departement": "departement_code"}
LEVEL_LABELS = {"commune": "commune_name", "epci": "epci_name", "departement": "departement_name"}


def level_columns(level: str) -> tuple[str, str]:
    """The code and name columns of ``level``: one of ``LEVELS``, or ``zone``, a zone of a
    zoning (``indicators.zones``), whose communes carry its code like their EPCI's."""
    return ("zone_code", "zone_name") if level == "zone" else (LEVELS[level], LEVEL_LABELS[level])


def identify_gps(
    activities: pd.DataFrame, roster: pd.DataFrame, gp_savoir_faire: tuple[str, ...], reference_year: int
) -> pd.DataFrame:
    """One row per GP: main commune, practice mode, whether the APL counts them (``apl_field``),
    number of sites, and roster figures."""
    if "sector_label" not in activities:  # registers without the sector columns: liberal activity decides
        activities = activities.assign(sector_label=pd.Series(pd.NA, index=activities.index, dtype="string"))
    return query(
        """
        with gp_activities as (
            select * from activities
            where profession_code = '10' and list_contains($skills, savoir_faire_code)
        ),
        people as (
            select rpps_id,
                   arg_min(commune_code, (mode_code <> 'L')::int * 1e12 + line) as commune_code,
                   count(*) as activities,
                   count(distinct commune_code) as communes,
                   bool_or(mode_code = 'L') as liberal,
                   bool_or(mode_code = 'S') as salaried,
                   -- the APL's field (DREES): liberal GPs and GPs salaried in a centre de santé,
                   -- not hospital GPs; the sector is matched on its label, accents aside
                   bool_or(mode_code = 'L' or strip_accents(lower(coalesce(sector_label, '')))
                           like '%centre de sante%') as apl_field
            from gp_activities
            group by rpps_id
        )
        select p.rpps_id, p.commune_code, p.activities, p.communes, p.apl_field,
               case when liberal and salaried then 'mixte'
                    when liberal then 'libéral'
                    when salaried then 'salarié'
                    else 'autre' end as practice_mode,
               r.birth_year, r.fte, r.planned_departure, r.yearly_acts, r.installed_on,
               $year - r.birth_year as age
        from people p
        left join roster r using (rpps_id)
        order by p.rpps_id
        """,
        {"skills": list(gp_savoir_faire), "year": reference_year},
        activities=activities,
        roster=roster.reindex(columns=["rpps_id", "birth_year", "fte", "planned_departure", "yearly_acts",
                                       "installed_on"]),
    )


def gp_supply(gps: pd.DataFrame, reference: pd.DataFrame, level: str, senior_age: int,
              complete: pd.Series) -> pd.DataFrame:
    """GP headcount, density and 55+ share per territory of ``level``.

    ``density`` = GPs / population × 10 000. ``share_senior`` = GPs aged
    ``senior_age``+ / GPs of known age; empty when no age is known. Age and FTE figures
    come from the roster, which is not public: they are exact here and protected on
    publication (``confidential.protect_age_figures``). Where the register is not complete
    (``complete``, per département: ``benchmark.register_complete``) in one of a unit's
    départements, ``register_complete`` is false and the unit has no figure: a register
    holding none of a département's GPs would count 0.
    """
    key, label = level_columns(level)
    shown = {"gps": "coalesce(c.gps, 0)", "gp_density": "coalesce(c.gps, 0) / t.population * 10000",
             "gps_age_known": "coalesce(c.gps_age_known, 0)", "gps_senior": "coalesce(c.gps_senior, 0)",
             "share_senior": "c.gps_senior / nullif(c.gps_age_known, 0)", "gp_fte": "c.gp_fte"}
    figures = ",\n               ".join(f"case when t.register_complete then {sql} end as {name}"
                                       for name, sql in shown.items())
    return query(
        f"""
        with territories as (
            select r.{key} as code, any_value(r.{label}) as name,
                   sum(r.population) as population, count(*) as communes,
                   count(r.population) as communes_with_population,
                   bool_and(coalesce(k.register_complete, false)) as register_complete
            from reference r left join complete k using (departement_code)
            group by r.{key}
        ),
        counts as (
            select r.{key} as code,
                   count(*) as gps,
                   count(g.age) as gps_age_known,
                   count_if(g.age >= $senior) as gps_senior,
                   sum(g.fte) as gp_fte
            from gps g join reference r using (commune_code)
            group by r.{key}
        )
        select t.code as {key}, t.name as {label}, t.communes, t.population, t.register_complete,
               {figures}
        from territories t left join counts c using (code)
        order by t.code
        """,
        {"senior": senior_age},
        gps=gps,
        reference=reference,
        complete=pd.DataFrame({"departement_code": complete.index.astype(str),
                               "register_complete": complete.to_numpy(dtype=bool)}),
    )
