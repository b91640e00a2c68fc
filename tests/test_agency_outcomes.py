"""The agency's outcomes: funnel breakdowns, deserts, APL gained, budget, action-sheet figures."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from observatory.accessibility.apl import AplSettings
from observatory.demo.agency import PLAN_AXES
from observatory.indicators.agency_outcomes import apl_with_and_without_agency, budget_outcomes, impact_summary


@pytest.fixture(scope="module")
def curated(demo_build):
    with duckdb.connect(str(demo_build.settings.database_path), read_only=True) as connection:
        yield {name: connection.table(name).df() for (name,) in connection.execute("show tables").fetchall()}


def test_offers_and_professions_add_up_to_the_seed_totals(curated, spec):
    offer = curated["agency_funnel_by_offer"].set_index("offer")
    assert offer.loc["Ma Box Instal", "installed"] == spec.installations_durable  # durable installs use Ma Box Instal
    assert offer.loc["Ma Box Rempla", "installed"] + offer.loc["Jobpack", "installed"] == spec.installations_replacement
    assert offer["contacted"].sum() == spec.cases_contacted  # every offer above the threshold here
    profession = curated["agency_funnel_by_profession"].set_index("profession")
    assert profession.loc["Médecin généraliste", "installed"] == spec.gp_installations
    assert profession.loc["Médecin généraliste", "conversion_accompanied_to_installed"] == pytest.approx(
        spec.gp_installations / profession.loc["Médecin généraliste", "accompanied"])


def test_where_installations_landed(curated, demo_build, spec):
    exact = pd.read_parquet(demo_build.settings.staging_dir / "assets" / "agency_installations_by_desert_class.parquet")
    assert exact["installations"].sum() == spec.installations
    assert exact["share"].sum() == pytest.approx(1.0)
    published = curated["agency_installations_by_desert_class"]
    shown = published["installations"].notna()
    assert (published.loc[shown, "installations"].to_numpy() == exact.loc[shown.to_numpy(), "installations"].to_numpy()).all()
    assert (~shown).sum() != 1  # never one class alone hidden: 46 minus the others would tell it
    communes = curated["accessibility_by_commune"].set_index("commune_code")["desert_class"]
    assert set(published["desert_class"]) <= set(communes.dropna())


def test_apl_gained_by_the_agency_installations(curated, demo_build, spec):
    impact = curated["agency_impact_summary"].iloc[0]
    assert impact["gp_installations_recorded"] == impact["gp_installations_in_register"] == spec.gp_installations
    assert impact["installations"] == spec.installations
    assert impact["apl_gain_per_installation"] == pytest.approx(impact["apl_gain"] / spec.gp_installations)
    assert impact["apl_with_agency"] == pytest.approx(curated["accessibility_by_departement"]["apl"].iloc[0], rel=1e-12)
    assert impact["apl_gain"] > 0
    assert impact["density_gain_per_10000"] == pytest.approx(spec.gp_installations / spec.population * 10_000)
    gaining = pd.read_parquet(demo_build.settings.staging_dir / "assets" / "agency_apl_impact.parquet")  # not published
    assert (gaining["apl_gain"] >= -1e-12).all() and (gaining["apl_gain"] > 0).sum() > spec.gp_installations


def test_budget_outcomes_against_the_plan(curated, spec):
    plan = curated["plan_budget_outcomes"].set_index("axis_number")
    years = spec.reference_date.year - 2022 + 1
    assert plan.loc[0, "spend_eur"] == sum(amount for _, amount, _ in PLAN_AXES) * years
    assert plan.loc[0, "spend_per_installation_eur"] == pytest.approx(plan.loc[0, "spend_eur"] / spec.installations)
    assert plan.loc[3, "installations_attributable"] == spec.installations_durable  # « Accompagner l'installation »
    assert pd.isna(plan.loc[6, "installations_attributable"])  # no offer attached: nothing attributed


def test_action_sheet_indicators(curated, demo_build, spec):
    sheet = curated["action_sheet_indicators"].set_index("year")
    cases = pd.read_csv(demo_build.settings.raw_dir / "agence_dossiers.csv", sep=";", dtype=str, keep_default_na=False)
    aid = pd.to_numeric(cases["montant_aide_eur"], errors="coerce").fillna(0)
    day = pd.to_datetime(cases["date_accompagnement"].where(cases["date_accompagnement"] != "", cases["date_premier_contact"]),
                         format="%d/%m/%Y")
    in_2022 = (day.dt.year == 2022) & (aid > 0)
    assert sheet.loc[2022, "grants_delivered"] == in_2022.sum()
    assert sheet.loc[2022, "grants_amount_eur"] == aid[in_2022].sum()
    assert sheet.loc[2024, "gps_in_departement"] == spec.gps


def test_apl_without_the_agency_by_hand():
    reference = pd.DataFrame({"commune_code": ["a"], "commune_name": ["A"], "population": [1000.0],
                              **{band: [None] for band in ["pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59",
                                                           "pop_60_74", "pop_75_plus"]}})
    # The agency's GP works half time: 1 000 + 500 consultations for 1 000 inhabitants, 1 000 without her.
    gps = pd.DataFrame({"rpps_id": ["old", "new"], "commune_code": ["a", "a"], "age": [60, 35], "fte": [1.0, 0.5]})
    pairs = pd.DataFrame({"origin": ["a"], "destination": ["a"], "minutes": [2.0]})
    cases = pd.DataFrame({"status": ["installed", "installed"], "rpps_id": ["new", ""]})
    table = apl_with_and_without_agency(reference, gps, pairs, cases, AplSettings(consultations_per_fte=1000),
                                        pd.Series({"a": True}))
    assert table.iloc[0][["apl_with_agency", "apl_without_agency", "apl_gain"]].tolist() == pytest.approx([1.5, 1.0, 0.5])
    assert table.columns.tolist() == ["commune_code", "apl_with_agency", "apl_without_agency", "commune_name",
                                      "population", "apl_gain"]
    summary = impact_summary(table, cases, gps).iloc[0]
    assert summary["apl_gain_per_installation"] == pytest.approx(0.5) and summary["gp_installations_in_register"] == 1
    assert summary["communes_gaining"] == 1
    assert summary["installations"] == 2 and summary["gp_installations_recorded"] == 1


def test_the_agencys_apl_gain_leaves_out_communes_without_an_apl():
    """Two communes alike; « b » lies within reach of a partial register: its APL is no
    figure, so the territory's APL with and without the agency is « a »'s alone."""
    bands = ["pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59", "pop_60_74", "pop_75_plus"]
    area = pd.DataFrame({"commune_code": ["a", "b", "ring"], "commune_name": ["A", "B", "Anneau"],
                         "population": [1000.0, 1000.0, 500.0], **{band: [None] * 3 for band in bands}})
    gps = pd.DataFrame({"rpps_id": ["old", "new", "b1"], "commune_code": ["a", "a", "b"], "age": [60, 35, 50],
                        "fte": [1.0, 1.0, 1.0]})
    pairs = pd.DataFrame({"origin": ["a", "b", "ring"], "destination": ["a", "b", "ring"], "minutes": [2.0, 2.0, 2.0]})
    cases = pd.DataFrame({"status": ["installed"], "rpps_id": ["new"]})
    table = apl_with_and_without_agency(area, gps, pairs, cases, AplSettings(consultations_per_fte=1000),
                                        pd.Series({"a": True, "b": False}))
    assert table["commune_code"].tolist() == ["a", "b"]  # the territory's communes only, not the ring's
    assert table.loc[1, ["apl_with_agency", "apl_without_agency", "apl_gain"]].isna().all()
    summary = impact_summary(table, cases, gps).iloc[0]
    assert summary["apl_with_agency"] == pytest.approx(2.0) and summary["apl_without_agency"] == pytest.approx(1.0)


def test_budget_lines_without_offers_are_not_attributed():
    budget = pd.DataFrame({"axis_number": [1, 2], "axis_title": ["A", "B"], "year": [2024, 2024],
                           "amount_eur": [1000.0, 500.0], "offers": ["Ma Box Instal", ""]})
    cases = pd.DataFrame({"status": ["installed", "installed", "contacted"], "offer": ["Ma Box Instal", "Jobpack", "Jobpack"]})
    table = budget_outcomes(budget, cases).set_index("axis_number")
    assert table.loc[1, "spend_per_installation_eur"] == 1000 and pd.isna(table.loc[2, "installations_attributable"])
    assert table.loc[0, "spend_per_installation_eur"] == 750


def test_the_dashboard_shows_what_the_agency_changes(demo_build):
    index = (demo_build.settings.site_dir / "agence.html").read_text(encoding="utf-8")
    assert "Ce que change l'agence" in index
    for text in ("Parcours par offre", "Budget du plan et installations", "Indicateurs des fiches-actions",
                 "des installations en désert médical", "Installations par profession, selon la densité de la profession"):
        assert text in index
    # the demo's GPs: 24 installations, 12 where GPs are sparser than in the département (measured)
    assert ("<tr><td>Médecin généraliste</td><td class=\"n\">24</td><td class=\"n\">12</td>"
            "<td class=\"n\">12</td><td class=\"n\">0</td></tr>") in index


def test_installations_are_placed_against_their_own_professions_density():
    """Two communes of one département: nurses at 10 and 30 per 10 000 (département: 20), GPs
    at 8 and 4 (département: 6). A nurse installed in the sparser commune, two in the denser,
    one outside the territory; a GP in the sparser; a physiotherapist where the register has
    no figure for them; an orthophoniste (no register profession) and a case not installed:
    not counted."""
    from observatory.indicators.agency_outcomes import installations_by_profession

    reference = pd.DataFrame({"commune_code": ["41001", "41002"], "departement_code": ["41", "41"]})
    communes = pd.DataFrame({"commune_code": ["41001", "41002"] * 3,
                             "profession": ["infirmier"] * 2 + ["medecin_generaliste"] * 2
                             + ["masseur_kinesitherapeute"] * 2,
                             "density": [10.0, 30.0, 4.0, 8.0, None, None]})
    departements = pd.DataFrame({"departement_code": ["41"] * 3,
                                 "profession": ["infirmier", "medecin_generaliste", "masseur_kinesitherapeute"],
                                 "density": [20.0, 6.0, None]})
    cases = pd.DataFrame({
        "profession": ["Infirmier", "Infirmier", "Infirmier", "Infirmier", "Médecin généraliste",
                       "Masseur-kinésithérapeute", "Orthophoniste", "Infirmier"],
        "status": ["installed"] * 7 + ["accompanied"],
        "installation_commune_code": ["41001", "41002", "41002", "37261", "41001", "41001", "41001", "41001"]})
    table = installations_by_profession(cases, communes, departements, reference).set_index("profession")
    assert table.loc["Infirmier", ["installations", "installations_where_sparser", "installations_where_denser",
                                   "installations_unplaced"]].tolist() == [4, 1, 2, 1]
    assert table.loc["Médecin généraliste", ["installations", "installations_where_sparser"]].tolist() == [1, 1]
    assert table.loc["Masseur-kinésithérapeute", ["installations", "installations_unplaced"]].tolist() == [1, 1]
    assert table.loc["Sage-femme", "installations"] == 0 and "Orthophoniste" not in table.index
    assert table["register_profession"].tolist()[:2] == ["medecin_generaliste", "medecin_specialiste"]


def test_the_gain_is_shared_by_the_installations_found_and_none_without_any():
    impact = pd.DataFrame({"population": [2000.0], "apl_with_agency": [3.0], "apl_without_agency": [2.0],
                           "apl_gain": [1.0]})
    cases = pd.DataFrame({"status": ["installed", "installed"], "rpps_id": ["g1", "g2"]})
    two = impact_summary(impact, cases, pd.DataFrame({"rpps_id": ["g1", "g2", "g3"]})).iloc[0]
    assert two["apl_gain_per_installation"] == pytest.approx(0.5) and two["density_gain_per_10000"] == pytest.approx(10.0)
    none_found = impact_summary(impact, cases, pd.DataFrame({"rpps_id": ["g3"]})).iloc[0]
    assert none_found["gp_installations_in_register"] == 0 and none_found["apl_gain_per_installation"] is None
    nobody = impact.iloc[:0]  # no commune with an APL: no figure, and None (SQL NULL), not NaN
    empty = impact_summary(nobody, cases, pd.DataFrame({"rpps_id": ["g1"]})).iloc[0]
    assert empty["apl_with_agency"] is None and empty["apl_without_agency"] is None
    assert empty["density_gain_per_10000"] is None and empty["communes_gaining"] == 0


def test_the_plans_axes_in_their_order_and_no_spend_per_installation_without_any():
    budget = pd.DataFrame({"axis_number": [3, 1], "axis_title": ["C", "A"], "year": [2024, 2024],
                           "amount_eur": [300.0, 100.0], "offers": ["Stage", "Jobpack"]})
    table = budget_outcomes(budget, pd.DataFrame({"status": ["contacted"], "offer": ["Stage"]}))
    assert table["axis_number"].tolist() == [1, 3, 0] and table["installations_attributable"].tolist() == [0, 0, 0]
    assert table["spend_per_installation_eur"].isna().all()
