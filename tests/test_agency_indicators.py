"""The agency's indicators on six cases whose every figure is counted by hand: the funnel by
profession and by quarter, the days to installation, where installations landed, the APL
they add, the plan's spend per installation and the action sheet's yearly figures."""

from __future__ import annotations

import pandas as pd
import pytest

from observatory.indicators.agency_outcomes import (action_sheet_indicators, agency_gps, budget_outcomes, funnel_by,
                                                    funnel_by_quarter, impact_summary, installations_by_desert_class,
                                                    installations_by_epci, time_to_installation)

GP, INTERN, NURSE = "Médecin généraliste", "Interne en médecine", "Infirmier"
CASES = pd.DataFrame({
    "status": ["installed", "installed", "installed", "accompanied", "abandoned", "contacted"],
    "installation_type": ["durable", "replacement", "durable", None, None, None],
    "profession": [GP, GP, NURSE, INTERN, GP, INTERN],
    "offer": ["Aide installation", "Remplacement", "Aide installation", "Stage", "Aide installation", "Stage"],
    "first_contact": pd.to_datetime(["2023-01-10", "2023-03-01", "2023-11-20", "2024-01-03", "2023-06-01",
                                     "2024-02-01"]),
    "accompanied_on": pd.to_datetime(["2023-02-01", "2023-03-15", "2024-01-05", "2024-01-10", "2023-06-10", None]),
    "installed_on": pd.to_datetime(["2023-04-11", "2023-05-30", "2024-02-19", None, None, None]),
    "installation_commune_code": ["41001", "41002", "99999", None, None, None],
    "rpps_id": ["101", "", None, None, None, None],
    "aid_eur": [6000.0, 0.0, 3000.0, 1500.0, 0.0, None],
})


def test_the_funnel_per_profession_with_its_conversion_and_median_days():
    table = funnel_by(CASES, "profession").set_index("profession")
    assert table.index.tolist() == [GP, INTERN, NURSE]  # most contacted first
    assert table.loc[GP, ["contacted", "accompanied", "installed", "installed_durable", "installed_replacement",
                          "abandoned"]].tolist() == [3, 3, 2, 1, 1, 1]
    assert table.loc[GP, "median_days_contact_to_installation"] == 90.5  # 91 and 90 days
    assert table.loc[GP, "conversion_accompanied_to_installed"] == pytest.approx(2 / 3)
    assert table.loc[INTERN, "conversion_accompanied_to_installed"] == 0.0
    assert pd.isna(table.loc[INTERN, "median_days_contact_to_installation"])
    assert table.loc[NURSE, ["contacted", "installed"]].tolist() == [1, 1]
    offers = funnel_by(CASES, "offer")
    assert offers["offer"].tolist() == ["Aide installation", "Stage", "Remplacement"]
    assert offers["installed"].tolist() == [2, 0, 1]


def test_a_profession_nobody_was_accompanied_in_has_no_conversion():
    table = funnel_by(CASES[CASES["status"] == "contacted"], "profession")
    assert table["accompanied"].tolist() == [0] and pd.isna(table["conversion_accompanied_to_installed"].iloc[0])


def test_each_quarter_counts_its_contacts_accompaniments_and_installations():
    table = funnel_by_quarter(CASES)
    assert table.values.tolist() == [["2023-T1", 2023, 1, 2, 2, 0], ["2023-T2", 2023, 2, 1, 1, 2],
                                     ["2023-T4", 2023, 4, 1, 0, 0], ["2024-T1", 2024, 1, 2, 2, 1]]


def test_days_to_installation_from_contact_and_from_accompaniment():
    row = time_to_installation(CASES).iloc[0]
    assert row["installations"] == 3
    assert row["median_days_from_contact"] == 91 and row["mean_days_from_contact"] == pytest.approx(272 / 3)
    assert (row["q1_days_from_contact"], row["q3_days_from_contact"]) == (90.5, 91.0)
    assert row["median_days_from_accompaniment"] == 69  # 69, 76 and 45 days


