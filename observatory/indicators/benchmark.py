"""How much of the territory's liberal GPs the register holds, against the CNAM's count.

The CNAM (ameli) counts liberal GPs per département; the register-based count of GPs
with a liberal activity (libéral or mixte) should be close to it. A low coverage means a
partial or outdated register extract, which the dashboard then says plainly.
"""

from __future__ import annotations

import pandas as pd

from ..sources.departements import DEPARTEMENT_NAMES
from ..sources.geography import departement_of
from ..sql import query

PLAUSIBLE_COVERAGE = (0.8, 1.25)  # register's liberal GPs / the CNAM's count


def register_coverage(gps: pd.DataFrame, reference: pd.DataFrame, benchmark: pd.DataFrame) -> pd.DataFrame:
    """Per département: liberal GPs in the register, in the CNAM's count, their ratio, and
    whether the register is complete there (``register_complete``)."""
    table = query(
        """
        with register as (
            select r.departement_code, any_value(r.departement_name) as departement_name,
                   count(g.rpps_id) filter (where g.practice_mode in ('libéral', 'mixte')) as register_liberal_gps,
                   count(g.rpps_id) as register_gps
            from reference r left join gps g using (commune_code)
            group by r.departement_code
        ),
        cnam as (
            select departement_code, max(year) as benchmark_year,
                   arg_max(headcount, year) as benchmark_liberal_gps,
                   arg_max(density_per_100k, year) as benchmark_density_per_100k
            from benchmark where age_class = 'tout_age' and level = 'departement' group by departement_code
        )
        select r.departement_code, r.departement_name, r.register_gps, r.register_liberal_gps,
               c.benchmark_year, c.benchmark_liberal_gps, c.benchmark_density_per_100k,
               r.register_liberal_gps / nullif(c.benchmark_liberal_gps, 0) as coverage
        from register r left join cnam c using (departement_code)
        order by r.departement_code
        """,
        gps=gps, reference=reference, benchmark=benchmark,
    )
    return table.assign(register_complete=register_complete(table).to_numpy())


def register_complete(coverage: pd.DataFrame) -> pd.Series:
    """Per département: can the register be trusted for accessibility? Not when it holds no
    GP, nor when it holds less than 80 % (or more than 125 %) of the CNAM's liberal GPs."""
    plausible = coverage["coverage"].isna() | coverage["coverage"].between(*PLAUSIBLE_COVERAGE)
    complete = (coverage["register_gps"] > 0) & plausible  # never unknown: a count, and no CNAM count is plausible
    return pd.Series(complete.to_numpy(dtype=bool), index=coverage["departement_code"].to_numpy())


def ring_coverage(ring_gps: pd.DataFrame, ring: pd.DataFrame, benchmark: pd.DataFrame) -> pd.DataFrame:
    """``register_coverage`` of the border ring's départements (every one of their GPs,
    ``ring_gps``, against the CNAM's count)."""
    codes = pd.concat([ring["commune_code"], ring_gps["commune_code"]]).astype("string").drop_duplicates()
    departements = departement_of(codes)
    reference = pd.DataFrame({"commune_code": codes.to_numpy(), "departement_code": departements.to_numpy(),
                              "departement_name": departements.map(DEPARTEMENT_NAMES).to_numpy()})
    return register_coverage(ring_gps, reference, benchmark)


def catchment_complete(communes: pd.Series, pairs: pd.DataFrame, complete: pd.Series) -> pd.Series:
    """Per commune of ``communes``: is the register complete (``complete``, per département of
    the territory and of its border ring; one it does not name is not) in the commune's
    département and in that of every commune within the APL's reach of it (``pairs``)? Its APL
    counts the GPs of all of them: one register holding none of a neighbour's makes it too low."""
    trusted = complete.index[complete.to_numpy(dtype=bool)]
    destinations = pd.Series(pairs["destination"].unique()).astype("string")  # a few thousand codes, not the pairs
    untrusted = destinations[~departement_of(destinations).isin(trusted).to_numpy()]
    spoiled = pd.Index(pairs["origin"].to_numpy()[pairs["destination"].isin(untrusted).to_numpy()]).unique()
    own = departement_of(communes).isin(trusted).to_numpy()
    return pd.Series(own & ~communes.isin(spoiled).to_numpy(), index=communes.to_numpy())


def density_references(benchmark: pd.DataFrame) -> pd.DataFrame:
    """The CNAM's liberal GP density of each département of the territory, of their régions
    and of France, latest year: the references a figure of the territory is read against."""
    return query(
        """
        select level, case level when 'departement' then departement_code when 'region' then region_code
                                 else 'FR' end as code,
               case level when 'departement' then departement_name when 'region' then region_name
                          else 'France' end as name,
               max(year) as year, arg_max(headcount, year) as liberal_gps,
               arg_max(density_per_100k, year) as density_per_100k
        from benchmark where age_class = 'tout_age'
        group by 1, 2, 3
        order by case any_value(level) when 'departement' then 0 when 'region' then 1 else 2 end, code
        """,
        benchmark=benchmark,
    )
