"""The published figures that come from non-public data, the relations that tie them, and
how they are protected before they leave the observatory.

Non-public: the département's roster (ages, FTE, planned departures) and the agency's
cases. The curated tables hold exact figures (they stay in the staging folder); every
publication (database, Parquet, site) goes through ``protect_tables``:

- roster counts (GPs aged 55+, departures within 5 and 10 years) by commune ⊂ EPCI ⊂
  département and by commune ⊂ zone of each zoning (CPTS, bassins de vie…), and per
  register snapshot, with complementary suppression along those hierarchies at once
  (``disclosure``): a zone straddling EPCIs must not give a commune's count by difference;
- the agency's counts in every table that breaks the funnel down (profession, offer,
  quarter, desert class, EPCI, year, plan axis), protected as one system of relations
  since they share their totals;
- withheld outright: APL variants by GP age per commune, EPCI and zone (solving the E2SFCA's
  linear system per commune gives the supply of GPs past each age, hence a named GP's
  age bracket in a one-GP commune) and the per-commune supply in consultations (FTE ×
  rate). For the same reason the per-commune APL with and without the agency's GPs
  (``agency_apl_impact``, which would show where accompanied GPs settled) is not among
  the published tables at all: only its territory summary is.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from .disclosure import Relation, blank, hidden_cells, hierarchy_relations
from .indicators.agency_outcomes import PLACES

LEVEL_KEYS = {"commune": "commune_code", "epci": "epci_code", "departement": "departement_code"}
NO_CODE = ""  # communes outside any EPCI form one row of the EPCI tables
WITHHELD_COLUMNS = {
    "accessibility_by_commune": ("gp_consultations", "apl_65", "apl_62", "apl_60"),
    "accessibility_by_epci": ("apl_65", "apl_62", "apl_60"),
    "accessibility_by_zone": ("apl_65", "apl_62", "apl_60"),
}
# Read by the protection, never published: where each accompanied professional settled.
WITHHELD_TABLES = ("agency_installations_by_commune",)
AGE_COLUMNS = ("gps_senior", "share_senior", "gp_fte")
DEPARTURE_COLUMNS = ("departures_5y", "departures_10y")
# Figures from the roster, exact in curated tables (kept out of Dagster's previews).
ROSTER_COLUMNS = (*AGE_COLUMNS, *DEPARTURE_COLUMNS, *WITHHELD_COLUMNS["accessibility_by_commune"])
# Counts from the roster published as they are: the totals of a protected breakdown (GPs of
# known age, split into 55+ and younger; GPs whose departure is foreseeable, split by horizon).
# A total gives no part away when every part it would complete is hidden with its complement.
PUBLISHED_MARGINS = ("gps_age_known", "gps_known_departure")
STAGES = ("contacted", "accompanied", "installed", "installed_durable", "installed_replacement", "abandoned")
SPLIT = ("installations", "durable", "replacement")  # installations = durable + replacement


ZONE_LEVEL = "zone:"  # a zoning's level: ``zone:<zoning>``, its units the zones (``zone_code``)


def _codes(frame: pd.DataFrame, level: str) -> np.ndarray:
    """The units' codes as Python strings (looped over: Arrow-backed strings iterate slowly)."""
    key = "zone_code" if level.startswith(ZONE_LEVEL) else LEVEL_KEYS[level]
    return frame[key].astype("string").fillna(NO_CODE).to_numpy(dtype=object)


def _members(reference: pd.DataFrame, zones: pd.DataFrame | None = None) -> dict[Hashable, list[Hashable]]:
    """Each EPCI's, each zone's (of every zoning in ``zones``, ``commune_zones``) and each
    département's communes, as (level, code) units: every published hierarchy."""
    members = {}

    def add(level: str, frame: pd.DataFrame) -> None:
        communes = pd.Series(frame["commune_code"].astype("string").to_numpy(dtype=object), dtype=object)
        for code, units in communes.groupby(_codes(frame, level)):
            members[(level, code)] = [("commune", commune) for commune in units]

    for level in ("epci", "departement"):
        add(level, reference)
    if zones is not None:
        for zoning, frame in zones.groupby("zoning"):
            add(ZONE_LEVEL + zoning, frame)
    return members


