"""The commune reference: one row per commune with its EPCI, population and area."""

from __future__ import annotations

import pandas as pd

from ..sources.geography import departement_of
from ..sql import query


def build_commune_reference(
    communes: pd.DataFrame, populations: pd.DataFrame, epcis: pd.DataFrame, departement_names: dict[str, str],
    ars_zones: pd.DataFrame | None = None, official: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Communes of the contours joined with population (age bands), EPCI membership, the
    ARS zoning and the DREES's standardised population when there are.

    The contours define the geography; a commune missing from the population, EPCI or
    zoning file keeps empty figures rather than disappearing.
    """
    attributes = pd.DataFrame(communes.drop(columns="geometry", errors="ignore"))
    attributes["departement_code"] = departement_of(attributes["commune_code"])
    return query(
        """
        select c.commune_code, c.commune_name, c.departement_code, d.departement_name,
               e.epci_code, e.epci_name,
               p.population, p.pop_0_14, p.pop_15_29, p.pop_30_44, p.pop_45_59, p.pop_60_74,
               p.pop_75_plus, p.vintage as census_year,
               z.ars_zone, o.official_standardised_population, c.area_km2, c.lon, c.lat
        from communes c
        left join names d using (departement_code)
        left join populations p using (commune_code)
        left join epcis e using (commune_code)
        left join zones z using (commune_code)
        left join official o using (commune_code)
        order by c.commune_code
        """,
        communes=attributes,
        names=pd.DataFrame(departement_names.items(), columns=["departement_code", "departement_name"]),
        populations=populations,
        epcis=epcis,
        zones=ars_zones if ars_zones is not None else pd.DataFrame({"commune_code": pd.Series(dtype="string"),
                                                                    "ars_zone": pd.Series(dtype="string")}),
        official=official if official is not None else pd.DataFrame(
            {"commune_code": pd.Series(dtype="string"), "official_standardised_population": pd.Series(dtype="float64")}),
    )
