"""Statistical secrecy: suppression rules by hand, and an audit of the published demo
that tries to recover every hidden small count by solving the published relations.

The audit is written independently of ``observatory.confidential``: it reads the
published tables only, states the relations a reader can see (communes add up to their
EPCI and département, professions to the funnel, ...), and for each hidden cell whose
true count is from 1 to threshold - 1 computes by linear programming the least and the
greatest value the published figures allow. A cell is disclosed when they meet.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from observatory.confidential import protect_age_figures, protect_departures, protect_tables
from observatory.disclosure import Relation, hidden_cells, pinned_cells

THRESHOLD = 5


def test_a_lone_hidden_part_takes_a_complement_with_it():
    # total 12 = 10 + 2: hiding 2 alone, 12 − 10 gives it back; the smallest other part goes too.
    hidden = hidden_cells({"t": 12, "a": 10, "b": 2, "c": 0}, [Relation("t", ("a", "b", "c"))], THRESHOLD)
    assert hidden == {"a", "b"}


def test_hidden_parts_must_not_add_up_to_a_small_count():
    # b = 1 and c = 2 are both small, but together they are 3 = 20 − 17: d (5) joins them.
    values = {"t": 25, "a": 17, "b": 1, "c": 2, "d": 5}
    hidden = hidden_cells(values, [Relation("t", ("a", "b", "c", "d"))], THRESHOLD)
    assert hidden == {"b", "c", "d"}


def test_a_hidden_total_needs_a_hidden_part_and_groups_hide_together():
    # D = E + F and E = A + B, seniors (s) and juniors (j). F (2, 8) is small; E must hide
    # with it (else D − E gives F), and then one of A, B (else A + B gives E).
    values = {("D", "s"): 20, ("D", "j"): 20, ("E", "s"): 18, ("E", "j"): 12, ("F", "s"): 2, ("F", "j"): 8,
              ("A", "s"): 9, ("A", "j"): 6, ("B", "s"): 9, ("B", "j"): 6}
    relations = [Relation((total, p), tuple((part, p) for part in parts))
                 for total, parts in (("D", "EF"), ("E", "AB")) for p in "sj"]
    hidden = hidden_cells(values, relations, THRESHOLD, together=[[(u, "s"), (u, "j")] for u in "DEFAB"])
    assert hidden == {(u, p) for u in "EFA" for p in "sj"}


def test_cells_known_anyway_are_never_counted_on():
    hidden = hidden_cells({"t": 10, "a": 8, "b": 2}, [Relation("t", ("a", "b"))], THRESHOLD, fixed={"t", "a"})
    assert hidden == {"b"}  # nothing else can protect it: the caller publishes t and a anyway


def test_age_figures_along_the_hierarchy_by_hand():
    reference = pd.DataFrame({"commune_code": ["1", "2", "3"], "epci_code": ["E", "E", "F"],
                              "departement_code": ["00", "00", "00"]})

    def level(key, codes, known, senior):
        return pd.DataFrame({key: codes, "gps_age_known": known, "gps_senior": senior,
                             "share_senior": np.divide(senior, known), "gp_fte": known})

    levels = {"commune": level("commune_code", ["1", "2", "3"], [2, 10, 10], [1, 5, 5]),
              "epci": level("epci_code", ["E", "F"], [12, 10], [6, 5]),
              "departement": level("departement_code", ["00"], [22], [11])}
    published = protect_age_figures(levels, reference, THRESHOLD)
    # Commune 1 (1 + 1) is small; commune 2 must go with it, or E − 2 gives it back.
    assert published["commune"]["gps_senior"].isna().tolist() == [True, True, False]
    assert published["commune"]["age_suppressed"].tolist() == [True, True, False]
    assert published["commune"]["share_senior"].isna().tolist() == [True, True, False]
    assert published["epci"]["gps_senior"].tolist() == [6, 5] and published["departement"]["gps_senior"].tolist() == [11]


def test_departures_where_a_single_gp_would_be_exposed():
    # One GP in commune 1 staying beyond 10 years: « 0 within 5 years » would tell it.
    reference = pd.DataFrame({"commune_code": ["1", "2"], "epci_code": ["E", "E"], "departement_code": ["00", "00"]})

    def level(key, codes, five, ten, known):
        return pd.DataFrame({key: codes, "departures_5y": five, "departures_10y": ten, "gps_known_departure": known})

    levels = {"commune": level("commune_code", ["1", "2"], [0, 6], [0, 12], [1, 20]),
              "epci": level("epci_code", ["E"], [6], [12], [21]),
              "departement": level("departement_code", ["00"], [6], [12], [21])}
    published = protect_departures(levels, reference, THRESHOLD)["commune"]
    assert published[["departures_5y", "departures_10y"]].isna().all().all()  # 2 goes with 1 (E − 2 = 1)


# --- the audit of the published demo -------------------------------------------------------------


class LinearSystem:
    """Unknowns (the hidden cells), equalities and inequalities a reader can write."""

    def __init__(self):
        self.index: dict = {}
        self.upper: list[float] = []
        self.equalities: list[tuple[dict, float]] = []
        self.inequalities: list[tuple[dict, float]] = []  # Σ coef · x ≤ rhs

    def term(self, name, value, upper: float):
        """A cell: its published value, or an unknown in [0, upper] when it is blank."""
        if value is not None and not pd.isna(value):
            return float(value)
        if name not in self.index:
            self.index[name] = len(self.index)
            self.upper.append(float(upper))
        return name

    def _linear(self, terms: list[tuple[float, object]]) -> tuple[dict, float]:
        coefficients, constant = {}, 0.0
        for sign, term in terms:
            if isinstance(term, float):
                constant += sign * term
            else:
                coefficients[term] = coefficients.get(term, 0.0) + sign
        return coefficients, -constant

    def equal(self, total, parts) -> None:
        coefficients, rhs = self._linear([(1.0, total), *[(-1.0, part) for part in parts]])
        if coefficients:
            self.equalities.append((coefficients, rhs))

    def at_most(self, smaller, larger) -> None:
        coefficients, rhs = self._linear([(1.0, smaller), (-1.0, larger)])
        if coefficients:
            self.inequalities.append((coefficients, rhs))

    def range_of(self, name) -> tuple[float, float]:
        size = len(self.index)

        def matrix(rows):
            if not rows:
                return None, None
            a = np.zeros((len(rows), size))
            for r, (coefficients, _) in enumerate(rows):
                for key, value in coefficients.items():
                    a[r, self.index[key]] = value
            return a, np.array([rhs for _, rhs in rows])

        a_eq, b_eq = matrix(self.equalities)
        a_ub, b_ub = matrix(self.inequalities)
        bounds = [(0.0, upper) for upper in self.upper]
        found = []
        for sign in (1.0, -1.0):
            c = np.zeros(size)
            c[self.index[name]] = sign
            solution = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            assert solution.status == 0, solution.message  # the published figures are consistent
            found.append(sign * solution.fun)
        return found[0], found[1]


def disclosed(system: LinearSystem, truth: dict) -> list:
    """Hidden cells holding a small count that the published relations pin down."""
    exposed = []
    for name, value in truth.items():
        if name in system.index and 0 < value < THRESHOLD:
            low, high = system.range_of(name)
            if high - low < 0.5:
                exposed.append((name, value, low, high))
    return exposed


@pytest.fixture(scope="module")
def published(demo_build):
    with duckdb.connect(str(demo_build.settings.database_path), read_only=True) as connection:
        return {name: connection.table(name).df() for (name,) in connection.execute("show tables").fetchall()}


@pytest.fixture(scope="module")
def exact(demo_build):
    """The curated tables before protection (staging folder: never published)."""
    folder = Path(demo_build.settings.staging_dir) / "assets"
    return {path.stem: pd.read_parquet(path) for path in folder.glob("*.parquet") if "." not in path.stem}


KEYS = {"commune": "commune_code", "epci": "epci_code", "departement": "departement_code"}


def membership(reference: pd.DataFrame, zones: pd.DataFrame | None = None) -> dict:
    """Every published hierarchy: the EPCIs', the départements' and each zoning's zones' communes."""
    members = {}
    for level in ("epci", "departement"):
        for code, communes in reference.groupby(reference[KEYS[level]].fillna(""))["commune_code"]:
            members[(level, code)] = list(communes)
    for (zoning, code), communes in (zones if zones is not None else pd.DataFrame(
            columns=["zoning", "zone_code", "commune_code"])).groupby(["zoning", "zone_code"])["commune_code"]:
        members[("zone:" + zoning, code)] = list(communes)
    return members


def age_parts(row, published=False):
    """A unit's headcount of known age, or (``published``) its seniors and juniors as shown."""
    known = float(row.gps_age_known)
    if published:
        senior = row.gps_senior
        return {"senior": senior, "junior": None if pd.isna(senior) else known - senior}
    return known


