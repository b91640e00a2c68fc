"""Fidelity to the DREES's APL: its workbook read as published, the agreement measured."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from observatory.accessibility.agreement import (agreement_by_commune, agreement_by_departement,
                                                 agreement_measures, cohen_kappa)
from observatory.accessibility.parameters import DREES_2023
from observatory.sources.drees_apl import read_drees_parameters, read_official_apl
from observatory.sources.errors import SourceFormatError

WORKBOOK = "apl/drees_apl_medecins_generalistes_2022_2023_extrait.xlsx"


def test_the_parameters_sheet_is_the_method_shipped(shared_data):
    parameters = read_drees_parameters(shared_data / WORKBOOK)
    assert parameters.year == 2023  # the latest year's column
    assert parameters.distance_weights == ((10.0, 1.0), (15.0, 2 / 3), (20.0, 1 / 3))
    assert parameters.age_weights[0] == (0, 4, 1.12) and parameters.age_weights[-1] == (90, None, 2.26)
    assert len(parameters.age_weights) == 19
    assert (parameters.activity_floor, parameters.activity_low, parameters.activity_high,
            parameters.newly_installed) == (250, 3600, 6000, 5400)
    # The copy shipped for territories without the workbook says the same.
    assert (parameters.distance_weights, parameters.age_weights) == (DREES_2023.distance_weights, DREES_2023.age_weights)


def test_the_official_apl_of_the_latest_year(shared_data):
    staged = read_official_apl(shared_data / WORKBOOK, ("2A", "2B"))
    table = staged.table.set_index("commune_code")
    assert staged.stats == {"sheet": "APL 2023", "year": 2023}
    assert (table.index.str[:2].value_counts().to_dict()) == {"2B": 236, "2A": 52}
    assert table.loc["2A001", ["official_apl", "official_apl_65", "official_standardised_population",
                               "official_population"]].tolist() == [1.782, 1.782, 3376.914, 3336.0]
    assert table.loc["2A001", "line"] == 662  # the row in the sheet
    assert staged.rows_read == len(staged.table) + len(staged.rejects) + staged.out_of_scope


def test_a_workbook_whose_header_moved_is_refused_with_its_row(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "APL 2024"
    sheet = book["APL 2024"]
    sheet.cell(row=9, column=1, value="Code commune INSEE")
    sheet.cell(row=9, column=2, value="Commune")
    sheet.cell(row=9, column=3, value="Accessibilité aux généralistes")  # renamed
    sheet.cell(row=11, column=1, value="41018")
    path = tmp_path / "drees_apl_medecins_generalistes_2024.xlsx"
    book.save(path)
    with pytest.raises(SourceFormatError, match=r"line 9, field 'apl aux médecins généralistes'"):
        read_official_apl(path, ("41",))


def test_agreement_measures_by_hand():
    ours = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    official = pd.Series([1.5, 1.0, 3.5, 2.6, 6.0, 5.0])
    measures = agreement_measures(ours, official, 2.5)
    # ranks 1..6 against 2,1,4,3,6,5: d² = 1 each, Spearman = 1 − 6·6 / (6·35) = 29/35
    assert measures["spearman"] == pytest.approx(29 / 35)
    assert measures["mean_absolute_error"] == pytest.approx((0.5 + 1 + 0.5 + 1.4 + 1 + 1) / 6)
    # below 2.5: ours {1, 2}, official {1.5, 1.0}: the same two communes → kappa 1
    assert measures["class_agreement"] == 1.0 and measures["kappa"] == pytest.approx(1.0)
    # 4 items, agree on 2: p_o = 0.5, p_e = 0.5·0.5 + 0.5·0.5 = 0.5 → kappa 0
    assert cohen_kappa(pd.Series([True, True, False, False]), pd.Series([True, False, True, False])) == 0.0
    # Our APL alike everywhere: no ranking to compare (None, not NaN), the error and classes still are.
    flat = agreement_measures(pd.Series([2.0] * 6), official, 2.5)
    assert (flat["spearman"], flat["pearson"], flat["kappa"]) == (None, None, None)
    assert flat["class_agreement"] == pytest.approx(2 / 6)  # all below 2.5; officially 2 of 6


def test_agreement_per_commune_and_per_departement_by_hand():
    ours = pd.DataFrame({
        "commune_code": ["41001", "41002", "41003", "41004", "41005", "45001", "47001", "47002"],
        "commune_name": list("ABCDEFGH"),
        "departement_code": ["41"] * 5 + ["45"] + ["47"] * 2,
        "apl": [1.0, 3.0, 8.0, None, 2.0, 2.0, 1.0, 2.0],  # 41004: a partial register within reach, no APL
        "catchment_complete": [True, True, True, False, True, True, True, True],
        "population": 100,
    })
    official = pd.DataFrame({
        "commune_code": ["41001", "41002", "41003", "41004", "41005", "45001", "47001", "47002", "41999"],
        "official_apl": [2.0, 3.0, 4.0, 1.0, 3.5, 3.0, 3.0, 4.0, 1.0],
        "year": [2023, 2023, 2022, 2023, 2023, 2023, 2023, 2023, 2023],
    })
    by_commune = agreement_by_commune(ours, official, 2.5)
    assert by_commune.columns.tolist() == ["commune_code", "commune_name", "departement_code", "apl", "official_apl",
                                           "year", "desert", "official_desert", "comparable"]
    assert by_commune["commune_code"].tolist() == ours["commune_code"].tolist()  # 41999: not ours, not compared
    assert by_commune["desert"].tolist() == [True, False, False, pd.NA, True, True, True, True]  # no APL, no class
    assert by_commune["official_desert"].tolist() == [True, False, False, True, False, False, False, False]
    assert by_commune["comparable"].tolist() == [True, True, True, False, True, True, True, True]

    table = agreement_by_departement(by_commune, 2.5).set_index("departement_code")
    assert table.columns.tolist() == ["year", "communes_compared", "communes_withheld", "spearman", "pearson",
                                      "mean_absolute_error", "class_agreement", "kappa"]
    loir_et_cher = table.loc["41"]  # 41004 withheld: ours 1, 3, 8, 2 against 2, 3, 4, 3.5
    assert (loir_et_cher["year"], loir_et_cher["communes_compared"], loir_et_cher["communes_withheld"]) == (2023, 4, 1)
    # ranks 1, 3, 4, 2 against 1, 2, 4, 3: d² = 0 + 1 + 0 + 1, Spearman = 1 − 6·2 / (4·15) = 0.8
    assert loir_et_cher["spearman"] == pytest.approx(0.8)
    # deviations −2.5, −0.5, 4.5, −1.5 and −1.125, −0.125, 0.875, 0.375: Σ products 6.25, Σ squares 29 and 2.1875
    assert loir_et_cher["pearson"] == pytest.approx(6.25 / math.sqrt(29 * 2.1875))
    assert loir_et_cher["mean_absolute_error"] == pytest.approx((1 + 0 + 4 + 1.5) / 4)
    # below 2.5: ours 41001 and 41005, official 41001 only: 3 of 4 agree; p_e = ½·¼ + ½·¾ = ½, kappa = (¾ − ½) / ½
    assert loir_et_cher["class_agreement"] == 0.75 and loir_et_cher["kappa"] == pytest.approx(0.5)
    # One or two communes rank nothing: no correlation, no kappa, but the error and the classes still count.
    for code, error, agreement in (("45", 1.0, 0.0), ("47", 2.0, 0.0)):
        row = table.loc[code]
        assert row[["spearman", "pearson", "kappa"]].isna().all()
        assert (row["mean_absolute_error"], row["class_agreement"]) == (error, agreement)


def test_agreement_over_no_commune_is_no_figure():
    measures = agreement_measures(pd.Series([], dtype="float64"), pd.Series([], dtype="float64"), 2.5)
    assert measures == {"communes": 0, "spearman": None, "pearson": None, "mean_absolute_error": None,
                        "class_agreement": None, "kappa": None}
    assert math.isnan(cohen_kappa(pd.Series([True, True]), pd.Series([True, True])))  # no chance to beat


def test_the_border_ring_makes_the_territory_apl_exact(shared_data):
    """Corse-du-Sud with Haute-Corse across its border (real contours and populations, the
    real GPs of 2A and, as test input, one GP in each 2B commune of 1 000 inhabitants or
    more): the APL computed over 2A and its ring equals, on 2A, the APL over both whole
    départements; without the ring it does not."""
    import numpy as np

    from observatory.accessibility.apl import apl_by_commune
    from observatory.accessibility.border_ring import FASTEST_ROAD, apl_area, ring_of
    from observatory.accessibility.travel_times import RoadModel, estimated_times
    from observatory.indicators.gp_supply import identify_gps
    from observatory.sources.communes import read_commune_contours
    from observatory.sources.population import read_population
    from observatory.sources.rpps import read_rpps_extract

    corse = shared_data / "corse"
    population = read_population(corse / "communes_2A_2B_population.csv", ("2A", "2B")).table
    contours = {code: pd.DataFrame(read_commune_contours(corse / name, (code,)).table.drop(columns="geometry"))
                .merge(population[["commune_code", "population"]], on="commune_code")
                for code, name in (("2A", "gregoiredavid_communes-2A-corse-du-sud.geojson"),
                                   ("2B", "gregoiredavid_communes-2B-haute-corse.geojson"))}
    activities = read_rpps_extract(corse / "PS_LibreAcces_Personne_activite_2A_cnam2021.txt", ("2A",)).table
    gps = identify_gps(activities, pd.DataFrame(columns=["rpps_id", "birth_year", "fte", "planned_departure"]),
                                ("SM26", "SM53", "SM54"), 2024)
    towns = contours["2B"][contours["2B"]["population"] >= 1000]
    gps = pd.concat([gps, pd.DataFrame({"commune_code": towns["commune_code"], "fte": 1.0, "age": np.nan})])
    road = RoadModel(detour=1.3, speed_kmh=60.0)

    def apl_on_2a(area: pd.DataFrame) -> pd.Series:
        apl = apl_by_commune(area, gps[gps["commune_code"].isin(area["commune_code"])],
                             estimated_times(area, 20.0, road)).set_index("commune_code")["apl"]
        return apl.reindex(contours["2A"]["commune_code"])

    ring = ring_of(contours["2A"], contours["2B"], 20.0, FASTEST_ROAD)
    assert 0 < len(ring) < len(contours["2B"])  # a ring, not the whole neighbour
    with_ring = apl_on_2a(apl_area(contours["2A"], ring))
    whole = apl_on_2a(apl_area(contours["2A"], contours["2B"]))
    alone = apl_on_2a(contours["2A"])
    assert np.abs(with_ring - whole).max() <= 1e-9
    assert np.abs(alone - whole).max() > 0.01  # the border matters: without the ring, 2A's APL is wrong


def test_single_years_of_age_become_the_drees_five_year_bands(tmp_path):
    from observatory.accessibility.apl import standardised_population
    from observatory.accessibility.parameters import FIVE_YEAR_BANDS
    from observatory.sources.population_by_age import read_population_by_age

    path = tmp_path / "TD_POP1B_2021.csv"
    path.write_text("NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB\n"
                    "COM;41018;Blois;1;3;10.5\n"       # band 0-4
                    "COM;41018;Blois;2;4;4.5\n"        # band 0-4
                    "COM;41018;Blois;1;47;20\n"        # band 45-49
                    "COM;41018;Blois;2;100;2\n"        # 100 and over: band 90+
                    "COM;41018;Blois;2;101;1\n"        # quarantined: no such age
                    "COM;41018;Blois;1;30;n/a\n"       # quarantined: not a count
                    "COM;4101X;Ailleurs;1;30;5\n"      # quarantined: malformed code
                    "COM;45234;Orléans;1;30;100\n",    # another département: out of scope
                    encoding="utf-8")
    staged = read_population_by_age(path, ("41",))
    row = staged.table.set_index("commune_code").loc["41018"]
    assert (row["age_0_4"], row["age_45_49"], row["age_90_plus"]) == (15.0, 20.0, 2.0)
    assert row[list(FIVE_YEAR_BANDS)].sum() == 37.0
    assert sorted(staged.rejects["line"]) == [6, 7, 8] and staged.out_of_scope == 1
    assert staged.rows_read == 8
    reference = staged.table.assign(population=37.0)
    demand, method = standardised_population(reference)
    assert demand.iloc[0] == pytest.approx(15 * 1.12 + 20 * 0.93 + 2 * 2.26)  # DREES 2023 weights, by hand
    assert method.tolist() == ["five_year_bands"]


def test_an_apl_of_exactly_the_threshold_is_no_desert_and_three_communes_rank():
    """« Désert » is an APL below 2.5, not at it, on both sides; three communes are enough to
    rank, even when the official APLs lie within one consultation of each other."""
    ours, official = pd.Series([2.5, 2.0, 3.0]), pd.Series([2.5, 2.4, 2.9])
    measures = agreement_measures(ours, official, 2.5)
    assert measures["class_agreement"] == 1.0  # 2.5 is no desert either side: only the second commune is one
    assert measures["spearman"] == pytest.approx(1.0) and measures["kappa"] == pytest.approx(1.0)  # same order
    by_commune = agreement_by_commune(
        pd.DataFrame({"commune_code": ["41001"], "commune_name": ["A"], "departement_code": ["41"], "apl": [2.5],
                      "catchment_complete": [True]}),
        pd.DataFrame({"commune_code": ["41001"], "official_apl": [2.5], "year": [2023]}), 2.5)
    assert by_commune[["desert", "official_desert"]].values.tolist() == [[False, False]]


def test_the_apl_uses_the_parameters_it_is_given():
    """Another year's Paramètres sheet (here: a single band of 5 minutes, every age weighing 1)
    changes the catchment and the demand: the settings' parameters are the ones used, as
    the command's settings pass them on."""
    from dataclasses import replace

    from observatory.accessibility.apl import AplSettings, apl_by_commune
    from observatory.accessibility.parameters import DREES_2023
    from observatory.accessibility.providers import apl_settings
    from observatory.settings import Settings

    narrow = replace(DREES_2023, distance_weights=((5.0, 1.0),),
                     age_weights=tuple((start, end, 1.0) for start, end, _ in DREES_2023.age_weights))
    reference = pd.DataFrame({"commune_code": ["a", "b"], "population": [1000.0, 1000.0],
                              **{band: [200.0, 200.0] for band in ("pop_0_14", "pop_15_29", "pop_30_44")},
                              **{band: [400.0 / 3] * 2 for band in ("pop_45_59", "pop_60_74", "pop_75_plus")}})
    pairs = pd.DataFrame({"origin": ["a", "a", "b", "b"], "destination": ["a", "b", "b", "a"],
                          "minutes": [2.0, 8.0, 2.0, 8.0]})
    gps = pd.DataFrame({"commune_code": ["a"], "fte": [1.0], "age": [50]})
    apl = apl_by_commune(reference, gps, pairs, AplSettings(parameters=narrow)).set_index("commune_code")["apl"]
    assert apl.to_dict() == pytest.approx({"a": 4.9, "b": 0.0})  # 4 900 / 1 000 standardised, b beyond 5 minutes
    settings = apl_settings(Settings(reference_date=date(2025, 3, 31)), narrow)
    assert (settings.parameters, settings.reference_date) == (narrow, pd.Timestamp("2025-03-31"))