def test_installations_by_the_class_of_the_commune_they_landed_in_and_by_epci():
    communes = pd.DataFrame({"commune_code": ["41001", "41002"],
                             "desert_class": pd.array(["desert", None], dtype="string")})
    table = installations_by_desert_class(CASES, communes)
    assert table[["desert_class", "installations", "durable", "replacement"]].values.tolist() == [
        ["desert", 1, 1, 0], ["outside the territory", 1, 1, 0], ["unclassified", 1, 0, 1]]
    assert table["share"].tolist() == pytest.approx([1 / 3] * 3)
    reference = pd.DataFrame({"commune_code": ["41001", "41002"], "epci_code": ["E1", "E1"],
                              "epci_name": ["CC Un", "CC Un"]})
    assert installations_by_epci(CASES, reference).values.tolist() == [["E1", "CC Un", 2]]


def test_the_apl_the_agencys_gps_add_weighed_by_population():
    gps = pd.DataFrame({"rpps_id": ["101", "202", ""]})
    assert agency_gps(gps, CASES).tolist() == [True, False, False]  # an empty id matches no case
    impact = pd.DataFrame({"population": [1000, 3000, 500], "apl_with_agency": [2.0, 4.0, None],
                           "apl_without_agency": [1.0, 4.0, None], "apl_gain": [1.0, 0.0, None]})
    row = impact_summary(impact, CASES, gps).iloc[0]
    assert (row["installations"], row["gp_installations_recorded"], row["gp_installations_in_register"]) == (3, 1, 1)
    assert row["apl_with_agency"] == pytest.approx((2.0 * 1000 + 4.0 * 3000) / 4000)
    assert row["apl_without_agency"] == pytest.approx((1.0 * 1000 + 4.0 * 3000) / 4000)
    assert row["apl_gain"] == pytest.approx(0.25) and row["apl_gain_per_installation"] == pytest.approx(0.25)
    assert row["communes_gaining"] == 1 and row["density_gain_per_10000"] == pytest.approx(1 / 4500 * 10_000)


def test_spend_per_installation_per_axis_of_the_plan_and_for_the_whole():
    budget = pd.DataFrame({
        "axis_number": [1, 1, 2, 3], "axis_title": ["Attirer", "Attirer", "Former", "Communiquer"],
        "year": [2023, 2024, 2024, 2024], "amount_eur": [10_000.0, 5_000.0, 3_000.0, 2_000.0],
        "offers": ["Aide installation, Remplacement", " Aide installation ", "Stage", None],
    })
    table = budget_outcomes(budget, CASES)
    assert table["axis_number"].tolist() == [1, 2, 3, 0]
    assert table["axis_title"].tolist() == ["Attirer", "Former", "Communiquer", "Ensemble du plan"]
    assert table["years"].tolist() == ["2023, 2024", "2024", "2024", "2023, 2024"]
    assert table["offers"].tolist() == ["Aide installation, Remplacement", "Stage", "", ""]
    assert table["spend_eur"].tolist() == [15_000.0, 3_000.0, 2_000.0, 20_000.0]
    assert table["installations_attributable"].tolist()[:2] == [3, 0] and pd.isna(table["installations_attributable"][2])
    assert table["installations_attributable"].tolist()[3] == 3
    spend = table["spend_per_installation_eur"].tolist()
    assert spend[0] == 5_000.0 and pd.isna(spend[1]) and pd.isna(spend[2]) and spend[3] == pytest.approx(20_000 / 3)


def test_the_action_sheet_per_year_with_the_years_last_snapshot():
    series = pd.DataFrame({
        "level": ["departement", "departement", "departement", "departement", "epci"],
        "snapshot_date": pd.to_datetime(["2022-06-30", "2023-06-30", "2023-12-31", "2024-06-30", "2024-06-30"]),
        "gps": [9, 10, 12, 11, 4],
    })
    table = action_sheet_indicators(CASES, series)
    assert table["year"].tolist() == [2022, 2023, 2024]
    assert table["gps_in_departement"].tolist() == [9, 12, 11]
    assert table["grants_delivered"].tolist()[1:] == [1, 2] and table["grants_amount_eur"].tolist()[1:] == [6000, 4500]
    assert table["interns_accompanied"].tolist()[1:] == [0, 1]
    assert table[["grants_delivered", "grants_amount_eur", "interns_accompanied"]].iloc[0].isna().all()
    assert table.columns.tolist() == ["year", "grants_delivered", "grants_amount_eur", "interns_accompanied",
                                      "gps_in_departement"]