def age_truth(row) -> dict:
    return {"senior": float(row["gps_senior"]), "junior": float(row["gps_age_known"] - row["gps_senior"])}


def departure_parts(row, published=False):
    known = float(row.gps_known_departure)
    if published:
        five, ten = row.departures_5y, row.departures_10y
        if pd.isna(ten):
            return {"within_5y": None, "within_5_10y": None, "staying": None}
        return {"within_5y": five, "within_5_10y": ten - five, "staying": known - ten}
    return known


def departure_truth(row) -> dict:
    five, ten = float(np.nan_to_num(row["departures_5y"])), float(np.nan_to_num(row["departures_10y"]))
    return {"within_5y": five, "within_5_10y": ten - five, "staying": float(row["gps_known_departure"]) - ten}


def test_published_age_figures_cannot_be_recovered(published, exact):
    assert len(published["gp_supply_by_zone"]) == 4  # the demo's CPTS straddle its EPCIs: zones are in the audit
    system, truth = _system(published, exact, "gp_supply_by", age_parts, age_truth)
    hidden_small = [name for name in system.index if 0 < truth[name] < THRESHOLD]
    assert len(hidden_small) > 20  # the demo has small communes: the audit has work to do
    assert disclosed(system, truth) == []


def test_age_figures_of_every_register_snapshot_cannot_be_recovered(published, exact):
    shown, true = published["indicators_over_time"], exact["indicators_over_time"]
    dates = sorted(shown["snapshot_date"].unique())
    assert len(dates) == 3
    for day in dates:
        def levels(frame):
            rows = frame[frame["snapshot_date"] == day]
            return {f"series_{level}": rows[rows["level"] == level].rename(columns={"code": key})
                    for level, key in KEYS.items()}

        system, truth = _system({**levels(shown), "commune_reference": published["commune_reference"]}, levels(true),
                                "series", age_parts, age_truth)
        assert len([name for name in system.index if 0 < truth[name] < THRESHOLD]) > 20, day
        assert disclosed(system, truth) == [], day


