"""Medical-desert classification and the indicators read beside it.

A commune is classed by its APL to GPs (thresholds are settings): below 2.5
consultations per standardised inhabitant and year, « désert médical » (the level the
ARS zoning treats as a priority intervention zone); from 2.5 to 4, « zone fragile »;
from 4, « hors zone fragile ». An aggregated territory is classed by its
population-weighted APL. Beside the class: time to the nearest GP, projected departures.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from ..accessibility.travel_times import RoadModel, unit_vectors, great_circle_km, internal_km
from ..sql import query
from .benchmark import catchment_complete

APL_COLUMNS = ("apl", "apl_65", "apl_62", "apl_60")  # every GP, and those of at most 65, 62, 60


def classify(apl: pd.Series, thresholds: tuple[float, float]) -> pd.Series:
    """``desert`` below the first threshold, ``fragile`` below the second, else ``adequate``."""
    low, high = thresholds
    labels = np.select([apl < low, apl < high], ["desert", "fragile"], "adequate")
    return pd.Series(labels, index=apl.index, dtype="string").mask(apl.isna())


def nearest_gp_minutes(reference: pd.DataFrame, gps: pd.DataFrame, pairs: pd.DataFrame,
                       road: RoadModel = RoadModel()) -> pd.Series:
    """Minutes to the nearest commune with a GP: from the travel-time pairs where one is
    within them, else estimated from the straight-line distance to the nearest GP commune."""
    with_gp = set(gps["commune_code"])
    reached = pairs[pairs["destination"].isin(with_gp)].groupby("origin")["minutes"].min()
    communes = reference.set_index("commune_code")
    located = reference[reference["commune_code"].isin(with_gp)]
    if located.empty:
        return pd.Series(np.nan, index=communes.index)
    tree = cKDTree(unit_vectors(located["lon"].to_numpy(), located["lat"].to_numpy()))
    _, nearest = tree.query(unit_vectors(communes["lon"].to_numpy(), communes["lat"].to_numpy()))
    estimate = road.minutes(great_circle_km(communes["lon"].to_numpy(), communes["lat"].to_numpy(),
                                            located["lon"].to_numpy()[nearest], located["lat"].to_numpy()[nearest]))
    own = communes.index.isin(with_gp)
    estimate = np.where(own, road.minutes(internal_km(communes["area_km2"].to_numpy())), estimate)
    return reached.reindex(communes.index).fillna(pd.Series(estimate, index=communes.index))


def departures(gps: pd.DataFrame, reference_date: date, retirement_age: int, years: int) -> pd.Series:
    """Whether each GP is expected to stop within ``years``: a planned departure by then,
    or reaching ``retirement_age``; unknown (NA) without either the age or a planned date."""
    horizon = pd.Timestamp(reference_date) + pd.DateOffset(years=years)
    by_age = (gps["age"] + years >= retirement_age).astype("boolean").fillna(False)
    planned = gps["planned_departure"] <= horizon  # NaT: False
    leaving = by_age | planned
    return leaving.mask(gps["age"].isna() & gps["planned_departure"].isna())


def population_weighted(values: pd.Series, population: pd.Series, groups: pd.Series | None = None):
    """The population-weighted mean of ``values`` over the communes where it is known (a
    commune without an APL counts for nothing, not as an APL of zero), per group when
    ``groups`` is given; NaN where no population is known. ``_weighted`` is its SQL form."""
    sums = pd.DataFrame({"weighted": values * population, "known": population.where(values.notna())})
    sums = sums.groupby(groups).sum() if groups is not None else sums.sum()
    with np.errstate(invalid="ignore"):  # no known population: 0 / 0, NaN
        return sums["weighted"] / sums["known"]


def _weighted(column: str, name: str = "") -> str:
    """SQL for ``population_weighted`` of ``column`` over the communes of a group."""
    return (f"sum(c.{column} * c.population) / nullif(sum(c.population) filter (where c.{column} is not null), 0)"
            f" as {name or column}")


def accessibility_by_level(communes: pd.DataFrame, gps: pd.DataFrame, level_key: str, level_label: str,
                           thresholds: tuple[float, float]) -> pd.DataFrame:
    """Population-weighted APL, population per class, GPs leaving within 5 and 10 years,
    for one level (``commune_code``, ``epci_code`` or ``departement_code``). Departures
    come from the roster: exact here, protected on publication (``confidential``). A unit
    with a département whose register is partial has none of these figures; elsewhere the
    APL is weighted over the communes that have one (the others: ``population_unclassified``)."""
    table = query(
        f"""
        with leaving as (
            -- departures unknown (NULL), not none, where no GP's is known
            select r.{level_key} as code,
                   case when count(g.leaving_5y) > 0 then count_if(g.leaving_5y) end as departures_5y,
                   case when count(g.leaving_10y) > 0 then count_if(g.leaving_10y) end as departures_10y,
                   count(g.leaving_5y) as gps_known_departure
            from gps g join communes r using (commune_code) group by all
        )
        select c.{level_key} as {level_key}, any_value(c.{level_label}) as {level_label},
               sum(c.population) filter (where c.desert_class is null) as population_unclassified,
               sum(c.population) as population,
               {_weighted("apl")}, {_weighted("apl_65")}, {_weighted("apl_62")}, {_weighted("apl_60")},
               sum(c.population) filter (where c.desert_class = 'desert') as population_desert,
               sum(c.population) filter (where c.desert_class = 'fragile') as population_fragile,
               sum(c.population) filter (where c.desert_class = 'adequate') as population_adequate,
               {_weighted("nearest_gp_minutes", "mean_minutes_to_gp")},
               bool_and(c.register_complete) as register_complete,
               any_value(l.departures_5y) as departures_5y, any_value(l.departures_10y) as departures_10y,
               coalesce(any_value(l.gps_known_departure), 0) as gps_known_departure
        from communes c left join leaving l on l.code = c.{level_key}
        group by c.{level_key} order by 1
        """,
        communes=communes, gps=gps,
    )
    for column in ("population_desert", "population_fragile", "population_adequate", "population_unclassified"):
        table[column] = table[column].fillna(0.0)
        table["share_" + column.removeprefix("population_")] = table[column] / table["population"]
    partial = ~table["register_complete"].astype(bool)
    classed = [f"{kind}_{name}" for kind in ("population", "share") for name in ("desert", "fragile", "adequate")]
    table.loc[partial, [*APL_COLUMNS, *classed, "mean_minutes_to_gp", "departures_5y", "departures_10y"]] = np.nan
    table["gps_known_departure"] = table["gps_known_departure"].astype("float64").mask(partial)
    table["desert_class"] = classify(table["apl"], thresholds)
    return table


def commune_accessibility(reference: pd.DataFrame, gps: pd.DataFrame, pairs: pd.DataFrame, apl: pd.DataFrame,
                          thresholds: tuple[float, float], road: RoadModel, complete: pd.Series) -> pd.DataFrame:
    """Per commune: APL and variants, class, minutes to the nearest GP, with the reference's names.

    ``complete`` says per département (the territory's and its border ring's) whether the
    register is complete. ``register_complete``: in the commune's own département;
    ``catchment_complete``: in every département within the APL's reach of it. Where the
    latter is false the commune has no APL, class nor nearest GP: a partial register would
    make it a desert.
    """
    table = reference[["commune_code", "commune_name", "epci_code", "epci_name", "departement_code",
                       "departement_name", "population"]].merge(apl, on="commune_code", how="left")
    table["register_complete"] = table["departement_code"].isin(complete.index[complete.to_numpy(dtype=bool)])
    table["catchment_complete"] = catchment_complete(table["commune_code"], pairs, complete).to_numpy()
    table["nearest_gp_minutes"] = nearest_gp_minutes(reference, gps, pairs, road).to_numpy()
    usable = table["catchment_complete"]
    table = table.assign(**{column: table[column].where(usable) for column in (*APL_COLUMNS, "nearest_gp_minutes")})
    table["desert_class"] = classify(table["apl"], thresholds)
    return table


def gps_with_departures(gps: pd.DataFrame, reference_date: date, retirement_age: int) -> pd.DataFrame:
    """The GPs with their expected departure within 5 and 10 years (NA when unknown)."""
    return gps.assign(leaving_5y=departures(gps, reference_date, retirement_age, 5),
                      leaving_10y=departures(gps, reference_date, retirement_age, 10))
