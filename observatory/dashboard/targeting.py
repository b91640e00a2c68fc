"""« Où agir » : the territories ranked by what a recruitment would change, from the
published tables only (so every secret cell stays blank)."""

from __future__ import annotations

import pandas as pd

REACH_MINUTES = 15  # « structures within a quarter of an hour »
CARE_KINDS = ("maison_de_sante", "centre_de_sante", "hopital", "clinique")
SEVERITY = {"desert": 0, "fragile": 1, "adequate": 2}
MAX_COMMUNES = 1_000  # a page a browser can sort: a département holds fewer; France shows its 1 000 first


def structures_within(travel_times: pd.DataFrame, structures: pd.DataFrame, minutes: float = REACH_MINUTES
                      ) -> pd.Series:
    """Per commune, the care structures (MSP, centres de santé, hospitals, clinics) in the
    communes reachable within ``minutes``, its own included."""
    located = structures[structures["kind"].isin(CARE_KINDS)].groupby("commune_code").size()
    near = travel_times[travel_times["minutes"] <= minutes]
    counts = near.assign(structures=near["destination"].astype("string").map(located).fillna(0))
    return counts.groupby(counts["origin"].astype("string"))["structures"].sum().astype("int64")


def complete_register_communes(communes: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The communes whose APL is usable (the register complete within its reach), and how many
    are left out: a partial register's APL is no figure to rank on."""
    usable = communes[communes["catchment_complete"].astype(bool)]
    return usable, len(communes) - len(usable)


def commune_priorities(communes: pd.DataFrame, travel_times: pd.DataFrame, structures: pd.DataFrame
                       ) -> tuple[pd.DataFrame, int]:
    """Communes whose register is complete, the deserts first, then the fragile zones, each
    by population (the first ``MAX_COMMUNES``); and how many communes were left out for a
    partial register."""
    usable, withheld = complete_register_communes(communes)
    usable = usable.copy()
    near = structures_within(travel_times, structures)
    usable["structures_15min"] = usable["commune_code"].astype("string").map(near).fillna(0).astype("int64")
    usable["severity"] = usable["desert_class"].map(SEVERITY).fillna(3)
    ranked = usable.sort_values(["severity", "population"], ascending=[True, False]).drop(columns="severity")
    return ranked.head(MAX_COMMUNES).reset_index(drop=True), withheld


def epci_priorities(epcis: pd.DataFrame) -> pd.DataFrame:
    """EPCIs whose register is complete, by their population in deserts and fragile zones."""
    usable = epcis[epcis["register_complete"].astype(bool) & epcis["epci_code"].notna()].copy()
    usable["population_to_act"] = usable["population_desert"].fillna(0) + usable["population_fragile"].fillna(0)
    return usable.sort_values("population_to_act", ascending=False).reset_index(drop=True)