def test_published_departures_cannot_be_recovered(published, exact):
    system, truth = _system(published, exact, "accessibility_by", departure_parts, departure_truth)
    assert len([name for name in system.index if 0 < truth[name] < THRESHOLD]) > 20
    assert disclosed(system, truth) == []


def _levels(tables: dict, table: str) -> dict:
    """Each level's table keyed by its units' codes: communes, EPCIs, départements and, when
    the build has zonings, each zoning's zones (level ``zone:<zoning>``)."""
    levels = {level: tables[f"{table}_{level}"].assign(code=lambda t: t[key].astype("string").fillna(""))
              for level, key in KEYS.items()}
    for zoning, rows in tables.get(f"{table}_zone", pd.DataFrame(columns=["zoning"])).groupby("zoning"):
        levels["zone:" + zoning] = rows.assign(code=rows["zone_code"].astype("string"))
    return levels


def _system(published, exact, table, parts, truth_parts) -> tuple[LinearSystem, dict]:
    system, truth, cells, names = LinearSystem(), {}, {}, []
    true_levels = _levels(exact, table)
    for level, shown in _levels(published, table).items():
        true = true_levels[level].set_index("code")
        for row in shown.itertuples():
            code = row.code
            known, values = parts(row), parts(row, published=True)
            names = list(values)
            for part, value in values.items():
                name = (level, code, part)
                cells[name] = system.term(name, value, known)
                truth[name] = truth_parts(true.loc[code])[part]
            system.equal(known, [cells[(level, code, part)] for part in values])
    for (level, code), communes in membership(published["commune_reference"], published.get("commune_zones")).items():
        for part in names:
            system.equal(cells[(level, code, part)], [cells[("commune", c, part)] for c in communes])
    return system, truth


STAGES = ("contacted", "accompanied", "installed", "installed_durable", "installed_replacement", "abandoned")