def test_the_apl_counts_gps_of_its_field_up_to_each_age():
    """A GP whose field or age is unknown counts (the register's liberal activity is the rule); one
    aged exactly 65 counts in the APL of GPs of 65 at most, not one of 66."""
    from observatory.accessibility.apl import AplSettings, supply_by_age_limit

    gps = pd.DataFrame({"commune_code": ["a", "a", "a", "a"], "fte": 1.0, "age": [65.0, 66.0, 50.0, 40.0],
                        "apl_field": pd.array([True, True, pd.NA, False], dtype="boolean")})
    supply = supply_by_age_limit(gps, AplSettings(), {"all": None, "65": 65, "50": 50, "49": 49})
    assert supply.to_dict("index") == {"a": {"all": 3 * 4900.0, "65": 2 * 4900.0, "50": 4900.0, "49": 0.0}}
    unknown = pd.DataFrame({"commune_code": ["b", "b"], "fte": 1.0, "age": pd.array([None, 70], dtype="Int64")})
    assert supply_by_age_limit(unknown, AplSettings(), {"all": None, "60": 60}).to_dict("index") == {
        "b": {"all": 2 * 4900.0, "60": 4900.0}}  # unknown age: counted under every limit, as the DREES does


def test_the_agreement_per_departement_in_code_order_and_its_columns_without_any_commune():
    by_commune = pd.DataFrame({"commune_code": ["47001", "41001"], "departement_code": ["47", "41"],
                               "apl": [1.0, 3.0], "official_apl": [2.0, 3.0], "year": [2023, 2023],
                               "comparable": [True, True]})
    assert agreement_by_departement(by_commune, 2.5)["departement_code"].tolist() == ["41", "47"]
    none = agreement_by_departement(by_commune.iloc[:0], 2.5)
    assert none.empty and none.columns.tolist() == ["departement_code", "year", "communes_compared",
                                                    "communes_withheld", "spearman", "pearson",
                                                    "mean_absolute_error", "class_agreement", "kappa"]