def by_zoning(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A zone table's rows as one level per zoning (``zone:<zoning>``); with no zoning, its
    empty table as one level, protected like the others so that it gets their columns."""
    return {ZONE_LEVEL + zoning: rows for zoning, rows in table.groupby("zoning", sort=True)} or {ZONE_LEVEL: table}


def geographic_masks(levels: dict[str, pd.DataFrame], parts: dict[str, pd.DataFrame], reference: pd.DataFrame,
                     threshold: int, zones: pd.DataFrame | None = None) -> dict[str, pd.Series]:
    """Which rows of each level's table hide a breakdown whose ``parts`` (one frame of
    counts per level, aligned on the table) partition a unit's public headcount; the zones
    of ``zones`` (``commune_zones``) are levels of their own, their tables' keys
    ``zone:<zoning>`` (``by_zoning``). With no small count anywhere (no roster: every count
    0) nothing is hidden, and the relations of 35 000 communes are not written out."""
    if not any(((frame > 0) & (frame < threshold)).to_numpy().any() for frame in parts.values()):
        return {level: pd.Series(False, index=table.index) for level, table in levels.items()}
    values: dict[Hashable, float] = {}
    together = []
    for level, table in levels.items():
        counts = parts[level].fillna(0).to_numpy(dtype="float64")
        for code, row in zip(_codes(table, level), counts):
            cells = [(level, code, part) for part in parts[level].columns]
            values.update(zip(cells, row))
            together.append(cells)
    columns = list(next(iter(parts.values())).columns)
    relations = [relation for relation in hierarchy_relations(_members(reference, zones), columns,
                                                              lambda unit, part: (*unit, part))
                 if relation.total in values]
    crossing = zones is not None and not zones.empty  # a zoning beside the EPCIs: differences chain across them
    hidden = hidden_cells(values, relations, threshold, together, jointly=crossing)
    return {level: pd.Series([(level, code, columns[0]) in hidden for code in _codes(table, level)], index=table.index)
            for level, table in levels.items()}


def _age_parts(table: pd.DataFrame) -> pd.DataFrame:
    senior = table["gps_senior"].astype("float64").fillna(0)
    return pd.DataFrame({"senior": senior, "junior": table["gps_age_known"].astype("float64") - senior})


def _departure_parts(table: pd.DataFrame) -> pd.DataFrame:
    five = table["departures_5y"].astype("float64").fillna(0)
    ten = table["departures_10y"].astype("float64").fillna(0)
    known = table["gps_known_departure"].astype("float64").where(table["departures_10y"].notna(), 0)
    return pd.DataFrame({"within_5y": five, "within_5_10y": ten - five, "staying": known - ten})


def _protect_levels(levels: dict[str, pd.DataFrame], parts_of, columns, reference, threshold, zones
                    ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.Series]]:
    """Each level's table with ``columns`` blanked where hidden, and the masks."""
    masks = geographic_masks(levels, {level: parts_of(table) for level, table in levels.items()}, reference, threshold,
                             zones)
    return {level: blank(table, masks[level], columns) for level, table in levels.items()}, masks