def test_published_agency_counts_cannot_be_recovered(published, exact):
    system, truth = LinearSystem(), {}
    total_cases = float(exact["agency_funnel"]["cases"].max())

    def cells(table: str, key: str, columns) -> dict:
        shown, true = published[table].set_index(key), exact[table].set_index(key)
        found = {}
        for code in true.index:
            for column in columns:
                name = (table, code, column)
                value = shown.at[code, column] if code in shown.index else 0.0  # absent rows: 0 to a reader
                found[(code, column)] = system.term(name, value, total_cases)
                truth[name] = float(true.at[code, column])
        return found

    funnel = cells("agency_funnel", "stage", ["cases"])
    stage = {s: funnel[(s, "cases")] for s in STAGES}
    system.equal(stage["installed"], [stage["installed_durable"], stage["installed_replacement"]])
    breakdowns = {}
    for table, key in (("agency_funnel_by_profession", "profession"), ("agency_funnel_by_offer", "offer")):
        rows = breakdowns[key] = cells(table, key, STAGES)
        codes = exact[table][key]
        for s in STAGES:
            system.equal(stage[s], [rows[(c, s)] for c in codes])
        for c in codes:
            system.equal(rows[(c, "installed")], [rows[(c, "installed_durable")], rows[(c, "installed_replacement")]])
            system.at_most(rows[(c, "installed")], rows[(c, "accompanied")])
            system.at_most(rows[(c, "accompanied")], rows[(c, "contacted")])
    quarters = cells("agency_installations_by_quarter", "period", ["installations", "durable", "replacement"])
    activity = cells("agency_funnel_by_quarter", "period", ["new_contacts", "installations"])
    periods = exact["agency_installations_by_quarter"]["period"]
    for column, s in (("installations", "installed"), ("durable", "installed_durable"),
                      ("replacement", "installed_replacement")):
        system.equal(stage[s], [quarters[(p, column)] for p in periods])
    for p in periods:
        system.equal(quarters[(p, "installations")], [quarters[(p, "durable")], quarters[(p, "replacement")]])
        system.equal(quarters[(p, "installations")], [activity[(p, "installations")]])
    system.equal(stage["contacted"], [activity[(p, "new_contacts")] for p in exact["agency_funnel_by_quarter"]["period"]])
    classes = cells("agency_installations_by_desert_class", "desert_class", ["installations", "durable", "replacement"])
    labels = exact["agency_installations_by_desert_class"]["desert_class"]
    for column, s in (("installations", "installed"), ("durable", "installed_durable"),
                      ("replacement", "installed_replacement")):
        system.equal(stage[s], [classes[(c, column)] for c in labels])
    places = ["installations_where_sparser", "installations_where_denser", "installations_unplaced"]
    placed = cells("agency_installations_by_profession", "profession", ["installations", *places])
    for label in exact["agency_installations_by_profession"]["profession"]:
        system.equal(placed[(label, "installations")], [placed[(label, place)] for place in places])
        if (label, "installed") in breakdowns["profession"]:
            system.equal(breakdowns["profession"][(label, "installed")], [placed[(label, "installations")]])
    offers = breakdowns["offer"]
    plan = cells("plan_budget_outcomes", "axis_number", ["installations_attributable"])
    for row in exact["plan_budget_outcomes"].itertuples():
        listed = [o.strip() for o in (row.offers or "").split(",") if (o.strip(), "installed") in offers]
        if row.axis_number == 0:
            system.equal(plan[(0, "installations_attributable")], [stage["installed"]])
        elif listed:
            system.equal(plan[(row.axis_number, "installations_attributable")], [offers[(o, "installed")] for o in listed])
    years = cells("action_sheet_indicators", "year", ["interns_accompanied"])
    (interne,) = [p for p in exact["agency_funnel_by_profession"]["profession"] if p.lower().startswith("interne")]
    system.equal(breakdowns["profession"][(interne, "accompanied")],
                 [years[(y, "interns_accompanied")] for y in exact["action_sheet_indicators"]["year"]])

    zones = cells("agency_installations_by_zone", "zone_code", ["installations"])
    _areas_of_installations(system, truth, published, exact, classes, zones, total_cases)

    hidden_small = [name for name in system.index if 0 < truth[name] < THRESHOLD]
    assert len(hidden_small) > 5
    assert any(name[0] == "area" for name in hidden_small)  # the unpublished areas are in the audit
    assert disclosed(system, truth) == []


