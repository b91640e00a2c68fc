"""Indicators over time on two communes close enough that every GP is in full reach of
everyone: the APL is then the consultations offered over the (here unstandardised)
population, 3 000 per full-time GP as the settings given say (not the default 4 900), a
figure computed by hand for each snapshot."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from observatory.accessibility.apl import AplSettings
from observatory.indicators.time_series import indicators_by_snapshot, snapshot_date
from observatory.sources.errors import SourceFormatError
from observatory.sources.gp_benchmark import SCHEMA as BENCHMARK_SCHEMA

NO_BENCHMARK = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in BENCHMARK_SCHEMA.items()})

REFERENCE = pd.DataFrame({
    "commune_code": ["41001", "41002"], "commune_name": ["Alpha", "Bêta"], "epci_code": ["E1", "E1"],
    "epci_name": ["CC Un", "CC Un"], "departement_code": ["41", "41"], "departement_name": ["Loir-et-Cher"] * 2,
    "population": [1000, 3000],
})
PAIRS = pd.DataFrame({"origin": ["41001", "41001", "41002", "41002"], "destination": ["41001", "41002", "41002", "41001"],
                      "minutes": [3.0, 8.0, 2.0, 8.0]})  # all within 10 minutes: weight 1


def _gps(snapshot: str, communes: list[str], ages: list[int | None]) -> pd.DataFrame:
    return pd.DataFrame({"snapshot_date": pd.Timestamp(snapshot), "commune_code": communes,
                         "age": pd.array(ages, dtype="Int64"), "fte": 1.0, "practice_mode": "libéral",
                         "rpps_id": [f"{snapshot}-{n}" for n in range(len(communes))]})


def test_each_snapshot_counts_its_gps_and_their_apl_at_every_level():
    gps = pd.concat([_gps("2022-06-30", ["41001"], [60]), _gps("2023-06-30", ["41001", "41002"], [61, None])])
    dates = [date(2023, 6, 30), date(2021, 6, 30), date(2022, 6, 30)]  # in any order; 2021 has no GP
    table = indicators_by_snapshot(gps, dates, REFERENCE, PAIRS, AplSettings(consultations_per_fte=3000), 55,
                                   NO_BENCHMARK)
    assert table.columns.tolist() == ["snapshot_date", "level", "code", "name", "population", "register_complete",
                                      "gps", "gp_density", "gps_age_known", "gps_senior", "share_senior", "apl"]
    departement = table[table["level"] == "departement"].set_index("snapshot_date")
    assert departement.index.tolist() == [pd.Timestamp("2021-06-30"), pd.Timestamp("2022-06-30"),
                                          pd.Timestamp("2023-06-30")]
    # 2021's register holds no GP of the département: no figure that year, not a fall to 0.
    assert departement["register_complete"].tolist() == [False, True, True]
    assert departement.loc["2021-06-30", ["gps", "gp_density", "gps_age_known", "share_senior", "apl"]].isna().all()
    assert departement["gps"].tolist()[1:] == [1, 2]
    assert departement["gp_density"].tolist()[1:] == [2.5, 5.0]  # per 10 000 of 4 000 inhabitants
    assert departement["apl"].tolist()[1:] == pytest.approx([3000 / 4000, 6000 / 4000])
    assert departement["gps_age_known"].tolist()[1:] == [1, 1] and departement["share_senior"].iloc[1:].tolist() == [1, 1]
    communes = table[(table["level"] == "commune") & (table["snapshot_date"] == "2023-06-30")]
    assert communes["code"].tolist() == ["41001", "41002"] and communes["name"].tolist() == ["Alpha", "Bêta"]
    assert communes["apl"].tolist() == pytest.approx([6000 / 4000] * 2)
    epci = table[table["level"] == "epci"]
    assert epci["code"].unique().tolist() == ["E1"] and epci["apl"].tolist() == pytest.approx(departement["apl"].tolist(), nan_ok=True)
    assert len(table) == 3 * (2 + 1 + 1)


def test_the_ring_adds_its_gps_to_the_apl_but_not_to_the_territorys_counts():
    ring = REFERENCE.iloc[[0]].assign(commune_code="45001", commune_name="Anneau", departement_code="45",
                                      population=0)
    area = pd.concat([REFERENCE, ring], ignore_index=True)
    pairs = pd.concat([PAIRS, pd.DataFrame({"origin": ["41001", "41002"], "destination": ["45001", "45001"],
                                            "minutes": [5.0, 9.0]})], ignore_index=True)
    ring_gps = pd.DataFrame({"commune_code": ["45001"], "age": pd.array([50], dtype="Int64"), "fte": 1.0})
    table = indicators_by_snapshot(_gps("2022-06-30", ["41001"], [60]), [date(2022, 6, 30)], REFERENCE, pairs,
                                   AplSettings(), 55, NO_BENCHMARK, area=area, ring_gps=ring_gps,
                                   ring_complete=pd.Series({"45": True}))
    departement = table[table["level"] == "departement"].iloc[0]
    assert departement["gps"] == 1 and departement["apl"] == pytest.approx(9800 / 4000)
    # The ring's register partial: every commune within its reach loses its APL, not its count.
    partial = indicators_by_snapshot(_gps("2022-06-30", ["41001"], [60]), [date(2022, 6, 30)], REFERENCE, pairs,
                                     AplSettings(), 55, NO_BENCHMARK, area=area, ring_gps=ring_gps,
                                     ring_complete=pd.Series({"45": False}))
    assert partial["apl"].isna().all() and partial.loc[partial["level"] == "departement", "gps"].tolist() == [1]


def test_each_snapshot_is_checked_against_the_cnam_count():
    """The CNAM counts 2 liberal GPs in 41: a snapshot holding 1 (50 %) is partial and has no
    figure; one holding 2 is complete."""
    benchmark = pd.DataFrame({"year": pd.array([2023], dtype="Int64"), "profession": "Ensemble des médecins généralistes",
                              "level": "departement", "departement_code": "41", "departement_name": "Loir-et-Cher",
                              "region_code": "24", "region_name": "Centre-Val de Loire", "age_class": "tout_age",
                              "age_label": "Tout âge", "headcount": pd.array([2.0], dtype="Float64"),
                              "density_per_100k": pd.array([50.0], dtype="Float64"), "line": 2})
    gps = pd.concat([_gps("2022-06-30", ["41001"], [60]), _gps("2023-06-30", ["41001", "41002"], [61, None])])
    table = indicators_by_snapshot(gps, [date(2022, 6, 30), date(2023, 6, 30)], REFERENCE, PAIRS, AplSettings(), 55,
                                   benchmark)
    departement = table[table["level"] == "departement"].set_index("snapshot_date")
    assert departement["register_complete"].tolist() == [False, True]
    assert departement["gps"].isna().tolist() == [True, False] and departement["apl"].isna().tolist() == [True, False]


def test_no_snapshot_gives_an_empty_series_with_its_columns():
    table = indicators_by_snapshot(_gps("2022-06-30", [], []), [], REFERENCE, PAIRS, AplSettings(), 55, NO_BENCHMARK)
    assert table.empty and "apl" in table.columns and "snapshot_date" in table.columns


def test_a_snapshot_is_dated_by_its_vintage_or_refused_naming_its_file():
    assert snapshot_date("2023-06-30", "PS_LibreAcces_Personne_activite_202306300800.txt") == date(2023, 6, 30)
    with pytest.raises(SourceFormatError, match=r"(?s)PS_LibreAcces_2023\.txt.*must carry its date"):
        snapshot_date("", "PS_LibreAcces_2023.txt")
    with pytest.raises(SourceFormatError, match="must carry its date"):
        snapshot_date(None, "snapshot.txt")
