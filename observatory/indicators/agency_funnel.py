"""The agency's funnel: contacted → accompanied → installed (durable / replacement) or abandoned.

Every case was contacted; a case is accompanied once it has an accompaniment date
(status accompanied, installed or abandoned); installations are counted by the quarter
of their installation date.
"""

from __future__ import annotations

import pandas as pd

from ..sql import query

STAGES = ("contacted", "accompanied", "installed", "installed_durable", "installed_replacement", "abandoned")
# The cases reaching each stage, as SQL select items over a ``cases`` table (one definition
# for the totals and every breakdown).
STAGE_COUNTS = """
    count(*) as contacted,
    coalesce(count_if(status in ('accompanied', 'installed', 'abandoned')), 0) as accompanied,
    coalesce(count_if(status = 'installed'), 0) as installed,
    coalesce(count_if(status = 'installed' and installation_type = 'durable'), 0) as installed_durable,
    coalesce(count_if(status = 'installed' and installation_type = 'replacement'), 0) as installed_replacement,
    coalesce(count_if(status = 'abandoned'), 0) as abandoned"""


def funnel_totals(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per stage with the number of cases that reached it (département totals)."""
    totals = query(f"select {STAGE_COUNTS} from cases", cases=cases)
    row = totals.iloc[0]
    return pd.DataFrame({"stage": list(STAGES), "cases": [int(row[stage]) for stage in STAGES]})


def installations_by_quarter(cases: pd.DataFrame) -> pd.DataFrame:
    """Installations per calendar quarter (``2024-T1``), durable and replacements (exact:
    protected on publication, ``confidential``)."""
    return query(
        """
        select year(installed_on) as year, quarter(installed_on) as quarter,
               year(installed_on) || '-T' || quarter(installed_on) as period,
               count(*) as installations,
               coalesce(count_if(installation_type = 'durable'), 0) as durable,
               coalesce(count_if(installation_type = 'replacement'), 0) as replacement
        from cases where status = 'installed'
        group by all order by year, quarter
        """,
        cases=cases,
    )