def protect_age_figures(levels: dict[str, pd.DataFrame], reference: pd.DataFrame, threshold: int,
                        zones: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """GPs aged 55+ (and the share and FTE that go with them) per commune, EPCI, zone,
    département; ``age_suppressed`` says where ages are known but secret."""
    protected, masks = _protect_levels(levels, _age_parts, AGE_COLUMNS, reference, threshold, zones)
    return {level: table.assign(age_suppressed=masks[level].to_numpy() & (table["gps_age_known"] > 0).to_numpy())
            for level, table in protected.items()}


def protect_departures(levels: dict[str, pd.DataFrame], reference: pd.DataFrame, threshold: int,
                       zones: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """GPs leaving within 5 and 10 years per commune, EPCI, zone, département."""
    return _protect_levels(levels, _departure_parts, DEPARTURE_COLUMNS, reference, threshold, zones)[0]


def protect_series(series: pd.DataFrame, reference: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The age figures of every register snapshot, each protected like today's."""
    parts = []
    for _, snapshot in series.groupby("snapshot_date", sort=True):
        levels = {level: rows.rename(columns={"code": LEVEL_KEYS[level]})
                  for level, rows in snapshot.groupby("level") if level in LEVEL_KEYS}
        for level, table in protect_age_figures(levels, reference, threshold).items():
            parts.append(table.rename(columns={LEVEL_KEYS[level]: "code"}))
    columns = [*series.columns.drop("age_suppressed", errors="ignore"), "age_suppressed"]
    return pd.concat(parts).sort_index()[columns] if parts else series.assign(age_suppressed=False)[columns]


class AgencyCells:
    """The agency's published counts as cells of one system of relations."""

    def __init__(self):
        self.values: dict[Hashable, float] = {}
        self.relations: list[Relation] = []
        self.fixed: set[Hashable] = set()
        self.unpublished: set[Hashable] = set()

    def add(self, table: str, keys, frame: pd.DataFrame, columns) -> list[list[Hashable]]:
        """One cell per row and column; returns the cells per column."""
        cells = []
        for column in columns:
            named = [(table, key, column) for key in keys]
            self.values.update(zip(named, frame[column].astype("float64").fillna(0)))
            cells.append(named)
        return cells

    def sum(self, total: Hashable, parts) -> None:
        self.relations.append(Relation(total, tuple(parts)))

    def split(self, whole, durable, replacement) -> None:
        """installations = durable + replacement, row by row."""
        for cells in zip(whole, durable, replacement):
            self.relations.append(Relation(cells[0], cells[1:]))


def _funnel_cell(stage: str) -> tuple:
    return ("agency_funnel", stage, "cases")


def protect_agency_tables(tables: dict[str, pd.DataFrame], threshold: int) -> dict[str, pd.DataFrame]:
    """Every agency table with its small counts and their complements blanked."""
    system = AgencyCells()
    funnel = tables["agency_funnel"]
    totals = dict(zip(funnel["stage"], funnel["cases"].astype("float64")))
    for stage in STAGES:
        system.values[_funnel_cell(stage)] = totals.get(stage, 0.0)
    system.relations.append(Relation(_funnel_cell("installed"), (_funnel_cell("installed_durable"),
                                                                  _funnel_cell("installed_replacement"))))
    stage_totals = {"installations": "installed", "durable": "installed_durable", "replacement": "installed_replacement"}

    for name, key in (("agency_funnel_by_profession", "profession"), ("agency_funnel_by_offer", "offer")):
        frame = tables[name]
        cells = dict(zip(STAGES, system.add(name, frame[key], frame, STAGES)))
        for stage in STAGES:
            system.sum(_funnel_cell(stage), cells[stage])
        system.split(cells["installed"], cells["installed_durable"], cells["installed_replacement"])

    def installations_by(table: str, key: str, frame: pd.DataFrame) -> None:
        """Installations, durable and replacements per row: each row adds up, each column
        adds up to the funnel's totals."""
        cells = dict(zip(SPLIT, system.add(table, frame[key], frame, SPLIT)))
        system.split(*cells.values())
        for column, stage in stage_totals.items():
            system.sum(_funnel_cell(stage), cells[column])

    installations_by("quarter", "period", tables["agency_installations_by_quarter"])
    activity = tables["agency_funnel_by_quarter"]
    for column, stage in (("new_contacts", "contacted"), ("new_accompanied", "accompanied")):
        cells = system.add("quarter", activity["period"], activity, [column])[0]
        if activity[column].sum() == totals.get(stage):  # a relation only where the totals agree
            system.sum(_funnel_cell(stage), cells)

    installations_by("desert_class", "desert_class", tables["agency_installations_by_desert_class"])

    placed = tables["agency_installations_by_profession"]  # installations = sparser + denser + unplaced, per row
    listed = set(tables["agency_funnel_by_profession"]["profession"])
    whole, *parts = system.add("placed", placed["profession"], placed, ["installations", *PLACES])
    for label, total, *row in zip(placed["profession"], whole, *parts):
        system.relations.append(Relation(total, tuple(row)))
        if label in listed:
            system.sum(("agency_funnel_by_profession", label, "installed"), [total])

    epcis = tables["agency_installations_by_epci"]
    epci_cells = system.add("epci", epcis["epci_code"], epcis, ["installations"])[0]
    in_epcis = ("epci", "all", "installations")
    system.values[in_epcis] = float(epcis["installations"].sum())
    system.fixed.add(in_epcis)
    system.sum(in_epcis, epci_cells)
    zones = tables["agency_installations_by_zone"]
    system.add("zone", _zone_keys(zones), zones, ["installations"])
    _areas(system, tables)

    offers = set(tables["agency_funnel_by_offer"]["offer"])
    plan = tables["plan_budget_outcomes"]
    plan_cells = system.add("plan", plan["axis_number"], plan, ["installations_attributable"])[0]
    for cell, axis, listed in zip(plan_cells, plan["axis_number"], plan["offers"].fillna("")):
        if axis == 0:  # the whole plan: every installation
            system.sum(_funnel_cell("installed"), [cell])
        else:
            system.sum(cell, [("agency_funnel_by_offer", offer.strip(), "installed")
                              for offer in listed.split(",") if offer.strip() in offers])

    sheet = tables["action_sheet_indicators"]
    system.add("year", sheet["year"], sheet, ["grants_delivered"])
    interns = system.add("year", sheet["year"], sheet, ["interns_accompanied"])[0]
    profession = tables["agency_funnel_by_profession"]
    intern_rows = profession.index[profession["profession"].str.lower().str.startswith("interne")]
    if len(intern_rows) == 1:
        system.sum(("agency_funnel_by_profession", profession.at[intern_rows[0], "profession"], "accompanied"), interns)

    summary = tables["agency_impact_summary"]
    system.add("summary", summary.index, summary, ["gp_installations_recorded", "gp_installations_in_register"])

    hidden = hidden_cells(system.values, system.relations, threshold, fixed=system.fixed, unpublished=system.unpublished)
    return _apply_agency_masks(tables, hidden)


def _zone_keys(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["zoning"].astype(str), frame["zone_code"].astype(str)))


def _areas(system: AgencyCells, tables: dict[str, pd.DataFrame]) -> None:
    """The installations per EPCI, per zone of each zoning and per desert class are sums of
    the same unpublished counts: the installations where an EPCI, a zone of each zoning and a
    desert class meet (« areas », from ``agency_installations_by_commune``). Their relations
    let the protection see the chains of differences across the three (a CPTS minus an EPCI
    inside it, minus a class…)."""
    areas = tables["commune_reference"][["commune_code", "epci_code"]].merge(
        tables["accessibility_by_commune"][["commune_code", "desert_class"]], on="commune_code", how="left")
    areas["desert_class"] = areas["desert_class"].astype("string").fillna("unclassified")
    zonings = []
    for zoning, members in tables["commune_zones"].groupby("zoning", sort=True):
        zonings.append(ZONE_LEVEL + zoning)
        areas[zonings[-1]] = areas["commune_code"].map(members.set_index("commune_code")["zone_code"]).astype("string")
    counts = tables["agency_installations_by_commune"].set_index("commune_code")["installations"]
    areas["installations"] = areas["commune_code"].map(counts).fillna(0).astype("float64")
    keys = ["epci_code", "desert_class", *zonings]
    areas[keys] = areas[keys].astype("string").fillna(NO_CODE)
    grouped = areas.groupby(keys, sort=True)["installations"].sum()
    cells = {key: ("area", key, "installations") for key in grouped.index}
    for key, value in grouped.items():
        system.values[cells[key]] = float(value)
        system.unpublished.add(cells[key])
    tables_of = {0: lambda code: ("epci", code), 1: lambda code: ("desert_class", code),
                 **{position: (lambda code, zoning=zoning: ("zone", (zoning.removeprefix(ZONE_LEVEL), code)))
                    for position, zoning in enumerate(zonings, start=2)}}
    for position, unit in tables_of.items():
        parts: dict[str, list] = {}
        for key, cell in cells.items():
            parts.setdefault(key[position], []).append(cell)
        for code, members in sorted(parts.items()):
            if code == NO_CODE and position != 1:  # outside any EPCI or zone: no row of those tables
                continue
            total = (*unit(code), "installations")
            system.values.setdefault(total, 0.0)  # a row absent from the table reads 0
            system.sum(total, members)


def _mask(hidden: set, table: str, keys, column: str) -> pd.Series:
    return pd.Series([(table, key, column) in hidden for key in keys])


def _blank_hidden(frame: pd.DataFrame, hidden: set, table: str, key: str, columns) -> pd.DataFrame:
    """``frame`` (a row per ``key``) with each of ``columns`` blanked where its cell is hidden."""
    frame = frame.reset_index(drop=True)
    for column in columns:
        frame = blank(frame, _mask(hidden, table, frame[key], column), [column])
    return frame


def _apply_agency_masks(tables: dict[str, pd.DataFrame], hidden: set) -> dict[str, pd.DataFrame]:
    out = {}
    funnel = tables["agency_funnel"]
    out["agency_funnel"] = blank(funnel, pd.Series([_funnel_cell(s) in hidden for s in funnel["stage"]]), ["cases"])
    installed_hidden = _funnel_cell("installed") in hidden
    for name, key in (("agency_funnel_by_profession", "profession"), ("agency_funnel_by_offer", "offer")):
        frame = _blank_hidden(tables[name], hidden, name, key, STAGES)
        frame = blank(frame, frame["installed"].isna() | frame["accompanied"].isna(),
                      ["conversion_accompanied_to_installed"])
        out[name] = blank(frame, frame["installed"].isna(), ["median_days_contact_to_installation"])
    out["agency_installations_by_quarter"] = _blank_hidden(tables["agency_installations_by_quarter"], hidden,
                                                           "quarter", "period", SPLIT)
    out["agency_funnel_by_quarter"] = _blank_hidden(tables["agency_funnel_by_quarter"], hidden, "quarter", "period",
                                                    ("new_contacts", "new_accompanied", "installations"))
    out["agency_installations_by_profession"] = _blank_hidden(tables["agency_installations_by_profession"], hidden,
                                                              "placed", "profession", ("installations", *PLACES))
    classes = _blank_hidden(tables["agency_installations_by_desert_class"], hidden, "desert_class", "desert_class",
                            SPLIT)
    out["agency_installations_by_desert_class"] = blank(classes, classes["installations"].isna(), ["share"])
    zones = tables["agency_installations_by_zone"].reset_index(drop=True)
    out["agency_installations_by_zone"] = blank(zones, _mask(hidden, "zone", _zone_keys(zones), "installations"),
                                                ["installations"])
    epcis = tables["agency_installations_by_epci"].reset_index(drop=True)
    shown = ~_mask(hidden, "epci", epcis["epci_code"], "installations") & (epcis["installations"] > 0)
    out["agency_installations_by_epci"] = epcis[shown.to_numpy()].reset_index(drop=True)
    plan = tables["plan_budget_outcomes"].reset_index(drop=True)
    plan = blank(plan, _mask(hidden, "plan", plan["axis_number"], "installations_attributable"),
                 ["installations_attributable", "spend_per_installation_eur"])
    out["plan_budget_outcomes"] = plan
    sheet = _blank_hidden(tables["action_sheet_indicators"], hidden, "year", "year",
                          ("grants_delivered", "interns_accompanied"))
    out["action_sheet_indicators"] = blank(sheet, sheet["grants_delivered"].isna(), ["grants_amount_eur"])
    summary = tables["agency_impact_summary"]
    found_hidden = _mask(hidden, "summary", summary.index, "gp_installations_in_register") | installed_hidden
    summary = blank(summary, found_hidden, ["gp_installations_in_register", "apl_without_agency", "apl_gain",
                                            "apl_gain_per_installation", "density_gain_per_10000", "communes_gaining"])
    summary = blank(summary, _mask(hidden, "summary", summary.index, "gp_installations_recorded"),
                    ["gp_installations_recorded"])
    out["agency_impact_summary"] = blank(summary, pd.Series(installed_hidden, index=summary.index), ["installations"])
    timing = tables["agency_time_to_installation"]
    out["agency_time_to_installation"] = blank(timing, pd.Series(installed_hidden, index=timing.index), timing.columns)
    return out


def protect_tables(tables: dict[str, pd.DataFrame], threshold: int) -> dict[str, pd.DataFrame]:
    """The tables as they may be published: every rule above applied, withheld ones left out."""
    reference, zones = tables["commune_reference"], tables["commune_zones"]
    out = dict(tables)

    def levels(prefix: str) -> dict[str, pd.DataFrame]:
        return {**{level: tables[f"{prefix}_{level}"] for level in LEVEL_KEYS}, **by_zoning(tables[f"{prefix}_zone"])}

    def zone_table(protected: dict[str, pd.DataFrame]) -> pd.DataFrame:
        return pd.concat([table for level, table in protected.items() if level.startswith(ZONE_LEVEL)]).sort_index()

    supply = protect_age_figures(levels("gp_supply_by"), reference, threshold, zones)
    leaving = protect_departures(levels("accessibility_by"), reference, threshold, zones)
    for level in LEVEL_KEYS:
        out[f"gp_supply_by_{level}"] = supply[level]
        out[f"accessibility_by_{level}"] = leaving[level]
    out["gp_supply_by_zone"] = zone_table(supply)
    out["accessibility_by_zone"] = zone_table(leaving)
    out["indicators_over_time"] = protect_series(tables["indicators_over_time"], reference, threshold)
    out.update(protect_agency_tables(tables, threshold))
    for name, columns in WITHHELD_COLUMNS.items():
        out[name] = out[name].drop(columns=list(columns), errors="ignore")
    for name in WITHHELD_TABLES:
        out.pop(name, None)
    return out