def _areas_of_installations(system, truth, published, exact, classes, zones, total_cases) -> None:
    """What a reader can write of where the installations landed: per EPCI (rows shown),
    per desert class and per CPTS, each the sum of the installations where an EPCI, a class
    and a CPTS meet, which no table shows (unknowns), from the published geography."""
    installed = exact["agency_cases"][exact["agency_cases"]["status"] == "installed"]
    per_commune = installed["installation_commune_code"].value_counts()
    geography = published["commune_reference"][["commune_code", "epci_code"]].merge(
        published["accessibility_by_commune"][["commune_code", "desert_class"]], on="commune_code", how="left")
    membership = published["commune_zones"].set_index("commune_code")["zone_code"]  # the demo's one zoning
    geography = geography.assign(epci_code=geography["epci_code"].fillna(""),
                                 desert_class=geography["desert_class"].fillna("unclassified"),
                                 zone=geography["commune_code"].map(membership).fillna(""),
                                 installations=geography["commune_code"].map(per_commune).fillna(0))
    areas = {}
    for key, count in geography.groupby(["epci_code", "desert_class", "zone"])["installations"].sum().items():
        areas[key] = system.term(("area", *key), None, total_cases)
        truth[("area", *key)] = float(count)
    shown_epcis = published["agency_installations_by_epci"].set_index("epci_code")["installations"]
    for code, count in shown_epcis.items():
        system.equal(float(count), [cell for key, cell in areas.items() if key[0] == code])
    for label in set(geography["desert_class"]):
        total = classes.get((label, "installations"), 0.0)  # a class absent from the table: none there
        system.equal(total, [cell for key, cell in areas.items() if key[1] == label])
    for code in set(geography["zone"]) - {""}:
        system.equal(zones[(code, "installations")], [cell for key, cell in areas.items() if key[2] == code])


def test_no_small_count_from_non_public_data_is_published(published):
    columns = {"agency_funnel": ["cases"], "agency_installations_by_quarter": ["installations", "durable", "replacement"],
               "agency_funnel_by_profession": list(STAGES), "agency_funnel_by_offer": list(STAGES),
               "agency_funnel_by_quarter": ["new_contacts", "new_accompanied", "installations"],
               "agency_installations_by_desert_class": ["installations", "durable", "replacement"],
               "agency_installations_by_epci": ["installations"],
               "agency_installations_by_profession": ["installations", "installations_where_sparser",
                                                      "installations_where_denser", "installations_unplaced"],
               "action_sheet_indicators": ["grants_delivered", "interns_accompanied"],
               "plan_budget_outcomes": ["installations_attributable"],
               "agency_impact_summary": ["gp_installations_in_register", "gp_installations_recorded"],
               **{f"gp_supply_by_{level}": ["gps_senior"] for level in (*KEYS, "zone")},
               **{f"accessibility_by_{level}": ["departures_5y", "departures_10y"] for level in (*KEYS, "zone")}}
    for table, names in columns.items():
        for column in names:
            values = published[table][column].astype("float64")
            assert not values.between(1, THRESHOLD - 1).any(), f"{table}.{column} publishes a small count"
        if table.startswith("gp_supply"):
            complement = published[table]["gps_age_known"] - published[table]["gps_senior"]
            assert not complement.between(1, THRESHOLD - 1).any(), f"{table}: a small complement of gps_senior"


def test_figures_that_would_solve_the_apl_system_are_withheld(published):
    assert "agency_apl_impact" not in published  # APL with and without the agency, per commune
    commune = published["accessibility_by_commune"].columns
    assert not {"gp_consultations", "apl_65", "apl_62", "apl_60"} & set(commune)
    assert not {"apl_65", "apl_62", "apl_60"} & set(published["accessibility_by_epci"].columns)
    assert {"apl_65", "apl_62", "apl_60"} <= set(published["accessibility_by_departement"].columns)


def test_publication_is_what_the_rules_give(published, exact):
    """The database holds exactly ``protect_tables`` of the curated tables (one rule, one place)."""
    protected = protect_tables({name: exact[name] for name in exact}, THRESHOLD)

    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.reset_index(drop=True).apply(
            lambda c: c.astype("float64") if pd.api.types.is_numeric_dtype(c) and c.dtype != bool else c)

    for name in ("agency_funnel_by_offer", "gp_supply_by_epci", "accessibility_by_epci", "agency_installations_by_epci"):
        pd.testing.assert_frame_equal(plain(protected[name]), plain(published[name]), check_dtype=False, check_like=True)


