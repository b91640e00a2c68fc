"""What the attractiveness agency's work changes: its funnel by profession, offer and
quarter, the time it takes, where installations land relative to deserts, the APL they
add, and what they cost against the plan's budget.

Counts come from pseudonymised case records. They are exact here (the curated tables
stay in the staging folder) and protected as one system on publication
(``confidential.protect_agency_tables``).
"""

from __future__ import annotations

import pandas as pd

from ..accessibility.apl import AplSettings, apl_by_commune
from ..professions import PROFESSIONS
from .agency_funnel import STAGE_COUNTS
from .deserts import population_weighted
from ..sql import query

DIMENSIONS = {"profession": "profession", "offer": "offer"}


def funnel_by(cases: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """The funnel per profession or per offer, with conversion and median days to installation."""
    column = DIMENSIONS[dimension]
    table = query(
        f"""
        select {column} as {dimension}, {STAGE_COUNTS},
               median(date_diff('day', first_contact, installed_on)) filter (where status = 'installed')
                   as median_days_contact_to_installation
        from cases group by all order by contacted desc, {dimension}
        """,
        cases=cases,
    )
    table["conversion_accompanied_to_installed"] = table["installed"] / table["accompanied"].where(table["accompanied"] > 0)
    return table


def funnel_by_quarter(cases: pd.DataFrame) -> pd.DataFrame:
    """New contacts, new accompaniments and installations per calendar quarter."""
    return query(
        """
        with events as (
            select first_contact as day, 'new_contacts' as event from cases
            union all select accompanied_on, 'new_accompanied' from cases where accompanied_on is not null
            union all select installed_on, 'installations' from cases where status = 'installed'
        )
        select year(day) || '-T' || quarter(day) as period, year(day) as year, quarter(day) as quarter,
               coalesce(count_if(event = 'new_contacts'), 0) as new_contacts,
               coalesce(count_if(event = 'new_accompanied'), 0) as new_accompanied,
               coalesce(count_if(event = 'installations'), 0) as installations
        from events group by all order by year, quarter
        """,
        cases=cases,
    )


def time_to_installation(cases: pd.DataFrame) -> pd.DataFrame:
    """Days from first contact and from accompaniment to installation: median, mean, quartiles."""
    return query(
        """
        select count(*) as installations,
               median(date_diff('day', first_contact, installed_on)) as median_days_from_contact,
               avg(date_diff('day', first_contact, installed_on)) as mean_days_from_contact,
               quantile_cont(date_diff('day', first_contact, installed_on), 0.25) as q1_days_from_contact,
               quantile_cont(date_diff('day', first_contact, installed_on), 0.75) as q3_days_from_contact,
               median(date_diff('day', accompanied_on, installed_on)) as median_days_from_accompaniment
        from cases where status = 'installed'
        """,
        cases=cases,
    )


def installations_by_desert_class(cases: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Installations per desert class of the commune they landed in (classes as of the reference date)."""
    table = query(
        """
        select coalesce(a.desert_class, case when a.commune_code is null then 'outside the territory'
                                             else 'unclassified' end) as desert_class,
               count(*) as installations,
               coalesce(count_if(c.installation_type = 'durable'), 0) as durable,
               coalesce(count_if(c.installation_type = 'replacement'), 0) as replacement
        from cases c left join communes a on a.commune_code = c.installation_commune_code
        where c.status = 'installed' group by all order by 1
        """,
        cases=cases, communes=communes,
    )
    table["share"] = table["installations"] / table["installations"].sum()
    return table


PLACES = ("installations_where_sparser", "installations_where_denser", "installations_unplaced")


def installations_by_profession(cases: pd.DataFrame, commune_supply: pd.DataFrame,
                                departement_supply: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Per profession the register counts too, the agency's installations and where they
    landed against that profession's own density (``profession_supply_by_*``, at the reference
    date): in a commune below its département's density of the profession, at or above it, or
    unplaced (outside the territory, commune unknown, or no density there: register partial,
    profession not yet in the RPPS)."""
    professions = pd.DataFrame({"profession": [p.agency_label for p in PROFESSIONS],
                                "register_profession": [p.key for p in PROFESSIONS], "rank": range(len(PROFESSIONS))})
    return query(
        """
        with placed as (
            select c.profession, s.density as commune_density, d.density as departement_density
            from cases c
            left join reference r on r.commune_code = c.installation_commune_code
            left join professions f using (profession)
            left join commune_supply s on s.commune_code = r.commune_code and s.profession = f.register_profession
            left join departement_supply d on d.departement_code = r.departement_code
                                           and d.profession = f.register_profession
            where c.status = 'installed'
        )
        select f.profession, f.register_profession, count(p.profession) as installations,
               count(p.profession) filter (where p.commune_density < p.departement_density)
                   as installations_where_sparser,
               count(p.profession) filter (where p.commune_density >= p.departement_density)
                   as installations_where_denser,
               count(p.profession) filter (where p.commune_density is null or p.departement_density is null)
                   as installations_unplaced
        from professions f left join placed p using (profession)
        group by f.profession, f.register_profession, f.rank order by f.rank
        """,
        cases=cases, reference=reference[["commune_code", "departement_code"]], professions=professions,
        commune_supply=commune_supply[["commune_code", "profession", "density"]],
        departement_supply=departement_supply[["departement_code", "profession", "density"]],
    )


def agency_gps(gps: pd.DataFrame, cases: pd.DataFrame) -> pd.Series:
    """Which GPs of the register the agency installed (found by the RPPS id of an installed case)."""
    installed_ids = set(cases.loc[(cases["status"] == "installed") & cases["rpps_id"].fillna("").ne(""), "rpps_id"])
    return gps["rpps_id"].isin(installed_ids)


def apl_with_and_without_agency(area: pd.DataFrame, gps: pd.DataFrame, pairs: pd.DataFrame, cases: pd.DataFrame,
                                settings: AplSettings, usable: pd.Series) -> pd.DataFrame:
    """APL per commune of the territory (``usable``'s index) with the register as it is, and
    without the GPs the agency installed; none where ``usable`` is false (the register
    partial within reach: ``catchment_complete``). ``area`` adds the border ring."""
    with_agency = apl_by_commune(area, gps, pairs, settings)[["commune_code", "apl"]]
    without = apl_by_commune(area, gps[~agency_gps(gps, cases)], pairs, settings)[["commune_code", "apl"]]
    table = (with_agency.rename(columns={"apl": "apl_with_agency"})
             .merge(without.rename(columns={"apl": "apl_without_agency"}), on="commune_code")
             .merge(area[["commune_code", "commune_name", "population"]], on="commune_code"))
    table = table[table["commune_code"].isin(usable.index)].reset_index(drop=True)
    shown = table["commune_code"].map(usable).astype(bool)
    table[["apl_with_agency", "apl_without_agency"]] = table[["apl_with_agency", "apl_without_agency"]].where(shown, axis=0)
    table["apl_gain"] = table["apl_with_agency"] - table["apl_without_agency"]
    return table


def impact_summary(impact: pd.DataFrame, cases: pd.DataFrame, gps: pd.DataFrame) -> pd.DataFrame:
    """One line for the territory: installations, GP installations recorded with an RPPS id
    and found in the register, population-weighted APL with and without them, the gain per
    GP installation found, and the density gained."""
    population = impact["population"].sum()
    found = int(agency_gps(gps, cases).sum())
    installed = cases["status"] == "installed"

    def weighted(column: str):
        mean = population_weighted(impact[column], impact["population"])
        return None if pd.isna(mean) else float(mean)

    summary = pd.DataFrame([{
        "installations": int(installed.sum()),
        "gp_installations_recorded": int((installed & cases["rpps_id"].fillna("").ne("")).sum()),
        "gp_installations_in_register": found,
        "apl_with_agency": weighted("apl_with_agency"), "apl_without_agency": weighted("apl_without_agency"),
        "communes_gaining": int((impact["apl_gain"] > 1e-12).sum()),
    }])
    summary["apl_gain"] = summary["apl_with_agency"] - summary["apl_without_agency"]
    summary["apl_gain_per_installation"] = summary["apl_gain"] / found if found else None
    summary["density_gain_per_10000"] = found / population * 10_000 if population else None
    return summary


def budget_outcomes(budget: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """Per axis of the plan: yearly spend, installations attributable through the axis's
    offers, and spend per installation; a last row for the whole plan."""
    installed = cases[cases["status"] == "installed"]
    rows = []
    for axis, lines in budget.groupby(["axis_number", "axis_title"], sort=True):
        offers = {offer.strip() for value in lines["offers"].fillna("") for offer in value.split(",") if offer.strip()}
        attributable = int(installed["offer"].isin(offers).sum()) if offers else None
        spend = float(lines["amount_eur"].sum())
        rows.append({"axis_number": axis[0], "axis_title": axis[1], "years": ", ".join(map(str, sorted(lines["year"]))),
                     "spend_eur": spend, "offers": ", ".join(sorted(offers)), "installations_attributable": attributable,
                     "spend_per_installation_eur": spend / attributable if attributable else None})
    total = float(budget["amount_eur"].sum())
    rows.append({"axis_number": 0, "axis_title": "Ensemble du plan", "years": ", ".join(map(str, sorted(budget["year"].unique()))),
                 "spend_eur": total, "offers": "", "installations_attributable": len(installed),
                 "spend_per_installation_eur": total / len(installed) if len(installed) else None})
    return pd.DataFrame(rows)


def action_sheet_indicators(cases: pd.DataFrame, gp_series: pd.DataFrame) -> pd.DataFrame:
    """Per year: grants delivered (cases with an aid) and their amount, interns accompanied,
    and GPs in the département at each register snapshot of that year."""
    aids = query(
        """
        select year(coalesce(accompanied_on, first_contact)) as year,
               coalesce(count_if(aid_eur > 0), 0) as grants_delivered,
               coalesce(sum(aid_eur) filter (where aid_eur > 0), 0) as grants_amount_eur,
               coalesce(count_if(profession ilike 'interne%' and accompanied_on is not null), 0) as interns_accompanied
        from cases group by all order by year
        """,
        cases=cases,
    )
    gps = gp_series[gp_series["level"] == "departement"].assign(year=lambda t: pd.to_datetime(t["snapshot_date"]).dt.year)
    latest = gps["snapshot_date"] == gps.groupby("year")["snapshot_date"].transform("max")  # the year's last snapshot
    gps = gps[latest].groupby("year", as_index=False).agg(gps_in_departement=("gps", "sum"))
    return aids.merge(gps, on="year", how="outer").sort_values("year").reset_index(drop=True)


def installations_by_epci(cases: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Installations per EPCI of the installation commune, for maps (on publication, the
    EPCIs whose count is hidden are left out entirely: a marker would reveal them)."""
    return query(
        """
        select r.epci_code, any_value(r.epci_name) as epci_name, count(*) as installations
        from cases c join reference r on r.commune_code = c.installation_commune_code
        where c.status = 'installed' and r.epci_code is not null group by r.epci_code order by 1
        """,
        cases=cases, reference=reference,
    )


def installations_by_commune(cases: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Installations per commune of the territory (0 where none). Never published: it would
    show where each accompanied professional settled; it is what the tables by EPCI, zone and
    desert class add up, which their protection solves for (``confidential``)."""
    return query(
        """
        select r.commune_code, count(c.installation_commune_code) as installations
        from reference r left join cases c on c.installation_commune_code = r.commune_code and c.status = 'installed'
        group by r.commune_code order by 1
        """,
        cases=cases, reference=reference[["commune_code"]],
    )


def installations_by_zone(by_commune: pd.DataFrame, zones: pd.DataFrame) -> pd.DataFrame:
    """Installations per zone of each zoning (``commune_zones``), 0 where none."""
    return query(
        """
        select z.zoning, any_value(z.zoning_label) as zoning_label, z.zone_code, any_value(z.zone_name) as zone_name,
               coalesce(sum(c.installations), 0) as installations
        from zones z left join by_commune c using (commune_code)
        group by z.zoning, z.zone_code order by 1, 3
        """,
        by_commune=by_commune, zones=zones,
    )