def test_the_audit_finds_what_primary_suppression_alone_leaves():
    """The audit can fail: with a small count blanked but no complementary cell, it finds it,
    and with the rules applied it finds nothing."""
    reference = pd.DataFrame({"commune_code": ["1", "2", "3"], "epci_code": ["E", "E", "F"],
                              "departement_code": ["00", "00", "00"]})

    def level(key, codes, known, senior):
        return pd.DataFrame({key: codes, "gps_age_known": known, "gps_senior": senior})

    exact = {"gp_supply_by_commune": level("commune_code", ["1", "2", "3"], [2, 10, 10], [1, 5, 5]),
             "gp_supply_by_epci": level("epci_code", ["E", "F"], [12, 10], [6, 5]),
             "gp_supply_by_departement": level("departement_code", ["00"], [22], [11])}
    naive = {**exact, "commune_reference": reference,
             "gp_supply_by_commune": exact["gp_supply_by_commune"].assign(gps_senior=[None, 5, 5])}
    protected = protect_age_figures({lvl: exact[f"gp_supply_by_{lvl}"] for lvl in KEYS}, reference, THRESHOLD)
    ruled = {**{f"gp_supply_by_{lvl}": table for lvl, table in protected.items()}, "commune_reference": reference}

    system, truth = _system(naive, exact, "gp_supply_by", age_parts, age_truth)
    assert [name for name, *_ in disclosed(system, truth)] == [("commune", "1", "senior"), ("commune", "1", "junior")]
    system, truth = _system(ruled, exact, "gp_supply_by", age_parts, age_truth)
    assert disclosed(system, truth) == []


def test_a_zone_straddling_epcis_gives_no_count_away_by_difference():
    """A CPTS made of one commune of an EPCI and of another EPCI's: protected along the
    EPCIs alone, the zone's count minus the other commune's gives the small one back; with
    the zones among the hierarchies, nothing can be recovered."""
    reference = pd.DataFrame({"commune_code": ["1", "2", "3"], "epci_code": ["E", "E", "F"],
                              "departement_code": ["00", "00", "00"]})
    zones = pd.DataFrame({"zoning": "cpts", "commune_code": ["2", "3"], "zone_code": "Z"})

    def level(key, codes, known, senior, **extra):
        return pd.DataFrame({key: codes, "gps_age_known": known, "gps_senior": senior, **extra})

    exact = {"gp_supply_by_commune": level("commune_code", ["1", "2", "3"], [10, 2, 10], [5, 1, 5]),
             "gp_supply_by_epci": level("epci_code", ["E", "F"], [12, 10], [6, 5]),
             "gp_supply_by_departement": level("departement_code", ["00"], [22], [11]),
             "gp_supply_by_zone": level("zone_code", ["Z"], [12], [6], zoning=["cpts"])}
    levels = {**{lvl: exact[f"gp_supply_by_{lvl}"] for lvl in KEYS}, "zone:cpts": exact["gp_supply_by_zone"]}

    def audit(protected) -> list:
        shown = {**{f"gp_supply_by_{lvl}": protected[lvl] for lvl in KEYS}, "gp_supply_by_zone": protected["zone:cpts"],
                 "commune_reference": reference, "commune_zones": zones}
        system, truth = _system(shown, exact, "gp_supply_by", age_parts, age_truth)
        return [name for name, *_ in disclosed(system, truth)]

    along_epcis_only = protect_age_figures(levels, reference, THRESHOLD)
    assert along_epcis_only["zone:cpts"]["gps_senior"].notna().all()
    assert audit(along_epcis_only) == [("commune", "2", "senior"), ("commune", "2", "junior")]
    assert audit(protect_age_figures(levels, reference, THRESHOLD, zones)) == []


def test_unpublished_areas_are_solved_for_across_epcis_and_zones():
    """One installation where EPCI E meets CPTS Z: E, F and Z are not small, but Z minus F
    (F lies wholly in Z) gives it. Read relation by relation nothing is hidden; solved
    together, the cell is found pinned and a complement hidden until it is not."""
    cells = {"E": ("epci", "E"), "F": ("epci", "F"), "Z": ("zone", "Z"),
             "EZ": ("area", "E", "Z"), "E-": ("area", "E", ""), "FZ": ("area", "F", "Z")}
    values = {cells["E"]: 11.0, cells["F"]: 10.0, cells["Z"]: 11.0,
              cells["EZ"]: 1.0, cells["E-"]: 10.0, cells["FZ"]: 10.0}
    relations = [Relation(cells["E"], (cells["EZ"], cells["E-"])), Relation(cells["F"], (cells["FZ"],)),
                 Relation(cells["Z"], (cells["EZ"], cells["FZ"]))]
    areas = {cells["EZ"], cells["E-"], cells["FZ"]}
    assert pinned_cells(values, relations, areas, THRESHOLD) == [cells["EZ"]]
    hidden = hidden_cells(values, relations, THRESHOLD, unpublished=areas)
    assert hidden - areas and pinned_cells(values, relations, hidden, THRESHOLD) == []
    assert cells["F"] not in hidden  # no more than needed: F alone tells nothing
